"""Several threads doing the same thing at the same moment, each on its own database
connection (PostgreSQL): the way the tests show a race is closed."""

import threading
from collections.abc import Callable

from django.db import connection


def at_once(*calls: Callable[[], object]) -> tuple[list, list[Exception]]:
    """Run ``calls`` in threads released together by a barrier. Returns what they
    returned (in the order they finished) and the exceptions they raised."""
    barrier = threading.Barrier(len(calls))
    results, errors = [], []

    def run(call):
        try:
            barrier.wait()
            results.append(call())
        except Exception as error:  # reported to the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors
