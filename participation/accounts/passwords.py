"""Password hashing with argon2id. Parameters come from settings so tests can hash cheaply."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Verified against when the email is unknown, so that a miss costs as long as a hit.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def configure(time_cost: int, memory_cost: int) -> None:
    """Set the argon2 cost once at start-up."""
    global _hasher, _DUMMY_HASH
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost)
    _DUMMY_HASH = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches; always does the same work when there is no hash."""
    # An account with no usable hash (none yet, or an imported "no password yet" marker) costs
    # as long as a real one, so timing never tells whether an account exists.
    usable = password_hash if password_hash and password_hash.startswith("$argon2") else None
    try:
        return _hasher.verify(usable or _DUMMY_HASH, password) and usable is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
