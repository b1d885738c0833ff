"""Check functions specific to the UCLA 68Ga-PSMA-11 PET page (document ``ucla-psma-pet``).

The page prints national statistics in words and round thousands ("second most common",
"191,000", "more than 33,000") and a visit timetable ("about two hours": one hour of uptake,
30 minutes in the scanner). These checks rank a site within a published table, compare a
round figure with the exact one it stands for, test a lower bound, and add up a timetable.
"""

from __future__ import annotations

import math

from compendium.claims.checks import CONSISTENT, INCONSISTENT, REPRODUCED, UNVERIFIABLE, args, check
from compendium.claims.choices import TRUNCATING

@check("psma_rank")
def psma_rank(claim, counts, site, readings=None):
    """Rank of ``site`` within ``counts`` (largest first) against the printed rank.

    ``readings`` maps a description of another reading of the statement (another population,
    another tally) to the rank it gives; when only such a reading gives the printed rank, the
    verdict is unverifiable because the page does not say which it meant.
    """
    if site not in counts:
        raise ValueError(f"site must be one of {', '.join(counts)}, got {site!r}")
    values = {name: args.number(f"counts[{name!r}]", v) for name, v in counts.items()}
    rank = 1 + sum(v > values[site] for v in values.values())
    printed = int(args.printed(claim).value)
    listing = ", ".join(f"{name} {v:,.0f}" for name, v in sorted(values.items(), key=lambda kv: -kv[1]))
    if rank == printed:
        return str(rank), REPRODUCED, f"{site} ranks {rank} in the source ({listing})."
    fits = [text for text, other in (readings or {}).items() if int(other) == printed]
    if fits:
        return str(rank), UNVERIFIABLE, (
            f"{site} ranks {rank} in the source ({listing}); rank {printed} holds only {' or '.join(fits)}, "
            f"and the page does not say which population or tally it means."
        )
    return str(rank), INCONSISTENT, f"{site} ranks {rank}, not {printed}, in the source ({listing})."


@check("psma_round_figure")
def psma_round_figure(claim, value):
    """A round figure printed for an exact published ``value`` (a quote: consistent when it
    matches). The precision is the printed number's trailing zeros ("191,000" is to the
    thousand); a figure cut to its zeros matches only under the run's truncating rounding rule.
    """
    exact = args.number("value", value)
    printed = args.printed(claim)
    digits = len(printed.text.replace(",", "")) - len(printed.text.replace(",", "").rstrip("0"))
    unit = 10 ** digits
    rounded, truncated = math.floor(exact / unit + 0.5) * unit, math.floor(exact / unit) * unit
    recomputed = f"{exact:,.0f}"
    if printed.value == rounded:
        return recomputed, CONSISTENT, f"The source's {exact:,.0f} rounded to the nearest {unit:,} is {rounded:,}, as quoted."
    if printed.value == truncated:
        cut = f"the printed {printed.value:,.0f} is the figure truncated to whole {unit:,}s ({exact - truncated:,.0f} below the source)"
        if args.choices(claim).rounding == TRUNCATING.rounding:
            return recomputed, CONSISTENT, f"{exact:,.0f} rounds to {rounded:,}; {cut}, as this run's rounding rule allows."
        return recomputed, INCONSISTENT, f"{exact:,.0f} rounds to {rounded:,}; {cut}, a rule the page does not state."
    return recomputed, INCONSISTENT, (
        f"The source gives {exact:,.0f}, which prints as {rounded:,} (rounded) or {truncated:,} (truncated), "
        f"not {printed.value:,.0f}."
    )


@check("psma_lower_bound")
def psma_lower_bound(claim, value):
    """A printed bound such as ">33,000" ("more than 33,000") against the exact published ``value``."""
    exact = args.number("value", value)
    printed = args.printed(claim)
    holds = {">": exact > printed.value, ">=": exact >= printed.value, "<": exact < printed.value,
             "<=": exact <= printed.value}.get(printed.relation)
    if holds is None:
        raise ValueError(f"reported must be a bound such as '>33,000', got {printed.text!r}")
    verdict = CONSISTENT if holds else INCONSISTENT  # a quoted bound that holds: possible, not recomputed
    return f"{exact:,.0f}", verdict, (
        f"The source gives {exact:,.0f}, which {'satisfies' if holds else 'does not satisfy'} "
        f"{printed.relation} {printed.value:,.0f}."
    )


@check("psma_time_budget")
def psma_time_budget(claim, parts_min, minutes_per_unit=60):
    """An approximate total duration against the stated parts of it (``parts_min``, a mapping
    step → minutes). Inconsistent when the parts alone exceed the total by more than its
    rounding; otherwise unverifiable, with the minutes the page leaves unaccounted for."""
    parts = {step: args.number(f"parts_min[{step!r}]", v) for step, v in parts_min.items()}
    scale = args.number("minutes_per_unit", minutes_per_unit)
    printed = args.printed(claim)
    total_min = printed.value * scale
    stated = sum(parts.values())
    listing = " + ".join(f"{v:g} min {step}" for step, v in parts.items())
    recomputed = f"{stated:g} min stated"
    if stated > total_min + printed.half_unit * scale:
        return recomputed, INCONSISTENT, (
            f"The stated steps alone take {listing} = {stated:g} min, more than the {total_min:g} min total."
        )
    return recomputed, UNVERIFIABLE, (
        f"The stated steps take {listing} = {stated:g} min of the {total_min:g} min; the other "
        f"{total_min - stated:g} min (arrival, injection, voiding, positioning) are not itemised."
    )
