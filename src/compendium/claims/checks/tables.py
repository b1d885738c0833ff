"""Checks against the stored count tables (``data/tables``): printed fractions and measures.

A printed fraction "k/n" of an accuracy table is compared with the stored cells, and its
verdict says whether the document fixes it by other numbers: the other printed fractions of
the same row (``table_fraction`` rows naming the same table and row) and the row's stated
margins (the number of metastases, of lesions). Each printed fraction and margin is a pair of
linear equations on (TP, FP, FN, TN); the claim's numerator or denominator is *fixed* when its
coefficient vector lies in the row space of the other equations (a least-squares solve, since
no library decides identifiability of a linear functional directly).
"""

from __future__ import annotations

import re

import numpy as np

from compendium.claims.checks import GIVEN, INCONSISTENT, REPRODUCED, args, check
from compendium.claims.tables import CELLS, accuracy_cells

# Numerator and denominator of each measure as coefficient vectors over (tp, fp, fn, tn).
MEASURES = {
    "sensitivity": ((1, 0, 0, 0), (1, 0, 1, 0)),
    "specificity": ((0, 0, 0, 1), (0, 1, 0, 1)),
    "ppv": ((1, 0, 0, 0), (1, 1, 0, 0)),
    "npv": ((0, 0, 0, 1), (0, 0, 1, 1)),
    "accuracy": ((1, 0, 0, 1), (1, 1, 1, 1)),
}
MARGINS = {"positives": (1, 0, 1, 0), "negatives": (0, 1, 0, 1), "total": (1, 1, 1, 1)}
_FRACTION = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


def _measure(measure: str):
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {', '.join(MEASURES)}, got {measure!r}")
    return [np.array(v, dtype=float) for v in MEASURES[measure]]


def _printed_fraction(text: str) -> tuple[int, int]:
    match = _FRACTION.match(text)
    if match is None:
        raise ValueError(f"reported must be printed as 'k/n', got {text!r}")
    return int(match[1]), int(match[2])


def _other_equations(claim, table: str, row: str, margins: dict) -> tuple[list, list, list[str]]:
    """Equations (coefficients, value) from the row's margins and its other printed fractions."""
    coefficients, values, sources = [], [], []
    for name, value in (margins or {}).items():
        if name not in MARGINS:
            raise ValueError(f"margins keys must be among {', '.join(MARGINS)}, got {name!r}")
        coefficients.append(MARGINS[name])
        values.append(args.number(f"margins[{name!r}]", value))
        sources.append(f"{name} {values[-1]:g}")
    for other in getattr(claim, "by_id", {}).values():
        if (other.id == claim.id or other.check != "table_fraction"
                or (other.args.get("table"), other.args.get("row")) != (table, row)):
            continue
        k, n = _printed_fraction(other.reported)
        numerator, denominator = MEASURES[other.args["measure"]]
        coefficients += [numerator, denominator]
        values += [k, n]
        sources.append(f"{other.id} {other.reported}")
    return coefficients, values, sources


def _fixed(vector: np.ndarray, coefficients: list, values: list) -> float | None:
    """The value of ``vector · cells`` when the equations fix it, else None."""
    if not coefficients:
        return None
    a, b = np.array(coefficients, dtype=float), np.array(values, dtype=float)
    weights, *_ = np.linalg.lstsq(a.T, vector, rcond=None)  # vector as a combination of the equations
    if not np.allclose(a.T @ weights, vector, atol=1e-9):
        return None
    return float(weights @ b)


@check("table_fraction")
def table_fraction(claim, table, row, measure, margins=None):
    """A printed fraction "k/n" of an accuracy table row, against the stored cells and the
    document's other numbers for that row.

    Reproduced when the other printed fractions and the margins fix k and n and give the printed
    ones; given when they leave the numerator open (the document's raw data; a fixed
    denominator is still compared); inconsistent when the stored table or a fixed part differs.
    """
    k, n = _printed_fraction(args.printed_text(claim))
    numerator, denominator = _measure(measure)
    cells = np.array(accuracy_cells(table, row), dtype=float)
    stored = (int(numerator @ cells), int(denominator @ cells))
    recomputed = f"{stored[0]}/{stored[1]}"
    if stored != (k, n):
        return recomputed, INCONSISTENT, (
            f"The stored table {table} row {row} ({_cells(cells)}) gives {recomputed}, not the printed {k}/{n}.")
    coefficients, values, sources = _other_equations(claim, table, row, margins)
    fixed_k, fixed_n = _fixed(numerator, coefficients, values), _fixed(denominator, coefficients, values)
    others = "; ".join(sources) or "none"
    for name, fixed, printed in (("numerator", fixed_k, k), ("denominator", fixed_n, n)):
        if fixed is not None and not np.isclose(fixed, printed):
            return recomputed, INCONSISTENT, (
                f"The row's other numbers ({others}) fix the {name} at {fixed:g}, not the printed {printed}.")
    if fixed_k is not None and fixed_n is not None:
        return recomputed, REPRODUCED, f"The row's other printed numbers fix {k}/{n}: {others}."
    margin = f"; the denominator {n} agrees with them" if fixed_n is not None else ""
    return recomputed, GIVEN, (
        f"Raw data of the document: no other number of row {row} fixes the {measure} numerator "
        f"(other numbers: {others}){margin}.")


def _cells(cells) -> str:
    return ", ".join(f"{name.upper()} {int(v)}" for name, v in zip(CELLS, cells))


@check("table_measure")
def table_measure(claim, table, row, measure):
    """An accuracy measure (printed as a percentage) recomputed from the stored table's cells."""
    numerator, denominator = _measure(measure)
    cells = np.array(accuracy_cells(table, row), dtype=float)
    k, n = numerator @ cells, denominator @ cells
    if n == 0:
        raise ValueError(f"{measure} of table {table} row {row} has a zero denominator")
    printed = args.printed(claim)
    value = 100 * k / n if printed.percent or getattr(claim, "unit", "") == "%" else k / n
    shown = f"{value:.{max(printed.decimals, 0) + 2}f}{'%' if printed.percent else ''}"
    derivation = f"{measure} {k:g}/{n:g} from {table} row {row}"
    if args.agrees(claim, value, printed):
        return shown, REPRODUCED, f"The {derivation} is {shown}, which agrees with the printed {printed.text}."
    return shown, INCONSISTENT, f"The {derivation} is {shown}, not the printed {printed.text}."
