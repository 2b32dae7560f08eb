"""Compute the current TOTP code for a base32 secret, as an authenticator app does."""

import time

from allauth.mfa import app_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

#: A code typed this close to the end of its period may reach the server in the next
#: one, where it no longer counts: wait for a fresh period instead (as a person would).
MARGIN_SECONDS = 3


def totp_code(secret: str) -> str:
    period = app_settings.TOTP_PERIOD
    left = period - time.time() % period
    if left < MARGIN_SECONDS:
        time.sleep(left + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))
