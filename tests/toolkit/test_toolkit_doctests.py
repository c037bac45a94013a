"""The docstring examples of the toolkit modules run and give the stated output."""

import doctest
import importlib

import pytest


@pytest.mark.parametrize(
    "name", ["simtheory.testing", "simtheory.testing.assertions", "simtheory.testing.sequential", "simtheory.plotting"]
)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0, result
