"""Children: the list with its search and filters, adding and changing a record (every field
checked and named), a save that someone else beat (told, nothing overwritten), and the review
timetable worked out again after each change."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from participation.models import AuditEvent, Child, Milestone, Review, ReviewStatus, Role
from tests.conftest import csrf_from
from tests.integration.admin.conftest import TODAY, days_ago, fresh, post_form
from tests.support import factories


def _child_data(homes, **changes):
    data = {
        "legal_name": "Jayden Marcus Clarke",
        "preferred_name": "Jay",
        "date_of_birth": "2015-07-02",
        "first_language": "English",
        "communication_needs": "Likes to draw his answers.",
        "became_looked_after": days_ago(30).isoformat(),
        "placement_type": "residential",
        "home": homes["oak"].public_id,
        "placement_start": "",
        "left_care_on": "",
    }
    data.update(changes)
    return data


def _errors(html: str) -> list[str]:
    import re

    return [
        " ".join(m.split())
        for m in re.findall(
            r'<p class="error-message" id="[^"]+"><span class="visually-hidden">Error:</span>'
            r"(.*?)</p>",
            html,
            re.S,
        )
    ]


def test_an_admin_adds_a_child_and_their_timetable_is_worked_out(admin, session, homes):
    response = post_form(admin, "/admin/children/new", _child_data(homes))
    assert response.status_code == 302
    child = session.scalar(select(Child).where(Child.preferred_name == "Jay"))
    assert child is not None
    assert response.headers["Location"] == f"/admin/children/{child.public_id}"
    assert child.home_id == homes["oak"].id and child.communication_needs.startswith("Likes")
    # The first review is due within 20 working days of becoming looked after, with its tasks.
    review = session.scalar(select(Review).where(Review.child_id == child.id))
    assert review is not None and review.number == 1 and review.status == ReviewStatus.PLANNED
    assert days_ago(30) < review.due_on <= days_ago(30) + timedelta(days=28)
    assert session.scalar(select(Milestone).where(Milestone.review_id == review.id)) is not None
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "admin-child-created"))
    assert event.subject_id == child.public_id and "Jay" not in event.detail
    page = admin.get(response.headers["Location"]).text
    assert "Added Jay." in page and "Jayden Marcus Clarke" in page


def test_a_new_child_sent_twice_is_one_child(admin, session, homes):
    """A double click on a slow line made two children, or told the admin "there is already a
    child called ..." about the record just made (QA)."""
    import re

    page = admin.get("/admin/children/new").text
    key = re.search(r'name="form_key" type="hidden" value="([^"]+)"', page).group(1)
    data = {**_child_data(homes), "csrf_token": csrf_from(page), "form_key": key}
    first = admin.post("/admin/children/new", data=data)
    again = admin.post("/admin/children/new", data=data)
    assert first.status_code == again.status_code == 302
    assert first.headers["Location"] == again.headers["Location"]
    assert len(session.scalars(select(Child).where(Child.preferred_name == "Jay")).all()) == 1


def test_an_empty_form_names_every_field_it_needs(admin, session, homes):
    data = dict.fromkeys(_child_data(homes), "")
    page = post_form(admin, "/admin/children/new", data).text
    assert _errors(page) == [
        "Enter the child&#39;s legal name",
        "Enter the name the child likes to be called",
        "Enter the date of birth",
        "Enter the child&#39;s first language",
        "Enter the date the child became looked after",
        "Choose the placement type",
        "Choose the home the child lives in",
    ]
    # The summary links each message to its field.
    assert '<a href="#legal_name">' in page and '<a href="#home">' in page
    assert session.scalar(select(Child)) is None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"date_of_birth": "2014-02-30"}, "date_of_birth", "Date of birth must be a real date"),
        (
            {"date_of_birth": (TODAY + timedelta(days=1)).isoformat()},
            "date_of_birth",
            "Date of birth must be today or in the past",
        ),
        ({"date_of_birth": "1914-07-02"}, "date_of_birth", "must be in the last 25 years"),
        (
            {"became_looked_after": "2015-07-01"},
            "became_looked_after",
            "Date became looked after must be on or after the date of birth (2 July 2015)",
        ),
        (
            {"became_looked_after": (TODAY + timedelta(days=3)).isoformat()},
            "became_looked_after",
            "Date became looked after must be today or in the past",
        ),
        ({"became_looked_after": "soon"}, "became_looked_after", "must be a real date"),
        (
            {"left_care_on": days_ago(40).isoformat()},
            "left_care_on",
            "Left care date must be on or after the date the child became looked after",
        ),
        (
            {"left_care_on": (TODAY + timedelta(days=1)).isoformat()},
            "left_care_on",
            "Left care date must be today or in the past",
        ),
        (
            {"placement_start": days_ago(31).isoformat()},
            "placement_start",
            "Placement start must be on or after the date the child became looked after",
        ),
        ({"placement_type": "hotel"}, "placement_type", "Choose the placement type"),
        ({"home": "no-such-home"}, "home", "Choose one of the homes listed"),
        (
            {"placement_type": "foster"},
            "home",
            "Oak Lodge is a children&#39;s home: a foster placement needs a foster family",
        ),
        ({"legal_name": "x" * 201}, "legal_name", "Legal name must be 200 characters or fewer"),
        ({"communication_needs": "x" * 2001}, "communication_needs", "2000 characters or fewer"),
    ],
)
def test_each_rule_is_named_at_its_field(admin, session, homes, changes, field, message):
    page = post_form(admin, "/admin/children/new", _child_data(homes, **changes)).text
    errors = _errors(page)
    assert len(errors) == 1, errors
    assert message in errors[0]
    assert f'<a href="#{field}">' in page
    assert session.scalar(select(Child)) is None


