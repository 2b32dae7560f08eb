"""Text messages through a pluggable backend (``NUCLEO_SMS_BACKEND``): the console by
default, a generic HTTP gateway in production."""

from __future__ import annotations

import json
import logging
import re
import urllib.error
import urllib.request

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class DeliveryError(Exception):
    """A channel could not deliver. ``permanent`` errors are not retried."""

    permanent = False


class PermanentDeliveryError(DeliveryError):
    permanent = True


class TransientDeliveryError(DeliveryError):
    permanent = False


_SEPARATORS = re.compile(r"[\s().\-/]")
_E164 = re.compile(r"^\+[1-9][0-9]{7,14}$")


def normalize_phone(raw: str, *, default_country_code: str = "39") -> str:
    """``+39 333 123-4567`` → ``+393331234567`` (E.164). Numbers written without a
    country code are taken as Italian. Raises ValueError for anything else."""
    number = _SEPARATORS.sub("", raw or "")
    if number.startswith("00"):
        number = "+" + number[2:]
    elif number and not number.startswith("+"):
        number = f"+{default_country_code}{number}"
    if not _E164.match(number):
        raise ValueError(f"not a valid phone number: {raw!r}")
    return number


class BaseSMSBackend:
    def send(self, *, to: str, text: str) -> None:
        raise NotImplementedError


class ConsoleSMSBackend(BaseSMSBackend):
    """Writes the message to the log: the default until a gateway is configured."""

    def send(self, *, to: str, text: str) -> None:
        logger.info("SMS to %s: %s", to, text)


class LocmemSMSBackend(BaseSMSBackend):
    """Keeps messages in ``LocmemSMSBackend.outbox`` (tests)."""

    outbox: list[dict] = []

    def send(self, *, to: str, text: str) -> None:
        self.outbox.append({"to": to, "text": text})


class HTTPGatewaySMSBackend(BaseSMSBackend):
    """POSTs ``{"to": ..., "text": ...}`` as JSON to ``NUCLEO_SMS_GATEWAY_URL`` with a
    bearer token. A 4xx answer is the gateway refusing this message (not retried); a
    5xx answer or a network error is retried."""

    def send(self, *, to: str, text: str) -> None:
        url = settings.NUCLEO_SMS_GATEWAY_URL
        if not url:
            raise PermanentDeliveryError("NUCLEO_SMS_GATEWAY_URL is not set")
        request = urllib.request.Request(  # noqa: S310 - the URL comes from settings
            url,
            data=json.dumps({"to": to, "text": text}).encode(),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {settings.NUCLEO_SMS_GATEWAY_TOKEN}",
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read()[:200].decode(errors="replace")
            message = f"SMS gateway answered {exc.code}: {detail}".strip()
            # 408 and 429 ask to come back later; other 4xx refuse this message.
            if 400 <= exc.code < 500 and exc.code not in (408, 429):
                raise PermanentDeliveryError(message) from exc
            raise TransientDeliveryError(message) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise TransientDeliveryError(f"SMS gateway unreachable: {exc}") from exc


def get_sms_backend() -> BaseSMSBackend:
    return import_string(settings.NUCLEO_SMS_BACKEND)()
