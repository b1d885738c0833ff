"""Reading a check's inputs: the claim's printed number and its numeric arguments.

One implementation for the core and the document-specific checks, so every check reads
"2,000", "88 percent", "more than 33,000" and a resolved ``"@claim"`` the same way.
"""

from __future__ import annotations

import math
import numbers

from compendium.claims.choices import DEFAULT_CHOICES, AnalysisChoices
from compendium.claims.printed import printed_number
from compendium.stats import Reported


def printed(claim) -> Reported:
    """The claim's printed number; ``ValueError`` when the row prints something else."""
    reported = claim.reported
    return reported if isinstance(reported, Reported) else printed_number(reported)


def choices(claim) -> AnalysisChoices:
    """The analysis choices the ledger run passes with the claim (the defaults for a bare claim)."""
    return getattr(claim, "choices", None) or DEFAULT_CHOICES


def agrees(claim, value: float, against: Reported | None = None) -> bool:
    """Whether ``value`` reproduces ``against`` (default the claim's printed number) under the run's rounding rule."""
    return choices(claim).agrees(value, against if against is not None else printed(claim))


def printed_text(claim) -> str:
    """The claim's text exactly as printed, whether or not it is a single number."""
    reported = claim.reported
    return reported.text if isinstance(reported, Reported) else str(reported)


FIGURE = "figure:"  # an argument "figure:<id>" is that figure of data/tables/quoted-figures.csv


def number(name: str, value) -> float:
    """A numeric argument: a plain number, a printed number, a resolved ``"@claim"``, or
    ``"figure:<id>"``, a stored outside figure."""
    if isinstance(value, str) and value.startswith(FIGURE):
        from compendium.claims.tables import quoted_figure

        value = quoted_figure(value[len(FIGURE):]).value
    elif isinstance(value, str):
        value = printed_number(value)
    if isinstance(value, Reported):
        value = value.value
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return float(value)


def count(name: str, value) -> int:
    """A non-negative whole-number argument (a group size, a count)."""
    value_ = number(name, value)
    if value_ < 0 or value_ != int(value_):
        raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
    return int(value_)