def test_a_wrong_date_and_other_faults_are_all_named_at_once(admin, homes):
    page = post_form(
        admin,
        "/admin/children/new",
        _child_data(homes, date_of_birth="02/07/2015", preferred_name="", home=""),
    ).text
    assert _errors(page) == [
        "Enter the name the child likes to be called",
        "Date of birth must be a real date, written like 2014-06-01",
        "Choose the home the child lives in",
    ]


def test_a_closed_home_is_not_offered_and_not_accepted(admin, session, homes):
    fresh(session, homes["oak"]).active = False
    session.commit()
    page = post_form(admin, "/admin/children/new", _child_data(homes)).text
    assert "Choose one of the homes listed" in page
    assert f'value="{homes["oak"].public_id}"' not in page


def test_the_same_child_is_not_added_twice(admin, session, homes):
    factories.make_child(
        session,
        home=homes["oak"],
        legal_name="Jayden Marcus Clarke",
        date_of_birth=factories.date(2015, 7, 2),
    )
    session.commit()
    page = post_form(
        admin, "/admin/children/new", _child_data(homes, legal_name="jayden  marcus CLARKE")
    ).text
    assert "There is already a child called Jayden Marcus Clarke born on 2 July 2015" in page
    assert session.scalar(select(Child.id).where(Child.preferred_name == "Jay")) is None


def test_a_child_who_has_left_care_needs_no_home(admin, session, homes):
    data = _child_data(homes, home="", left_care_on=days_ago(2).isoformat())
    assert post_form(admin, "/admin/children/new", data).status_code == 302
    child = session.scalar(select(Child).where(Child.preferred_name == "Jay"))
    assert child.home_id is None and child.left_care_on == days_ago(2)


# --- changing a record --------------------------------------------------------------------------


@pytest.fixture
def jay(session, homes):
    from participation.timetable import service as timetable

    child = factories.make_child(
        session,
        home=homes["oak"],
        legal_name="Jayden Marcus Clarke",
        preferred_name="Jay",
        date_of_birth=factories.date(2015, 7, 2),
        became_looked_after=days_ago(200),
    )
    held = days_ago(190)
    factories.make_review(session, child, 1, due_on=held, status=ReviewStatus.HELD, held_on=held)
    session.expire(child, ["reviews"])
    timetable.recompute_child(session, child, TODAY)
    session.commit()
    return child


def _edit_data(page: str, child: Child, **changes) -> dict:
    import re

    version = re.search(r'name="version" type="hidden" value="(\d+)"', page)
    assert version, "no version on the page"
    data = {
        "legal_name": child.legal_name,
        "preferred_name": child.preferred_name,
        "date_of_birth": child.date_of_birth.isoformat(),
        "first_language": child.first_language,
        "communication_needs": child.communication_needs,
        "became_looked_after": child.became_looked_after.isoformat(),
        "placement_type": child.placement_type.value,
        "home": child.home.public_id if child.home else "",
        "placement_start": "",
        "left_care_on": "",
        "version": version.group(1),
        "csrf_token": csrf_from(page),
    }
    data.update(changes)
    return data


