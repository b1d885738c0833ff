"""Coverage of the claims registry against an independent extraction (issue 5).

``extraction/<document id>.yaml`` lists every number that states a finding in
each source document, with a short location in our own words; it was made by
reading the documents independently of the registry authors. The documents
themselves are never read here: the YAML files are the stored data.

Matching rule (kept deliberately simple):

1. Both the extracted token and the claim's ``reported`` string are normalised:
   lower case; spelled fractions (``one third``) become ``1/3``, then number
   words ``one`` .. ``twelve`` and ordinals ``first`` .. ``twelfth`` become
   digits (a printed rank "second" may be reported as "2"); unicode dashes,
   ``~`` and ``～`` become ``-``; thousands separators (a comma before exactly
   three digits) are dropped; every ``%`` and the word ``percent`` are dropped;
   all whitespace is removed.
2. A token is found in a claim if the two normalised strings are equal, or if
   the token occurs inside the reported string as a whole number: not glued to
   another digit, decimal point, fraction slash or range dash, and a P-value-like
   decimal below 1 not glued to a comparison sign (so ``134/179`` is found in
   ``74.9% (134/179)``, ``55`` in ``55-year-old`` and ``33,000`` in
   ``>33,000``, but ``9`` is not found in ``74.9%``, ``179`` not in
   ``134/179``, ``4`` not in ``4-5`` and ``0.001`` not in ``P<0.001``).
3. A fraction ``n/N`` or a range ``a-b`` (``11~84``) is also found if two
   claims of the document report exactly its two numbers (``n`` and ``N``, or
   ``a`` and ``b``), since a registry may record the two ends separately.

A token is found in the registry if some claim of the same document contains it;
a token printed several times in a document needs one claim only. Only that
direction fails. ``pytest tests/coverage -s`` also prints, as hints: claims with
no extracted token (the other direction), and tokens extracted more often than
claims carry them with ``%`` kept significant (a count 50 hidden behind a 50%).
"""

import re
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from compendium.claims import DOCUMENTS
from compendium.paths import data_dir

EXTRACTION_DIR = Path(__file__).parent / "extraction"
_CARDINALS = "one two three four five six seven eight nine ten eleven twelve".split()
_ORDINALS = "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth"
_NUMBER_WORDS = {
    word: str(value)
    for words in (_CARDINALS, _ORDINALS.split())
    for value, word in enumerate(words, start=1)
}
_NUMBER_WORD_RE = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b")
_DENOMINATORS = {"half": "2", "third": "3", "quarter": "4", "fourth": "4", "fifth": "5"}
_FRACTION_WORD_RE = re.compile(
    r"\b(" + "|".join(_CARDINALS[:4]) + r")[\s-]+(" + "|".join(_DENOMINATORS) + r")s?\b"
)
_DASH_RE = re.compile("[\u2010\u2011\u2012\u2013\u2014\u2015\u2212~\uff5e]")
_THOUSANDS_RE = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_PAIR_RE = re.compile(r"^(\d+(?:\.\d+)?)[/-](\d+(?:\.\d+)?)$")


def normalise(text: str, keep_percent: bool = False) -> str:
    """Canonical form of a printed number (rule 1 of the module docstring).

    ``keep_percent`` keeps ``%`` (and turns ``percent`` into ``%``) for the
    stricter report, where a count 50 must not be satisfied by a 50%.
    """
    text = _FRACTION_WORD_RE.sub(
        lambda m: f"{_NUMBER_WORDS[m.group(1)]}/{_DENOMINATORS[m.group(2)]}", str(text).lower()
    )
    text = _NUMBER_WORD_RE.sub(lambda m: _NUMBER_WORDS[m.group(1)], text)
    text = _THOUSANDS_RE.sub("", _DASH_RE.sub("-", text))
    text = re.sub(r"\s*percent", "%", text)
    if not keep_percent:
        text = text.replace("%", "")
    return re.sub(r"\s+", "", text)


