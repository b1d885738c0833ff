"""Printed numbers, the rounding rule, and the consistency checks built on it."""

import time

import numpy as np
import pytest

from compendium.stats import (
    Reported,
    feasible_paired_tables,
    mcnemar,
    parse_reported,
    percent_consistent,
    rounds_to,
)


@pytest.mark.parametrize(
    "text, value, decimals, relation, percent",
    [
        ("74.9%", 74.9, 1, "=", True),
        ("<0.001", 0.001, 3, "<", False),
        ("P=0.368", 0.368, 3, "=", False),
        ("p < .05", 0.05, 2, "<", False),
        ("0.05", 0.05, 2, "=", False),
        ("χ2 = 51.000", 51.0, 3, "=", False),
        ("62%", 62.0, 0, "=", True),
        ("P ≥ 0.10", 0.1, 2, ">=", False),
        ("−1.25", -1.25, 2, "=", False),
        ("1.2e-5", 1.2e-5, 6, "=", False),
        (0.368, 0.368, 3, "=", False),
        (51, 51.0, 0, "=", False),
    ],
)
def test_parse_reported(text, value, decimals, relation, percent):
    parsed = parse_reported(text)
    assert parsed.value == pytest.approx(value)
    assert (parsed.decimals, parsed.relation, parsed.percent) == (decimals, relation, percent)


@pytest.mark.parametrize("text", ["", "abc", "1.2.3", "P=", "5 %%", None, float("nan"), True])
def test_parse_reported_rejects(text):
    with pytest.raises(ValueError, match="reported"):
        parse_reported(text)


def test_rounds_to_rule():
    """Half a unit in the last printed digit; both readings accepted at an exact half."""
    assert rounds_to(100 * 134 / 179, "74.9%")  # 74.86
    assert not rounds_to(74.84, "74.9%")
    assert rounds_to(0.0125, "0.012") and rounds_to(0.0125, "0.013")  # half-even and half-up
    assert rounds_to(0.36849, "0.368") and not rounds_to(0.36851, "0.368")
    assert rounds_to(62.4, "62%") and not rounds_to(62.6, "62%")
    assert rounds_to(0.0009, "<0.001") and not rounds_to(0.001, "<0.001")
    assert not rounds_to(0.0012, "<0.001")  # strict: would print as 0.001 but is not below it
    assert rounds_to(0.06, ">0.05") and rounds_to(0.1, "≥0.10") and rounds_to(0.01, "<=0.01")
    assert not rounds_to(float("nan"), "0.1")
    assert list(rounds_to([0.1, 0.16, 0.05], "0.1")) == [True, False, True]
    assert rounds_to(74.9, Reported(74.9, 1))


def test_percent_consistent():
    """GRIM-style: 134/179 = 74.86% prints as 74.9%; 62.0% is impossible with n = 31."""
    assert percent_consistent("74.9%", 179) == [134]
    assert percent_consistent("62.0%", 31) == []
    assert percent_consistent("62%", 50) == [31]
    assert percent_consistent("50%", 4) == [2]
    assert percent_consistent("12.5%", 8) == [1]
    assert percent_consistent("33%", 100) == [33]
    assert percent_consistent("100%", 179) == [179]
    assert percent_consistent("0%", 3) == [0]
    # Coarse precision admits several counts: 60% of 200 is anything from 119 to 121.
    assert percent_consistent("60%", 200) == [119, 120, 121]
    with pytest.raises(ValueError, match="n"):
        percent_consistent("50%", 0)


def test_feasible_tables_enumerates_every_table_and_matches_mcnemar():
    frame = feasible_paired_tables(20, 10, 6, "4.000", "0.046")
    tables = frame[frame.variant == "asymptotic"]
    assert list(tables.a) == list(range(0, 7))
    assert (tables.a + tables.b == 10).all() and (tables.a + tables.c == 6).all()
    assert (tables.a + tables.b + tables.c + tables.d == 20).all() and (tables.d >= 0).all()
    for row in frame.itertuples():
        expected = mcnemar(row.b, row.c, row.variant)
        assert row.pvalue == pytest.approx(expected.pvalue, nan_ok=True)
    matches = frame[frame.matches]
    assert matches[["a", "b", "c", "d", "variant"]].values.tolist() == [[6, 4, 0, 10, "asymptotic"]]


def test_feasible_tables_unattainable_and_missing_reports():
    """A chi-square of 51.000 cannot arise from margins 179 and 177 of 306 pairs."""
    frame = feasible_paired_tables(306, 179, 177, "51.000", "<0.001")
    assert not frame.matches.any()
    assert frame.loc[frame.variant == "exact", "statistic_matches"].isna().all()
    no_report = feasible_paired_tables(10, 5, 5, None, None)
    assert no_report.statistic_matches.isna().all() and not no_report.matches.any()


def test_feasible_tables_pvalue_only():
    """Exact variant identified by its P alone: b = 1, c = 7 gives exact P = 0.0703."""
    frame = feasible_paired_tables(21, 2, 8, None, "0.070")
    hits = frame[frame.matches]
    assert ("exact" in set(hits.variant)) and set(hits.b[hits.variant == "exact"]) == {1}


def test_feasible_tables_fast_for_306():
    start = time.perf_counter()
    frame = feasible_paired_tables(306, 200, 150, "3.5", "0.06")
    assert time.perf_counter() - start < 1.0
    assert len(frame) == 4 * (150 - 44 + 1)


@pytest.mark.parametrize(
    "args, name",
    [((0, 0, 0, "1"), "n"), ((10, 11, 2, "1"), "pos1"), ((10, 2, -1, "1"), "pos2"), ((10, 2, 2, "x"), "reported")],
)
def test_feasible_tables_invalid(args, name):
    with pytest.raises(ValueError, match=name):
        feasible_paired_tables(*args)


def test_reported_is_frozen():
    parsed = parse_reported("0.05")
    with pytest.raises(AttributeError):
        parsed.value = 1.0  # type: ignore[misc]
    assert np.isclose(parsed.half_unit, 0.005)
