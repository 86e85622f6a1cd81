from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from participation.child import service as space_service
from participation.models import (
    AuditEvent,
    AuthSession,
    ChildSpace,
    PersonalLink,
    SessionKind,
    utcnow,
)
from tests.conftest import Auth, csrf_from
from tests.support import factories
from tests.support.child_fixtures import Tablet

from .conftest import CODE


def test_keyworker_chooses_a_picture_code_with_the_child(client, auth, session, mia, keyworker):
    auth.sign_in(keyworker)
    record = client.get(f"/children/{mia.public_id}").text
    assert "Mia has no picture code yet" in record
    form = client.get(f"/children/{mia.public_id}/picture-code")
    # Each picture is a radio button labelled with its drawing and its word.
    assert '<label class="card choice-card" for="first-0">' in form.text
    assert "img/pictures/sun.svg" in form.text
    response = client.post(
        f"/children/{mia.public_id}/picture-code",
        data={
            "first": "sun",
            "second": "boat",
            "third": "tree",
            "fourth": "",
            "csrf_token": csrf_from(form.text),
        },
    )
    assert response.status_code == 302
    space = session.scalar(select(ChildSpace).where(ChildSpace.child_id == mia.id))
    assert space.picture_code_hash.startswith("$argon2")
    assert "sun" not in space.picture_code_hash


def test_save_and_hand_over_opens_the_childs_space_in_one_step(
    client, auth, session, mia, keyworker
):
    auth.sign_in(keyworker)
    form = client.get(f"/children/{mia.public_id}/picture-code")
    response = client.post(
        f"/children/{mia.public_id}/picture-code",
        data={
            "first": "sun",
            "second": "boat",
            "third": "tree",
            "then": "hand-over",
            "csrf_token": csrf_from(form.text),
        },
    )
    assert response.headers["Location"] == "/me/unlock"
    # The keyworker is signed out; the child opens their space with the code just chosen.
    for picture in ("sun", "boat", "tree"):
        page = client.get("/me/unlock").text
        client.post("/me/unlock", data={"pick": picture, "csrf_token": csrf_from(page)})
    assert "Mia&#39;s page" in client.get("/me").text or "Mia's page" in client.get("/me").text
    assert client.get(f"/children/{mia.public_id}").status_code in (302, 404)


def test_a_tampered_picture_is_refused(client, auth, session, mia, keyworker):
    auth.sign_in(keyworker)
    form = client.get(f"/children/{mia.public_id}/picture-code")
    response = client.post(
        f"/children/{mia.public_id}/picture-code",
        data={
            "first": "<script>",
            "second": "boat",
            "third": "tree",
            "csrf_token": csrf_from(form.text),
        },
    )
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert session.scalar(select(ChildSpace).where(ChildSpace.child_id == mia.id)) is None


def test_hand_over_needs_a_picture_code_first(tablet, mia, keyworker):
    response = tablet.hand_over(keyworker, mia)
    assert response.headers["Location"].endswith(f"/children/{mia.public_id}/picture-code")


def test_hand_over_ends_the_staff_session_and_opens_the_child_space(
    tablet, client, session, mia_with_code, keyworker
):
    response = tablet.hand_over(keyworker, mia_with_code)
    assert response.headers["Location"] == "/me/unlock"
    staff_row = session.scalar(select(AuthSession).where(AuthSession.kind == SessionKind.STAFF))
    assert staff_row.end_reason == "handed-over"
    # Staff pages now need the staff password again.
    assert client.get("/my-children").headers["Location"].startswith("/sign-in")
    # The child's pages need the picture code first.
    assert client.get("/me").headers["Location"].startswith("/me/unlock")
    page = client.get("/me/unlock").text
    assert "Tap your 3 pictures in order" in page
    response = tablet.tap(CODE)
    assert response.headers["Location"] == "/me"
    my_page = client.get("/me").text
    assert "Mia&#39;s page" in my_page or "Mia's page" in my_page
    assert "still being planned" in my_page


