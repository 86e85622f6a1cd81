"""caseload.service.load_reviews: My page's quicker way to read a child's reviews gives what the
relationship would."""

from __future__ import annotations

from participation.caseload.service import load_reviews, next_review
from participation.models import Child, ReviewStatus
from tests.support.factories import make_child, make_review


def test_the_same_reviews_in_the_same_order_as_the_relationship(session):
    child = make_child(session)
    # Made out of order: the relationship orders by number, and so must this.
    make_review(session, child, number=3, status=ReviewStatus.PLANNED)
    make_review(session, child, number=1, status=ReviewStatus.HELD)
    make_review(session, child, number=2, status=ReviewStatus.PLANNED)
    other = make_child(session)
    make_review(session, other, number=1)
    session.commit()
    session.expire_all()

    fresh = session.get(Child, child.id)
    load_reviews(session, fresh)
    loaded = [(r.id, r.number) for r in fresh.reviews]
    assert [number for _, number in loaded] == [1, 2, 3]
    assert next_review(fresh).number == 2

    session.expire_all()
    lazily = [(r.id, r.number) for r in session.get(Child, child.id).reviews]
    assert loaded == lazily


def test_a_child_with_no_reviews_has_none(session):
    child = make_child(session)
    session.commit()
    load_reviews(session, child)
    assert child.reviews == []
    assert next_review(child) is None
