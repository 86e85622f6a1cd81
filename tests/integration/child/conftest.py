# The child fixtures live in tests/support/child_fixtures.py (loaded for the whole suite).
from tests.support.child_fixtures import CODE, Tablet

__all__ = ["CODE", "Tablet"]
