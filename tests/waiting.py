"""Waiting for a real worker in tests: poll a condition, fail clearly after a timeout."""

import time

import pytest


def wait_until(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("the worker did not finish in time")
        time.sleep(0.1)
