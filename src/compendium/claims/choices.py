"""The ledger's analysis choices, explicit and injectable.

Every decision a check makes that the documents do not fix — how a printed number is
matched, which McNemar variants a printed statistic may come from, which reading of an open
sentence is taken — is a field of :class:`AnalysisChoices`. The defaults are the published
ledger; ``build_ledger(choices=...)`` reruns it under other choices, and
:data:`DEFAULT_ROBUSTNESS_GRID` lists the alternatives the robustness page sweeps.

The object is frozen and picklable: it travels with each call (a Dask task gets its own
copy), so nothing global changes when a sweep runs several choices at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

from compendium.stats import Reported, parse_reported, rounds_to

ROUNDINGS = ("nearest", "nearest-or-truncated")
MCNEMAR_VARIANTS = ("asymptotic", "corrected", "exact", "mid-p")
INTERVAL_METHODS = ("wilson", "clopper-pearson", "agresti-coull", "jeffreys")
OPEN_READINGS = ("open", "stated")


@dataclass(frozen=True)
class AnalysisChoices:
    """The analysis choices of one ledger run (defaults: the published ledger).

    Attributes
    ----------
    rounding : {"nearest", "nearest-or-truncated"}
        How a recomputed value is matched with a printed "=" number. ``"nearest"``: within
        half a unit of the last printed digit (:func:`compendium.stats.rounds_to`), the rule
        the methods page states. ``"nearest-or-truncated"`` also accepts a value whose digits
        were cut (15.18% printed as "15.1%"), a rule no document states.
    mcnemar_variants : tuple of str
        The McNemar variants (of :func:`compendium.stats.mcnemar`) a printed χ² or P may
        come from when the paper does not name one.
    bowker_df : int
        Degrees of freedom of the "overall efficacy" (Bowker) χ² whose P Huang et al. print.
    interval_method : str
        Binomial interval (``statsmodels`` ``proportion_confint`` method) for the
        accuracy a conclusion claim compares.
    alpha : float
        Significance level for conclusion claims ("better", "more successful").
    control_denominator : {"open", "stated"}
        The pain study's control-group percentages (52%, 45%) and the PET/MRI group's 33%:
        ``"open"`` reads "control group participants" as a group whose size the report leaves
        open; ``"stated"`` reads it as the 13 (or 14) treated patients the report counts.
    garbled_symbols : {"open", "stated"}
        The "χ²=0.001" and "χ²=0.05" printed after two statistics: ``"open"`` reads them as the
        P bounds "P<0.001" and "P<0.05" with a garbled symbol; ``"stated"`` takes them as χ².
    """

    rounding: str = "nearest"
    mcnemar_variants: tuple[str, ...] = MCNEMAR_VARIANTS
    bowker_df: int = 2
    interval_method: str = "wilson"
    alpha: float = 0.05
    control_denominator: str = "open"
    garbled_symbols: str = "open"

    def __post_init__(self):
        _one_of("rounding", self.rounding, ROUNDINGS)
        variants = self.mcnemar_variants
        if isinstance(variants, str) or not isinstance(variants, tuple) or not variants:
            raise ValueError(f"mcnemar_variants must be a non-empty tuple of {', '.join(MCNEMAR_VARIANTS)}, "
                             f"got {variants!r}")
        for variant in variants:
            _one_of("mcnemar_variants", variant, MCNEMAR_VARIANTS)
        if isinstance(self.bowker_df, bool) or not isinstance(self.bowker_df, int) or self.bowker_df < 1:
            raise ValueError(f"bowker_df must be a positive integer, got {self.bowker_df!r}")
        _one_of("interval_method", self.interval_method, INTERVAL_METHODS)
        if isinstance(self.alpha, bool) or not isinstance(self.alpha, (int, float)) or not 0 < self.alpha < 1:
            raise ValueError(f"alpha must be a number between 0 and 1, got {self.alpha!r}")
        _one_of("control_denominator", self.control_denominator, OPEN_READINGS)
        _one_of("garbled_symbols", self.garbled_symbols, OPEN_READINGS)

    def agrees(self, value: float, printed: Reported | str) -> bool:
        """Whether ``value`` reproduces the printed number under :attr:`rounding`.

        >>> AnalysisChoices().agrees(15.18, "15.1%"), AnalysisChoices(rounding="nearest-or-truncated").agrees(15.18, "15.1%")
        (False, True)
        """
        printed = parse_reported(printed)
        if bool(rounds_to(value, printed)):
            return True
        if self.rounding == "nearest-or-truncated" and printed.relation == "=" and math.isfinite(value):
            scale = 10.0 ** printed.decimals
            return math.isclose(math.floor(value * scale + 1e-9) / scale, printed.value)
        return False

    def changed(self) -> dict[str, object]:
        """The fields that differ from the defaults (for labelling a robustness run)."""
        default = AnalysisChoices()
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) != getattr(default, f.name)}


def _one_of(name: str, value, allowed: tuple) -> None:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(map(str, allowed))}, got {value!r}")


DEFAULT_CHOICES = AnalysisChoices()
# The alternative rounding rule, for notes that say "only truncating the digits would give it".
TRUNCATING = AnalysisChoices(rounding="nearest-or-truncated")

# Field -> alternatives to the default that the robustness page sweeps one at a time.
DEFAULT_ROBUSTNESS_GRID: dict[str, list] = {
    "rounding": ["nearest-or-truncated"],
    "mcnemar_variants": [("asymptotic",), ("corrected",), ("asymptotic", "corrected")],
    "bowker_df": [1, 3],
    "interval_method": ["clopper-pearson"],
    "alpha": [0.01, 0.10],
    "control_denominator": ["stated"],
    "garbled_symbols": ["stated"],
}
