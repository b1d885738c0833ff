"""Tests of the liver detectability phantom (src/compendium/analyses/huang_phantom.py)."""

import numpy as np
import pytest
from scipy import stats

from compendium.analyses import huang_phantom


def test_either_positive_auc_limits():
    assert huang_phantom.either_positive_auc(0.0, 0.0) == pytest.approx(0.5, abs=1e-4)
    # With one part uninformative the OR rule loses against that part alone.
    alone = stats.norm.cdf(2.0 / np.sqrt(2))
    assert huang_phantom.either_positive_auc(0.0, 2.0) < alone
    assert huang_phantom.either_positive_auc(5.0, 5.0) > 0.99


def test_smallest_detectable():
    import pandas as pd

    frame = pd.DataFrame({"diameter_mm": [4, 6, 8, 10], "PET AUC": [0.6, 0.85, 0.7, 0.9]})
    assert huang_phantom.smallest_detectable(frame, "PET AUC", 0.8) == 10
    assert np.isnan(huang_phantom.smallest_detectable(frame, "PET AUC", 0.95))


def test_small_run_pet_loses_small_lesions_dwi_keeps_them():
    result = huang_phantom.detectability(lesion_diameters_mm=(4.0, 20.0), n_realisations=10, image_size=96, seed=3)
    small, large = result.iloc[0], result.iloc[1]
    assert large["PET AUC"] > small["PET AUC"]
    assert small["MR AUC"] > small["PET AUC"]
    with pytest.raises(ValueError, match="n_realisations"):
        huang_phantom.detectability(n_realisations=4)
    with pytest.raises(ValueError, match="lesion_diameters_mm"):
        huang_phantom.detectability(lesion_diameters_mm=[5.0] * 7)
