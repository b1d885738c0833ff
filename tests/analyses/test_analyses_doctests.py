"""The worked examples in the analyses' and the report helpers' docstrings run and print what they say."""

import doctest
import importlib

import pytest

MODULES = ["compendium.analyses.bonemets", "compendium.analyses.huang", "compendium.analyses.huang_phantom",
           "compendium.analyses.mskpain", "compendium.analyses.phantom_sweeps", "compendium.analyses.psma", "compendium.analyses.psma_phantom",
           "compendium.report"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