def test_an_admin_changes_a_record_and_the_timetable_follows(admin, session, jay, homes):
    url = f"/admin/children/{jay.public_id}/edit"
    page = admin.get(url).text
    assert 'value="Jayden Marcus Clarke"' in page
    next_due = session.scalar(
        select(Review.due_on).where(Review.child_id == jay.id, Review.number == 2)
    )
    # Jay moved to foster care: a new placement, and the first review was earlier than thought.
    data = _edit_data(
        page,
        jay,
        placement_type="foster",
        home=homes["adeyemi"].public_id,
        placement_start=days_ago(5).isoformat(),
        preferred_name="JJ",
    )
    response = admin.post(url, data=data)
    assert response.status_code == 302, _errors(response.text)
    changed = fresh(session, jay)
    assert changed.preferred_name == "JJ" and changed.home_id == homes["adeyemi"].id
    assert changed.version == jay.version + 1
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "admin-child-changed"))
    assert event.detail == "fields=preferred_name,placement_start,placement_type,home"
    assert "JJ" not in event.detail
    # The timetable was worked out again: the second review is still planned, no later than it
    # was (a new placement may only bring it forward).
    due = session.scalar(select(Review.due_on).where(Review.child_id == jay.id, Review.number == 2))
    assert due is not None and due <= next_due
    # The move is a significant event for the IRO to consider (QA: nothing was recorded).
    from participation.models import EventKind, SignificantEvent

    moved = session.scalar(select(SignificantEvent).where(SignificantEvent.child_id == jay.id))
    assert moved.kind == EventKind.PLACEMENT_CHANGE and moved.occurred_on == days_ago(5)
    assert "to The Adeyemi family" in moved.note


def test_after_a_move_the_admin_is_asked_to_check_the_keyworkers(admin, session, jay, homes):
    """The old home's keyworker stayed assigned, and still read what Jay shared with "my
    keyworker"; nothing said so (QA)."""
    keyworker = factories.make_staff(session, Role.KEYWORKER, name="Tom Evans")
    factories.assign(session, keyworker, jay)
    session.commit()
    url = f"/admin/children/{jay.public_id}/edit"
    data = _edit_data(
        admin.get(url).text,
        jay,
        placement_type="foster",
        home=homes["adeyemi"].public_id,
        placement_start=days_ago(5).isoformat(),
    )
    response = admin.post(url, data=data, follow_redirects=True)
    assert "has moved home. Tom Evans still read what" in response.text
    # A change that is not a move says nothing of it.
    again = admin.post(url, data=_edit_data(admin.get(url).text, jay), follow_redirects=True)
    assert "has moved home" not in again.text


def test_a_move_needs_the_day_of_the_move(admin, session, jay, homes):
    """A new home with the old start date carried over read "since January" for a move made
    that day (QA); a start before the last one is refused too."""
    old_start = days_ago(20)
    fresh(session, jay).placement_start = old_start
    session.commit()
    url = f"/admin/children/{jay.public_id}/edit"
    page = admin.get(url).text
    data = _edit_data(
        page,
        jay,
        placement_type="foster",
        home=homes["adeyemi"].public_id,
        placement_start=old_start.isoformat(),
    )
    same = admin.post(url, data=data)
    assert same.status_code == 200
    assert "Give the day they moved to The Adeyemi family" in same.text
    earlier = admin.post(
        url, data={**data, "placement_start": (old_start - timedelta(days=1)).isoformat()}
    )
    assert "cannot be before the start of the placement before it" in earlier.text
    assert fresh(session, jay).home_id != homes["adeyemi"].id


def test_changing_when_the_child_became_looked_after_moves_the_reviews(admin, session, homes):
    child = factories.make_child(session, home=homes["oak"], became_looked_after=days_ago(20))
    from participation.timetable import service as timetable

    timetable.recompute_child(session, child, TODAY)
    session.commit()
    before = session.scalar(select(Review.due_on).where(Review.child_id == child.id))
    url = f"/admin/children/{child.public_id}/edit"
    page = admin.get(url).text
    response = admin.post(
        url, data=_edit_data(page, child, became_looked_after=days_ago(10).isoformat())
    )
    assert response.status_code == 302
    session.expire_all()
    after = session.scalar(select(Review.due_on).where(Review.child_id == child.id))
    assert after > before


def test_dates_must_fit_the_reviews_already_held(admin, session, jay):
    url = f"/admin/children/{jay.public_id}/edit"
    page = admin.get(url).text
    response = admin.post(
        url,
        data=_edit_data(
            page,
            jay,
            became_looked_after=days_ago(180).isoformat(),
            left_care_on=days_ago(195).isoformat(),
        ),
    )
    held = f"{days_ago(190).day} {days_ago(190):%B %Y}"
    assert _errors(response.text) == [
        f"Date became looked after must be on or before the first review held ({held})",
        f"Left care date must be on or after the last review held ({held})",
    ]
    now = fresh(session, jay)
    assert now.left_care_on is None and now.became_looked_after == days_ago(200)


