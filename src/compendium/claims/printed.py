"""Reading a registry row's printed number: ``parse_reported`` plus the two forms documents add.

Documents write "2,000" with thousands separators and "88 percent" in words; both are read
as the number they print. The printed text is kept unchanged in ``Reported.text``.
"""

from __future__ import annotations

import re
from dataclasses import replace

from compendium.stats import Reported, parse_reported

_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_PERCENT_WORD = re.compile(r"\s*percent\s*$")
# Words that state a bound are read as the bound they state ("more than 33,000" is ">33,000");
# words that only hedge ("about", "around") are not, so those rows stay text.
_BOUND_WORDS = ((re.compile(r"^\s*(?:more than|over|greater than)\s+", re.I), ">"),
                (re.compile(r"^\s*(?:less than|fewer than|under)\s+", re.I), "<"))
# parse_reported accepts any word before the number (for "P=0.368", "chi2 = 4.1"); in a registry
# row a word such as "about" or "over" changes the claim, so only statistic labels may precede it.
_NUMBER_START = re.compile(r"^\s*(?:(?:P|p|z|t|chi2|χ²|χ2)\s*)?(?:<=|>=|≤|≥|<|>|=)?\s*[-+−]?\.?\d")


def printed_number(text: str) -> Reported:
    """The number printed as ``text``; ``ValueError`` when it is not a single number.

    >>> printed_number(">33,000").value, printed_number("88 percent").percent
    (33000.0, True)
    >>> printed_number("74.9%").text
    '74.9%'
    >>> printed_number("more than 50%").relation, printed_number("More than 90%").value
    ('>', 90.0)
    """
    if not isinstance(text, str):
        raise ValueError(f"reported must be a string, got {text!r}")
    normalised = _PERCENT_WORD.sub("%", _THOUSANDS.sub("", text))
    for words, relation in _BOUND_WORDS:
        normalised = words.sub(relation, normalised)
    if not _NUMBER_START.match(normalised):
        raise ValueError(f"reported value is not a printed number: {text!r}")
    return replace(parse_reported(normalised), text=text)


def reported_for_checks(text: str) -> Reported | str:
    """What a check function receives as ``claim.reported``: the parsed number, or the text
    itself when it is not a single number ("4-5", "one third"), for checks that read ranges or words."""
    try:
        return printed_number(text)
    except ValueError:
        return text
