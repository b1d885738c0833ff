"""Consistency checks: which integer data could have produced the printed numbers?

Both checks are written here (no library offers them). They apply the rounding
rule of :mod:`compendium.stats.reported` and are vectorised with numpy, so every
candidate is tested at once.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import _validate
from .paired import MCNEMAR_METHODS, mcnemar_arrays
from .reported import parse_reported, rounds_to


def percent_consistent(reported, n) -> list[int]:
    """Counts k out of n whose percentage 100 k / n rounds to the printed ``reported``.

    The GRIM idea (Brown & Heathers 2017) for percentages: with n subjects only
    the percentages 100 k / n exist, so a printed "62.0%" with n = 31 is
    impossible. Precision comes from the string ("62%" allows +/-0.5,
    "62.0%" +/-0.05); at an exact half both rounding conventions are accepted
    (see :mod:`compendium.stats.reported`).

    Parameters
    ----------
    reported : str or float
        The printed percentage, with or without "%" (always read as a percentage).
    n : int
        Denominator, positive.

    Returns
    -------
    list of int
        Every consistent k, ascending; empty when none is.

    Examples
    --------
    >>> percent_consistent("74.9%", 179), percent_consistent("62.0%", 31)
    ([134], [])
    """
    n = _validate.positive_count("n", n)
    k = np.arange(n + 1)
    return [int(v) for v in k[rounds_to(100 * k / n, parse_reported(reported))]]


def feasible_paired_tables(n, pos1, pos2, reported_statistic, reported_pvalue=None,
                           no_discordance_as_zero: bool = False) -> pd.DataFrame:
    """Every paired 2x2 table with the given margins, and which McNemar variant reproduces the report.

    With ``pos1`` positives on test 1 and ``pos2`` on test 2 among ``n`` pairs,
    the table is fixed by ``a`` (both positive): b = pos1 - a, c = pos2 - a,
    d = n - pos1 - pos2 + a, for every a keeping all cells non-negative. For each
    table and each variant of :func:`~compendium.stats.paired.mcnemar` the
    statistic and P are computed and compared with the printed values at their
    printed precision. This traces a reported McNemar chi-square back to the
    discordant counts, or shows that no table with these margins yields it.

    Parameters
    ----------
    n, pos1, pos2 : int
        Number of pairs and the positives of each test (margins).
    reported_statistic : str, float or None
        Printed statistic, e.g. ``"51.000"``. For the exact and mid-p variants,
        which have no chi-square, ``statistic_matches`` is missing (NA).
    reported_pvalue : str, float or None
        Printed P, e.g. ``"<0.001"`` or ``"0.368"``.
    no_discordance_as_zero : bool
        A table without discordant pairs (b = c = 0) has no chi-square (NaN, as in
        :func:`~compendium.stats.paired.mcnemar`); much software prints χ² = 0 and P = 1
        for it. ``True`` gives such tables those values, so that a report of them matches.

    Returns
    -------
    pandas.DataFrame
        Columns a, b, c, d, variant, statistic, pvalue, statistic_matches,
        pvalue_matches (nullable booleans; NA when nothing was reported) and
        ``matches`` (every reported quantity that can be compared matches).

    Examples
    --------
    >>> frame = feasible_paired_tables(20, 10, 6, "4.000", "0.046")
    >>> frame.loc[frame.matches, ["a", "b", "c", "variant"]].to_dict("records")
    [{'a': 6, 'b': 4, 'c': 0, 'variant': 'asymptotic'}]

    A printed χ² of 0 with equal margins: the table without discordant pairs (a = 4) fits it
    only when such a table counts as χ² = 0.

    >>> frame = feasible_paired_tables(10, 4, 4, "0.000")
    >>> frame.loc[frame.matches, "a"].unique().tolist()
    [0, 1, 2, 3]
    >>> frame = feasible_paired_tables(10, 4, 4, "0.000", no_discordance_as_zero=True)
    >>> frame.loc[frame.matches, "a"].unique().tolist()
    [0, 1, 2, 3, 4]
    """
    n = _validate.positive_count("n", n)
    pos1, pos2 = _validate.count("pos1", pos1), _validate.count("pos2", pos2)
    for name, value in (("pos1", pos1), ("pos2", pos2)):
        if value > n:
            raise ValueError(f"{name} must not exceed n (={n}), got {value}")
    statistic_text = None if reported_statistic is None else parse_reported(reported_statistic)
    pvalue_text = None if reported_pvalue is None else parse_reported(reported_pvalue)

    a = np.arange(max(0, pos1 + pos2 - n), min(pos1, pos2) + 1)
    b, c = pos1 - a, pos2 - a
    frames = []
    for variant in MCNEMAR_METHODS:
        statistic, pvalue = mcnemar_arrays(b, c, variant)
        chi_square = variant in ("asymptotic", "corrected")
        if no_discordance_as_zero:
            concordant = (b + c) == 0
            statistic = np.where(concordant & chi_square, 0.0, statistic)
            pvalue = np.where(concordant, 1.0, pvalue)
        frame = pd.DataFrame({"a": a, "b": b, "c": c, "d": n - pos1 - pos2 + a, "variant": variant,
                              "statistic": statistic, "pvalue": pvalue})
        frame["statistic_matches"] = _match_column(statistic, statistic_text if chi_square else None)
        frame["pvalue_matches"] = _match_column(pvalue, pvalue_text)
        frames.append(frame)
    result = pd.concat(frames, ignore_index=True)
    checks = result[["statistic_matches", "pvalue_matches"]]
    result["matches"] = checks.fillna(True).all(axis=1) & checks.notna().any(axis=1)
    return result


def _match_column(values: np.ndarray, reported) -> pd.Series:
    if reported is None:
        return pd.Series(pd.NA, index=range(len(values)), dtype="boolean")
    return pd.Series(rounds_to(values, reported), dtype="boolean")