def test_leaving_care_cancels_the_review_not_yet_due(admin, session, homes):
    from participation.timetable import service as timetable

    child = factories.make_child(session, home=homes["oak"], became_looked_after=days_ago(5))
    timetable.recompute_child(session, child, TODAY)
    session.commit()
    url = f"/admin/children/{child.public_id}/edit"
    page = admin.get(url).text
    response = admin.post(url, data=_edit_data(page, child, left_care_on=TODAY.isoformat()))
    assert response.status_code == 302
    session.expire_all()
    statuses = session.scalars(select(Review.status).where(Review.child_id == child.id)).all()
    assert statuses == [ReviewStatus.CANCELLED]


def test_a_stale_save_is_told_and_overwrites_nothing(admin, session, jay):
    url = f"/admin/children/{jay.public_id}/edit"
    page = admin.get(url).text  # loaded at version 1 ...
    # ... and meanwhile another administrator saves a new preferred name.
    session.execute(
        update(Child).where(Child.id == jay.id).values(preferred_name="Jayden", version=2)
    )
    session.commit()
    response = admin.post(url, data=_edit_data(page, jay, first_language="French"))
    assert response.status_code == 200
    assert "Someone else changed this record a moment ago" in response.text
    assert 'role="alert"' in response.text
    # Theirs stands, ours is not saved, and the form shows the record as it is now.
    now = fresh(session, jay)
    assert now.preferred_name == "Jayden" and now.first_language == "English"
    assert 'value="Jayden"' in response.text and 'value="French"' not in response.text
    assert 'name="version" type="hidden" value="2"' in response.text
    # Saving again from the page as it is now works.
    again = admin.post(url, data=_edit_data(response.text, now, first_language="French"))
    assert again.status_code == 302
    assert fresh(session, jay).first_language == "French"


def test_a_timed_out_page_keeps_what_was_typed_and_saves_nothing(admin, session, jay):
    url = f"/admin/children/{jay.public_id}/edit"
    data = _edit_data(admin.get(url).text, jay, preferred_name="Changed")
    data["csrf_token"] = "expired"
    response = admin.post(url, data=data)
    assert "This page timed out" in response.text and 'value="Changed"' in response.text
    assert fresh(session, jay).preferred_name == "Jay"


# --- the list -----------------------------------------------------------------------------------


def test_the_list_searches_names_and_filters_by_home_and_status(admin, session, homes):
    factories.make_child(session, home=homes["oak"], preferred_name="Mia", legal_name="Amelia Rose")
    factories.make_child(
        session, home=homes["adeyemi"], preferred_name="Leo", legal_name="Leo Wright"
    )
    factories.make_child(
        session, home=homes["oak"], preferred_name="Sami", left_care_on=days_ago(3)
    )
    session.commit()

    import re

    def listed(page: str) -> list[str]:
        return re.findall(r'<th scope="row">\s*<a href="[^"]+">([^<]+)</a>', page)

    def names(query: str) -> list[str]:
        return listed(admin.get("/admin/children" + query).text)

    def searched(words: str, **filters: str) -> list[str]:
        """A name is posted, never put in the address (history, server logs: QA)."""
        return listed(post_form(admin, "/admin/children", {"q": words, **filters}).text)

    assert names("") == ["Leo", "Mia"]
    assert names("?status=all") == ["Leo", "Mia", "Sami"]
    assert names("?status=left-care") == ["Sami"]
    assert searched("amelia") == ["Mia"]
    assert searched("WRIGHT") == ["Leo"]
    assert searched("a", home=homes["oak"].public_id, status="all") == ["Mia", "Sami"]
    assert names(f"?home={homes['oak'].public_id}&status=all") == ["Mia", "Sami"]
    assert searched("%") == []  # a % is searched for, not a wildcard
    assert names("?status=nonsense&page=-4") == ["Leo", "Mia"]
    # A name in the address is not searched for: nothing leads there.
    assert names("?q=amelia") == ["Leo", "Mia"]


def test_the_list_has_pages(admin, session, homes):
    for n in range(52):
        factories.make_child(session, home=homes["oak"], preferred_name=f"Child {n:02d}")
    session.commit()

    def row(name: str) -> str:
        """A name as the list links it: "Child 50" is in a legal name like "Test Child 500"
        too (the factories number those across the whole run)."""
        return f">{name}</a>"

    first = admin.get("/admin/children").text
    assert "52 children found." in first and "Page 1 of 2" in first
    assert row("Child 49") in first and row("Child 50") not in first
    second = admin.get("/admin/children?page=2").text
    assert row("Child 50") in second and row("Child 51") in second
    assert row("Child 00") not in second
    assert admin.get("/admin/children?page=99").status_code == 200
    # Searched by name, the next page posts the name again; its address holds no name.
    found = post_form(admin, "/admin/children", {"q": "Child"}).text
    assert "Page 1 of 2" in found and 'name="q" value="Child"' in found
    assert "q=Child" not in found
    page_two = post_form(admin, "/admin/children", {"q": "Child", "page": "2"}).text
    assert row("Child 50") in page_two and row("Child 00") not in page_two