def test_during_a_code_focus_starts_again_on_the_pictures(tablet, client, mia_with_code, keyworker):
    """Each tap sends the page, and focus went back to its top: a keyboard or switch user tabbed
    a dozen times for each picture (QA). Not on the picture tapped: that would show the code;
    nor on the first picture, which then looked chosen (QA): on the group of pictures."""
    tablet.hand_over(keyworker, mia_with_code)
    group = '<fieldset class="code-pictures" tabindex="-1" aria-describedby='
    assert "autofocus" not in client.get("/me/unlock").text  # nothing tapped: the page's top
    tablet.tap(CODE[:1])
    page = client.get("/me/unlock").text
    assert page.count("autofocus") == 1
    assert f'{group}"code-help code-done" autofocus>' in page
    assert "1 of 3 chosen" in page
    # A wrong code is said to a screen reader with the group it comes back to (QA).
    answer = tablet.tap(["tree", "tree"])  # star, tree, tree: not Mia's code
    wrong = answer.text if answer.status_code == 200 else client.get(answer.location).text
    assert 'id="code-wrong"' in wrong
    assert f'{group}"code-wrong code-help code-done" autofocus>' in wrong


def first_picture(page: str) -> str:
    found = re.search(r'name="pick" value="(\w+)"', page)
    assert found
    return found.group(1)


def test_a_child_session_reaches_only_their_own_space(
    tablet, client, session, mia_with_code, keyworker
):
    other = factories.make_child(session, preferred_name="Other")
    factories.assign(session, keyworker, other)
    session.commit()
    tablet.hand_over(keyworker, mia_with_code)
    tablet.tap(CODE)
    assert client.get(f"/children/{other.public_id}").status_code == 302
    assert client.get(f"/children/{mia_with_code.public_id}").status_code == 302
    assert client.get("/council").status_code == 302


def test_wrong_codes_get_a_kind_message_and_then_lock_until_a_keyworker_unlocks(
    tablet, client, auth, session, mia_with_code, keyworker
):
    tablet.hand_over(keyworker, mia_with_code)
    wrong = tablet.tap(["sun", "sun", "sun"])
    assert "That wasn&#39;t quite right" in wrong.text or "That wasn't quite right" in wrong.text
    assert "more times, your space will need a rest" not in wrong.text  # 4 tries left: calm
    third = [tablet.tap(["sun", "sun", "sun"]) for _ in range(2)][-1]
    # Told before the last two tries, not after (QA: alone on a phone, then resting).
    assert "If it is wrong 2 more times, your space will need a rest" in third.text
    fourth = tablet.tap(["sun", "sun", "sun"])
    assert "If it is wrong 1 more time, your space will need a rest" in fourth.text
    last = tablet.tap(["sun", "sun", "sun"])
    assert "Your space is having a rest" in last.text
    assert "Error" not in last.text
    # Even the right code is refused now.
    refused = tablet.tap(CODE)
    assert "Your space is having a rest" in refused.text
    # The keyworker signs in again and unlocks it.
    tablet.post("/me/give-back")
    auth.sign_in(keyworker)
    record = client.get(f"/children/{mia_with_code.public_id}").text
    assert "Locked after too many wrong picture codes" in record
    client.post(
        f"/children/{mia_with_code.public_id}/unlock-space", data={"csrf_token": csrf_from(record)}
    )
    space = space_service.space_for(session, mia_with_code)
    session.refresh(space)
    assert space.locked_at is None and space.failed_attempts == 0


def test_idle_space_locks_and_comes_back_to_where_the_child_was(
    tablet, client, session, mia_with_code, keyworker
):
    tablet.hand_over(keyworker, mia_with_code)
    tablet.tap(CODE)
    row = session.scalar(select(AuthSession).where(AuthSession.kind == SessionKind.CHILD))
    row.last_seen_at = utcnow() - timedelta(minutes=30)
    session.commit()
    response = client.get("/me?step=2")
    assert response.headers["Location"].startswith("/me/unlock")
    back = tablet.tap(CODE)
    assert back.headers["Location"] == "/me?step=2"
    # And the page opens: the break is not counted as idle again (it locked again, every time).
    assert client.get("/me?step=2").status_code == 200


