"""Core check functions: arithmetic, percentages and fractions, accuracy measures, McNemar, decay.

Every check compares a recomputed value with the printed one by the rounding rule of
:func:`compendium.stats.rounds_to`: a printed "=" number is reproduced when the value lies
within half a unit of its last printed digit ("74.9%" accepts 74.85 to 74.95), and a printed
bound is read strictly ("<0.001" needs a value below 0.001). Percentages are recomputed from
their counts, P values at the precision they are printed with.
"""

from __future__ import annotations

import math
import re

from scipy import stats

from compendium.claims.checks import CONSISTENT, INCONSISTENT, REPRODUCED, args, check
from compendium.claims.tables import quoted_figure
from compendium.claims.printed import printed_number
from compendium.stats import (
    Reported,
    diagnostic_accuracy,
    feasible_paired_tables,
    mcnemar as mcnemar_test,
    percent_consistent,
    pvalue_from_statistic,
    rounds_to,
)

# The largest study size searched for the smallest denominator that gives a printed percentage.
MAX_DENOMINATOR = 1000


def _show(value: float, printed: Reported) -> str:
    """``value`` with two decimals more than printed, so the reader sees how it rounds."""
    suffix = "%" if printed.percent else ""
    decimals = max(printed.decimals, 0)
    if value == int(value):
        return f"{value:.{decimals}f}{suffix}"
    if value != 0 and abs(value) < 10.0 ** -(decimals + 2):
        return f"{value:.3g}{suffix}"
    return f"{value:.{decimals + 2}f}{suffix}"


def _needs(printed: Reported) -> str:
    """What values the printed number allows, in words."""
    suffix = "%" if printed.percent else ""
    if printed.relation == "=":
        decimals = max(printed.decimals, 0) + 2
        low, high = printed.value - printed.half_unit, printed.value + printed.half_unit
        return f"the printed {printed.text} needs a value from {low:.{decimals}f}{suffix} to {high:.{decimals}f}{suffix}"
    words = {"<": "below", ">": "above", "<=": "at most", ">=": "at least"}[printed.relation]
    return f"the printed {printed.text} needs a value {words} {printed.value:g}{suffix}"


def _percent_text(printed: Reported) -> str:
    """The printed number as "<value>%" at its printed precision, as percent_consistent reads it."""
    return f"{printed.value:.{max(printed.decimals, 0)}f}%"


def _compare(claim, printed: Reported, value: float, derivation: str, hint: str = "", verb: str = "=") -> tuple[str, str, str]:
    """The verdict for ``value`` (computed as ``derivation``) against the printed number.

    The note reads "<derivation> <verb> <value>, ..." and, when inconsistent, says what the
    printed number needs (``hint``, by default the interval its precision allows).
    """
    shown = _show(value, printed)
    if args.agrees(claim, value, printed):
        return shown, REPRODUCED, f"{derivation} {verb} {shown}, which agrees with the printed {printed.text}."
    return shown, INCONSISTENT, f"{derivation} {verb} {shown}, but {hint or _needs(printed)}."


@check("percentage")
def percentage(claim, numerator, denominator):
    """A percentage recomputed from its counts, 100 * numerator / denominator.

    >>> from types import SimpleNamespace
    >>> percentage(SimpleNamespace(reported="74.9%"), 134, 179)[:2]
    ('74.860%', 'reproduced')
    """
    printed = args.printed(claim)
    k, n = args.number("numerator", numerator), args.number("denominator", denominator)
    if n <= 0:
        raise ValueError(f"denominator must be positive, got {denominator!r}")
    hint = ""
    if printed.relation == "=" and n == int(n):
        ks = percent_consistent(_percent_text(printed), int(n))
        hint = (f"a numerator of {' or '.join(map(str, ks))} out of {n:g} would give {printed.text}" if ks
                else f"no whole count out of {n:g} gives {printed.text}")
    return _compare(claim, printed, 100 * k / n, f"{k:g}/{n:g}", hint)


_FRACTION = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


