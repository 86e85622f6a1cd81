"""The quick paths templates take for their words and links (i18n._gettext and
templating.cached_url_for) give exactly what Jinja's and Flask's own would."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import flask_babel
import pytest
from flask import Flask, render_template_string, url_for
from flask_babel import force_locale
from markupsafe import escape

from participation.templating import URL_CACHE_SIZE, cached_url_for

# --- Words -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ('{{ _("Language") }}', "Language"),
        # New-style strings always go through %: "%%" is one "%", with or without variables.
        ('{{ _("100%% of it") }}', "100% of it"),
        ('{{ _("%(n)d%% done", n=5) }}', "5% done"),
        # A variable is escaped; the words themselves are not escaped twice.
        ('{{ _("Hello %(name)s", name="<b>Jo</b>") }}', "Hello &lt;b&gt;Jo&lt;/b&gt;"),
        ('{{ gettext("Language") }}', "Language"),
        ('{{ ngettext("%(num)d thing", "%(num)d things", 1) }}', "1 thing"),
        ('{{ ngettext("%(num)d thing", "%(num)d things", 3) }}', "3 things"),
        ("{% trans %}Language{% endtrans %}", "Language"),
        ("{% trans n=2 %}{{ n }} left{% endtrans %}", "2 left"),
    ],
)
def test_words_come_out_as_jinja_would_write_them(app: Flask, template: str, expected: str):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert render_template_string(template) == expected


def test_words_are_in_the_readers_language_and_follow_force_locale(app: Flask):
    page = '{{ _("Language") }} {{ ngettext("%(num)d thing", "%(num)d things", 2) }}'
    with app.test_request_context("/", headers={"Accept-Language": "cy"}):
        welsh = render_template_string(page)
        assert welsh.startswith("Iaith ")
        with force_locale("en"):
            assert render_template_string(page) == "Language 2 things"
        assert render_template_string(page) == welsh


# --- Links -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("endpoint", "values"),
    [
        ("child.my_page", {}),
        ("pages.accessibility", {}),
        ("sharing.preview", {"audience": "iro"}),
        ("static", {"filename": "css/app.css"}),
        ("static", {"filename": "css/no-such-file.css"}),
        ("child.my_page", {"_anchor": "main"}),
        ("child.my_page", {"_external": True}),
        ("sharing.preview", {"audience": "iro", "extra": "1"}),
    ],
)
def test_a_remembered_link_is_the_link_flask_builds(app: Flask, endpoint: str, values: dict):
    with app.test_request_context("/"):
        expected = url_for(endpoint, **values)
        template = "{{ url_for(endpoint, **values) }}"
        # Twice: built, then remembered.
        for _ in range(2):
            assert render_template_string(template, endpoint=endpoint, values=values) == expected


def test_a_link_follows_the_apps_mount_point(app: Flask):
    template = "{{ url_for('child.my_page') }}"
    with app.test_request_context("/"):
        assert render_template_string(template) == "/me"
    with app.test_request_context("/", base_url="http://localhost/review"):
        assert url_for("child.my_page") == "/review/me"
        assert render_template_string(template) == "/review/me"
    with app.test_request_context("/"):
        assert render_template_string(template) == "/me"


def test_a_relative_endpoint_is_the_current_blueprints(app: Flask):
    template = "{{ url_for('.my_page') }}"
    with app.test_request_context("/me"):
        assert render_template_string(template) == "/me"
    # The same words in a page of a blueprint without that view: Flask's own error, not the
    # child blueprint's link remembered from before.
    with app.test_request_context("/my-children"), pytest.raises(Exception, match="my_page"):
        render_template_string(template)


def test_a_value_that_cannot_be_remembered_is_built_as_usual(app: Flask):
    with app.test_request_context("/"):
        expected = url_for("sharing.preview", audience="iro", tag=["a", "b"])
        got = render_template_string(
            "{{ url_for('sharing.preview', audience='iro', tag=['a', 'b']) }}"
        )
        assert got == escape(expected)


def test_a_static_link_changes_as_soon_as_the_file_does(tmp_path: Path):
    from participation.assets import init_assets

    (tmp_path / "site.css").write_text("a {}")
    small = Flask(__name__, static_folder=str(tmp_path), static_url_path="/static")
    init_assets(small)
    link = cached_url_for(small)
    with small.test_request_context("/"):
        before = link("static", filename="site.css")
        assert link("static", filename="site.css") == before
        (tmp_path / "site.css").write_text("a { color: #000 }")
        after = link("static", filename="site.css")
        assert after != before
        assert after == url_for("static", filename="site.css")


def test_the_remembered_links_stay_few(tmp_path: Path):
    from participation.assets import init_assets

    small = Flask(__name__, static_folder=str(tmp_path), static_url_path="/static")
    init_assets(small)
    small.add_url_rule("/thing/<int:number>", "thing", lambda number: "")
    link = cached_url_for(small)
    with small.test_request_context("/"):
        for number in range(URL_CACHE_SIZE * 2 + 5):
            assert link("thing", number=number) == f"/thing/{number}"
        cache = next(
            cell.cell_contents
            for cell in link.__closure__ or ()
            if isinstance(cell.cell_contents, dict)
        )
        assert len(cache) <= URL_CACHE_SIZE


# --- Digits ----------------------------------------------------------------------------------


def persian(number: int) -> str:
    """`number` in Persian (and Pashto) digits."""
    return "".join(chr(0x06F0 + int(digit)) for digit in str(number))


def test_numbers_in_templates_are_in_the_readers_digits(app: Flask):
    page = (
        '{{ _("%(done)d of %(total)d chosen", done=2, total=3) }}|'
        '{{ ngettext("%(num)d thing", "%(num)d things", 12) }}|'
        "{% trans n=4 %}{{ n }} left{% endtrans %}|"
        '{{ _("Code %(code)s", code="ab-12") }}|'
        "{{ when|day }}"
    )
    when = date(2026, 12, 7)
    with app.test_request_context("/", headers={"Accept-Language": "fa"}):
        done, things, left, code, day = render_template_string(page, when=when).split("|")
        assert done.startswith(persian(2)) and persian(3) in done
        assert persian(12) in things and "12" not in things
        assert persian(4) in left
        assert code.endswith("ab-12")  # a code is not a number to read
        assert (
            persian(2026) in day and persian(7) in day and not any(d in day for d in "0123456789")
        )
        with force_locale("en"):
            assert render_template_string("{{ when|day }}", when=when) == "Monday 7 December 2026"


def test_messages_made_in_python_have_the_readers_digits_too(app: Flask):
    with app.test_request_context("/", headers={"Accept-Language": "ps"}):
        assert persian(3) in flask_babel.ngettext(
            "Imported %(num)d child.", "Imported %(num)d children.", 3
        )
        assert persian(5) in str(
            flask_babel.lazy_gettext("Photo %(number)d: %(problem)s", number=5, problem="x")
        )
        with force_locale("cy"):
            assert "3" in flask_babel.ngettext(
                "Imported %(num)d child.", "Imported %(num)d children.", 3
            )


# --- Names areas give every template ---------------------------------------------------------


def test_an_area_s_names_reach_every_template_and_imported_macros(app: Flask):
    """Labels given by areas (timetable, IRO, keyworker...) are Jinja globals: found in a page
    and in a macro imported without the page's context."""
    macros = app.jinja_env.from_string(
        "{% macro m() %}{{ milestone_label('from-a-macro') }}{% endmacro %}"
    )
    with app.test_request_context("/"):
        page = render_template_string(
            "{% import macros as imported %}{{ milestone_label('unknown-name') }} "
            "{{ imported.m() }} {{ sharing_icon('nobody-knows') != '' }}",
            macros=macros,
        )
        assert page == "unknown-name from-a-macro True"


def test_two_areas_giving_one_name_fail_when_the_app_is_made():
    from flask import Blueprint

    from participation.templating import template_globals

    made = Flask(__name__)
    first, second = Blueprint("first", __name__), Blueprint("second", __name__)
    template_globals(first, {"label": str})
    template_globals(second, {"label": repr})
    made.register_blueprint(first)
    with pytest.raises(RuntimeError, match="label"):
        made.register_blueprint(second)
