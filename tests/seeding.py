"""Running the seed commands in tests, their output as a string."""

from io import StringIO

from django.core.management import call_command


def seed_demo() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def seed_scale(factor: float) -> str:
    out = StringIO()
    call_command("seed_scale", factor=factor, stdout=out)
    return out.getvalue()