def token_in_reported(token: str, reported: str, keep_percent: bool = False) -> bool:
    """Rule 2: equal after normalising, or present inside as a whole number."""
    token, reported = normalise(token, keep_percent), normalise(reported, keep_percent)
    if not token:
        return False
    if token == reported:
        return True
    # The look-arounds stop a token from matching part of a longer number, a
    # decimal, a fraction, one end of a range, (with keep_percent) a
    # percentage, and for P-value-like decimals a bound (<0.001 is not 0.001).
    bound = "<>≤≥" if re.match(r"0\.\d", token) else ""
    pattern = rf"(?<![\d./{bound}])(?<!\d-)" + re.escape(token) + r"(?![\d/%])(?!\.\d)(?!-\d)"
    return re.search(pattern, reported) is not None


def token_in_registry(token: str, reported_strings: list[str]) -> bool:
    """Rules 2 and 3 over all reported strings of one document."""
    if any(token_in_reported(token, reported) for reported in reported_strings):
        return True
    pair = _PAIR_RE.match(normalise(token))
    if pair:
        exact = {normalise(reported) for reported in reported_strings}
        return pair.group(1) in exact and pair.group(2) in exact
    return False


def load_extraction(document: str) -> dict:
    with open(EXTRACTION_DIR / f"{document}.yaml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def load_reported() -> tuple[dict[str, list[str]], str]:
    """Reported strings of the registry by document, and where they came from.

    Uses ``compendium.claims.registry.load_registry`` when it exists; falls back
    to reading ``data/claims/*.yaml`` with PyYAML when that module is missing or
    rejects the files (its own tests report why), so coverage is still measured.
    """
    by_document: dict[str, list[str]] = defaultdict(list)
    try:
        from compendium.claims.registry import load_registry

        loaded = load_registry()
        claims = getattr(loaded, "claims", loaded)
        claims = claims.values() if isinstance(claims, dict) else claims
        for claim in claims:
            by_document[claim.document].append(claim.reported)
        return dict(by_document), "compendium.claims.registry.load_registry()"
    except (ImportError, ValueError) as error:
        origin = f"YAML files read directly ({type(error).__name__}: {error})"
    for path in sorted((data_dir() / "claims").glob("*.yaml")):
        with open(path, encoding="utf-8") as handle:
            content = yaml.safe_load(handle) or {}
        document = content.get("document", path.stem)
        by_document[document].extend(c.get("reported") for c in content.get("claims") or [])
    return dict(by_document), origin


def missing_tokens(extraction: dict, reported_strings: list[str]) -> dict[str, list[str]]:
    """Extracted tokens absent from the registry, printed form -> locations."""
    missing: dict[str, list[str]] = defaultdict(list)
    for entry in extraction["numbers"]:
        if not token_in_registry(entry["printed"], reported_strings):
            missing[entry["printed"]].append(entry["where"])
    return dict(missing)


def count_shortfalls(extraction: dict, reported_strings: list[str]) -> dict[str, tuple[int, int]]:
    """Tokens printed more often than claims carry them, percent-sensitively.

    Maps the printed token to (times extracted, claims containing it). A
    shortfall is only a hint: restatements (abstract and results) count too.
    Tokens that rule 2 does not find at all are left out: they are either
    missing (the failing test lists them) or found through rule 3.
    """
    extracted: dict[str, list[str]] = defaultdict(list)
    for entry in extraction["numbers"]:
        extracted[normalise(entry["printed"], keep_percent=True)].append(entry["printed"])
    shortfalls = {}
    for printed_forms in extracted.values():
        token = printed_forms[0]
        if not any(token_in_reported(token, s) for s in reported_strings):
            continue
        claims = sum(token_in_reported(token, s, keep_percent=True) for s in reported_strings)
        if claims < len(printed_forms):
            shortfalls[token] = (len(printed_forms), claims)
    return shortfalls


def claims_without_token(extraction: dict, reported_strings: list[str]) -> list[str]:
    """Reported strings holding no extracted token (rule 2) nor one end of a pair (rule 3)."""
    tokens = [entry["printed"] for entry in extraction["numbers"]]
    pair_ends = {
        end for t in tokens if (pair := _PAIR_RE.match(normalise(t))) for end in pair.groups()
    }
    return [
        reported
        for reported in reported_strings
        if normalise(reported) not in pair_ends
        and not any(token_in_reported(t, reported) for t in tokens)
    ]


# --- the extraction itself ------------------------------------------------------


@pytest.mark.parametrize("document", DOCUMENTS)
def test_extraction_file_is_well_formed(document):
    """Each entry has a printed token with a digit (or number word) and a short location."""
    extraction = load_extraction(document)
    assert extraction["document"] == document
    assert extraction["numbers"], "an extraction with no numbers"
    for entry in extraction["numbers"]:
        assert set(entry) == {"printed", "where"}, entry
        assert isinstance(entry["printed"], str), entry
        assert re.search(r"\d", normalise(entry["printed"])), entry
        # Locations are short paraphrases, never copied sentences.
        assert 0 < len(entry["where"]) <= 110, entry
    for entry in extraction.get("excluded") or []:
        assert set(entry) == {"printed", "reason"} and entry["reason"], entry


def test_extraction_sizes():
    """Hand counts of the extraction: 9, 7, 21, 271 and 47 findings (caption ages and the
    needle gauge, 19 tokens, are listed under ``excluded`` as illustrative, not findings)."""
    sizes = {document: len(load_extraction(document)["numbers"]) for document in DOCUMENTS}
    assert sizes == {
        "ucla-petmr-newsletter": 9,
        "ucla-psma-pet": 7,
        "auntminnie-msk-pain-petmr": 21,
        "huang2021-liver-petmr": 271,
        "medscape-bone-metastases": 47,
    }


def test_huang_table_cells_transcribed_consistently():
    """The 80 cells of huang2021 Tables 1-2: each % is its n/N to one decimal.

    Hand-checked in the source (e.g. 134/138 = 97.10% -> 97.1%, 257/306 = 83.99%
    -> 84.0%), so a failure here means a transcription slip in the extraction.
    """
    entries = load_extraction("huang2021-liver-petmr")["numbers"]
    cells = [e for e in entries if e["where"].startswith("Table ") and " row, " in e["where"]]
    assert len(cells) == 2 * 4 * 5 * 2
    for percent, counts in zip(cells[::2], cells[1::2]):
        assert percent["where"].endswith(" %") and counts["where"].endswith(" counts")
        numerator, denominator = map(int, counts["printed"].split("/"))
        recomputed = f"{100 * numerator / denominator:.1f}"
        assert recomputed == f"{float(percent['printed'].rstrip('%')):.1f}", (percent, counts)


# --- the matching rule ------------------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("2,000", "2000"),
        ("191,000", "191000"),
        ("88 percent", "88"),
        ("74.9%", "74.9"),
        ("11~84", "11-84"),
        ("4\u20135 mm", "4-5mm"),
        ("one third", "1/3"),
        ("two-thirds", "2/3"),
        ("the second", "the2"),
        ("someone", "someone"),
        ("4, 4, 5", "4,4,5"),
        ("Percent", ""),
        ("P < 0.001", "p<0.001"),
    ],
)
def test_normalise(printed, expected):
    assert normalise(printed) == expected