def test_a_long_break_then_the_code_opens_the_space(
    tablet, client, session, mia_with_code, keyworker
):
    tablet.hand_over(keyworker, mia_with_code)
    tablet.tap(CODE)
    tablet.post("/me/lock", resume="/me/views")
    # The picture page says it is a break, and that nothing is lost.
    assert "You are on a break. Everything you did is kept." in client.get("/me/unlock").text
    session.expire_all()
    row = session.scalar(select(AuthSession).where(AuthSession.kind == SessionKind.CHILD))
    row.last_seen_at = utcnow() - timedelta(minutes=11)  # longer than the idle lock
    session.commit()
    assert tablet.tap(CODE).headers["Location"] == "/me/views"
    assert client.get("/me/views").status_code == 200
    assert client.get("/me").status_code == 200


def test_give_back_ends_the_child_session(tablet, client, session, mia_with_code, keyworker):
    tablet.hand_over(keyworker, mia_with_code)
    tablet.tap(CODE)
    response = tablet.post("/me/give-back")
    assert response.headers["Location"] == "/sign-in"
    # Nothing of the child's stays in the shared tablet's browser (the thank-you is in the cookie).
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
    row = session.scalar(select(AuthSession).where(AuthSession.kind == SessionKind.CHILD))
    assert row.end_reason == "given-back"
    assert "Thank you, Mia." in client.get("/sign-in").text
    # "Back" to the child's page: closed, not "Page not found", and nothing of the child's shown.
    back = client.get("/me")
    assert back.status_code == 404
    assert "This space is closed" in back.text and "Page not found" not in back.text
    assert "Mia" not in back.text
    assert "Page not found" in client.get("/no-such-page").text


def test_personal_link_is_bound_to_the_first_device(
    app, client, auth, session, mia_with_code, keyworker
):
    auth.sign_in(keyworker)
    record = client.get(f"/children/{mia_with_code.public_id}").text
    created = client.post(
        f"/children/{mia_with_code.public_id}/personal-links",
        data={"csrf_token": csrf_from(record)},
    )
    assert "This link is shown only once" in created.text
    url = created.text.split('id="personal-link" type="text" readonly value="')[1].split('"')[0]
    path = url.replace("http://localhost", "")

    phone = app.test_client()
    opened = phone.get(path)
    assert opened.headers["Location"] == "/me/unlock"
    assert "device=" in opened.headers["Set-Cookie"]
    # The same phone may open it again.
    assert phone.get(path).status_code == 302

    someone_else = app.test_client()
    refused = someone_else.get(path)
    assert refused.status_code == 404
    assert "only works on the phone or tablet where you first opened it" in refused.text


def test_stopping_a_link_closes_the_space_on_the_device_using_it(
    app, client, auth, session, mia_with_code, keyworker
):
    link, token = space_service.create_personal_link(session, mia_with_code, keyworker)
    link_id = link.public_id
    phone = app.test_client()
    phone.get(f"/link/{token}")
    for picture in CODE:
        page = phone.get("/me/unlock").text
        phone.post("/me/unlock", data={"pick": picture, "csrf_token": csrf_from(page)})
    assert phone.get("/me").status_code == 200
    auth.sign_in(keyworker)
    record = client.get(f"/children/{mia_with_code.public_id}").text
    client.post(
        f"/children/{mia_with_code.public_id}/personal-links/{link_id}/revoke",
        data={"csrf_token": csrf_from(record)},
    )
    # A lost phone: nobody goes on from the space it had open.
    assert phone.get("/me").status_code == 404
    session.expire_all()
    row = session.scalar(select(AuthSession).where(AuthSession.kind == SessionKind.CHILD))
    assert row.end_reason == "link-stopped"


