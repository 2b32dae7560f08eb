"""E-mail backends that misbehave on purpose, for the delivery tests."""

import threading
import time

from django.core.mail.backends import locmem


class FlakyEmailBackend(locmem.EmailBackend):
    """Refuses the next ``failures_left`` sends as an unreachable server would."""

    failures_left = 0
    calls = 0
    _lock = threading.Lock()

    def send_messages(self, messages):
        with FlakyEmailBackend._lock:
            FlakyEmailBackend.calls += 1
            if FlakyEmailBackend.failures_left > 0:
                FlakyEmailBackend.failures_left -= 1
                raise ConnectionRefusedError("the mail server refused the connection")
        return super().send_messages(messages)


class SlowEmailBackend(locmem.EmailBackend):
    """Takes ``delay`` seconds per send, so that races can be staged."""

    delay = 0.5
    started = threading.Event()

    def send_messages(self, messages):
        SlowEmailBackend.started.set()
        time.sleep(self.delay)
        return super().send_messages(messages)
