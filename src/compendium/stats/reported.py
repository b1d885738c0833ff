"""Printed numbers and the rounding rule: does a computed value reproduce what a paper printed?

A printed number carries its own precision: "62%" claims less than "62.0%".
The rule used throughout the compendium (and by the claims ledger) is that a
value reproduces a printed "=" number when it lies within half a unit of the
last printed digit, |value - printed| <= 0.5 * 10**(-decimals), with a 1e-9
tolerance for floating-point error. At the exact boundary both the
round-half-up and the round-half-even readings are therefore accepted.
A printed bound ("<0.001", ">0.05") is read strictly: "<0.001" holds only when
value < 0.001, so 0.0012, which would itself print as "0.001", does not satisfy it.
"""

from __future__ import annotations

import math
import numbers
import re
from dataclasses import dataclass

import numpy as np

TOLERANCE = 1e-9

_RELATIONS = {"=": "=", "<": "<", ">": ">", "<=": "<=", ">=": ">=", "≤": "<=", "≥": ">="}
_PATTERN = re.compile(
    r"""^\s*
    (?:(?P<label>[A-Za-zχΧ]+[²2]?)\s*)?          # optional label: P, p, chi2, χ², z, t
    (?P<relation><=|>=|≤|≥|<|>|=)?\s*
    (?P<number>[-+]?(?:\d+\.?\d*|\.\d+))
    (?:[eE](?P<exponent>[-+]?\d+))?\s*
    (?P<percent>%)?\s*$""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class Reported:
    """A number as printed: its ``value``, its ``decimals`` and the ``relation`` it states.

    ``percent`` records a trailing "%": the value stays on the printed scale
    (``"74.9%"`` has value 74.9), so compare it with a percentage.
    """

    value: float
    decimals: int
    relation: str = "="
    percent: bool = False
    text: str = ""

    @property
    def half_unit(self) -> float:
        """Half a unit in the last printed digit: the rounding half-width."""
        return 0.5 * 10.0 ** (-self.decimals)


def parse_reported(text) -> Reported:
    """Parse a printed number such as ``"74.9%"``, ``"<0.001"``, ``"P=0.368"`` or ``"51.000"``.

    Parameters
    ----------
    text : str, float, int or Reported
        The printed text. A float is read through its shortest repr
        (``0.368`` -> 3 decimals); a ``Reported`` is returned unchanged.
        Unicode minus signs and the relations "≤"/"≥" are understood.

    Returns
    -------
    Reported

    Examples
    --------
    >>> parse_reported("P < .001")
    Reported(value=0.001, decimals=3, relation='<', percent=False, text='P < .001')
    >>> parse_reported("74.9%").decimals
    1
    """
    if isinstance(text, Reported):
        return text
    if isinstance(text, numbers.Real) and not isinstance(text, bool):
        if not math.isfinite(text):
            raise ValueError(f"reported value must be finite, got {text!r}")
        text = repr(float(text)) if isinstance(text, float) else str(int(text))
    if not isinstance(text, str):
        raise ValueError(f"reported value must be a string or a number, got {text!r}")
    match = _PATTERN.match(text.replace("−", "-"))
    if match is None:
        raise ValueError(f"reported value is not a printed number: {text!r}")
    number = match["number"]
    exponent = int(match["exponent"] or 0)
    decimals = (len(number.split(".")[1]) if "." in number else 0) - exponent
    return Reported(
        value=float(number) * 10.0**exponent,
        decimals=decimals,
        relation=_RELATIONS[match["relation"] or "="],
        percent=match["percent"] is not None,
        text=text,
    )


def rounds_to(value, reported):
    """Whether ``value`` reproduces the printed ``reported`` number (rule in the module docstring).

    Parameters
    ----------
    value : float or array_like
        Computed value(s) on the printed scale (a percentage for "74.9%").
    reported : str, float or Reported
        The printed number.

    Returns
    -------
    bool or numpy.ndarray of bool
        NaN values never match.

    Examples
    --------
    >>> rounds_to(100 * 134 / 179, "74.9%"), rounds_to(0.0125, "0.012"), rounds_to(0.0012, "<0.001")
    (True, True, False)
    """
    reported = parse_reported(reported)
    values = np.asarray(value, dtype=float)
    with np.errstate(invalid="ignore"):
        if reported.relation == "=":
            result = np.abs(values - reported.value) <= reported.half_unit + TOLERANCE
        elif reported.relation == "<":
            result = values < reported.value
        elif reported.relation == ">":
            result = values > reported.value
        elif reported.relation == "<=":
            result = values <= reported.value + TOLERANCE
        else:
            result = values >= reported.value - TOLERANCE
    return bool(result) if result.ndim == 0 else result