def test_on_their_own_phone_the_child_finishes_instead_of_giving_a_tablet_back(
    app, client, session, mia_with_code, keyworker
):
    """QA: "Give the tablet back" on a 15-year-old's own phone, alone in the evening."""
    _link, token = space_service.create_personal_link(session, mia_with_code, keyworker)
    phone = app.test_client()
    phone.get(f"/link/{token}")
    for picture in CODE:
        page = phone.get("/me/unlock").text
        phone.post("/me/unlock", data={"pick": picture, "csrf_token": csrf_from(page)})
    page = html.unescape(phone.get("/me").text)
    assert "I've finished" in page and "Give the tablet back" not in page
    done = phone.post("/me/give-back", data={"csrf_token": csrf_from(page)}, follow_redirects=True)
    assert "To come back, open your link again." in html.unescape(done.text)
    # On a tablet handed over by a keyworker it is still given back.
    tablet = app.test_client()
    Tablet(tablet, Auth(tablet)).hand_over(keyworker, mia_with_code)
    Tablet(tablet, Auth(tablet)).tap(CODE)
    assert "Give the tablet back" in tablet.get("/me").text


def test_a_link_opened_before_the_picture_code_says_so_and_binds_no_device(
    app, session, mia, keyworker
):
    link, token = space_service.create_personal_link(session, mia, keyworker)
    link_id = link.id
    phone = app.test_client()
    refused = phone.get(f"/link/{token}")
    assert refused.status_code == 404
    assert "picture code" in refused.text
    session.expire_all()
    assert session.get(PersonalLink, link_id).device_hash is None
    assert session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "open-personal-link", AuditEvent.detail == "no-code"
        )
    )


def test_expired_and_unknown_links_are_refused(app, session, mia_with_code, keyworker):
    link, token = space_service.create_personal_link(session, mia_with_code, keyworker, days=1)
    link.expires_at = utcnow() - timedelta(minutes=1)
    session.commit()
    client = app.test_client()
    assert "too old" in client.get(f"/link/{token}").text
    assert client.get("/link/not-a-real-token").status_code == 404


def test_leaving_care_closes_the_childs_space_on_every_device(
    app, session, client, auth, tablet, mia_with_code, keyworker
):
    """A tablet and a phone stayed open after the record said the child had left care (QA)."""
    from participation.models import AuthSession, Child

    tablet.hand_over(keyworker, mia_with_code)
    tablet.tap(CODE)
    assert tablet.client.get("/me").status_code == 200
    _link, token = space_service.create_personal_link(session, mia_with_code, keyworker)
    phone = app.test_client()
    assert phone.get(f"/link/{token}").status_code == 302
    assert phone.get("/me").status_code in (200, 302)
    child = session.get(Child, mia_with_code.id)
    child.left_care_on = date.today()
    session.commit()
    for device in (tablet.client, phone):
        assert device.get("/me").status_code != 200
        # Said as it is, on every later try too: no adult can open it again (QA).
        again = device.get("/me", follow_redirects=True).text
        assert "because you are not in care any more" in again
        assert "hands the tablet over" not in again
    ended = session.scalars(
        select(AuthSession.end_reason).where(AuthSession.child_id == mia_with_code.id)
    ).all()
    assert set(ended) == {"left-care"}
    closed = app.test_client().get(f"/link/{token}").text
    assert "Your space here is closed now, because you are not in care any more." in closed
    # Staff see why there is no button, and the space cannot be opened another way.
    auth.sign_in(keyworker)
    record = client.get(f"/children/{mia_with_code.public_id}").text
    assert "so their own space is closed" in record
    assert "Hand the tablet to" not in record and "Make a personal link" not in record
    token_now = csrf_from(record)
    refused = client.post(
        f"/children/{mia_with_code.public_id}/hand-over", data={"csrf_token": token_now}
    )
    assert refused.status_code == 302 and refused.location.endswith(
        f"/children/{mia_with_code.public_id}"
    )
    assert client.get(f"/children/{mia_with_code.public_id}").status_code == 200  # still signed in
    made = client.post(
        f"/children/{mia_with_code.public_id}/personal-links", data={"csrf_token": token_now}
    )
    assert made.status_code == 302
    assert len(space_service.live_links(session, session.get(Child, mia_with_code.id))) == 1


