"""Check functions specific to the musculoskeletal-pain PET/MRI report (auntminnie-msk-pain-petmr).

The report prints counts beside rounded percentages and a few percentages with no count.
Two questions recur: does a printed count follow from its percentage and group size, and
can a printed percentage be a count of the group it describes (or of another group the
report names)?
"""

from __future__ import annotations

from compendium.claims.checks import args, check
from compendium.stats import parse_reported, percent_consistent


def _percent_text(value) -> str:
    """A percentage argument as the printed text that :func:`percent_consistent` reads.

    A resolved "@claim" keeps its printed precision; a bare number is read as printed
    without trailing zeros (82.0 -> "82%").
    """
    if isinstance(value, (int, float)):
        return f"{value:g}%"
    reported = parse_reported(value)
    return reported.text or f"{reported.value:.{max(reported.decimals, 0)}f}%"


@check("mskpain_count_from_percentage")
def mskpain_count_from_percentage(claim, percentage, denominator):
    """Which counts k out of ``denominator`` round to the printed ``percentage``; reproduced
    when the claim's printed count is the only one."""
    n = args.count("denominator", denominator)
    if n == 0:
        raise ValueError("denominator must be positive, got 0")
    printed = _percent_text(percentage)
    counts = percent_consistent(printed, n)
    value = parse_reported(claim.reported).value
    recomputed = ", ".join(map(str, counts)) or "none"
    if counts == [value]:
        return recomputed, "reproduced", f"{int(value)} is the only count out of {n} that rounds to {printed}."
    if value in counts:
        return recomputed, "unverifiable", f"{printed} of {n} allows {recomputed}; the printed {int(value)} is one of them."
    return recomputed, "inconsistent", f"{printed} of {n} needs a count of {recomputed}, not {int(value)}."


@check("mskpain_attainable_in_groups")
def mskpain_attainable_in_groups(claim, stated, readings=None):
    """GRIM check of a printed percentage against the group the report attaches it to
    (``stated``) and, failing that, against other group sizes the report names (``readings``,
    a mapping from a description to a size).

    Reproduced when some k/stated rounds to it; unverifiable when only another reading fits
    (the report does not say which denominator it used); inconsistent when none does.
    """
    printed = _percent_text(claim.reported)
    n = args.count("stated", stated)
    counts = percent_consistent(printed, n)
    if counts:
        fits = ", ".join(f"{k}/{n}" for k in counts)
        return fits, "reproduced", f"{fits} = {100 * counts[0] / n:.1f}% rounds to {printed}."
    value = parse_reported(claim.reported).value
    low, high = int(value * n // 100), min(n, int(value * n // 100) + 1)
    nearest = f"{low}/{n} = {100 * low / n:.1f}% and {high}/{n} = {100 * high / n:.1f}%"
    alternatives, tried = [], []
    for label, size in (readings or {}).items():
        size = args.count(f"readings[{label!r}]", size)
        tried.append(f"{size} ({label})")
        alternatives += [f"{k}/{size} ({label})" for k in percent_consistent(printed, size)]
    smallest = [m for m in range(1, 200) if percent_consistent(printed, m)][:6]
    if alternatives:
        return (
            "; ".join(alternatives),
            "unverifiable",
            f"No count out of the stated {n} gives {printed} ({nearest}); only "
            f"{', '.join(alternatives)} would, and the report does not say which group was counted.",
        )
    return (
        f"none of {n}",
        "inconsistent",
        f"No count out of the stated {n} gives {printed} ({nearest}), nor out of "
        f"{', '.join(tried) or 'any other group the report names'}; it needs a denominator such as "
        f"{', '.join(map(str, smallest))}.",
    )
