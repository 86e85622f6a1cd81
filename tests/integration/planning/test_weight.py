"""Every planning step is a child's page: under 60 KB over the wire, all from this site."""

from __future__ import annotations

import pytest

from tests.meta.test_page_weight import BUDGET_BYTES, weigh

STEPS = ["who-comes", "taking-part", "where-and-when", "food-and-drink", "the-room", "my-plan"]


@pytest.mark.parametrize("step", STEPS)
def test_each_step_is_light_and_from_this_site(client, planner, step):
    weight = weigh(client, f"/me/plan/{step}")
    assert weight.off_origin == []
    assert weight.total < BUDGET_BYTES, f"{weight.total:,} bytes: {weight.describe()}"
