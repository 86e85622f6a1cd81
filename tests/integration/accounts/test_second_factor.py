"""The second factor: required for IROs, managers and admins, offered to everyone else."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select

from participation.accounts import second_factor, service
from participation.models import (
    AuditEvent,
    AuthSession,
    RecoveryCode,
    Role,
    SecondFactor,
    StaffMember,
    utcnow,
)
from tests.integration.accounts.conftest import (
    code_for,
    current_session,
    enrol,
    labelled,
    post_form,
    setup_key,
    sign_in_with_password,
    wrong_code,
)
from tests.support import factories
from tests.support.codes import code_from_step_before


def _actions(session) -> list[tuple[str, str, str]]:
    session.expire_all()
    return [
        (e.action, e.outcome, e.detail)
        for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))
    ]


@pytest.mark.parametrize("role", [Role.IRO, Role.MANAGER, Role.ADMIN])
def test_a_password_alone_reaches_nothing_for_roles_that_need_a_second_factor(
    client, session, role
):
    staff = factories.make_staff(session, role)
    session.commit()
    response = sign_in_with_password(client, staff)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/second-factor/set-up")
    row = current_session(session, staff)
    assert row.second_factor_at is None
    # Every other page treats the browser as signed out, and signing in again leads back here.
    for path in ("/", "/my-children", "/council", "/admin/", "/account", "/admin/audit"):
        landing = client.get(path, follow_redirects=True)
        assert "Set up your authenticator app" in landing.text, path
    page = client.get("/second-factor/set-up").text
    refused = client.post("/account/sessions/end", data={"csrf_token": "x", "handle": "others"})
    assert refused.status_code in (400, 401)
    assert 'role="img"' in page and "<svg" in page


def test_set_up_shows_a_qr_code_made_here_and_the_key_then_recovery_codes(client, session, iro):
    response = sign_in_with_password(client, iro)
    page = client.get(response.headers["Location"]).text
    key = setup_key(page)
    assert len(key) == 32
    stored = session.scalar(select(SecondFactor).where(SecondFactor.staff_id == iro.id))
    assert stored.pending_secret == key and stored.secret is None
    # The QR code is inline SVG made by the app: no image from elsewhere, no style attributes.
    assert "<svg" in page and "<path" in page and "style=" not in page and "<img" not in page
    assert 'aria-label="QR code for your authenticator app to scan"' in page
    assert labelled(page, "code", "Security code")

    done = post_form(client, "/second-factor/set-up", {"code": code_for(key)})
    assert done.status_code == 200
    assert "Your recovery codes" in done.text
    assert done.text.count("<li><code>") == second_factor.RECOVERY_CODE_COUNT
    # Only argon2 hashes are kept.
    hashes = session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(hashes) == 10 and all(h.startswith("$argon2") for h in hashes)
    assert client.get("/my-children").status_code == 200


def test_a_wrong_set_up_code_is_refused_and_nothing_changes(client, session, iro):
    response = sign_in_with_password(client, iro)
    key = setup_key(client.get(response.headers["Location"]).text)
    refused = post_form(client, "/second-factor/set-up", {"code": wrong_code(key)})
    assert refused.status_code == 200
    assert "The security code is not right" in refused.text
    assert refused.text.count('href="#code"') == 1
    assert client.get("/my-children").status_code == 302
    session.expire_all()
    assert not second_factor.is_enrolled(session, iro)


def test_each_sign_in_makes_a_new_set_up_key_until_one_is_confirmed(app, session, iro):
    first, second = app.test_client(), app.test_client()
    first_key = setup_key(first.get(sign_in_with_password(first, iro).headers["Location"]).text)
    second_key = setup_key(second.get(sign_in_with_password(second, iro).headers["Location"]).text)
    assert first_key != second_key
    # Only the newest key can be confirmed.
    stale = post_form(first, "/second-factor/set-up", {"code": code_for(first_key)})
    assert "The security code is not right" in stale.text


def test_signing_in_again_asks_for_a_code_and_a_fresh_code_gets_in(app, session, iro):
    key, _codes = enrol(app.test_client(), iro)
    client = app.test_client()
    response = sign_in_with_password(client, iro)
    assert response.headers["Location"].startswith("/second-factor?") or response.headers[
        "Location"
    ] == ("/second-factor")
    page = client.get("/second-factor").text
    assert labelled(page, "code", "Security code")
    assert 'autocomplete="one-time-code"' in page and 'inputmode="numeric"' in page
    pending_token = current_session(session, iro).token_hash
    done = post_form(client, "/second-factor", {"code": code_for(key)})
    assert done.status_code == 302 and done.headers["Location"] == "/"
    assert client.get("/my-children").status_code == 200
    # Giving the second factor renews the session: the password-only token is finished.
    assert current_session(session, iro).token_hash != pending_token
    actions = _actions(session)
    assert ("sign-in", "ok", "second-factor-next") in actions
    assert ("second-factor", "ok", "security-code") in actions


def test_codes_are_typed_with_spaces_or_other_digits(app, session, iro):
    key, _codes = enrol(app.test_client(), iro)
    client = app.test_client()
    sign_in_with_password(client, iro)
    code = code_for(key)
    arabic = "".join(chr(0x0660 + int(d)) for d in code)
    typed = f" {arabic[:3]} {arabic[3:]} "
    assert post_form(client, "/second-factor", {"code": typed}).status_code == 302


def test_a_code_is_accepted_only_once(session, iro):
    now = utcnow()
    secret = second_factor.start_enrolment(session, iro)
    signed = service.sign_in(session, iro.email, factories.PASSWORD, now=now)
    second_factor.confirm_enrolment(
        session, iro, signed.auth_session, pyotp.TOTP(secret).at(now - timedelta(seconds=30)), now
    )
    again = service.sign_in(session, iro.email, factories.PASSWORD, now=now)
    code = pyotp.TOTP(secret).at(now)
    second_factor.verify_code(session, iro, again.auth_session, code, now)
    third = service.sign_in(session, iro.email, factories.PASSWORD, now=now)
    with pytest.raises(second_factor.SecondFactorError) as refused:
        second_factor.verify_code(session, iro, third.auth_session, code, now)
    assert refused.value.reason == "reused-code"
    # An older code than the last one used is refused too, even inside the window.
    with pytest.raises(second_factor.SecondFactorError) as older:
        second_factor.verify_code(
            session,
            iro,
            third.auth_session,
            pyotp.TOTP(secret).at(now - timedelta(seconds=30)),
            now,
        )
    assert older.value.reason == "reused-code"
    # The next step's code (the phone's clock a little ahead) is fine.
    second_factor.verify_code(
        session, iro, third.auth_session, pyotp.TOTP(secret).at(now + timedelta(seconds=30)), now
    )


def test_codes_more_than_one_step_away_are_refused(session, iro):
    now = utcnow()
    second_factor.enrol_with_secret(session, iro, pyotp.random_base32())
    session.commit()
    factor = second_factor.factor_for(session, iro)
    signed = service.sign_in(session, iro.email, factories.PASSWORD, now=now)
    for seconds in (-90, -60, 60, 90):
        code = pyotp.TOTP(factor.secret).at(now + timedelta(seconds=seconds))
        if code in {pyotp.TOTP(factor.secret).at(now + timedelta(seconds=s)) for s in (-30, 0, 30)}:
            continue  # the same six digits by chance
        with pytest.raises(second_factor.SecondFactorError):
            second_factor.verify_code(session, iro, signed.auth_session, code, now)


def test_wrong_codes_lock_the_second_factor_for_longer_each_time(session, iro):
    now = utcnow()
    secret = pyotp.random_base32()
    second_factor.enrol_with_secret(session, iro, secret)
    session.commit()
    signed = service.sign_in(session, iro.email, factories.PASSWORD, now=now)
    reasons = []
    for _ in range(second_factor.MAX_FAILURES):
        with pytest.raises(second_factor.SecondFactorError) as refused:
            second_factor.verify_code(session, iro, signed.auth_session, wrong_code(secret), now)
        reasons.append(refused.value.reason)
    assert reasons == ["wrong-code"] * 4 + ["locked-now"]
    first_lock = second_factor.factor_for(session, iro).locked_until
    assert first_lock == now + second_factor.LOCK_FOR
    # While locked even the right code is refused, and refusals do not count.
    with pytest.raises(second_factor.SecondFactorError) as locked:
        second_factor.verify_code(
            session, iro, signed.auth_session, pyotp.TOTP(secret).at(now), now
        )
    assert locked.value.reason == "locked"
    # Five more wrong ones after the lock: locked twice as long.
    later = first_lock + timedelta(seconds=1)
    for _ in range(second_factor.MAX_FAILURES):
        with pytest.raises(second_factor.SecondFactorError):
            second_factor.verify_code(session, iro, signed.auth_session, wrong_code(secret), later)
    assert second_factor.factor_for(session, iro).locked_until == later + 2 * (
        second_factor.LOCK_FOR
    )
    # Once the lock is over the right code works and the count starts again.
    after = later + 2 * second_factor.LOCK_FOR + timedelta(seconds=1)
    second_factor.verify_code(
        session, iro, signed.auth_session, pyotp.TOTP(secret).at(after), after
    )
    factor = second_factor.factor_for(session, iro)
    assert factor.failed_attempts == 0 and factor.locked_until is None


def test_locks_never_grow_beyond_a_day(session, iro):
    now = utcnow()
    secret = pyotp.random_base32()
    second_factor.enrol_with_secret(session, iro, secret)
    factor = second_factor.factor_for(session, iro)
    factor.failed_attempts = 99 * second_factor.MAX_FAILURES - 1
    session.commit()
    signed = service.sign_in(session, iro.email, factories.PASSWORD, now=now)
    with pytest.raises(second_factor.SecondFactorError):
        second_factor.verify_code(session, iro, signed.auth_session, wrong_code(secret), now)
    assert second_factor.factor_for(session, iro).locked_until == now + second_factor.LONGEST_LOCK


def test_the_lock_out_is_shown_and_recorded(app, session, iro):
    key, _codes = enrol(app.test_client(), iro)
    client = app.test_client()
    sign_in_with_password(client, iro)
    for _ in range(second_factor.MAX_FAILURES):
        response = post_form(client, "/second-factor", {"code": wrong_code(key)})
    assert "too many wrong codes" in response.text
    refused = post_form(client, "/second-factor", {"code": code_for(key)})
    assert "too many wrong codes" in refused.text
    assert client.get("/my-children").status_code == 302
    actions = _actions(session)
    assert ("lock-out", "refused", "second-factor") in actions
    assert ("second-factor", "refused", "security-code:wrong-code") in actions
    assert ("second-factor", "refused", "security-code:locked") in actions


def test_a_recovery_code_works_once(app, session, iro):
    _key, codes = enrol(app.test_client(), iro)
    assert len(codes) == 10
    client = app.test_client()
    sign_in_with_password(client, iro)
    page = client.get("/second-factor/recovery-code").text
    assert labelled(page, "code", "Recovery code")
    used = post_form(client, "/second-factor/recovery-code", {"code": codes[3].upper()})
    assert used.status_code == 302
    assert "You have 9 left" in client.get("/my-children").text
    other = app.test_client()
    sign_in_with_password(other, iro)
    again = post_form(other, "/second-factor/recovery-code", {"code": codes[3]})
    assert again.status_code == 200
    assert "The recovery code is not right, or it has been used already" in again.text
    actions = _actions(session)
    assert ("recovery-code-used", "ok", "") in actions
    assert ("second-factor", "refused", "recovery-code:wrong-code") in actions
    # Never a code in the audit record.
    assert not any(code in detail for code in codes for _a, _o, detail in actions)


def test_a_password_alone_never_replaces_the_app(app, session, iro):
    enrol(app.test_client(), iro)
    client = app.test_client()
    sign_in_with_password(client, iro)
    assert client.get("/second-factor/set-up").headers["Location"].startswith("/second-factor")
    start = post_form(client, "/second-factor/start", {}, page_url="/second-factor")
    assert start.headers["Location"].startswith("/second-factor")
    assert second_factor.pending_secret(session, iro) is None


def test_a_session_left_waiting_for_its_code_ends(app, session, iro):
    client = app.test_client()
    sign_in_with_password(client, iro)
    row = current_session(session, iro)
    row.created_at = utcnow() - second_factor.PENDING_FOR - timedelta(seconds=1)
    session.commit()
    response = client.get("/second-factor/set-up")
    assert response.headers["Location"] == "/sign-in"
    session.expire_all()
    assert row.end_reason == "second-factor-timeout"


def test_a_session_without_a_second_factor_is_not_cut_short(client, auth, session, keyworker):
    auth.sign_in(keyworker, second_factor=False)
    row = current_session(session, keyworker)
    row.created_at = utcnow() - second_factor.PENDING_FOR - timedelta(minutes=5)
    session.commit()
    assert client.get("/my-children").status_code == 200


def test_signing_out_while_waiting_for_the_code(app, session, iro):
    client = app.test_client()
    sign_in_with_password(client, iro)
    response = post_form(client, "/sign-out", {}, page_url="/second-factor/set-up")
    assert response.status_code == 302
    assert response.headers["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    session.expire_all()
    row = session.scalars(select(AuthSession).where(AuthSession.staff_id == iro.id)).one()
    assert row.end_reason == "signed-out"
    assert ("sign-out", "ok", "") in _actions(session)
    assert client.get("/second-factor").headers["Location"] == "/sign-in"


def test_a_keyworker_is_not_asked_but_may_choose_a_second_factor(client, auth, session, keyworker):
    response = auth.sign_in(keyworker, second_factor=False)
    assert response.headers["Location"] == "/"
    account = client.get("/account").text
    assert "Set up an authenticator app" in account
    started = post_form(client, "/second-factor/start", {}, page_url="/account")
    page = client.get(started.headers["Location"]).text
    key = setup_key(page)
    assert "Back to your account" in page and "Independent Reviewing Officers" not in page
    done = post_form(client, "/second-factor/set-up", {"code": code_from_step_before(key)})
    assert "Your recovery codes" in done.text
    # This session has given the factor; the next sign-in asks for it.
    assert client.get("/my-children").status_code == 200
    other = client.application.test_client()
    assert sign_in_with_password(other, keyworker).headers["Location"].startswith("/second-factor")


def test_setting_up_a_new_phone_keeps_the_old_one_until_confirmed(app, session, iro):
    client = app.test_client()
    old_key, old_codes = enrol(client, iro)
    post_form(client, "/second-factor/start", {}, page_url="/account")
    new_key = setup_key(client.get("/second-factor/set-up").text)
    assert new_key != old_key
    session.expire_all()
    assert second_factor.factor_for(session, iro).secret == old_key
    other = app.test_client()
    sign_in_with_password(other, iro)
    new_codes = post_form(client, "/second-factor/set-up", {"code": code_for(new_key)})
    assert "Your recovery codes" in new_codes.text
    # The other browser, signed in with the password only, was ended by the change.
    assert other.get("/second-factor").headers["Location"] == "/sign-in"
    session.expire_all()
    assert second_factor.factor_for(session, iro).secret == new_key
    third = app.test_client()
    sign_in_with_password(third, iro)
    stale = post_form(third, "/second-factor/recovery-code", {"code": old_codes[0]})
    assert "The recovery code is not right" in stale.text


def test_an_administrator_can_remove_a_lost_second_factor(app, session, iro):
    client = app.test_client()
    enrol(client, iro)
    ended = second_factor.remove_second_factor(session, iro)
    assert ended >= 1
    assert client.get("/my-children").status_code == 302
    again = app.test_client()
    assert sign_in_with_password(again, iro).headers["Location"].startswith("/second-factor/set-up")
    assert session.scalars(select(RecoveryCode)).all() == []


def test_new_recovery_codes_replace_the_old_ones(app, session, iro):
    client = app.test_client()
    _key, old = enrol(client, iro)
    page = post_form(client, "/account/recovery-codes", {}, page_url="/account")
    assert "Your recovery codes" in page.text
    other = app.test_client()
    sign_in_with_password(other, iro)
    assert "not right" in post_form(other, "/second-factor/recovery-code", {"code": old[0]}).text


def test_the_demo_accounts_have_the_published_key(app, session):
    from participation.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, load_demo

    load_demo(session)
    client = app.test_client()
    iro = session.scalar(
        select(StaffMember).where(StaffMember.email == "daniel.hughes@example.org")
    )
    response = sign_in_with_password(client, iro, DEMO_PASSWORD)
    assert response.headers["Location"] == "/second-factor"
    assert (
        post_form(client, "/second-factor", {"code": code_for(DEMO_TOTP_SECRET)}).status_code == 302
    )
    assert client.get("/my-children").status_code == 200
    # Loading the demo again changes nothing (the code just used stays used).
    load_demo(session)
    assert second_factor.factor_for(session, iro).last_used_step is not None


def test_digits_in_any_script_count():
    assert second_factor.normalise_digits("١٢٣ ٤٥٦") == "123456"
    assert second_factor.normalise_digits("۱۲۳-۴۵۶") == "123456"
    assert second_factor.normalise_digits("\uff11\uff12\uff13\uff14\uff15\uff16") == "123456"
    assert second_factor.normalise_recovery_code(" ABCD-efgh jkmn ") == "abcdefghjkmn"


def test_the_qr_code_carries_the_key_and_no_style():
    svg = second_factor.qr_svg("otpauth://totp/x?secret=ABC", "A label")
    assert svg.startswith("<svg") and 'aria-label="A label"' in svg
    assert "style" not in svg and " id=" not in svg
