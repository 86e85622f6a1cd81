"""The child's display settings: text size, strong or calm colours, easier reading, less movement,
kept with their space (so every tablet shows them), refused clearly with nothing lost."""

from __future__ import annotations

from pathlib import Path

from participation.child import service as space_service
from tests.support.child_fixtures import CODE

URL = "/me/how-it-looks"


def _open(tablet, keyworker, child):
    tablet.hand_over(keyworker, child)
    tablet.tap(CODE)


def test_a_child_changes_how_their_pages_look(tablet, session, mia_with_code, keyworker):
    _open(tablet, keyworker, mia_with_code)
    page = tablet.client.get("/me").text
    assert 'href="/me/how-it-looks"' in page and 'class="child text-normal"' in page
    assert "easy-read.css" not in page
    form = tablet.client.get(URL).text
    assert "How big the words are" in form and "Strong colours" in form
    saved = tablet.post(URL, text_size="larger", easy_read="y", reduce_motion="y")
    assert saved.status_code == 302
    space = space_service.space_for(session, mia_with_code)
    session.refresh(space)
    assert (space.text_size, space.easy_read, space.reduce_motion, space.high_contrast) == (
        "larger",
        True,
        True,
        False,
    )
    page = tablet.client.get("/me").text
    assert 'class="child text-larger easy-read reduce-motion"' in page
    assert "css/easy-read.css" in page  # the font is fetched only by those who chose it
    # And back again: unticking is kept too.
    tablet.post(URL, text_size="normal")
    assert 'class="child text-normal"' in tablet.client.get("/me").text


def test_a_bad_choice_is_told_in_a_childs_words_and_keeps_the_rest(
    tablet, session, mia_with_code, keyworker
):
    _open(tablet, keyworker, mia_with_code)
    refused = tablet.post(URL, text_size="enormous", high_contrast="y")
    assert refused.status_code == 400
    assert "Choose how big the words are" in refused.text
    assert '<input checked id="high_contrast"' in refused.text  # what was ticked stays ticked
    space = space_service.space_for(session, mia_with_code)
    session.refresh(space)
    assert space.text_size == "normal" and not space.high_contrast


def test_staff_and_nobody_cannot_use_it(client, auth, session, keyworker):
    assert client.get(URL).status_code == 404
    auth.sign_in(keyworker)
    assert client.get(URL).status_code == 404


def test_the_easier_font_is_served_by_the_app(app):
    css = (Path(__file__).parents[3] / "static" / "css" / "easy-read.css").read_text()
    assert "atkinson-hyperlegible/atkinson-hyperlegible-latin-400-normal.woff2" in css
    font_url = "/static/fonts/atkinson-hyperlegible/atkinson-hyperlegible-latin-400-normal.woff2"
    with app.test_client().get(font_url) as font:
        assert font.status_code == 200 and font.get_data()[:4] == b"wOF2"
