"""Checks that every HTML page the suite fetches must pass (after GOV.UK Notify's test client)."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser

VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
# Elements whose end tag the HTML parser lets us omit; we still write them, so no exceptions here.
OPTIONAL_END: set[str] = set()


class PageProblems(AssertionError):
    pass


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.ids: Counter[str] = Counter()
        self.h1_count = 0
        self.h1_text: list[str] = []
        self.in_h1 = False
        self.title: list[str] = []
        self.in_title = False
        self.html_attrs: dict[str, str | None] = {}
        self.scripts_without_nonce = 0
        self.inline_handlers: list[str] = []
        self.style_attrs = 0
        self.label_for: set[str] = set()
        self.controls: list[tuple[str, dict[str, str | None]]] = []
        self.haspopup: list[str] = []
        self.viewport = ""
        self.fragment_links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids[attributes["id"]] += 1
        for name, _value in attrs:
            if name.startswith("on"):
                self.inline_handlers.append(f"<{tag} {name}>")
            if name == "style":
                self.style_attrs += 1
        if tag == "html":
            self.html_attrs = attributes
        if tag == "h1":
            self.h1_count += 1
            self.in_h1 = True
        if tag == "title":
            self.in_title = True
        if tag == "script" and not attributes.get("nonce"):
            self.scripts_without_nonce += 1
        href = attributes.get("href") or ""
        if tag == "a" and href.startswith("#") and len(href) > 1:
            self.fragment_links.append(href[1:])
        if tag == "label" and attributes.get("for"):
            self.label_for.add(str(attributes["for"]))
        if tag in ("input", "select", "textarea"):
            kind = (attributes.get("type") or "").lower()
            if kind not in ("hidden", "submit", "button", "reset", "image"):
                self.controls.append((tag, attributes))
        if "aria-haspopup" in attributes and (
            tag != "button" and attributes.get("role") not in ("combobox", "button", "menuitem")
        ):
            self.haspopup.append(f"<{tag} aria-haspopup>")
        if tag == "meta" and attributes.get("name") == "viewport":
            self.viewport = str(attributes.get("content") or "")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"unexpected </{tag}> (open: {self.stack[-3:]})")
            if tag in self.stack:
                while self.stack and self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()
        if tag == "h1":
            self.in_h1 = False
        if tag == "title":
            self.in_title = False

    def handle_data(self, data: str) -> None:
        if self.in_h1:
            self.h1_text.append(data)
        if self.in_title:
            self.title.append(data)


def _squash(text: str) -> str:
    return " ".join(text.split())


def page_problems(html: str) -> list[str]:
    """Everything wrong with a page, as readable sentences (empty when it passes)."""
    collector = _Collector()
    collector.feed(html)
    collector.close()
    problems = list(collector.problems)
    if collector.stack:
        problems.append(f"unclosed elements: {collector.stack}")
    if not html.lstrip().lower().startswith("<!doctype html>"):
        problems.append("no <!doctype html>")
    if not collector.html_attrs.get("lang"):
        problems.append("<html> has no lang")
    if collector.html_attrs.get("dir") not in ("ltr", "rtl"):
        problems.append("<html> has no dir")
    if collector.h1_count != 1:
        problems.append(f"{collector.h1_count} h1 elements (want exactly 1)")
    h1 = _squash("".join(collector.h1_text))
    title = _squash("".join(collector.title))
    if title.startswith("Error: "):
        title = title[len("Error: ") :]
    if not h1 or not title.startswith(h1):
        problems.append(f"title {title!r} does not begin with the h1 {h1!r}")
    duplicates = [i for i, n in collector.ids.items() if n > 1]
    if duplicates:
        problems.append(f"duplicate ids: {duplicates}")
    if collector.scripts_without_nonce:
        problems.append(f"{collector.scripts_without_nonce} <script> without a CSP nonce")
    if collector.inline_handlers:
        problems.append(f"inline event handlers: {collector.inline_handlers}")
    unlabelled = [
        f"<{tag} name={attrs.get('name')!r}>"
        for tag, attrs in collector.controls
        if not attrs.get("aria-labelledby") and (attrs.get("id") or "") not in collector.label_for
    ]
    if unlabelled:
        # axe accepts a placeholder or title as a name; we want a real label.
        problems.append(f"controls without a <label for> or aria-labelledby: {unlabelled}")
    # A link within the page (an error summary's "go to the box", a skip link) that leads nowhere.
    dangling = sorted({i for i in collector.fragment_links if i not in collector.ids})
    if dangling:
        problems.append(f"links to ids not on the page: {dangling}")
    if collector.haspopup:
        problems.append(f"aria-haspopup where it is not allowed: {collector.haspopup}")
    viewport = collector.viewport.replace(" ", "").lower()
    if "user-scalable=no" in viewport or "maximum-scale=1" in viewport:
        problems.append(f"the viewport blocks zoom: {collector.viewport!r}")
    if collector.style_attrs:
        problems.append(f"{collector.style_attrs} style attributes (CSP forbids them)")
    return problems


def assert_good_page(html: str, url: str = "") -> None:
    problems = page_problems(html)
    if problems:
        raise PageProblems(f"{url}: " + "; ".join(problems))