def test_a_childs_language_choice_is_kept_with_their_space(
    app, monkeypatch, tablet, client, session, mia_with_code, keyworker
):
    monkeypatch.setitem(app.config["LANGUAGES"], "ar", ("العربية", "rtl"))
    tablet.hand_over(keyworker, mia_with_code)
    tablet.tap(CODE)
    tablet.post("/language", language="ar", next="/me")
    assert 'lang="ar" dir="rtl"' in client.get("/me").text
    assert space_service.space_for(session, mia_with_code).language == "ar"
    # Given back: thanked in Arabic on a sign-in page in the keyworker's language (QA: it
    # stayed Arabic, and so did their dashboard). Handed over again: the picture-code page is in
    # the child's language, not the adult's.
    tablet.post("/me/give-back")
    signing_in = client.get("/sign-in").text
    assert 'lang="en"' in signing_in and "كل ما فعلته محفوظ لك" in signing_in
    tablet.hand_over(keyworker, mia_with_code)
    assert 'lang="ar" dir="rtl"' in client.get("/me/unlock").text


def test_the_keyworker_sets_the_language_the_childs_pages_open_in(
    app, monkeypatch, client, auth, tablet, session, mia_with_code, keyworker
):
    monkeypatch.setitem(app.config["LANGUAGES"], "fa", ("فارسی", "rtl"))
    auth.sign_in(keyworker)
    record = client.get(f"/children/{mia_with_code.public_id}").text
    assert 'for="space-language" class="">Language of their pages</label>' in record
    assert "First language on their record: English." in record
    token = csrf_from(record)
    url = f"/children/{mia_with_code.public_id}/space-language"
    assert client.post(url, data={"csrf_token": token, "language": "fa"}).status_code == 302
    assert space_service.space_for(session, mia_with_code).language == "fa"
    assert '<option selected value="fa">' in client.get(f"/children/{mia_with_code.public_id}").text
    # A language the app does not offer is not saved.
    client.post(url, data={"csrf_token": token, "language": "xx"})
    session.expire_all()
    assert space_service.space_for(session, mia_with_code).language == "fa"
    # Handed over, the picture-code page and then the child's pages open in it.
    record = client.get(f"/children/{mia_with_code.public_id}").text
    client.post(
        f"/children/{mia_with_code.public_id}/hand-over", data={"csrf_token": csrf_from(record)}
    )
    assert 'lang="fa" dir="rtl"' in client.get("/me/unlock").text
    tablet.tap(CODE)
    assert 'lang="fa" dir="rtl"' in client.get("/me").text


def test_a_blank_age_band_is_refused_without_an_error(client, auth, session, mia, keyworker):
    auth.sign_in(keyworker)
    page = client.get(f"/children/{mia.public_id}").text
    response = client.post(
        f"/children/{mia.public_id}/age-band", data={"band": " ", "csrf_token": csrf_from(page)}
    )
    assert response.status_code == 302
    assert space_service.space_for(session, mia).age_band_override is None


def test_the_childs_own_buttons_have_a_picture_each(tablet, client, mia_with_code, keyworker):
    """A child who cannot read finds "Read this page to me", "I'm worried" and the rest by
    their drawings (decorative: the words name them)."""
    tablet.hand_over(keyworker, mia_with_code)
    tablet.tap(CODE)
    page = client.get("/me").text
    tools = page.split('class="child-tools"')[1].split("</nav>")[0]
    for picture in ("plan/home", "tools/worried", "plan/breaks", "tools/give-back"):
        assert f'<img src="/static/img/{picture}.svg' in tools, picture
    bar = page.split('id="read-aloud"')[1].split("</div>")[0]
    assert '<img src="/static/img/tools/read-aloud.svg' in bar
    assert tools.count('alt=""') == 4


def test_each_link_on_the_record_says_when_it_was_made_on_its_button(
    client, auth, session, mia_with_code, keyworker
):
    link, _token = space_service.create_personal_link(session, mia_with_code, keyworker)
    link.created_at = datetime(2026, 1, 15, 9, 5, tzinfo=UTC)  # winter: London is UTC
    session.commit()
    auth.sign_in(keyworker)
    record = client.get(f"/children/{mia_with_code.public_id}").text
    button = record.split("Stop this link")[1].split("</button>")[0]
    assert '<span class="visually-hidden">' in button and "9:05" in button


