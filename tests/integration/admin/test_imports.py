"""Importing children and staff from CSV: the dry run reports each bad row by row, column and
problem and imports nothing; a good file is imported whole, in one transaction, and only the
file the dry run checked; spreadsheet formulas in the input are refused."""

from __future__ import annotations

import html
import io
import re

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from participation.accounts.passwords import verify_password
from participation.admin import service
from participation.models import AuditEvent, Child, Review, Role, StaffMember
from tests.conftest import csrf_from
from tests.support import factories

HEADER = (
    "legal_name,preferred_name,date_of_birth,became_looked_after,placement_type,home,"
    "placement_start,left_care_on,first_language,communication_needs"
)


def upload(client, kind: str, content: bytes, action: str = "check", checked: str = ""):
    url = f"/admin/imports/{kind}"
    page = client.get(url)
    data = {
        "csrf_token": csrf_from(page.text),
        "action": action,
        "checked": checked,
        "file": FileStorage(io.BytesIO(content), filename=f"{kind}.csv", content_type="text/csv"),
    }
    # Encoded here, in memory: the test client would spool a big body to a temporary file of
    # its own and leave it open.
    boundary, body = encode_multipart(data)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def report(page: str) -> list[tuple[int, str, str]]:
    """The problems table: (row, column, problem)."""
    rows = re.findall(
        r'<tr><th scope="row">(\d+)</th><td>(?:<code>)?([^<]*)(?:</code>)?</td><td>(.*?)</td></tr>',
        page,
    )
    return [(int(row), column, html.unescape(problem)) for row, column, problem in rows]


def digest_on(page: str) -> str:
    match = re.search(r'name="checked" value="([0-9a-f]{64})"', page)
    assert match, "the page offers no import of a checked file"
    return match.group(1)


def count(session, model) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def jayden(session, homes):
    child = factories.make_child(
        session,
        home=homes["oak"],
        legal_name="Jayden Marcus Clarke",
        date_of_birth=factories.date(2015, 7, 2),
    )
    session.commit()
    return child


BAD_CHILDREN = "\r\n".join(
    [
        HEADER,
        "Amelia Rose Thompson,Mia,2020-03-14,2025-10-06,residential,Oak Lodge,,,English,",  # 2 good
        "Bad Date,Bee,2015-02-30,2025-10-06,residential,Oak Lodge,,,,",  # 3
        "No Home,Nia,2016-01-01,2025-10-06,residential,Nowhere House,,,,",  # 4
        "amelia rose THOMPSON,Millie,14/03/2020,2025-10-06,residential,Oak Lodge,,,,",  # 5
        "Jayden Marcus Clarke,Jay,2015-07-02,2025-10-06,residential,Oak Lodge,,,,",  # 6
        "No Preferred,,2016-01-01,2025-10-06,residential,Oak Lodge,,,,",  # 7
        "=cmd|' /C calc'!A0,Eve,2016-01-01,2025-10-06,residential,Oak Lodge,,,,",  # 8
        "Plus Sign,Pat,2016-01-01,2025-10-06,residential,Oak Lodge,,,,+SUM(1+1)",  # 9
        "Minus Sign,-2+3,2016-01-01,2025-10-06,residential,Oak Lodge,,,,",  # 10
        "At Sign,Al,2016-01-01,2025-10-06,residential,Oak Lodge,,,@SUM(1+1),",  # 11
        "Hotel Stay,Hal,2016-01-01,2025-10-06,hotel,Oak Lodge,,,,",  # 12
        "Too Early,Tia,2016-01-01,2015-12-31,residential,Oak Lodge,,,,",  # 13
        "Wrong Kind,Kit,2016-01-01,2025-10-06,foster,Oak Lodge,,,,",  # 14
        "Extra Cell,Ed,2016-01-01,2025-10-06,residential,Oak Lodge,,,,,surprise",  # 15
        "Tab Start,Tab,2016-01-01,2025-10-06,residential,Oak Lodge,,,\tEnglish,",  # 16
    ]
).encode()


