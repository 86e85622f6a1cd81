"""Simulated tablets and staff for locust. Run by benchmarks/load_run.py (make load / make soak).

Needs LOAD_PLAN: the JSON written by the runner from benchmarks/load/council.py (accounts,
children, picture code, personal links). Each simulated user takes its own tablet child or
staff account, signs in as a browser would (CSRF tokens from the pages, cookies kept, the
second factor from the account's authenticator secret), then repeats its tasks with a think
time between them.

- Tablets (child): open the space by a personal link or by the keyworker handing over, tap the
  picture code, then: "My page", the planning steps (read and save), "My views" and a topic, add a
  view with a photo, look at it, "who can see" a view and share it with the IRO, the preview of
  what the IRO sees, "who has seen".
- Staff: sign in (and a second factor for IROs, managers and administrators), then their
  dashboards: keyworkers and social workers their children, timetable and a child's record;
  IROs their workspace, timetable and the review packs of their children with the photos in
  them; the manager the council views; the administrator the admin lists.

Every request is named "<kind>: <what>"; the kind (the part before the colon) groups the
figures in the runner's table. A response that is not what a browser would get (a redirect to
the sign-in or picture-code page, a missing form) counts as an error. When LOAD_RESULTS is
set, every response time is also kept by kind and written there as JSON when the test stops.
"""

from __future__ import annotations

import io
import itertools
import json
import os
import random
import re
import threading
from collections import defaultdict
from html.parser import HTMLParser
from typing import Any

import pyotp
from locust import HttpUser, between, events, task
from PIL import Image

PLAN: dict[str, Any] = json.loads(open(os.environ["LOAD_PLAN"]).read())  # noqa: SIM115
RESULTS = os.environ.get("LOAD_RESULTS")
_lock = threading.Lock()
_tablets = itertools.count()
_staff = itertools.count()
_of_role: dict[str, itertools.count[int]] = defaultdict(itertools.count)
_addresses = itertools.count(1)
_times: dict[str, list[float]] = defaultdict(list)
_errors: dict[str, int] = defaultdict(int)

STEPS: dict[str, dict[str, Any]] = {
    "taking-part": {"attendance": "all", "advocate": "yes"},
    "where-and-when": {"place": "home", "times": ["after-school"]},
    "food-and-drink": {"food": ["pizza", "juice"], "diet": "No nuts please"},
    "the-room": {"room": ["quiet", "breaks"], "seating": "Near the window"},
}
# Staff of each role among every ten staff users.
STAFF_MIX = ["keyworker"] * 3 + ["social-worker"] * 2 + ["iro"] * 3 + ["manager", "admin"]
ITEM_URL = re.compile(r"/me/views/items/([A-Za-z0-9_-]+)")
MEDIA_URL = re.compile(r'src="(/(?:me/)?media/[A-Za-z0-9_-]+(?:/thumb)?)')


def _photo(seed: int) -> bytes:
    """A small phone-like photo (1024x768 JPEG, about 30 KB) with some detail to encode."""
    rng = random.Random(seed)
    image = Image.new("RGB", (1024, 768), (rng.randrange(256), 120, 90))
    pixels = image.load()
    assert pixels is not None
    for x in range(0, 1024, 8):
        for y in range(0, 768, 8):
            pixels[x, y] = (x % 256, y % 256, rng.randrange(256))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


PHOTOS = [_photo(n) for n in range(4)]


@events.request.add_listener
def _keep(name: str, response_time: float, exception: Any, **_kw: Any) -> None:
    kind = name.split(":", 1)[0]
    with _lock:
        _times[kind].append(response_time)
        if exception is not None:
            _errors[kind] += 1


@events.test_stop.add_listener
def _write(**_kw: Any) -> None:
    if RESULTS:
        with _lock, open(RESULTS, "w") as out:
            json.dump({"times": _times, "errors": _errors}, out)


