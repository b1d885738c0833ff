"""The worked examples in the docstrings of compendium.claims run and give the printed output."""

import doctest
import importlib

import pytest


@pytest.mark.parametrize("name", ["checks.core", "printed", "ledger"])
def test_docstring_examples(name):
    module = importlib.import_module(f"compendium.claims.{name}")
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