def test_a_dry_run_reports_each_bad_row_and_imports_nothing(admin, session, homes, jayden):
    before = count(session, Child)
    page = upload(admin, "children", BAD_CHILDREN)
    assert page.status_code == 200
    assert "Nothing was imported" in page.text
    assert "14 problems in 14 rows of 15. Correct the file" in " ".join(page.text.split())
    found = report(page.text)
    assert found == [
        (3, "date_of_birth", "2015-02-30 is not a date: write dates like 2014-06-01 or 01/06/2014"),
        (4, "home", "No open home is called Nowhere House: check the name on the homes page"),
        (
            5,
            "legal_name",
            "The same child (legal name and date of birth) as row 2",
        ),
        (
            6,
            "legal_name",
            "There is already a child called Jayden Marcus Clarke born on 2 July 2015",
        ),
        (7, "preferred_name", "Enter the name the child likes to be called"),
        (
            8,
            "legal_name",
            "Starts with “=”, which a spreadsheet would run as a formula: remove it, or "
            "write the text another way",
        ),
        (
            9,
            "communication_needs",
            "Starts with “+”, which a spreadsheet would run as a formula: remove it, or "
            "write the text another way",
        ),
        (
            10,
            "preferred_name",
            "Starts with “-”, which a spreadsheet would run as a formula: remove it, or "
            "write the text another way",
        ),
        (
            11,
            "first_language",
            "Starts with “@”, which a spreadsheet would run as a formula: remove it, or "
            "write the text another way",
        ),
        (12, "placement_type", "hotel is not a placement type: write residential or foster"),
        (
            13,
            "became_looked_after",
            "Date became looked after must be on or after the date of birth (1 January 2016)",
        ),
        (14, "home", "Oak Lodge is a children's home: a foster placement needs a foster family"),
        (15, "The whole row", "This row has more cells than the file has columns"),
        (
            16,
            "first_language",
            "Starts with a tab, which a spreadsheet would run as a formula: remove it, or "
            "write the text another way",
        ),
    ]
    assert 'name="checked"' not in page.text  # nothing to import
    assert count(session, Child) == before
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "admin-import-checked"))
    assert event.outcome == "problems" and event.detail == "rows=15 problems=14"
    assert "cmd" not in event.detail


GOOD_CHILDREN = (
    "\ufeff"  # Excel's byte order mark
    + HEADER
    + "\r\n"
    + "Amelia Rose Thompson,Mia,14/03/2020,06/10/2025,residential,oak lodge,06/10/2025,,,"
    + '"Likes pictures.\nNeeds time to answer."\r\n'
    + "Leo James Wright,Leo,2017-05-11,2023-04-03,foster,The Adeyemi family,,,English,\r\n"
    + ",,,,,,,,,\r\n"  # a blank row is left out
    + "Samir Haidari,Sami,2008-09-20,2024-09-07,residential,,,2026-01-31,Dari,Interpreter\r\n"
).encode("utf-8")


def test_a_good_file_is_checked_then_imported_whole(admin, session, homes):
    page = upload(admin, "children", GOOD_CHILDREN)
    assert "The dry run found no problems in 3 rows" in page.text
    assert "Nothing has been imported yet." in page.text
    assert count(session, Child) == 0
    checked = digest_on(page.text)
    response = upload(admin, "children", GOOD_CHILDREN, action="import", checked=checked)
    assert response.status_code == 302 and response.headers["Location"] == "/admin/children"
    assert "Imported 3 children." in admin.get("/admin/children?status=all").text
    children = {c.preferred_name: c for c in session.scalars(select(Child))}
    assert set(children) == {"Mia", "Leo", "Sami"}
    mia = children["Mia"]
    assert mia.home_id == homes["oak"].id and mia.first_language == "English"
    assert mia.date_of_birth == factories.date(2020, 3, 14)
    assert mia.communication_needs == "Likes pictures.\nNeeds time to answer."
    assert children["Sami"].home_id is None and children["Sami"].left_care_on is not None
    # Each child's timetable was worked out as they were added.
    assert session.scalar(select(Review).where(Review.child_id == children["Leo"].id))
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "admin-import"))
    assert event.subject_id == "children" and event.detail == "rows=3"


