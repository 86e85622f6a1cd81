"""Translated words with no request to choose a language from (commands such as `flask demo`
store the words a choice showed): the default language rather than an error; and in a page
that switches language part way."""

from __future__ import annotations

from flask_babel import lazy_gettext


def test_words_are_in_english_outside_a_request(app):
    with app.app_context():
        assert str(lazy_gettext("Language")) == "Language"


def test_a_page_can_switch_language_part_way(app):
    # Templates look the catalog up once per page (i18n.page_translations), yet a part written
    # in another language with force_locale() is still in that language, and the rest is not.
    from flask import render_template_string
    from flask_babel import force_locale

    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        page = '{{ _("Language") }}'
        assert render_template_string(page) == "Language"
        with force_locale("cy"):
            assert render_template_string(page) == "Iaith"
        assert render_template_string(page) == "Language"
