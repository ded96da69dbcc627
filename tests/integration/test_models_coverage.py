"""Coverage of the served CV+ intervals on new dyads, 100 simulated grouped cohorts (slow)."""

import pytest
from coverage_simulation import LEVEL, simulate, summary

pytestmark = pytest.mark.slow


def test_served_intervals_cover_new_dyads_at_the_nominal_level():
    result = summary(simulate(100, n_dyads=60))
    print(result)
    assert abs(result["mean"] - LEVEL) <= 0.02
    assert abs(result["reported_mean"] - LEVEL) <= 0.03  # what validate reports is on the same scale
    assert 0.02 <= result["sd"] <= 0.08  # the spread over cohorts of 40 dyads is real, and reported
