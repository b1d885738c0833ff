"""Tests of the bone-metastasis review's check functions (compendium.claims.checks.bonemets).

The expected values are hand-checked arithmetic on the review's own numbers and on the
abstracts it cites (Panagiotidis et al. 2022, Eustace et al. 1997, Ueda et al. 2020).
"""

from types import SimpleNamespace

import pytest

from compendium.stats import parse_reported

from compendium.claims.checks import bonemets as checks


def claim(text):
    return SimpleNamespace(id="bonemets-test", reported=parse_reported(text))


def test_complement_spine_shares_close():
    """52 + 36 + 12 = 100: lumbar is 100 - 36 - 12."""
    recomputed, verdict, _ = checks.complement(claim("52%"), 100, [36, 12])
    assert (recomputed, verdict) == ("52", "reproduced")


def test_complement_panagiotidis_counts_do_not_close():
    """51 concordant + 4 + 10 = 65 of 66 patients: the 18F-NaF group needs 5."""
    recomputed, verdict, note = checks.complement(claim("4"), 66, [51, 10])
    assert (recomputed, verdict) == ("5", "inconsistent")
    assert "65" in note


def test_percentage_rounding_and_truncation():
    """4/66 = 6.06 % is not the printed 7.6 % (5/66 = 7.58 % is); 10/66 = 15.15 % rounds to 15.2 %
    and prints 15.1 % only by truncation, a rule the review does not state; 51/66 = 77.27 % rounds to 77.3 %."""
    assert checks.percentage_rounding(claim("7.6%"), 4, 66)[1] == "inconsistent"
    assert "5" in checks.percentage_rounding(claim("7.6%"), 4, 66)[2]
    recomputed, verdict, note = checks.percentage_rounding(claim("15.1%"), 10, 66)
    assert (recomputed, verdict) == ("15.15%", "inconsistent") and "Truncating" in note
    assert checks.percentage_rounding(claim("77.3%"), 51, 66)[:2] == ("77.27%", "reproduced")


def test_count_items():
    assert checks.count_items(claim("3"), ["a", "b", "c"])[:2] == ("3", "reproduced")
    assert checks.count_items(claim("3"), ["a", "b"])[1] == "inconsistent"


def test_range_covers():
    """The scintigraphy sensitivities quoted elsewhere (84.8, 62, 72, 71 %) lie inside 62-89 % but
    do not reach 89 %: unverifiable; a value outside the range makes it inconsistent."""
    recomputed, verdict, _ = checks.range_covers(SimpleNamespace(reported="62-89%"), [84.8, 62, 72, 71])
    assert (recomputed, verdict) == ("62-84.8%", "unverifiable")
    assert checks.range_covers(SimpleNamespace(reported="62-89%"), [95, 62])[1] == "inconsistent"
    assert checks.range_covers(SimpleNamespace(reported="62-89%"), [89, 62])[1] == "reproduced"


def test_ledger_slice_verdicts():
    """End to end through the registry: the hand-checked verdicts of the review's key claims."""
    from compendium.claims.ledger import ledger_slice

    verdicts = ledger_slice("medscape-bone-metastases").set_index("claim_id")["verdict"]
    assert verdicts["bonemets-panagiotidis-naf-more"] == "inconsistent"      # 51 + 4 + 10 = 65, not 66
    assert verdicts["bonemets-panagiotidis-naf-more-pct"] == "inconsistent"  # 4/66 = 6.1 %, not 7.6 %
    assert verdicts["bonemets-panagiotidis-concordant-pct"] == "reproduced"  # 51/66 = 77.3 %
    assert verdicts["bonemets-ueda-lesions-outside-mri"] == "inconsistent"   # no k/31 is 62 %
    assert verdicts["bonemets-eustace-mri-sensitivity"] == "reproduced"      # 55/57 = 96.5 %
    assert verdicts["bonemets-spine-lumbar"] == "reproduced"                 # 100 - 36 - 12
    assert verdicts["bonemets-steinborn-mri-sensitivity"] == "unverifiable"