@pytest.mark.parametrize(
    ("token", "reported", "found"),
    [
        ("134/179", "74.9% (134/179)", True),
        ("74.9%", "74.9% (134/179)", True),
        ("9", "74.9%", False),
        ("179", "134/179", False),
        ("134", "134/179", False),
        ("4", "4-5", False),
        ("5", "4\u20135", False),
        ("4-5", "4\u20135 mm", True),
        ("55", "55-year-old", True),
        ("six", "6", True),
        ("6", "six (46%)", True),
        ("0.001", "P<0.001", False),
        ("33,000", ">33,000", True),
        ("second", "2", True),
        ("2", "second-most common", True),
        ("<0.001", "P < 0.001", True),
        ("0.368", "P=0.368", True),
        ("58.9", "58.9±14.3", True),
        ("14.3", "58.9 ± 14.3", True),
        ("2,000", "2000", True),
        ("88 percent", "88%", True),
        ("1", "10", False),
        ("0.05", "<0.05", False),
    ],
)
def test_token_in_reported(token, reported, found):
    assert token_in_reported(token, reported) is found


def test_keep_percent_separates_counts_from_percentages():
    assert normalise("88 percent", keep_percent=True) == "88%"
    assert token_in_reported("50", "50%")
    assert not token_in_reported("50", "50%", keep_percent=True)
    assert token_in_reported("50%", "more than 50 percent", keep_percent=True)


