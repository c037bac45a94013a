"""Property (Hypothesis): any ``--set KEY=TEXT`` either validates to a value of the declared type or
raises SimTheoryInputError naming ``--set KEY`` (never another exception), on every shipped grid."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simtheory.runner.grids import available_grids, check_overrides, parse_override
from simtheory.validation import SimTheoryInputError

GRIDS = {n: g for n, g in available_grids().items() if n != "tiny"}
KEYS = sorted({(n, k) for n, g in GRIDS.items() for k in {**g.params, **g.quick}})
VALUES = st.one_of(
    st.text(max_size=12),
    st.integers().map(str),
    st.floats().map(repr),
    st.lists(st.integers(-5, 5), max_size=3).map(str),
    st.sampled_from(["nan", "inf", "1e13", "true"]),
)


@settings(max_examples=300, deadline=None)
@given(key=st.sampled_from(KEYS), text=VALUES)
def test_set_value_is_typed_or_one_line_error(key, text):
    name, param = key
    grid = GRIDS[name]
    declared = {**grid.params, **grid.quick}[param]
    try:
        k, v = parse_override(f"{param}={text}")
        got = check_overrides(grid, {k: v})[param]
    except SimTheoryInputError as exc:
        assert str(exc).startswith(f"--set {param}") and "\n" not in str(exc)
        return
    if isinstance(declared, bool):
        assert isinstance(got, bool)
    elif isinstance(declared, int):
        assert isinstance(got, int) and not isinstance(got, bool)
    elif isinstance(declared, float):
        assert isinstance(got, float) and math.isfinite(got)
    elif isinstance(declared, list):
        assert isinstance(got, list)


@pytest.mark.parametrize("name", sorted(GRIDS))
def test_declared_defaults_pass_their_own_check(name):
    grid = GRIDS[name]
    declared = {**grid.params, **grid.quick}
    assert check_overrides(grid, declared) == {
        k: (float(v) if isinstance(v, float) else v) for k, v in declared.items()
    }
