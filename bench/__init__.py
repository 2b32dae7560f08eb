"""Seeding at scale (``manage.py seed_scale``) and page-timing benchmarks
(``bench/pages.py``).

Both keep a registry that each module's issue extends: ``bench.seed.SEEDERS`` for the
tables it adds, ``bench.pages.PAGES`` for the pages it adds.
"""
