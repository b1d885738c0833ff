"""Check functions specific to the UCLA PET/MR newsletter (document ``ucla-petmr-newsletter``).

Each receives the claim and its registry arguments and returns ``(recomputed, verdict, note)``.
"""

from __future__ import annotations

import math

from compendium.claims.checks import CONSISTENT, INCONSISTENT, args, check
from compendium.claims.tables import quoted_figure
from compendium.stats import percent_consistent


def site_count_note(share: float, decimals: int, sites: int) -> str:
    """One sentence on whether a printed share can be a whole number of ``sites``.

    >>> site_count_note(3, 0, 39)
    'As a count of the 39 sites it is 1/39.'
    >>> print(site_count_note(88, 0, 39))  # doctest: +NORMALIZE_WHITESPACE
    As a count of the 39 sites it is impossible (34/39 = 87.2%, 35/39 = 89.7%); the smallest
    denominator that gives it is 8.
    """
    text = f"{share:.{max(decimals, 0)}f}%"
    ks = percent_consistent(text, sites)
    if ks:
        return f"As a count of the {sites} sites it is {' or '.join(f'{k}/{sites}' for k in ks)}."
    below = math.floor(share * sites / 100)
    smallest = next((n for n in range(1, 10**5) if percent_consistent(text, n)), None)
    return (f"As a count of the {sites} sites it is impossible ({below}/{sites} = {100 * below / sites:.1f}%, "
            f"{below + 1}/{sites} = {100 * (below + 1) / sites:.1f}%); the smallest "
            f"denominator that gives it is {smallest}.")


@check("newsletter_survey_share")
def survey_share(claim, figure, sites):
    """A survey share compared with the survey publication's figure (stored in
    ``data/tables/quoted-figures.csv``), noting whether it can be a count of the sites.
    A match is ``consistent``: the publication's share is quoted, not recomputed from its counts."""
    reported = args.printed(claim)
    source = quoted_figure(figure)
    value = source.value
    n = args.count("sites", sites)
    recomputed = f"{value:g}%"
    counts = site_count_note(reported.value, reported.decimals, n)
    if args.agrees(claim, value, reported):
        return recomputed, CONSISTENT, f"{source.source} ({source.locator}) reports {recomputed}. {counts}"
    return recomputed, INCONSISTENT, (
        f"The survey publication reports {recomputed}, not {reported.value:g}%. {counts}"
    )
