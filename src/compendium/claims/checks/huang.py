"""Check functions specific to Huang et al. (2021), PET/MR for liver metastases (``huang2021-liver-petmr``).

The paper's "overall efficacy" statistics are Bowker tests over the TP/FN/FP/TN
cross-classification (the sum of the sensitivity and specificity McNemar statistics), its
PET/MR read is defined as positive when PET or MR is, its subgroup test results are given
as a range, and some P values are truncated rather than rounded. One check for each.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from compendium.claims.checks import CONSISTENT, INCONSISTENT, REPRODUCED, args, check
from compendium.claims.checks.core import mcnemar_from_marginals
from compendium.claims.tables import accuracy_cells
from compendium.claims.choices import TRUNCATING
from compendium.stats import mcnemar, pvalue_from_statistic, rounds_to


def _feasible_discordances(n, pos1, pos2):
    """(b, c) of every paired table with these margins."""
    a = np.arange(max(0, pos1 + pos2 - n), min(pos1, pos2) + 1)
    return pos1 - a, pos2 - a


@check("huang_bowker")
def huang_bowker(claim, sensitivity, specificity, quantity="statistic", union_rule=False):
    """Bowker's statistic over TP/FN/FP/TN, i.e. sensitivity + specificity McNemar χ² (uncorrected).

    ``sensitivity`` and ``specificity`` are margins ``[n, positives of test 1, positives of
    test 2]``; every pair of feasible tables is tried, and the least discordant pair is
    shown. ``quantity`` "pvalue" compares the P on the run's ``bowker_df`` degrees of freedom.
    ``union_rule`` (test 2 is PET/MR, positive when PET or MR is) keeps only the tables the rule
    allows: no detection by test 1 alone (b = 0) and no true negative by test 2 alone (c = 0).
    Reproduced when one pair of tables remains; consistent when the printed value is one of several.

    >>> from types import SimpleNamespace
    >>> huang_bowker(SimpleNamespace(reported="13.000"), [45, 37, 45], [30, 26, 21])[:2]
    ('13.000', 'consistent')
    >>> huang_bowker(SimpleNamespace(reported="16.000"), [45, 38, 45], [30, 30, 21], union_rule=True)[:2]
    ('16.000', 'reproduced')
    """
    if quantity not in ("statistic", "pvalue"):
        raise ValueError(f"quantity must be 'statistic' or 'pvalue', got {quantity!r}")
    printed, df = args.printed(claim), args.choices(claim).bowker_df
    sens = [args.count("sensitivity", v) for v in sensitivity]
    spec = [args.count("specificity", v) for v in specificity]
    candidates = []
    pairs = [(b1, c1, b2, c2) for b1, c1 in zip(*_feasible_discordances(*sens))
             for b2, c2 in zip(*_feasible_discordances(*spec)) if not union_rule or b1 == c2 == 0]
    if not pairs:
        raise ValueError("no pair of tables with these margins obeys the union rule")
    for b1, c1, b2, c2 in pairs:
        chi2 = sum((b - c) ** 2 / (b + c) for b, c in ((b1, c1), (b2, c2)) if b + c)
        value = chi2 if quantity == "statistic" else float(pvalue_from_statistic(chi2, "chi2", df))
        candidates.append((b1 + c1 + b2 + c2, value, chi2, (b1, c1, b2, c2)))
    candidates.sort(key=lambda item: item[0])
    hits = [item for item in candidates if args.agrees(claim, item[1], printed)]
    shown = "{:.3f}" if quantity == "statistic" else "{:.4f}"
    if hits:
        _, value, chi2, (b1, c1, b2, c2) = hits[0]
        unique = len(candidates) == 1
        return shown.format(value), REPRODUCED if unique else CONSISTENT, (
            f"Sensitivity b = {b1}, c = {c1} and specificity b = {b2}, c = {c2} give Bowker χ² = {chi2:.3f} "
            f"(P = {float(pvalue_from_statistic(chi2, 'chi2', df)):.4f} on {df} df), agreeing with the printed {printed.text}"
            + ("; the margins and the union rule fix the tables." if union_rule and unique else
               "; the margins fix the tables." if unique else
               f"; {len(hits)} of the {len(candidates)} feasible pairs of tables give it, and the paper does not say which it had."))
    _, value, chi2, (b1, c1, b2, c2) = candidates[0]
    values = [item[1] for item in candidates]
    return shown.format(value), INCONSISTENT, (
        f"Every table with these margins gives {shown.format(min(values))} to {shown.format(max(values))}; the least "
        f"discordant (sensitivity b = {b1}, c = {c1}; specificity b = {b2}, c = {c2}) gives {shown.format(value)}, "
        f"not the printed {printed.text}.")


@check("huang_union_rule")
def huang_union_rule(claim, pet, mr, n, counts="positives"):
    """A printed PET/MR count "k/n" against the paper's rule: PET/MR positive if PET or MR is.

    ``pet`` and ``mr`` are the single-modality *positive reads* among the same ``n`` cases;
    the PET/MR positives must lie between max(pet, mr) and min(pet + mr, n). With
    ``counts="negatives"`` the printed k counts negative reads (a specificity numerator), so
    the PET/MR positives are n - k.

    >>> from types import SimpleNamespace
    >>> huang_union_rule(SimpleNamespace(reported="117/127"), 0, 9, 127, counts="negatives")[:2]
    ('118/127', 'inconsistent')
    """
    if counts not in ("positives", "negatives"):
        raise ValueError(f"counts must be 'positives' or 'negatives', got {counts!r}")
    pet, mr, n = args.count("pet", pet), args.count("mr", mr), args.count("n", n)
    text = getattr(claim.reported, "text", None) or str(claim.reported)
    try:
        k = int(text.split("/")[0])
    except ValueError:
        raise ValueError(f"reported must read 'k/n', got {text!r}") from None
    positives = k if counts == "positives" else n - k
    low, high = max(pet, mr), min(pet + mr, n)

    def as_printed(m):
        return f"{m if counts == 'positives' else n - m}/{n}"

    allowed = as_printed(low) if low == high else f"{as_printed(low)} to {as_printed(high)}"
    if low <= positives <= high:
        return allowed, REPRODUCED, (
            f"PET {pet} and MR {mr} positive reads of {n} allow {low}–{high} PET/MR positives under the "
            f"either-positive rule; the printed {text} ({positives} positive) is among them.")
    return allowed, INCONSISTENT, (
        f"With PET {pet} and MR {mr} positive reads of {n}, the either-positive rule allows only {allowed}, "
        f"not the printed {text} ({positives} positive reads).")


@check("huang_statistic_range")
def huang_statistic_range(claim, tables, variant="corrected", bound="max"):
    """The smallest or largest McNemar χ² over a list of ``[b, c]`` tables (b = c = 0 counts as 0).

    >>> from types import SimpleNamespace
    >>> huang_statistic_range(SimpleNamespace(reported="1.333"), [[0, 3], [0, 1]])[:2]
    ('1.333', 'reproduced')
    """
    if bound not in ("min", "max"):
        raise ValueError(f"bound must be 'min' or 'max', got {bound!r}")
    values = []
    for pair in tables:
        b, c = (args.count("tables", v) for v in pair)
        values.append(mcnemar(b, c, variant).statistic if b + c else 0.0)
    value = min(values) if bound == "min" else max(values)
    printed = args.printed(claim)
    listing = ", ".join(f"{v:.3f}" for v in values)
    verdict = REPRODUCED if args.agrees(claim, value, printed) else INCONSISTENT
    return f"{value:.3f}", verdict, (
        f"The {variant} McNemar χ² of the {len(values)} comparisons are {listing}; their {bound} is {value:.3f}"
        f"{', as printed' if verdict == REPRODUCED else f', not the printed {printed.text}'}.")


@check("huang_chi2_pvalue")
def huang_chi2_pvalue(claim, statistic, df=1):
    """P of a printed χ²; a P truncated (not rounded) to the printed digits passes only under the
    ``nearest-or-truncated`` rounding choice, and the note says which digits the P has.

    >>> from types import SimpleNamespace
    >>> huang_chi2_pvalue(SimpleNamespace(reported="0.479"), 0.5)[:2]
    ('0.47950', 'inconsistent')
    """
    value = args.number("statistic", statistic)
    pvalue = float(pvalue_from_statistic(value, "chi2", df))
    printed = args.printed(claim)
    shown = f"{pvalue:.5f}"
    derivation = f"P(χ² with {df} df ≥ {value:g}) = {shown}"
    if rounds_to(pvalue, printed):
        return shown, REPRODUCED, f"{derivation}, agreeing with the printed {printed.text}."
    if args.agrees(claim, pvalue, printed):
        return shown, REPRODUCED, (f"{derivation}, which rounds to {round(pvalue, printed.decimals)}; it gives the "
                                   f"printed {printed.text} only truncated, as this run's rounding choice allows.")
    cut = " (truncating its digits, a rule the paper does not state, would give it)" if TRUNCATING.agrees(pvalue, printed) else ""
    return shown, INCONSISTENT, f"{derivation}, which does not round to the printed {printed.text}{cut}."


@check("huang_garbled_symbol")
def huang_garbled_symbol(claim, p_claim, n, pos1, pos2):
    """A "χ²=0.001" or "χ²=0.05" printed after two statistics, where the P bound belongs.

    Under the run's ``garbled_symbols`` reading "open" it is the bound of ``p_claim`` ("P<0.001")
    with the symbol garbled in the source text, and gets that row's verdict; under "stated" it
    is read as a χ² of the table with these margins. The note gives both readings.
    """
    from compendium.claims.ledger import run_check  # the ledger imports the checks

    choices = args.choices(claim)
    bound = claim.by_id[p_claim]
    as_chi2 = mcnemar_from_marginals(claim, n, pos1, pos2, quantity="statistic")
    text = args.printed_text(claim)
    read_as_bound = f"<{args.printed(claim).text.split('=')[-1].strip()}"
    recomputed, verdict, note = run_check(replace(bound, reported=read_as_bound), claim.by_id, choices)
    if choices.garbled_symbols == "stated":
        return as_chi2[0], as_chi2[1], (f"Read as a χ², which this run takes: {as_chi2[2]} Read as the bound "
                                        f"P{read_as_bound} with a garbled symbol (as {p_claim} prints it), it is {verdict}.")
    return recomputed, verdict, (
        f"{text} stands where the P of the two χ² before it belongs: read as the bound P{read_as_bound} with a garbled "
        f"symbol (the reading this ledger takes; {p_claim} records the same bound), it is {verdict}: {note} Read as "
        f"a χ² it would be {as_chi2[1]}: {as_chi2[2]}")


@check("huang_conclusion")
def huang_conclusion(claim, table, comparator, petmr, overall):
    """A conclusion that PET/MR is better than a comparator at one analysis level, against the
    paper's own numbers: the two rows of the stored accuracy table (``comparator`` and ``petmr``,
    each a one-entry mapping ``{name: row}``) and the printed overall (Bowker) χ² ``overall``.

    With PET/MR positive whenever PET is, the discordant pairs all lie one way: the sensitivity
    part of the uncorrected Bowker χ² is the difference in true positives (favouring PET/MR when
    it detects more) and the specificity part the difference in true negatives. The accuracies
    come with the run's interval method and level 1 - alpha. Reproduced when PET/MR is the more
    accurate and the part favouring it is the larger; else inconsistent.
    """
    from compendium.stats import proportion_ci  # takes the choices' method names (clopper-pearson)

    choices = args.choices(claim)
    (name0, row0), = comparator.items()
    (name1, row1), = petmr.items()
    (tp0, fp0, fn0, tn0), (tp1, fp1, fn1, tn1) = accuracy_cells(table, row0), accuracy_cells(table, row1)
    n = tp0 + fp0 + fn0 + tn0
    correct0, correct1 = tp0 + tn0, tp1 + tn1

    def accuracy(k):
        low, high = proportion_ci(k, n, method=choices.interval_method, level=1 - choices.alpha)
        return (f"{k}/{n} = {100 * k / n:.1f}% ({100 * (1 - choices.alpha):.0f}% {choices.interval_method} "
                f"interval {100 * low:.1f}–{100 * high:.1f}%)")

    total = args.number("overall", overall)
    parts = [("sensitivity", abs(tp1 - tp0), name1 if tp1 > tp0 else name0),
             ("specificity", abs(tn1 - tn0), name1 if tn1 > tn0 else name0)]
    for_petmr = sum(value for _, value, side in parts if side == name1)
    pvalue = float(pvalue_from_statistic(total, "chi2", choices.bowker_df))
    split = " + ".join(f"{value} ({measure}, favouring {side})" for measure, value, side in parts)
    recomputed = f"{name1} {correct1}/{n}, {name0} {correct0}/{n}"
    summary = (f"Accuracy {name1} {accuracy(correct1)}, {name0} {accuracy(correct0)}. The printed overall χ² "
               f"{total:g} (P = {pvalue:.2g} on {choices.bowker_df} df) is {split}.")
    parts_total = sum(value for _, value, _ in parts)
    if abs(parts_total - total) > 0.0005:  # the printed χ² has three decimals
        return recomputed, INCONSISTENT, f"{summary} The parts add to {parts_total}, not the printed {total:g}."
    if correct1 > correct0 and 2 * for_petmr > total:
        return recomputed, REPRODUCED, f"{summary} Both favour {name1}."
    return recomputed, INCONSISTENT, (
        f"{summary} The test shows that the two differ, not that {name1} is better: it is "
        f"{'the less' if correct1 < correct0 else 'not the more'} accurate, and {total - for_petmr:g} of the "
        f"{total:g} favour {name0}.")
