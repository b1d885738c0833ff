"""The worked examples in the package's docstrings run and print what they say."""

import doctest
import importlib

import pytest

MODULES = ["constants", "counts", "metrics", "mr", "pet", "phantoms", "planar"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(f"compendium.phantoms.{name}")
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