@check("fraction")
def fraction(claim, numerator, denominator):
    """A count printed as "k/n" against the counts it should be.

    >>> from types import SimpleNamespace
    >>> fraction(SimpleNamespace(reported="134/179"), 134, 179)[:2]
    ('134/179', 'reproduced')
    """
    k, n = args.count("numerator", numerator), args.count("denominator", denominator)
    text = claim.reported.text if isinstance(claim.reported, Reported) else claim.reported
    match = _FRACTION.match(text)
    if match is None:
        raise ValueError(f"reported must be printed as 'k/n' for the fraction check, got {text!r}")
    printed_k, printed_n = int(match[1]), int(match[2])
    recomputed = f"{k}/{n}"
    if (printed_k, printed_n) == (k, n):
        return recomputed, REPRODUCED, f"The counts give {recomputed}, as printed."
    return recomputed, INCONSISTENT, f"The counts give {recomputed}, not the printed {printed_k}/{printed_n}."


@check("ratio")
def ratio(claim, numerator, denominator):
    """A ratio of two numbers, numerator / denominator, on the printed scale.

    >>> from types import SimpleNamespace
    >>> ratio(SimpleNamespace(reported="2.5"), 5, 2)[:2]
    ('2.500', 'reproduced')
    """
    top, bottom = args.number("numerator", numerator), args.number("denominator", denominator)
    if bottom == 0:
        raise ValueError(f"denominator must be non-zero, got {denominator!r}")
    return _compare(claim, args.printed(claim), top / bottom, f"{top:g}/{bottom:g}")


def _terms(name: str, values) -> list[float]:
    if not isinstance(values, (list, tuple)) or not values:
        raise ValueError(f"{name} must be a non-empty list of numbers, got {values!r}")
    return [args.number(f"{name}[{i}]", v) for i, v in enumerate(values)]


@check("sum")
def sum_(claim, terms):
    """A total recomputed as the sum of its parts.

    >>> from types import SimpleNamespace
    >>> sum_(SimpleNamespace(reported="23"), [14, 9])[:2]
    ('23', 'reproduced')
    """
    parts = _terms("terms", terms)
    return _compare(claim, args.printed(claim), math.fsum(parts), " + ".join(f"{p:g}" for p in parts))


@check("difference")
def difference(claim, minuend, subtrahend):
    """A difference, minuend - subtrahend.

    >>> from types import SimpleNamespace
    >>> difference(SimpleNamespace(reported="8"), 45, 37)[:2]
    ('8', 'reproduced')
    """
    a, b = args.number("minuend", minuend), args.number("subtrahend", subtrahend)
    return _compare(claim, args.printed(claim), a - b, f"{a:g} - {b:g}")


@check("product")
def product(claim, factors):
    """A product of factors (a dose rate times a weight, a time per bed times the beds).

    >>> from types import SimpleNamespace
    >>> product(SimpleNamespace(reported="25"), [5, 5])[:2]
    ('25', 'reproduced')
    """
    parts = _terms("factors", factors)
    return _compare(claim, args.printed(claim), math.prod(parts), " × ".join(f"{p:g}" for p in parts))


@check("quoted")
def quoted(claim, figure):
    """A number quoted from an outside source, against the source's figure stored in
    ``data/tables/quoted-figures.csv`` (with its citation key and locator).

    ``reproduced`` when the stored figure is itself recomputed from the source's own counts
    (its ``numerator`` and ``denominator``), else ``consistent``: the quote matches the source.
    """
    source = quoted_figure(figure)
    if getattr(claim, "source", None) not in (None, source.source):
        raise ValueError(f"figure {figure!r} comes from {source.source}, not the row's source {claim.source}")
    printed = args.printed(claim)
    cited = f"{source.source} ({source.locator})"
    if source.numerator is not None:
        value = source.numerator / source.denominator * (100 if printed.percent else 1)
        shown, verdict, note = _compare(claim, printed, value, f"The source's counts {source.numerator:g}/{source.denominator:g}, {cited},")
        return shown, verdict, note
    shown = _show(source.value, printed)
    if args.agrees(claim, source.value, printed):
        return shown, CONSISTENT, (f"{cited} gives {shown}; the quote matches the source, which is not recomputed "
                                   f"from the source's own counts here.")
    return shown, INCONSISTENT, f"{cited} gives {shown}, but {_needs(printed)}."


def _smallest_denominator(text: str) -> int | None:
    return next((n for n in range(1, MAX_DENOMINATOR + 1) if percent_consistent(text, n)), None)