def test_a_new_code_in_place_of_the_old_one_is_told_to_the_child(
    session, tablet, mia_with_code, keyworker, social_worker
):
    """Whoever sets a child's picture code can open the space with it: a first code is nothing
    to tell, but a new one in place of the child's own is, by name and day, for two weeks."""
    factories.assign(session, social_worker, mia_with_code)
    session.commit()
    tablet.hand_over(keyworker, mia_with_code)
    tablet.tap(CODE)
    page = tablet.client.get("/me").text
    assert "You have a new picture code" not in page  # the first code
    tablet.post("/me/give-back")

    new_code = ["sun", "boat", "tree"]
    space_service.set_picture_code(session, mia_with_code, new_code, social_worker)
    tablet.hand_over(keyworker, mia_with_code)
    assert tablet.tap(new_code).headers["Location"] == "/me"
    page = tablet.client.get("/me").text
    assert "You have a new picture code" in page
    assert f"{social_worker.name_for_children} gave you a new picture code on" in page
    assert "If you did not ask for a new one, you can tell someone." in page
    # The unlock is the child's, with who set the code it was opened with.
    event = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action == "unlock-space", AuditEvent.outcome == "ok")
        .order_by(AuditEvent.id.desc())
    ).first()
    assert (event.actor_kind, event.actor_id) == ("child", mia_with_code.public_id)
    assert event.detail == f"code set by {social_worker.public_id}"

    # Two weeks on, it is old news.
    space = session.scalar(select(ChildSpace).where(ChildSpace.child_id == mia_with_code.id))
    space.picture_code_replaced_at = utcnow() - timedelta(days=15)
    session.commit()
    assert "You have a new picture code" not in tablet.client.get("/me").text


def _tap_on(tablet, path, pictures):
    response = None
    for picture in pictures:
        page = tablet.client.get(path).text
        response = tablet.client.post(path, data={"pick": picture, "csrf_token": csrf_from(page)})
    return response


def test_the_child_chooses_new_pictures_that_only_they_know(
    session, tablet, mia_with_code, keyworker
):
    """An adult who set the code can open the space with it: the child can make it theirs alone,
    after showing it is them with the code they have now."""
    tablet.hand_over(keyworker, mia_with_code)
    tablet.tap(CODE)
    assert "/me/picture-code" in tablet.client.get("/me/how-it-looks").text
    first = tablet.client.get("/me/picture-code").text
    assert "First, show it is you." in first and 'name="first"' not in first
    # The new pictures are not taken before the code: sent anyway, they ask for the code again.
    page = tablet.client.get("/me/picture-code").text
    early = tablet.client.post(
        "/me/picture-code",
        data={"first": "sun", "second": "boat", "third": "tree", "csrf_token": csrf_from(page)},
    )
    assert "show it is you again first" in early.text
    wrong = _tap_on(tablet, "/me/picture-code", ["sun", "sun", "sun"])
    assert "quite right" in wrong.text
    assert _tap_on(tablet, "/me/picture-code", CODE).headers["Location"] == "/me/picture-code"
    choose = tablet.client.get("/me/picture-code").text
    assert "Choose your new pictures" in choose
    # Two pictures only: the page says what is missing and keeps what was chosen.
    short = tablet.client.post(
        "/me/picture-code",
        data={"first": "boat", "second": "tree", "csrf_token": csrf_from(choose)},
    )
    assert short.status_code == 400 and "Choose the third picture" in short.text
    assert re.search(r'<input[^>]*checked[^>]*value="boat"|value="boat"[^>]*checked', short.text)
    new = {"first": "boat", "second": "tree", "third": "sun", "csrf_token": csrf_from(short.text)}
    # Shown in order before they count: a mis-tap would lock the child out.
    check = tablet.client.post("/me/picture-code", data=new)
    assert "Are these your new pictures?" in check.text
    assert check.text.index("1. Boat") < check.text.index("2. Tree") < check.text.index("3. Sun")
    again = tablet.client.post("/me/picture-code", data={**new, "confirm": "change"})
    assert "Choose your new pictures" in again.text
    assert re.search(r'<input[^>]*checked[^>]*value="tree"|value="tree"[^>]*checked', again.text)
    saved = tablet.client.post("/me/picture-code", data={**new, "confirm": "yes"})
    assert saved.headers["Location"] == "/me"
    assert "Only you know it now." in tablet.client.get("/me").text
    space = session.scalar(select(ChildSpace).where(ChildSpace.child_id == mia_with_code.id))
    session.refresh(space)
    assert space.picture_code_own_at is not None
    assert space_service.check_picture_code(session, space, ["boat", "tree", "sun"]).value == (
        "right"
    )
    # The old code no longer opens the space; the new one does.
    tablet.post("/me/give-back")
    tablet.hand_over(keyworker, mia_with_code)
    assert "quite right" in tablet.tap(CODE).text
    assert tablet.tap(["boat", "tree", "sun"]).headers["Location"] == "/me"
    actions = session.scalars(
        select(AuditEvent.outcome).where(AuditEvent.action == "choose-own-picture-code")
    ).all()
    assert sorted(actions) == ["ok", "refused"]


