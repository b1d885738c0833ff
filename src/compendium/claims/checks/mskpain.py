"""Check functions specific to the musculoskeletal-pain PET/MRI report (auntminnie-msk-pain-petmr).

The report prints counts beside rounded percentages and a few percentages with no count.
Two questions recur: does a printed count follow from its percentage and group size, and
can a printed percentage be a count of the group it describes (or of another group the
report names)?
"""

from __future__ import annotations

from compendium.claims.checks import CONSISTENT, INCONSISTENT, REPRODUCED, UNVERIFIABLE, args, check
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
    return _among(counts, value, recomputed, (
        f"{int(value)} is the only count out of {n} that rounds to {printed}.",
        f"{printed} of {n} allows {recomputed}; the printed {int(value)} is one of them.",
        f"{printed} of {n} needs a count of {recomputed}, not {int(value)}."))


def _among(candidates: list, value, recomputed: str, notes: tuple[str, str, str]) -> tuple[str, str, str]:
    """Reproduced when ``value`` is the only candidate, consistent when one of several, else
    inconsistent; ``notes`` say so in that order."""
    verdict = (REPRODUCED if candidates == [value] else CONSISTENT if value in candidates else INCONSISTENT)
    return recomputed, verdict, notes[(REPRODUCED, CONSISTENT, INCONSISTENT).index(verdict)]


@check("mskpain_group_size")
def mskpain_group_size(claim, count, percentage, max_n=1000):
    """A group size recomputed from a count of the group and the percentage printed for it:
    every n for which ``count``/n rounds to ``percentage``; reproduced when the printed n is the only one.

    >>> from types import SimpleNamespace
    >>> mskpain_group_size(SimpleNamespace(reported="14"), 10, "71%")[:2]
    ('14', 'reproduced')
    """
    k, printed = args.count("count", count), _percent_text(percentage)
    sizes = [n for n in range(max(k, 1), args.count("max_n", max_n) + 1) if k in percent_consistent(printed, n)]
    value = int(args.printed(claim).value)
    recomputed = ", ".join(map(str, sizes)) or "none"
    return _among(sizes, value, recomputed, (
        f"{k} of n rounds to {printed} only for n = {value} (n up to {max_n}).",
        f"{k} of n rounds to {printed} for n = {recomputed}; the printed {value} is one of them.",
        f"{k} of {value} is {100 * k / value:.1f}%, not {printed}; n = {recomputed} would give it."))


@check("mskpain_attainable_in_groups")
def mskpain_attainable_in_groups(claim, stated, readings=None):
    """GRIM check of a printed percentage against the group the report attaches it to
    (``stated``) and, failing that, against other group sizes the report names (``readings``,
    a mapping from a description to a size).

    Consistent when some k/stated rounds to it (the count is not printed). When none does,
    the verdict follows the run's ``control_denominator`` reading: under "open" (the report
    does not say how many participants the percentage counts) it is unverifiable, since some
    group gives any percentage; under "stated" inconsistent. The note gives both readings.
    """
    printed = _percent_text(claim.reported)
    n = args.count("stated", stated)
    counts = percent_consistent(printed, n)
    if counts:
        fits = ", ".join(f"{k}/{n}" for k in counts)
        return fits, CONSISTENT, f"{fits} = {100 * counts[0] / n:.1f}% rounds to {printed}; the count is not printed."
    value = parse_reported(claim.reported).value
    low, high = int(value * n // 100), min(n, int(value * n // 100) + 1)
    nearest = f"{low}/{n} = {100 * low / n:.1f}% and {high}/{n} = {100 * high / n:.1f}%"
    alternatives, tried = [], []
    for label, size in (readings or {}).items():
        size = args.count(f"readings[{label!r}]", size)
        tried.append(f"{size} ({label})")
        alternatives += [f"{k}/{size} ({label})" for k in percent_consistent(printed, size)]
    smallest = [m for m in range(1, 200) if percent_consistent(printed, m)][:6]
    fits = ", ".join(alternatives) if alternatives else f"a group of {', '.join(map(str, smallest))}"
    stated_reading = f"Read as a share of the stated {n}, no count gives {printed} ({nearest})"
    open_reading = (f"read as a share of a group it does not size, {fits} would give it"
                    + ("" if alternatives else f" (not the other groups it names: {', '.join(tried)})" if tried else ""))
    if args.choices(claim).control_denominator == "open":
        # With the group's size open, every percentage is some count of some group: nothing to test.
        return fits, UNVERIFIABLE, (f"The report does not give the size of the group this percentage counts; "
                                    f"{open_reading}. {stated_reading}, so the stated-group reading would make "
                                    f"it inconsistent.")
    return f"none of {n}", INCONSISTENT, (f"{stated_reading} (the stated-group reading, which this run takes); "
                                          f"{open_reading}.")