@check("attainable_percentage")
def attainable_percentage(claim, n):
    """GRIM test: can the printed percentage be k/n for a whole count k (Brown & Heathers 2017)?

    Recomputed lists every k/n that rounds to the printed value.

    A fit is ``consistent``, not reproduced: the count itself is not printed.

    >>> from types import SimpleNamespace
    >>> attainable_percentage(SimpleNamespace(reported="62%"), 31)[:2]
    ('none', 'inconsistent')
    >>> attainable_percentage(SimpleNamespace(reported="82%"), 51)[:2]
    ('42/51', 'consistent')
    """
    printed, n = args.printed(claim), args.count("n", n)
    if n == 0:
        raise ValueError("n must be a positive integer, got 0")
    text = _percent_text(printed)
    ks = percent_consistent(text, n)
    if ks:
        fits = ", ".join(f"{k}/{n}" for k in ks)
        return fits, CONSISTENT, (f"{fits} = {100 * ks[0] / n:.2f}% rounds to {printed.text}; the count is not "
                                  f"printed, so the percentage is possible, not recomputed.")
    below = math.floor(printed.value * n / 100)
    smallest = _smallest_denominator(text)
    found = (f"the smallest group that gives it is {smallest}" if smallest
             else f"no group of up to {MAX_DENOMINATOR} gives it")
    return "none", INCONSISTENT, (
        f"No whole count out of {n} gives {printed.text} ({below}/{n} = {100 * below / n:.2f}%, "
        f"{below + 1}/{n} = {100 * (below + 1) / n:.2f}%); {found}."
    )


_QUANTITIES = ("statistic", "pvalue")
# A printed value may carry its own label ("χ²=0.05"); the note adds the label itself.
_LABEL = re.compile(r"^\s*(?:χ²|χ2|chi2|P|p)\s*")
_UNIT_QUANTITY = {"chi2": "statistic", "χ²": "statistic", "p": "pvalue", "P": "pvalue"}


def _quantity(claim, quantity) -> str:
    quantity = quantity or _UNIT_QUANTITY.get(getattr(claim, "unit", ""))
    if quantity not in _QUANTITIES:
        raise ValueError(f"quantity must be 'statistic' or 'pvalue' (or the claim's unit 'chi2' or 'p'), got {quantity!r}")
    return quantity


@check("mcnemar")
def mcnemar(claim, b, c, variant="asymptotic", quantity=None):
    """McNemar's chi-square or P from the discordant counts ``b`` and ``c``.

    ``variant`` is a method of :func:`compendium.stats.mcnemar` (asymptotic, corrected, exact,
    mid-p); ``quantity`` is "statistic" or "pvalue", by default read from the claim's unit
    (chi2 or p).

    >>> from types import SimpleNamespace
    >>> mcnemar(SimpleNamespace(reported="2.000", unit="chi2"), 2, 0)[:2]
    ('2.000', 'reproduced')
    """
    b, c = args.count("b", b), args.count("c", c)
    quantity = _quantity(claim, quantity)
    if quantity == "statistic" and variant in ("exact", "mid-p"):
        raise ValueError(f"variant {variant!r} has no chi-square statistic; use quantity 'pvalue'")
    result = mcnemar_test(b, c, variant)
    value = result.statistic if quantity == "statistic" else result.pvalue
    name = "χ²" if quantity == "statistic" else "P"
    return _compare(claim, args.printed(claim), value, f"The {variant} McNemar test with b = {b}, c = {c}", verb=f"gives {name} =")


def _table(row) -> str:
    return f"a = {row.a}, b = {row.b}, c = {row.c}, d = {row.d}"


# Rules a paper states that forbid some paired tables: with PET/MR positive whenever PET or MR is,
# a PET (or MR) positive read is a PET/MR positive read (b = 0 when test 2 is PET/MR, for
# detections), and a PET/MR negative read is a PET (or MR) negative read (c = 0, for true negatives).
RULES = {"test2-includes-test1": "b", "test1-includes-test2": "c"}