def test_count_shortfalls():
    """'100%' extracted three times but in two claims; '50' only inside a percentage."""
    printed = ("100%", "100%", "100%", "50", "7")
    extraction = {"numbers": [{"printed": p, "where": "x"} for p in printed]}
    assert count_shortfalls(extraction, ["100%", "100% (5/5)", "50%", "7"]) == {
        "100%": (3, 2),
        "50": (1, 0),
    }
    # Missing tokens are the failing test's business, not this report's.
    assert count_shortfalls(extraction, ["7"]) == {}


def test_claims_without_token():
    """'84' is one end of the extracted range 11~84; '2020' was never extracted."""
    pairs = (("11~84", "age range"), ("71%", "rate"))
    extraction = {"numbers": [{"printed": p, "where": w} for p, w in pairs]}
    reported = ["84", "2020", "71% (10/14)", "11-84"]
    assert claims_without_token(extraction, reported) == ["2020"]


def test_fraction_or_range_from_two_claims():
    """Rule 3: 37/45 is found from claims '37' and '45', not from '37' alone."""
    assert token_in_registry("37/45", ["37", "45"])
    assert not token_in_registry("37/45", ["37", "46"])
    assert not token_in_registry("37", ["37/45"])
    assert token_in_registry("0.000~1.333", ["1.333", "0.000"])
    assert token_in_registry("11~84", ["84", "11"])
    assert not token_in_registry("11~84", ["84", "11.5"])


def test_missing_tokens_groups_locations():
    pairs = (("10", "a"), ("10", "b"), ("71%", "c"))
    extraction = {"numbers": [{"printed": p, "where": w} for p, w in pairs]}
    assert missing_tokens(extraction, ["71% (10/14)"]) == {"10": ["a", "b"]}
    assert missing_tokens(extraction, ["10", "71%"]) == {}


# --- coverage of the registry ---------------------------------------------------------


def test_every_extracted_number_is_in_the_registry():
    """Every token of the independent extraction has a claim; lists all gaps at once."""
    reported, origin = load_reported()
    problems = []
    for document in DOCUMENTS:
        if document not in reported:
            problems.append(f"{document}: no registry file data/claims/{document}.yaml")
            continue
        missing = missing_tokens(load_extraction(document), reported[document])
        if missing:
            lines = [f"  {printed!r}: {'; '.join(wheres)}" for printed, wheres in missing.items()]
            problems.append(f"{document}: {len(missing)} token(s) missing\n" + "\n".join(lines))
    assert not problems, f"registry read via {origin}\n" + "\n".join(problems)


def test_report_registry_claims_absent_from_extraction():
    """Other direction, as a report only (shown with ``pytest -s``), never a failure.

    Lists claims whose reported string contains none of the extracted tokens of
    their document: either a number the extraction left out or one that the
    extraction deliberately excluded (years, tracer names...).
    """
    reported, origin = load_reported()
    for document, strings in reported.items():
        assert all(isinstance(s, str) and s.strip() for s in strings), (
            f"{document}: every reported value must be a non-empty quoted string"
        )
    lines = [f"Registry claims without a token in the extraction (registry via {origin}):"]
    for document in sorted(reported):
        extraction = load_extraction(document) if document in DOCUMENTS else {"numbers": []}
        absent = claims_without_token(extraction, reported[document])
        lines.append(f"  {document}: {len(absent)} of {len(reported[document])}")
        lines.extend(f"    {s!r}" for s in absent)
    lines.append("Tokens extracted more often than claims carry them (% kept; restatements count):")
    for document in DOCUMENTS:
        if document in reported:
            shortfalls = count_shortfalls(load_extraction(document), reported[document])
            lines.append(f"  {document}: {len(shortfalls)}")
            lines.extend(
                f"    {p!r}: extracted {k}x, in {m} claim(s)" for p, (k, m) in shortfalls.items()
            )
    print("\n" + "\n".join(lines))
