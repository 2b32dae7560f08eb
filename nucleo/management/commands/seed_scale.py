"""``manage.py seed_scale --factor N``: the "Bench ETS" association at N times a
mid-sized association's volumes, for ``bench/pages.py``.

The tables and their volumes are the seeders registered in ``bench.seed.SEEDERS``;
``--only`` runs some of them, by function name.
"""

from django.core.management.base import BaseCommand, CommandError

from bench.seed import BENCH_ROLES, UnknownSeeder, bench_email, seed


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
        parser.add_argument(
            "--only",
            nargs="+",
            metavar="SEEDER",
            help=(
                "Run only these seeders (function names, e.g. evaluation_seed): one module's "
                "volumes at a larger factor on top of a smaller bench."
            ),
        )

    def handle(self, *args, factor: float, only: list[str] | None, **options):
        if factor <= 0:
            raise CommandError("--factor must be greater than 0.")
        try:
            seed(factor=factor, out=self.stdout, only=only)
        except UnknownSeeder as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            "Bench users (force_login only, no password): "
            + ", ".join(bench_email(role) for role in BENCH_ROLES)
        )
