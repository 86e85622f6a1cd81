"""Secrets kept in the database, sealed with a key that is not there: the staff authenticator
secrets (models/second_factor.py).

With the secret, anyone can make a staff member's six-digit codes; so a copy of the database (a
backup, a stolen dump, a restore on a laptop) must not hold it readable. Each value is sealed
with Fernet (AES-128-CBC with HMAC-SHA256, from `cryptography`) before it is written, and opened
again when read, by the column type `Sealed`: the code around it sees the secret as before.

The key: SECOND_FACTOR_KEY (a Fernet key, made with
`python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`),
or when it is not set, one derived from SECRET_KEY (HKDF-SHA256, for this use only). To change
the key, set the new one in SECOND_FACTOR_KEY and the old ones, comma separated, in
SECOND_FACTOR_OLD_KEYS: values sealed with an old key still open, and are sealed with the new one
the next time they are written. Changing SECRET_KEY while relying on the derived key would lose
every enrolled authenticator (staff would set theirs up again): set SECOND_FACTOR_KEY first.
"""

from __future__ import annotations

import base64
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

# Long enough for a sealed 32-character secret (about 140 characters) with room to spare.
SEALED_LENGTH = 255
_INFO = b"my-review second factor secrets"
_keys: MultiFernet | None = None


class SealedKeyError(RuntimeError):
    """A sealed value that none of the configured keys opens."""


def derived_key(secret_key: str) -> bytes:
    """A Fernet key for sealing, from the app's SECRET_KEY (when no key of its own is set)."""
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
        secret_key.encode()
    )
    return base64.urlsafe_b64encode(raw)


def configure(secret_key: str, key: str | None = None, old_keys: str | None = None) -> None:
    """Set the keys once at start-up: `key` (or one derived from `secret_key`) seals; it and the
    `old_keys` (comma separated) open."""
    global _keys
    current = key.encode() if key else derived_key(secret_key)
    older = [k.strip().encode() for k in (old_keys or "").split(",") if k.strip()]
    try:
        _keys = MultiFernet([Fernet(current), *(Fernet(k) for k in older)])
    except ValueError:
        raise ValueError(
            "SECOND_FACTOR_KEY and SECOND_FACTOR_OLD_KEYS must be Fernet keys (32 url-safe "
            "base64-encoded bytes), made as security/sealed.py says."
        ) from None


def _configured() -> MultiFernet:
    if _keys is None:
        raise RuntimeError("Sealed secrets need their key: create the app first (create_app).")
    return _keys


def seal(value: str) -> str:
    return _configured().encrypt(value.encode()).decode("ascii")


def unseal(value: str) -> str:
    try:
        return _configured().decrypt(value.encode("ascii")).decode()
    except InvalidToken:
        raise SealedKeyError(
            "A sealed secret in the database does not open with SECOND_FACTOR_KEY (or the key "
            "derived from SECRET_KEY): was the key changed without keeping the old one in "
            "SECOND_FACTOR_OLD_KEYS?"
        ) from None


class Sealed(TypeDecorator[str]):
    """A string column stored sealed (see the module's docstring); None stays None."""

    impl = String(SEALED_LENGTH)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else seal(str(value))

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else unseal(str(value))
