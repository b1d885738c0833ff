"""The worked examples in the package's docstrings run and print what they say."""

import doctest
import importlib

import pytest

MODULES = ["blur", "constants", "counts", "metrics", "montecarlo", "mr", "pet", "phantoms", "planar", "positron"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(f"compendium.phantoms.{name}")
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_blur_fwhm_is_the_measured_full_width_at_half_maximum():
    """A point blurred to 8 mm FWHM on 0.5 mm pixels has half its peak 8 mm apart (to a pixel)."""
    import numpy as np

    from compendium.phantoms.blur import gaussian_blur

    profile = gaussian_blur(np.eye(1, 201, 100)[0], 8.0, 0.5)
    above = np.flatnonzero(profile >= profile.max() / 2)
    assert abs((above[-1] - above[0] + 1) * 0.5 - 8.0) <= 0.5