def test_my_picture_code_opened_from_how_my_pages_look_goes_back_there(
    session, tablet, mia_with_code, keyworker
):
    """Opened from "How my pages look", Back and the end return there, not to My page (QA)."""
    tablet.hand_over(keyworker, mia_with_code)
    tablet.tap(CODE)
    url = "/me/picture-code?from=display"
    assert url in tablet.client.get("/me/how-it-looks").text
    first = tablet.client.get(url).text
    assert 'href="/me/how-it-looks"' in first and "Back to my page" not in first
    assert _tap_on(tablet, url, CODE).headers["Location"] == url
    choose = tablet.client.get(url).text
    assert 'href="/me/how-it-looks"' in choose
    new = {"first": "boat", "second": "tree", "third": "sun", "csrf_token": csrf_from(choose)}
    saved = tablet.client.post(url, data={**new, "confirm": "yes"})
    assert saved.headers["Location"] == "/me/how-it-looks"
    # Anything else in `from` is My page, as before.
    assert "Back to my page" in tablet.client.get("/me/picture-code?from=elsewhere").text


def test_too_many_wrong_codes_on_my_picture_code_rest_the_space_at_once(
    session, tablet, mia_with_code, keyworker
):
    # Whoever taps wrong codes on an open tablet may not be the child: the space rests now.
    tablet.hand_over(keyworker, mia_with_code)
    tablet.tap(CODE)
    for _ in range(space_service.MAX_WRONG_CODES - 1):
        assert "quite right" in _tap_on(tablet, "/me/picture-code", ["sun", "sun", "sun"]).text
    last = _tap_on(tablet, "/me/picture-code", ["sun", "sun", "sun"])
    assert last.headers["Location"] == "/me/unlock"
    assert "Your space is having a rest" in tablet.client.get("/me/unlock").text
    assert tablet.client.get("/me").headers["Location"].startswith("/me/unlock")


def test_choosing_own_pictures_keeps_an_adults_new_code_told_and_asks_after_a_new_one(
    session, tablet, mia_with_code, keyworker, social_worker
):
    """Choosing pictures must not make the "new code" notice go away unseen, and a code checked
    before an adult set another is not good for the new one (QA)."""
    factories.assign(session, social_worker, mia_with_code)
    session.commit()
    replaced = ["sun", "boat", "tree"]
    space_service.set_picture_code(session, mia_with_code, replaced, social_worker)
    tablet.hand_over(keyworker, mia_with_code)
    tablet.tap(replaced)
    assert "Choose my own pictures" in tablet.client.get("/me").text
    assert _tap_on(tablet, "/me/picture-code", replaced).headers["Location"] == "/me/picture-code"
    # Meanwhile the keyworker sets another code: the check was for the old one.
    space_service.set_picture_code(session, mia_with_code, CODE, keyworker)
    assert "First, show it is you." in tablet.client.get("/me/picture-code").text
    _tap_on(tablet, "/me/picture-code", CODE)
    page = tablet.client.get("/me/picture-code").text
    new = {"first": "moon", "second": "moon", "third": "tree", "csrf_token": csrf_from(page)}
    tablet.client.post("/me/picture-code", data={**new, "confirm": "yes"})
    me = tablet.client.get("/me").text
    assert "You have a new picture code" in me  # still told who gave one, and when
    assert "Since then, you chose your own pictures." in me
    assert "Choose my own pictures" not in me
    # The record tells the keyworker that nobody else knows the code now.
    tablet.post("/me/give-back")
    tablet.auth.sign_in(keyworker)
    record = tablet.client.get(f"/children/{mia_with_code.public_id}").text
    assert "Mia chose their own pictures on" in record
    tablet.client.post(
        f"/children/{mia_with_code.public_id}/hand-over", data={"csrf_token": csrf_from(record)}
    )
    assert tablet.tap(["moon", "moon", "tree"]).headers["Location"] == "/me"
    event = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action == "unlock-space", AuditEvent.outcome == "ok")
        .order_by(AuditEvent.id.desc())
    ).first()
    assert event.detail == "code chosen by the child"


