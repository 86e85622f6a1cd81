"""Every route says who may use it, and URLs read well."""

from __future__ import annotations

import re

from participation.security.access import CHILD, CHILD_SESSION, CHILD_SESSION_OR_404, PUBLIC

# Routes anyone may reach. Keep this short: a new public route needs a reason here.
PUBLIC_ALLOWLIST = {
    "pages.home",  # redirects to the right place for whoever is asking
    "pages.accessibility",  # the accessibility statement must be reachable by everyone
    "pages.choose_language",  # language before sign-in
    "pages.healthz",  # load balancer health check, says nothing
    "accounts.sign_in",
    "child.open_link",  # a personal link: the token is the credential, then the picture code
    "static",
}


def test_every_route_declares_who_may_use_it(app):
    undeclared = []
    wrongly_public = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        access = getattr(view, "access", None)
        if rule.endpoint == "static":
            continue
        if access is None:
            undeclared.append(rule.rule)
        elif access == PUBLIC and rule.endpoint not in PUBLIC_ALLOWLIST:
            wrongly_public.append(rule.endpoint)
        else:
            assert access in (CHILD, CHILD_SESSION, CHILD_SESSION_OR_404, PUBLIC) or isinstance(
                access, frozenset
            )
    assert undeclared == []
    assert wrongly_public == []


def test_urls_are_kebab_case(app):
    for rule in app.url_map.iter_rules():
        static_parts = re.sub(r"<[^>]+>", "", rule.rule)
        assert re.fullmatch(r"[a-z0-9/\-.]*", static_parts), rule.rule


def test_get_routes_never_write(app):
    # A form that changes something is a POST; GET routes are listed so a reviewer sees them.
    for rule in app.url_map.iter_rules():
        methods = rule.methods or set()
        if "POST" in methods and "GET" in methods:
            assert getattr(app.view_functions[rule.endpoint], "access", None) is not None
