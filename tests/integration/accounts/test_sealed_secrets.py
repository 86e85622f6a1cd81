"""Staff authenticator secrets are sealed in the database with a key kept outside it
(participation/security/sealed.py): a copy of the database cannot make anyone's codes."""

from __future__ import annotations

import pyotp
import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from participation import migrate
from participation.accounts import second_factor
from participation.models import Role
from participation.security import sealed
from tests.integration.test_migrations import database_at
from tests.support import factories


@pytest.fixture
def keys(app):
    """Put the suite's key back after a test that changes it."""
    yield
    sealed.configure(
        app.config["SECRET_KEY"],
        app.config.get("SECOND_FACTOR_KEY"),
        app.config.get("SECOND_FACTOR_OLD_KEYS"),
    )


def _enrolled(session):
    iro = factories.make_staff(session, Role.IRO)
    key = pyotp.random_base32()
    second_factor.enrol_with_secret(session, iro, key)
    session.commit()
    return iro, key


def _raw(session, staff_id: int) -> tuple[str | None, str | None]:
    row = session.execute(
        text("SELECT secret, pending_secret FROM second_factors WHERE staff_id = :id"),
        {"id": staff_id},
    ).one()
    return row[0], row[1]


def test_the_database_holds_no_readable_secret_and_the_app_reads_it_as_before(session):
    iro, key = _enrolled(session)
    stored, pending = _raw(session, iro.id)
    assert pending is None
    assert stored is not None and key not in stored and stored != key
    assert sealed.unseal(stored) == key
    session.expire_all()
    assert second_factor.factor_for(session, iro).secret == key
    # The same secret sealed twice looks different: equal secrets cannot be spotted either.
    assert sealed.seal(key) != sealed.seal(key)


def test_another_key_cannot_open_it_and_says_so(session, app, keys):
    iro, _key = _enrolled(session)
    stored, _ = _raw(session, iro.id)
    sealed.configure(app.config["SECRET_KEY"], Fernet.generate_key().decode())
    with pytest.raises(sealed.SealedKeyError, match="SECOND_FACTOR_OLD_KEYS"):
        sealed.unseal(stored)


def test_a_new_key_with_the_old_one_kept_opens_both_and_seals_with_the_new(session, app, keys):
    iro, key = _enrolled(session)
    old_stored, _ = _raw(session, iro.id)
    new_key = Fernet.generate_key().decode()
    old_key = sealed.derived_key(app.config["SECRET_KEY"]).decode()
    sealed.configure(app.config["SECRET_KEY"], new_key, old_key)
    assert sealed.unseal(old_stored) == key
    resealed = sealed.seal(key)
    sealed.configure("some other secret key", new_key)
    assert sealed.unseal(resealed) == key
    with pytest.raises(sealed.SealedKeyError):
        sealed.unseal(old_stored)


def test_the_key_is_derived_from_the_secret_key_only_when_none_is_set(keys):
    sealed.configure("one secret key")
    by_secret = sealed.seal("ABC")
    sealed.configure("one secret key", Fernet.generate_key().decode())
    with pytest.raises(sealed.SealedKeyError):
        sealed.unseal(by_secret)
    sealed.configure("one secret key")
    assert sealed.unseal(by_secret) == "ABC"


def test_the_migration_seals_secrets_already_stored_and_downgrading_opens_them(
    tmp_path, make_app, keys
):
    app, engine = database_at(tmp_path, make_app, "0011_dashboard_indexes")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO staff_members (public_id, email, name, role, active, "
                "password_hash, failed_sign_ins, created_at) VALUES ('s1', 'iro@example.org', "
                "'An IRO', 'iro', 1, 'x', 0, CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO second_factors (staff_id, secret, pending_secret, failed_attempts) "
                "VALUES (1, 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', NULL, 0)"
            )
        )
    migrate.upgrade(app)
    with engine.connect() as conn:
        stored, pending = conn.execute(
            text("SELECT secret, pending_secret FROM second_factors")
        ).one()
    assert pending is None and "JBSWY3DP" not in stored
    assert sealed.unseal(stored) == "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    migrate.downgrade(app, "0011_dashboard_indexes")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT secret FROM second_factors")).scalar_one() == (
            "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
        )
    engine.dispose()


def test_a_key_that_is_not_a_fernet_key_stops_the_app_starting(make_app, keys):
    with pytest.raises(ValueError, match="SECOND_FACTOR_KEY"):
        make_app({"SECOND_FACTOR_KEY": "not-a-key"})
