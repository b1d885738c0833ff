"""Diagnostic accuracy and predictive values."""

import numpy as np
import pandas as pd
import pytest

from compendium.stats import diagnostic_accuracy, predictive_values, proportion_ci


def test_epir_example():
    """epiR ``epi.tests(c(670, 202, 74, 640), method = "exact")`` (Scott et al. 2008, Table 1):
    sensitivity 0.90 (0.88 to 0.92), specificity 0.76 (0.73 to 0.79), LR+ 3.75 (3.32 to 4.24)."""
    res = diagnostic_accuracy(670, 202, 74, 640, method="clopper-pearson")
    rounded = lambda e: (round(e.value, 2), round(e.low, 2), round(e.high, 2))  # noqa: E731
    assert rounded(res.sensitivity) == (0.90, 0.88, 0.92)
    assert rounded(res.specificity) == (0.76, 0.73, 0.79)
    assert rounded(res.lr_pos) == (3.75, 3.32, 4.24)
    assert not res.lr_corrected


def test_hand_arithmetic():
    """Every value from its definition; LR limits from the Simel (1991) log standard error."""
    tp, fp, fn, tn = 670, 202, 74, 640
    res = diagnostic_accuracy(tp, fp, fn, tn)
    assert res.sensitivity.value == tp / (tp + fn)
    assert res.specificity.value == tn / (tn + fp)
    assert res.ppv.value == tp / (tp + fp)
    assert res.npv.value == tn / (tn + fn)
    assert res.accuracy.value == (tp + tn) / (tp + fp + fn + tn)
    assert (res.ppv.low, res.ppv.high) == proportion_ci(tp, tp + fp)
    lr_pos = (tp / 744) / (fp / 842)
    se = np.sqrt(1 / tp - 1 / 744 + 1 / fp - 1 / 842)
    assert res.lr_pos.value == pytest.approx(lr_pos, rel=1e-12)
    assert res.lr_pos.low == pytest.approx(lr_pos * np.exp(-1.959963984540054 * se), rel=1e-9)
    lr_neg = (fn / 744) / (tn / 842)
    se_neg = np.sqrt(1 / fn - 1 / 744 + 1 / tn - 1 / 842)
    assert res.lr_neg.high == pytest.approx(lr_neg * np.exp(1.959963984540054 * se_neg), rel=1e-9)


def test_zero_cell_uses_haldane_correction():
    """Specificity 127/127 makes LR+ infinite; +0.5 on every cell keeps it finite."""
    res = diagnostic_accuracy(108, 0, 71, 127)
    assert res.lr_corrected
    assert res.specificity.value == 1.0
    assert res.lr_pos.value == pytest.approx((108.5 / 180) / (0.5 / 128))
    assert res.lr_pos.low < res.lr_pos.value < res.lr_pos.high


def test_to_frame_and_invariants():
    frame = diagnostic_accuracy(30, 5, 10, 55).to_frame()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.index) == ["sensitivity", "specificity", "ppv", "npv", "accuracy", "lr_pos", "lr_neg"]
    assert (frame["low"] <= frame["value"]).all() and (frame["value"] <= frame["high"]).all()
    assert (frame.loc["sensitivity":"accuracy", ["low", "high"]].to_numpy() <= 1).all()


def test_no_test_positives_gives_nan_ppv():
    res = diagnostic_accuracy(0, 0, 5, 5)
    assert np.isnan(res.ppv.value) and res.npv.value == 0.5


@pytest.mark.parametrize(
    "args, name",
    [((-1, 1, 1, 1), "tp"), ((1, 1, 1.5, 1), "fn"), ((0, 1, 0, 1), "tp \\+ fn"), ((1, 0, 1, 0), "fp \\+ tn")],
)
def test_invalid_input(args, name):
    with pytest.raises(ValueError, match=name):
        diagnostic_accuracy(*args)
    with pytest.raises(ValueError, match="level"):
        diagnostic_accuracy(5, 5, 5, 5, level=95)


def test_predictive_values_by_hand_and_vectorised():
    """se 0.9, sp 0.8, prevalence 0.1: PPV = 0.09 / (0.09 + 0.18) = 1/3, NPV = 0.72 / 0.73."""
    ppv, npv = predictive_values(0.9, 0.8, 0.1)
    assert ppv == pytest.approx(1 / 3) and npv == pytest.approx(0.72 / 0.73)
    ppvs, npvs = predictive_values(0.9, 0.8, np.array([0.0, 0.1, 1.0]))
    assert ppvs == pytest.approx([0.0, 1 / 3, 1.0]) and npvs == pytest.approx([1.0, 0.72 / 0.73, 0.0])


def test_predictive_values_reproduce_the_table_at_its_own_prevalence():
    tp, fp, fn, tn = 30, 5, 10, 55
    res = diagnostic_accuracy(tp, fp, fn, tn)
    ppv, npv = predictive_values(res.sensitivity.value, res.specificity.value, (tp + fn) / 100)
    assert ppv == pytest.approx(res.ppv.value) and npv == pytest.approx(res.npv.value)


def test_predictive_values_validation():
    with pytest.raises(ValueError, match="prevalence"):
        predictive_values(0.9, 0.8, [0.1, 1.2])
    with pytest.raises(ValueError, match="sensitivity"):
        predictive_values(-0.1, 0.8, 0.1)
