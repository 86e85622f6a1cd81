"""The keyworker's report page read as a browser reads it: the report's form (its boxes and
hidden fields, what is typed in them) and the buttons that submit it (Save, and Share and Send,
which name the form and post it to their own address), so a test can type and press a button
without JavaScript, as a keyworker would."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

FORM_ID = "report-form"


@dataclass
class ReportPageForm:
    action: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    buttons: dict[str, str] = field(default_factory=dict)  # words on the button -> where it posts


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.form = ReportPageForm()
        self._in_form = False
        self._textarea: str | None = None
        self._button: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "form" and found.get("id") == FORM_ID:
            self._in_form = True
            self.form.action = found.get("action", "")
        ours = self._in_form or found.get("form") == FORM_ID
        if not ours:
            return
        if tag == "textarea":
            self._textarea, self._text = found["name"], []
        elif tag == "input" and "name" in found:
            self.form.fields[found["name"]] = found.get("value", "")
        elif tag == "button":
            self._button, self._text = found.get("formaction") or self.form.action, []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None or self._button is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._in_form:
            self._in_form = False
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            # As a browser does: the newline just after <textarea> is not part of the words.
            for newline in ("\r\n", "\n"):
                if text.startswith(newline):
                    text = text[len(newline) :]
                    break
            self.form.fields[self._textarea] = text
            self._textarea = None
        elif tag == "button" and self._button is not None:
            self.form.buttons[" ".join("".join(self._text).split())] = self._button
            self._button = None


def read_report_form(html: str) -> ReportPageForm:
    """The report's form on the page, with every box as it reads now."""
    reader = _Reader()
    reader.feed(html)
    assert reader.form.action, "no report form on the page"
    return reader.form


def report_url(child) -> str:
    return f"/children/{child.public_id}/keyworker-report"


def press(desk, child, button: str, url: str | None = None, **typed: str):
    """Open the report page (``url``, the page without a review named by default), type into
    boxes (``home_keyworker="..."``) and press the button whose words start with ``button``."""
    form = read_report_form(desk.get(url or report_url(child)).text)
    where = next((to for words, to in form.buttons.items() if words.startswith(button)), None)
    assert where is not None, f"no {button!r} button: {sorted(form.buttons)}"
    return desk.post(where, {**form.fields, **typed})


def post_action(desk, child, action: str, url: str | None = None, **typed: str):
    """Post the page's report form to ``share`` or ``send`` whether or not the page shows that
    button (to see what the server does when it is pressed from an older page)."""
    form = read_report_form(desk.get(url or report_url(child)).text)
    where = form.action.replace("/keyworker-report", f"/keyworker-report/{action}", 1)
    return desk.post(where, {**form.fields, **typed})