def _placements(session, child) -> list[tuple[str | None, object, object]]:
    from participation.models import Home, Placement

    session.expire_all()
    rows = session.scalars(
        select(Placement).where(Placement.child_id == child.id).order_by(Placement.id)
    )
    return [
        (session.get(Home, row.home_id).name if row.home_id else None, row.started_on, row.ended_on)
        for row in rows
    ]


def test_a_move_keeps_where_the_child_lived_before(admin, session, auth, people, homes):
    """A move overwrote the home and its start, so nobody could see how often a child had
    moved: each move now ends the last placement the day the new one starts."""
    post_form(
        admin,
        "/admin/children/new",
        _child_data(
            homes,
            placement_start=days_ago(300).isoformat(),
            became_looked_after=days_ago(300).isoformat(),
        ),
    )
    child = session.scalar(select(Child).where(Child.preferred_name == "Jay"))
    assert _placements(session, child) == [("Oak Lodge", days_ago(300), None)]
    url = f"/admin/children/{child.public_id}/edit"
    moves = [("adeyemi", "foster", 100), ("oak", "residential", 10)]
    for home, kind, ago in moves:
        page = admin.get(url).text
        data = _edit_data(
            page,
            fresh(session, child),
            placement_type=kind,
            home=homes[home].public_id,
            placement_start=days_ago(ago).isoformat(),
        )
        assert admin.post(url, data=data).status_code == 302
    assert _placements(session, child) == [
        ("Oak Lodge", days_ago(300), days_ago(100)),
        ("The Adeyemi family", days_ago(100), days_ago(10)),
        ("Oak Lodge", days_ago(10), None),
    ]
    # A corrected start is not a move: the placement it follows ends on the corrected day.
    page = admin.get(url).text
    data = _edit_data(page, fresh(session, child), placement_start=days_ago(12).isoformat())
    assert admin.post(url, data=data).status_code == 302
    assert _placements(session, child)[1:] == [
        ("The Adeyemi family", days_ago(100), days_ago(12)),
        ("Oak Lodge", days_ago(12), None),
    ]
    # Three places in a year: the record says so, for the review to consider.
    from participation.models import Role

    auth.sign_out()
    auth.sign_in(people[Role.MANAGER])
    record = admin.get(f"/children/{child.public_id}").text
    assert "3 places in the last year" in record and "3 places in the last 12 months." in record
    assert "national measure of placement instability" in record
    assert record.count("Lives there now") == 1
    # The newest first.
    assert record.index("Lives there now") < record.index("The Adeyemi family</th>")


def test_leaving_care_ends_the_placement(admin, session, homes):
    post_form(
        admin,
        "/admin/children/new",
        _child_data(homes, placement_start=days_ago(30).isoformat()),
    )
    child = session.scalar(select(Child).where(Child.preferred_name == "Jay"))
    url = f"/admin/children/{child.public_id}/edit"
    page = admin.get(url).text
    data = _edit_data(
        page,
        fresh(session, child),
        placement_start=days_ago(30).isoformat(),
        left_care_on=days_ago(1).isoformat(),
    )
    assert admin.post(url, data=data).status_code == 302
    assert _placements(session, child) == [("Oak Lodge", days_ago(30), days_ago(1))]


def test_a_first_home_with_no_start_says_when_care_began(admin, session, auth, people, homes):
    """The start may be left out when a child is added; the record's history said a bare "Not
    recorded" for the first home (QA). It says when the child became looked after."""
    from participation.models import Role

    post_form(
        admin,
        "/admin/children/new",
        _child_data(homes, placement_start="", became_looked_after=days_ago(200).isoformat()),
    )
    child = session.scalar(select(Child).where(Child.preferred_name == "Jay"))
    assert _placements(session, child) == [("Oak Lodge", None, None)]
    auth.sign_out()
    auth.sign_in(people[Role.MANAGER])
    record = html.unescape(admin.get(f"/children/{child.public_id}").text)
    when = days_ago(200).strftime("%A %-d %B %Y")
    assert f"Not recorded (looked after since {when})" in record
