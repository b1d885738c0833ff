"""Check functions specific to the bone-metastasis review (document ``medscape-bone-metastases``).

Each receives the claim and its registry arguments and returns ``(recomputed, verdict, note)``.
They cover what the core checks do not: shares that must close to a whole, a percentage that
fixes a count, rounding versus truncation, a printed range against the figures quoted elsewhere,
and percentages whose study size the review does not give.
"""

from __future__ import annotations

from compendium.claims.checks import INCONSISTENT, REPRODUCED, UNVERIFIABLE, args, check
from compendium.claims.choices import TRUNCATING
from compendium.stats import parse_reported, percent_consistent

def _printed_of(document: str, claim_id: str) -> str:
    """What another claim of the same document prints (the registry is read once per process)."""
    from compendium.claims.registry import document_claims

    other = document_claims(document).get(claim_id)
    if other is None:
        raise ValueError(f"with_claims: no claim {claim_id!r} in the {document} registry")
    return args.printed_text(other)


def _smallest_n(texts: list[str], max_n: int = 1000) -> int | None:
    return next((n for n in range(1, max_n + 1) if all(percent_consistent(t, n) for t in texts)), None)


@check("bonemets_complement")
def complement(claim, total, others):
    """A share or count that must equal ``total`` minus the other parts of the same whole."""
    parts = [args.number("others", v) for v in others]
    value = args.number("total", total) - sum(parts)
    text = f"{value:g}"
    if args.agrees(claim, value, parse_reported(args.printed_text(claim))):
        return text, REPRODUCED, f"{args.number('total', total):g} minus the other parts ({' + '.join(f'{p:g}' for p in parts)}) leaves {text}."
    return text, INCONSISTENT, (
        f"The parts printed sum to {sum(parts) + parse_reported(args.printed_text(claim)).value:g}, not {args.number('total', total):g}; "
        f"closing the total needs {text}."
    )


@check("bonemets_count_items")
def count_items(claim, items):
    """A stated number of things that the text then lists one by one."""
    value = len(items)
    verdict = REPRODUCED if value == parse_reported(args.printed_text(claim)).value else INCONSISTENT
    return str(value), verdict, f"The text enumerates {value}: {'; '.join(items)}."


def _counts_giving(claim, printed, n: int) -> list[int]:
    """Counts k out of ``n`` whose percentage gives the printed share under the run's rounding choice."""
    return [k for k in range(n + 1) if args.agrees(claim, 100 * k / n, printed)]


def _truncation_note(printed, value: float) -> str:
    """Say so when only cutting digits (a rule the review does not state) would give the printed share."""
    if TRUNCATING.agrees(value, printed):
        return f" Truncating {value:.2f}% to {printed.text}, a rule the review does not state, would give it."
    return ""


@check("bonemets_count_from_percentage")
def count_from_percentage(claim, percentage_claim, n):
    """A count whose percentage of ``n`` must print as the share the text gives beside it,
    by the run's rounding rule."""
    share, n = parse_reported(_printed_of(claim.document, percentage_claim)), args.count("n", n)
    count = int(parse_reported(args.printed_text(claim)).value)
    ks = _counts_giving(claim, share, n)
    if count in ks:
        return ", ".join(map(str, ks)), REPRODUCED, f"{share.text} of {n} is {count} ({100 * count / n:.2f}%)."
    return ", ".join(map(str, ks)) or "none", INCONSISTENT, (
        f"{count}/{n} is {100 * count / n:.2f}%, not {share.text}; the printed share needs a count of "
        f"{', '.join(map(str, ks)) or 'none'}.{_truncation_note(share, 100 * count / n)}"
    )


@check("bonemets_percentage_rounding")
def percentage_rounding(claim, numerator, denominator):
    """A percentage of two printed counts by the run's rounding rule; the note says when only truncation fits."""
    num, den = args.number("numerator", numerator), args.number("denominator", denominator)
    printed = parse_reported(args.printed_text(claim))
    value = 100 * num / den
    text = f"{value:.{printed.decimals + 1}f}%"
    if args.agrees(claim, value, printed):
        return text, REPRODUCED, f"{num:g}/{den:g} = {text}."
    ks = percent_consistent(printed.text, int(den))
    return text, INCONSISTENT, (
        f"{num:g}/{den:g} = {text}, which rounds to {round(value, printed.decimals):.{printed.decimals}f}%; the printed "
        f"{printed.text} needs a numerator of {', '.join(map(str, ks)) or 'none'} out of {den:g}."
        f"{_truncation_note(printed, value)}"
    )


@check("bonemets_smallest_denominator")
def smallest_denominator(claim, with_claims=(), max_n=1000):
    """A percentage quoted without its study size: how large the study must at least have been."""
    texts = [args.printed_text(claim)] + [_printed_of(claim.document, cid) for cid in with_claims]
    n = _smallest_n(texts, max_n)
    if n is None:
        return "none", UNVERIFIABLE, f"The study size is not given, and no n up to {max_n} gives {', '.join(texts)} together."
    examples = ", ".join(f"{percent_consistent(t, n)[0]}/{n}" for t in texts)
    return f"n ≥ {n}", UNVERIFIABLE, (
        f"The study size is not given; {' and '.join(texts)} are attainable together only with at least "
        f"{n} cases ({examples})."
    )


@check("bonemets_range_covers")
def range_covers(claim, values):
    """A printed range compared with the individual figures the same text quotes for that quantity."""
    low, _, high = args.printed_text(claim).replace("%", "").partition("-")
    low, high = float(low), float(high)
    quoted = sorted(args.number("values", v) for v in values)
    text = f"{quoted[0]:g}-{quoted[-1]:g}%"
    if quoted[0] < low or quoted[-1] > high:
        return text, INCONSISTENT, f"The review's own figures span {text}, outside the printed range."
    if quoted[0] == low and quoted[-1] == high:
        return text, REPRODUCED, f"The review's own figures span exactly {text}."
    return text, UNVERIFIABLE, (
        f"All {len(quoted)} figures quoted elsewhere ({', '.join(f'{q:g}%' for q in quoted)}) lie inside the range, "
        f"but its ends are not all among them; their source is not given."
    )
