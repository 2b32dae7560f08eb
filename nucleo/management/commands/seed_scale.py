"""``manage.py seed_scale --factor N``: the "Bench ETS" association at N times a
mid-sized association's volumes, for ``bench/pages.py``.

The tables and their volumes are the seeders registered in ``bench.seed.SEEDERS``.
"""

from django.core.management.base import BaseCommand, CommandError

from bench.seed import BENCH_ROLES, bench_email, seed


class Command(BaseCommand):
    help = (
        "Bulk-create the Bench ETS association and its rows at FACTOR times a mid-sized "
        "association (factor 1: about 1,000 members). Tops up: running it again adds nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--factor",
            type=float,
            default=1.0,
            help="Volume multiplier; fractions (0.01) give a tiny data set for tests.",
        )

    def handle(self, *args, factor: float, **options):
        if factor <= 0:
            raise CommandError("--factor must be greater than 0.")
        seed(factor=factor, out=self.stdout)
        self.stdout.write(
            "Bench users (force_login only, no password): "
            + ", ".join(bench_email(role) for role in BENCH_ROLES)
        )
