"""Authenticator codes in tests, as a person's app would show them."""

from __future__ import annotations

import time
from datetime import timedelta

import pyotp

from participation.models import utcnow

STEP_SECONDS = 30
# Time for the page or request that takes the code to reach the server, on a busy machine.
SPARE_SECONDS = 5


def code_from_step_before(secret: str) -> str:
    """The code the app showed one step (30 s) ago. Set-up tests give it so that the code of a
    sign-in right after is a newer one (each code is accepted once).

    The server accepts one step either side of its clock, so this code is good until the step
    turns: with less than SPARE_SECONDS left of the step, wait for the next one to begin (under
    load the form reached the server two steps on, and the test failed now and then)."""
    left = STEP_SECONDS - time.time() % STEP_SECONDS
    if left < SPARE_SECONDS:
        time.sleep(left + 0.1)
    return pyotp.TOTP(secret).at(utcnow() - timedelta(seconds=STEP_SECONDS))