@check("mcnemar_from_marginals")
def mcnemar_from_marginals(claim, n, pos1, pos2, quantity=None, compare_with=None, rule=None):
    """Which paired tables with the printed margins, under which McNemar variant, give the printed value.

    A paper that prints only each test's positives (``pos1``, ``pos2`` of ``n``) leaves the
    paired table open; :func:`compendium.stats.feasible_paired_tables` tries every table and
    variant. ``compare_with`` is the other printed half of the test (the P for a statistic,
    the statistic for a P), usually ``"@<claim id>"``; a table and variant must reproduce both.
    ``rule`` (a key of ``RULES``) excludes the tables a rule of the paper forbids. Only the
    variants of the run's ``mcnemar_variants`` are tried. A table without discordant pairs
    has χ² = 0 and P = 1 (no evidence of a difference), as software prints it.

    ``reproduced`` when the margins (and rule) leave one table; ``consistent`` when a match
    exists among several tables that the paper does not let us tell apart.

    >>> from types import SimpleNamespace
    >>> mcnemar_from_marginals(SimpleNamespace(reported="4.000", unit="chi2"), 20, 10, 6,
    ...                        compare_with="0.046")[:2]
    ('asymptotic: a = 6, b = 4, c = 0, d = 10', 'consistent')
    >>> mcnemar_from_marginals(SimpleNamespace(reported="4.000", unit="chi2"), 20, 10, 6,
    ...                        compare_with="0.046", rule="test1-includes-test2")[:2]
    ('asymptotic: a = 6, b = 4, c = 0, d = 10', 'reproduced')
    """
    n, pos1, pos2 = args.count("n", n), args.count("pos1", pos1), args.count("pos2", pos2)
    quantity = _quantity(claim, quantity)
    printed = args.printed(claim)
    other = None if compare_with is None else (
        compare_with if isinstance(compare_with, Reported) else printed_number(str(compare_with)))
    statistic, pvalue = (printed, other) if quantity == "statistic" else (other, printed)
    if rule is not None and rule not in RULES:
        raise ValueError(f"rule must be one of {', '.join(RULES)}, got {rule!r}")
    frame = feasible_paired_tables(n, pos1, pos2, statistic, pvalue, no_discordance_as_zero=True)
    frame = frame[frame["variant"].isin(args.choices(claim).mcnemar_variants)]
    if statistic is not None:  # a printed χ² comes from a chi-square variant, and its P from the same one
        frame = frame[frame["variant"].isin(_CHI_SQUARE)]
    if rule is not None:
        frame = frame[frame[RULES[rule]] == 0]
    tables = frame[["a", "b", "c", "d"]].drop_duplicates()
    what = " with ".join(f"{label} {_LABEL.sub('', r.text)}" for label, r in (("χ²", statistic), ("P", pvalue)) if r is not None)
    margins = f"{pos1}/{n} and {pos2}/{n} positive" + (f", {RULES[rule]} = 0 by the paper's rule ({rule})" if rule else "")
    hits = frame[frame["matches"]]
    if len(hits):
        shown = [f"{row.variant}: {_table(row)}" for row in hits.head(3).itertuples()]
        more = f" (+{len(hits) - 3} more)" if len(hits) > 3 else ""
        first = hits.iloc[0]
        unique = len(tables) == 1
        return "; ".join(shown) + more, REPRODUCED if unique else CONSISTENT, (
            f"{len(hits)} of the {len(frame)} table-and-variant readings with {margins} "
            f"{'gives' if len(hits) == 1 else 'give'} {what}, "
            f"e.g. {_table(first)} ({first.variant}: χ² = {first.statistic:.3f}, P = {first.pvalue:.3g})"
            + ("; the margins fix the table." if unique else
               f"; the paper does not say which of the {len(tables)} feasible tables it had.")
        )
    if quantity == "pvalue" and other is not None:
        # No table gives the printed χ² (its own row says so): judge the P on the tables alone.
        recomputed, verdict, note = mcnemar_from_marginals(claim, n, pos1, pos2, quantity, None, rule)
        return recomputed, verdict, f"No table and variant gives χ² {_LABEL.sub('', other.text)} with it; on the tables alone: {note}"
    column = "statistic" if quantity == "statistic" else "pvalue"
    candidates = frame[frame["variant"].isin(_CHI_SQUARE)] if quantity == "statistic" else frame
    candidates = candidates.dropna(subset=[column])
    if candidates.empty:
        return "none", INCONSISTENT, f"No paired table with {margins} has any McNemar {column}, so none gives {what}."
    closest = candidates.loc[(candidates[column] - printed.value).abs().idxmin()]
    return "none", INCONSISTENT, (
        f"No paired table with {margins} gives {what} under any McNemar variant; the closest is "
        f"{_table(closest)} ({closest.variant}: χ² = {closest.statistic:.3f}, P = {closest.pvalue:.3g})."
    )