def test_only_the_file_the_dry_run_checked_is_imported(admin, session, homes):
    # Straight to "import", with no dry run: refused.
    page = upload(admin, "children", GOOD_CHILDREN, action="import").text
    assert "This is not the file the dry run checked" in page
    # The dry run of one file does not let another in.
    checked = digest_on(upload(admin, "children", GOOD_CHILDREN).text)
    other = GOOD_CHILDREN.replace(b"Leo James Wright", b"Leon James Wright")
    page = upload(admin, "children", other, action="import", checked=checked).text
    assert "This is not the file the dry run checked" in page
    assert count(session, Child) == 0


def test_the_import_is_all_or_nothing(admin, session, homes, monkeypatch):
    checked = digest_on(upload(admin, "children", GOOD_CHILDREN).text)
    real = service.add_checked_child
    calls = []

    def fails_on_the_third(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise service.Invalid({"legal_name": service.Issue("duplicate")})
        return real(*args, **kwargs)

    monkeypatch.setattr(service, "add_checked_child", fails_on_the_third)
    response = upload(admin, "children", GOOD_CHILDREN, action="import", checked=checked)
    assert response.status_code == 302
    assert "Nothing was imported" in admin.get(response.headers["Location"]).text
    assert count(session, Child) == 0 and count(session, Review) == 0


def test_a_row_that_became_a_duplicate_since_the_dry_run_stops_the_import(admin, session, homes):
    checked = digest_on(upload(admin, "children", GOOD_CHILDREN).text)
    factories.make_child(
        session,
        home=homes["adeyemi"],
        legal_name="Leo James Wright",
        date_of_birth=factories.date(2017, 5, 11),
    )
    session.commit()
    page = upload(admin, "children", GOOD_CHILDREN, action="import", checked=checked).text
    assert report(page) == [
        (3, "legal_name", "There is already a child called Leo James Wright born on 11 May 2017")
    ]
    assert count(session, Child) == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty"),
        (HEADER.encode() + b"\r\n", "The file has its column names but no rows under them"),
        (
            "legal_name,preferred_name\r\nZoë,Zo\r\n".encode(),
            "These columns are missing: date_of_birth, became_looked_after, placement_type, home",
        ),
        (
            (HEADER + ",nickname\r\n").encode(),
            "These columns are not ones this import takes: nickname. Start from the template.",
        ),
        (
            (HEADER.replace(",", ";") + "\r\n").encode(),
            "The columns are separated by semicolons",
        ),
        (
            (HEADER + ",home\r\n").encode(),
            "These columns appear more than once: home",
        ),
        (
            (HEADER + "\r\nZoë,Zo,2016-01-01,2025-10-06,residential,Oak Lodge,,,,\r\n").encode(
                "latin-1"
            ),
            "The file is not UTF-8 text",
        ),
        (
            (HEADER + '\r\n"unclosed,quote\r\n').encode(),
            "The file cannot be read as CSV from row 2",
        ),
    ],
)
def test_a_file_that_is_wrong_as_a_whole_is_said_so(admin, session, homes, content, message):
    page = upload(admin, "children", content).text
    assert "Nothing was imported" in page
    assert message in html.unescape(" ".join(page.split()))
    assert count(session, Child) == 0


def test_more_rows_than_the_limit_are_refused(admin, session, homes):
    row = "A Child,A,2016-01-01,2025-10-06,residential,Oak Lodge,,,,\r\n"
    content = (HEADER + "\r\n" + row * 5001).encode()
    page = upload(admin, "children", content).text
    assert "The file has more than 5000 rows: split it into smaller files" in page
    assert count(session, Child) == 0