class _Forms(HTMLParser):
    """The POST forms of a page: each one's action and its fields with their values."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "form" and values.get("method", "").lower() == "post":
            self.forms.append({"action": values.get("action", ""), "fields": {}})
        elif tag == "input" and self.forms and values.get("type") == "hidden":
            self.forms[-1]["fields"][values.get("name", "")] = values.get("value", "")


def forms_of(html: str) -> list[dict[str, Any]]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def csrf_of(html: str) -> str | None:
    for form in forms_of(html):
        if "csrf_token" in form["fields"]:
            return str(form["fields"]["csrf_token"])
    return None


class Browser(HttpUser):
    abstract = True
    wait_time = between(1, 4)

    def on_start(self) -> None:
        # As if each user were behind the council's proxy with an address of their own.
        number = next(_addresses)
        address = f"10.{number // 65536}.{number // 256 % 256}.{number % 256}"
        self.client.headers["X-Forwarded-For"] = address
        self.csrf = ""
        self.landed = ""

    def page(self, path: str, name: str, *, expect: str | None = None) -> str | None:
        """GET a page as a browser would (following redirects); fail if it lands elsewhere."""
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {path}")
                return None
            landed = self.landed = response.url or ""
            if expect and expect not in landed:
                response.failure(f"{path} landed on {landed}")
                return None
            if not expect and response.history and ("/sign-in" in landed or "/unlock" in landed):
                response.failure(f"{path} sent us to {landed}")
                return None
            token = csrf_of(response.text)
            if token:
                self.csrf = token
            return response.text

    def post(
        self,
        path: str,
        name: str,
        data: dict[str, Any],
        *,
        files: Any = None,
        ok: tuple[int, ...] = (302, 303),
    ) -> str | None:
        """POST a form without following the redirect; return where it sends the browser (or,
        for a page answered in place, the page)."""
        with self.client.post(
            path,
            name=name,
            data={"csrf_token": self.csrf, **data},
            files=files,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code not in ok:
                response.failure(f"{response.status_code} for POST {path}")
                return None
            location = response.headers.get("Location", "")
            if "/sign-in" in location:
                response.failure(f"POST {path} sent us to {location}")
                return None
            return location or response.text

    def sign_in(self, email: str, secret: str | None, kind: str) -> bool:
        if self.page("/sign-in", f"{kind}: /sign-in") is None:
            return False
        where = self.post(
            "/sign-in", f"{kind}: POST /sign-in", {"email": email, "password": PLAN["password"]}
        )
        if where and "/second-factor" in where:
            if self.page("/second-factor", f"{kind}: /second-factor") is None or not secret:
                return False
            where = self.post(
                "/second-factor", f"{kind}: POST /second-factor", {"code": pyotp.TOTP(secret).now()}
            )
        return bool(where) and "/sign-in" not in str(where)


class Tablet(Browser):
    """A child on a tablet (or on their own phone, with a personal link)."""

    weight = 7

    def on_start(self) -> None:
        super().on_start()
        tablets = PLAN["tablets"]
        self.me = tablets[next(_tablets) % len(tablets)]
        self.items: list[str] = []
        self.media: list[str] = []
        self.open_space()

    def open_space(self) -> None:
        if self.me["link"]:
            if self.page(f"/link/{self.me['link']}", "child: /link/[token]", expect="/me/unlock"):
                self.tap_code()
            return
        if not self.sign_in(self.me["keyworker"], None, "sign-in"):
            return
        record = self.page(f"/children/{self.me['child']}", "staff: /children/[id]")
        if record is None:
            return
        where = self.post(f"/children/{self.me['child']}/hand-over", "child: POST hand-over", {})
        if where and "/me/unlock" in where:
            self.tap_code()

    def tap_code(self) -> None:
        if self.page("/me/unlock", "child: /me/unlock") is None:
            return
        where: str | None = None
        for picture in PLAN["picture_code"]:
            where = self.post(
                "/me/unlock", "child: POST /me/unlock", {"pick": picture}, ok=(200, 302)
            )
            if where is None:
                return
        # The last picture sends the child to their page (a wrong code would send them back).
        self.page("/me", "child: /me")

    @task(4)
    def my_page(self) -> None:
        self.page("/me", "child: /me")

    @task(4)
    def planning(self) -> None:
        step = random.choice(list(STEPS))
        html = self.page(f"/me/plan/{step}", "child: /me/plan/[step]")
        if html is None or random.random() < 0.5:
            return
        hidden = next((f["fields"] for f in forms_of(html) if "version" in f["fields"]), None)
        if hidden is None:
            return
        data = {**hidden, **STEPS[step], "go": "next"}
        self.post(f"/me/plan/{step}", "save: POST /me/plan/[step]", data)

    @task(3)
    def my_views(self) -> None:
        if self.page("/me/views", "child: /me/views") is not None:
            self.page("/me/views/living-here", "child: /me/views/[topic]")

    @task(1)
    def add_photo(self) -> None:
        if self.page("/me/views/living-here/add", "child: /me/views/[topic]/add") is None:
            return
        photo = random.choice(PHOTOS)
        where = self.post(
            "/me/views/living-here/add",
            "upload: POST /me/views/[topic]/add (photo)",
            {"author": "child", "text": "This is my room. I like the window."},
            files=[("photos", ("room.jpg", photo, "image/jpeg"))],
        )
        found = ITEM_URL.search(where or "")
        if found is None:
            return
        self.items.append(found.group(1))
        html = self.page(f"/me/views/items/{found.group(1)}", "child: /me/views/items/[id]")
        self.media += MEDIA_URL.findall(html or "")

    @task(2)
    def photo(self) -> None:
        if self.media:
            with self.client.get(
                random.choice(self.media), name="media: /me/media/[id]", catch_response=True
            ) as response:
                if response.status_code != 200 or not response.content:
                    response.failure(f"photo answered {response.status_code}")

    @task(2)
    def who_can_see(self) -> None:
        if not self.items:
            return
        item = random.choice(self.items)
        path = f"/me/views/items/{item}/sharing"
        html = self.page(path, "child: /me/views/items/[id]/sharing")
        if html is None:
            return
        if "/me/sharing/what-it-means" in self.landed:
            # The first time, what sharing means is explained; "I understand" goes on.
            self.post(self.landed, "save: POST /me/sharing/what-it-means", {})
            html = self.page(path, "child: /me/views/items/[id]/sharing")
            if html is None:
                return
        row: dict[str, str] | None = next(
            (f["fields"] for f in forms_of(html) if f["fields"].get("audience") == "iro"), None
        )
        if row is None:
            return
        self.post(path, "save: POST share with IRO", {**row, "decision": "shared"})

    @task(1)
    def preview(self) -> None:
        self.page("/me/sharing/preview/iro", "child: /me/sharing/preview/[audience]")

    @task(1)
    def who_has_seen(self) -> None:
        self.page("/me/who-has-seen", "child: /me/who-has-seen")


class Staff(Browser):
    """A member of staff at their desk."""

    weight = 3

    def on_start(self) -> None:
        super().on_start()
        self.role = STAFF_MIX[next(_staff) % len(STAFF_MIX)]
        # An account each: a code from an authenticator is accepted once, so two users
        # signing in to one account within 30 s would be refused.
        accounts = [a for a in PLAN["staff"] if a["role"] == self.role]
        self.account = accounts[next(_of_role[self.role]) % len(accounts)]
        self.signed_in = self.sign_in(self.account["email"], self.account["totp"], "sign-in")

    def dashboard(self, path: str) -> None:
        self.page(path, f"staff: {path}")

    def record(self) -> None:
        if self.account["children"]:
            child = random.choice(self.account["children"])
            self.page(f"/children/{child}", "staff: /children/[id]")

    def pack(self) -> None:
        if not self.account["packs"]:
            return self.record()
        child, review = random.choice(self.account["packs"])
        html = self.page(f"/children/{child}/reviews/{review}/pack", "pack: read")
        for url in MEDIA_URL.findall(html or "")[:2]:
            with self.client.get(url, name="media: /media/[id]", catch_response=True) as got:
                if got.status_code != 200:
                    got.failure(f"pack photo answered {got.status_code}")
        return None

    @task
    def work(self) -> None:
        if not self.signed_in:
            return
        choices: dict[str, list[Any]] = {
            "keyworker": ["/my-children", "/my-children", "/timetable", "/keyworker", None],
            "social-worker": ["/my-children", "/timetable", "/timetable/mine", None, None],
            "iro": ["/iro", "/timetable?owner=mine&status=all", "pack", "pack", "pack"],
            "manager": ["/council", "/council/timetable", "/council/timetable?status=overdue"],
            "admin": ["/admin/", "/admin/children", "/admin/staff", "/admin/homes"],
        }
        what = random.choice(choices[self.role])
        if what is None:
            self.record()
        elif what == "pack":
            self.pack()
        else:
            self.dashboard(what)
