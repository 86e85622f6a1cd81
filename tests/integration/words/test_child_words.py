"""The words care-experienced young people asked for: every page a child can reach (their page,
the plan, their views, sharing, the keyworker report, "you said, we did"...) is crawled as Jay
from the demo council, and its visible English text must not use the system's words for them."""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser

from sqlalchemy import select

from participation.child import service as space_service
from participation.demo import DEMO_PASSWORD, load_demo
from participation.models import Child, StaffMember
from tests.conftest import csrf_from
from tests.support.child_fixtures import CODE

# The words, and why they are not used with children (each has a child's word instead).
BANNED = {
    r"\bLAC\b": "say 'children in care', or their name",
    r"\blooked[- ]after child": "say 'you', or 'children in care'",
    r"\bplacement": "say 'where I live' or 'my home'",
    r"\bcontact\b": "say 'family time'",
    r"\brespite\b": "say 'short breaks'",
    r"\bcare plan\b": "say 'my plan'",
}
SKIP = re.compile(r"/(give-back|lock|still-here|sign-out)|\.(pdf|zip|jpg|mp4)$|/media/")


class _Text(HTMLParser):
    """The visible text of a page, and its same-site links."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        href = dict(attrs).get("href")
        if tag == "a" and href and href.startswith("/me"):
            self.links.append(href.split("#")[0])

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.text.append(data)


def test_child_pages_use_the_words_children_asked_for(client, auth, tablet, session):
    load_demo(session)
    jay = session.scalar(select(Child).where(Child.preferred_name == "Jay"))
    tom = session.scalar(select(StaffMember).where(StaffMember.email == "tom.evans@example.org"))
    space_service.set_picture_code(session, jay, [c.lower() for c in CODE], tom)
    session.commit()
    auth.sign_in(tom, password=DEMO_PASSWORD)
    record = client.get(f"/children/{jay.public_id}").text
    client.post(f"/children/{jay.public_id}/hand-over", data={"csrf_token": csrf_from(record)})
    tablet.tap(CODE)

    seen: set[str] = set()
    queue = deque(["/me", "/me/views", "/me/plan", "/me/sharing/what-it-means"])
    found = []
    read = []
    while queue and len(seen) < 120:
        url = queue.popleft()
        if url in seen or SKIP.search(url):
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        read.append(url)
        page = _Text()
        page.feed(response.text)
        text = " ".join(" ".join(page.text).split())
        for pattern, instead in BANNED.items():
            for match in re.finditer(pattern, text, re.I):
                found.append(
                    f"{url}: '{text[max(0, match.start() - 40) : match.end() + 40]}' ({instead})"
                )
        queue.extend(link for link in page.links if link not in seen)
    assert len(read) >= 20, sorted(read)  # the crawl reached the child's pages
    assert found == []