_CHI_SQUARE = ("asymptotic", "corrected")


@check("chi2_pvalue")
def chi2_pvalue(claim, statistic, df=1):
    """The P value of a printed chi-square statistic (upper tail, ``df`` degrees of freedom).

    >>> from types import SimpleNamespace
    >>> chi2_pvalue(SimpleNamespace(reported="0.157"), 2.0)[:2]
    ('0.15730', 'reproduced')
    >>> chi2_pvalue(SimpleNamespace(reported="0.368"), 2.0)[:2]  # 0.368 is the P for 2 df
    ('0.15730', 'inconsistent')
    """
    value = args.number("statistic", statistic)
    printed = args.printed(claim)
    pvalue = pvalue_from_statistic(value, "chi2", df)
    hint = ""
    if printed.relation == "=" and 0 < printed.value < 1:
        hint = f"the printed {printed.text} is the P of χ² = {stats.chi2.isf(printed.value, df):.3f} on {df:g} df"
        # A P computed with the wrong degrees of freedom is a common slip; say which df fit.
        fits = [d for d in range(1, 11) if d != df and rounds_to(pvalue_from_statistic(value, "chi2", d), printed)]
        if fits:
            hint += f", or of χ² = {value:g} on {' or '.join(map(str, fits))} df"
    return _compare(claim, printed, pvalue, f"P(χ² with {df:g} df ≥ {value:g})", hint)


# Each measure's name in the note and its numerator and denominator from the 2x2 table.
_MEASURES = {
    "sensitivity": ("Sensitivity", lambda tp, fp, fn, tn: (tp, tp + fn)),
    "specificity": ("Specificity", lambda tp, fp, fn, tn: (tn, tn + fp)),
    "ppv": ("PPV", lambda tp, fp, fn, tn: (tp, tp + fp)),
    "npv": ("NPV", lambda tp, fp, fn, tn: (tn, tn + fn)),
    "accuracy": ("Accuracy", lambda tp, fp, fn, tn: (tp + tn, tp + fp + fn + tn)),
}


@check("diagnostic")
def diagnostic(claim, tp, fp, fn, tn, measure):
    """An accuracy measure (sensitivity, specificity, ppv, npv, accuracy) from the 2x2 table.

    Compared as a percentage when the claim prints "%" or has unit "%", else as a proportion.

    >>> from types import SimpleNamespace
    >>> diagnostic(SimpleNamespace(reported="96.9%", unit="%"), 134, 4, 45, 123, "specificity")[:2]
    ('96.850%', 'reproduced')
    """
    if measure not in _MEASURES:
        raise ValueError(f"measure must be one of {', '.join(_MEASURES)}, got {measure!r}")
    cells = [args.count(name, v) for name, v in (("tp", tp), ("fp", fp), ("fn", fn), ("tn", tn))]
    printed = args.printed(claim)
    value = getattr(diagnostic_accuracy(*cells), measure).value
    percent = printed.percent or getattr(claim, "unit", "") == "%"
    label, counts = _MEASURES[measure]
    k, n = counts(*cells)
    return _compare(claim, printed, 100 * value if percent else value, f"{label} {k}/{n}")


@check("decay_fraction")
def decay_fraction(claim, nuclide_half_life_min, minutes, decayed=False):
    """The fraction of a radionuclide's activity left after ``minutes`` (or gone, with ``decayed``).

    Remaining fraction 2^(-t / T½); a percentage when the claim prints "%".

    >>> from types import SimpleNamespace
    >>> decay_fraction(SimpleNamespace(reported="68.5%"), 109.77, 60)[:2]
    ('68.463%', 'reproduced')
    """
    half_life, t = args.number("nuclide_half_life_min", nuclide_half_life_min), args.number("minutes", minutes)
    if half_life <= 0:
        raise ValueError(f"nuclide_half_life_min must be positive, got {nuclide_half_life_min!r}")
    remaining = 2.0 ** (-t / half_life)
    value = 1 - remaining if decayed else remaining
    printed = args.printed(claim)
    derivation = f"{'1 - ' if decayed else ''}2^(-{t:g}/{half_life:g})"
    return _compare(claim, printed, 100 * value if printed.percent else value, derivation)

