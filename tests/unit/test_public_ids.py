"""Public ids go into URLs and into commands: one that starts with "-" would be read as an option
(`flask records export -vX...` is refused), so none does."""

from __future__ import annotations

import secrets

from participation.models import base


def test_an_id_never_starts_with_a_dash(monkeypatch):
    tokens = iter(["-vQ3xYzAbCdEfGhIjKlMnOp", "_Q3xYzAbCdEfGhIjKlMnOp", "unused"])
    monkeypatch.setattr(secrets, "token_urlsafe", lambda nbytes: next(tokens))
    assert base.new_public_id() == "_Q3xYzAbCdEfGhIjKlMnOp"


def test_ids_are_128_random_bits_and_url_safe():
    ids = {base.new_public_id() for _ in range(2000)}
    assert len(ids) == 2000
    assert all(len(i) == 22 and not i.startswith("-") for i in ids)
    assert all(c.isalnum() or c in "-_" for i in ids for c in i)