def test_the_last_tries_on_my_picture_code_are_warned(session, tablet, mia_with_code, keyworker):
    tablet.hand_over(keyworker, mia_with_code)
    tablet.tap(CODE)
    first = _tap_on(tablet, "/me/picture-code", ["sun", "sun", "sun"]).text
    assert "your space will need a rest" not in first
    for _ in range(space_service.MAX_WRONG_CODES - 3):
        _tap_on(tablet, "/me/picture-code", ["sun", "sun", "sun"])
    warned = _tap_on(tablet, "/me/picture-code", ["sun", "sun", "sun"]).text
    assert "If it is wrong 1 more time, your space will need a rest" in warned


def test_the_new_pictures_are_numbered_in_the_readers_digits(
    app, monkeypatch, tablet, mia_with_code, keyworker
):
    # Persian is written with its own digits (participation/digits.py): one, two, three.
    monkeypatch.setitem(app.config["LANGUAGES"], "fa", ("فارسی", "rtl"))
    tablet.hand_over(keyworker, mia_with_code)
    tablet.tap(CODE)
    tablet.post("/language", language="fa", next="/me")
    _tap_on(tablet, "/me/picture-code", CODE)
    page = tablet.client.get("/me/picture-code").text
    new = {"first": "boat", "second": "tree", "third": "sun", "csrf_token": csrf_from(page)}
    check = tablet.client.post("/me/picture-code", data=new).text
    assert re.findall(r"<span>(\S+)\. ", check) == ["\u06f1", "\u06f2", "\u06f3"]


def test_taking_many_breaks_with_the_right_code_is_never_too_many_tries(
    app, tablet, keyworker, mia_with_code, monkeypatch
):
    """Each picture tapped before the code was whole counted as a failed try: a child who took
    many breaks was told "Too many tries" with the right pictures (QA). Only a whole code that
    is wrong counts."""
    from participation.extensions import limiter

    monkeypatch.setattr(limiter, "enabled", True)
    limiter.reset()
    monkeypatch.setitem(app.config, "PICTURE_CODE_ATTEMPTS", "3 per hour")
    tablet.hand_over(keyworker, mia_with_code)
    assert tablet.tap(CODE).status_code == 302
    for _ in range(5):  # ten taps that are not the last of a code, all in one hour
        tablet.post("/me/lock")
        assert tablet.tap(CODE).status_code == 302
    tablet.post("/me/lock")
    wrong = ["moon", "moon", "moon"]
    assert [tablet.tap(wrong).status_code for _ in range(3)] == [200, 200, 200]
    assert tablet.tap(["star"]).status_code == 429  # three wrong codes: the limit
    limiter.reset()


def test_ways_back_to_this_page_carry_no_bare_question_mark(
    client, tablet, keyworker, mia_with_code
):
    """The language switch, the break and "sign in again" used the path with werkzeug's bare
    "?" (QA: changing language on /sign-in went to /sign-in?): they come back to the page as
    it was asked for."""
    assert 'name="next" value="/sign-in"' in client.get("/sign-in").text
    tablet.hand_over(keyworker, mia_with_code)
    tablet.tap(CODE)
    page = client.get("/me/views").text
    assert 'name="resume" value="/me/views"' in page
    assert 'name="next" value="/me/views"' in page
    assert 'name="next" value="/me/views?a=1"' in client.get("/me/views?a=1").text