def test_a_file_over_2_mb_is_refused(admin, session, homes):
    # Just over the limit: the page says so ...
    content = (HEADER + "\r\n").encode() + b"x" * (2 * 1024 * 1024)
    page = upload(admin, "children", content)
    assert page.status_code == 200
    assert "The file is bigger than 2 MB" in page.text
    # ... and a body far bigger is refused before it is read. (Built by hand: the test client
    # would spool its own copy to a temporary file, which a refused request never reads.)
    boundary = "b0undary"
    body = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="file"; filename="big.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode() + b"x" * (3 * 1024 * 1024)
    response = admin.post(
        "/admin/imports/children",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 413


def test_no_file_chosen(admin):
    url = "/admin/imports/children"
    page = admin.get(url)
    response = admin.post(
        url,
        data={"csrf_token": csrf_from(page.text), "action": "check"},
        content_type="multipart/form-data",
    )
    assert "Choose a CSV file" in response.text and "<title>Error: " in response.text


def test_the_templates_are_csv_files_with_the_column_names(admin):
    response = admin.get("/admin/imports/children/template.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.get_data(as_text=True) == "\ufeff" + HEADER + "\r\n"
    staff = admin.get("/admin/imports/staff/template.csv").get_data(as_text=True)
    assert staff == "\ufeffname,email,role\r\n"


# --- staff --------------------------------------------------------------------------------------


def test_staff_accounts_are_imported_without_passwords(admin, session, people):
    content = (
        b"Name,Email,Role\r\n"
        b"Priya Shah,Priya.Shah@example.org,keyworker\r\n"
        b"Daniel Hughes,daniel.hughes@example.org,IRO\r\n"
    )
    page = upload(admin, "staff", content)
    assert "The dry run found no problems in 2 rows" in page.text
    response = upload(admin, "staff", content, action="import", checked=digest_on(page.text))
    assert response.status_code == 302 and response.headers["Location"] == "/admin/staff"
    listing = admin.get("/admin/staff").text
    assert "Imported 2 staff accounts" in listing and "No password yet" in listing
    priya = session.scalar(select(StaffMember).where(StaffMember.name == "Priya Shah"))
    assert priya.email == "priya.shah@example.org" and priya.role == Role.KEYWORKER
    daniel = session.scalar(select(StaffMember).where(StaffMember.name == "Daniel Hughes"))
    assert daniel.role == Role.IRO
    # No password matches until an administrator sets a temporary one.
    assert not service.has_password(priya)
    assert not verify_password(priya.password_hash, "")
    assert priya.password_hash != daniel.password_hash


def test_bad_staff_rows_are_each_reported(admin, session, people):
    taken = people[Role.IRO].email
    content = (
        "name,email,role\r\n"
        "Priya Shah,priya@example.org,keyworker\r\n"  # 2 good
        f"Ivy Again,{taken.upper()},iro\r\n"  # 3 already an account
        "Priya Twin,PRIYA@example.org,keyworker\r\n"  # 4 twice in the file
        "No Email,,keyworker\r\n"  # 5
        "Bad Email,not-an-address,keyworker\r\n"  # 6
        "Wizard,wiz@example.org,wizard\r\n"  # 7
        '=HYPERLINK("http://evil.example"),evil@example.org,admin\r\n'  # 8
        ",nameless@example.org,keyworker\r\n"  # 9
    ).encode()
    page = upload(admin, "staff", content).text
    assert report(page) == [
        (3, "email", f"There is already an account for {taken}"),
        (4, "email", "The same email address as row 2"),
        (5, "email", "Enter the email address"),
        (6, "email", "Enter an email address in the right format, like name@council.gov.uk"),
        (
            7,
            "role",
            "wizard is not a role: write keyworker, social-worker, iro, manager or admin",
        ),
        (
            8,
            "name",
            "Starts with “=”, which a spreadsheet would run as a formula: remove it, or "
            "write the text another way",
        ),
        (9, "name", "Enter the name"),
    ]
    assert count(session, StaffMember) == len(people)


def test_a_forged_checked_value_is_only_a_mismatch(admin, session, homes):
    for forged in ("é" * 64, "\x00", "0" * 64, "x" * 10_000):
        page = upload(admin, "children", GOOD_CHILDREN, action="import", checked=forged)
        assert page.status_code == 200
        assert "This is not the file the dry run checked" in page.text
    assert count(session, Child) == 0
