"""The ledger's analysis choices: defaults, validation, and that checks really read them."""

import pickle
from dataclasses import fields

import pytest

from compendium.claims.choices import DEFAULT_CHOICES, DEFAULT_ROBUSTNESS_GRID, AnalysisChoices
from compendium.claims.ledger import build_ledger
from compendium.claims.registry import load_registry


def test_defaults_are_the_published_rules():
    assert DEFAULT_CHOICES == AnalysisChoices()
    assert DEFAULT_CHOICES.rounding == "nearest" and DEFAULT_CHOICES.bowker_df == 2
    assert DEFAULT_CHOICES.mcnemar_variants == ("asymptotic", "corrected", "exact", "mid-p")
    assert DEFAULT_CHOICES.changed() == {}
    assert AnalysisChoices(alpha=0.01).changed() == {"alpha": 0.01}


@pytest.mark.parametrize("field, value, message", [
    ("rounding", "truncate", "rounding must be one of"),
    ("mcnemar_variants", "exact", "mcnemar_variants must be a non-empty tuple"),
    ("mcnemar_variants", ("exact", "yates"), "mcnemar_variants must be one of"),
    ("bowker_df", 0, "bowker_df must be a positive integer"),
    ("alpha", 1.5, "alpha must be a number between 0 and 1"),
    ("control_denominator", "all", "control_denominator must be one of"),
])
def test_bad_choices_are_one_line_errors(field, value, message):
    with pytest.raises(ValueError, match=message):
        AnalysisChoices(**{field: value})


def test_rounding_rule():
    """15.18% rounds to 15.2%: only the truncating rule accepts "15.1%"; both accept "15.2%"."""
    truncating = AnalysisChoices(rounding="nearest-or-truncated")
    assert not DEFAULT_CHOICES.agrees(15.18, "15.1%") and truncating.agrees(15.18, "15.1%")
    assert DEFAULT_CHOICES.agrees(15.18, "15.2%") and truncating.agrees(15.18, "15.2%")
    assert DEFAULT_CHOICES.agrees(15.08, "15.1%") and truncating.agrees(15.08, "15.1%")


def test_grid_names_real_fields_with_valid_alternatives():
    names = {f.name for f in fields(AnalysisChoices)}
    assert set(DEFAULT_ROBUSTNESS_GRID) <= names
    for name, values in DEFAULT_ROBUSTNESS_GRID.items():
        for value in values:
            choice = AnalysisChoices(**{name: value})
            assert choice.changed() == {name: value}
            assert pickle.loads(pickle.dumps(choice)) == choice  # travels to Dask workers


def test_build_ledger_reads_the_choices():
    """The same registry under other choices: verdicts move only where the choice matters."""
    claims = load_registry()
    default = build_ledger(claims).set_index("claim_id")["verdict"]
    truncating = build_ledger(claims, choices=AnalysisChoices(rounding="nearest-or-truncated")).set_index("claim_id")["verdict"]
    # 10/66 = 15.15% prints "15.1%" only when truncated.
    assert default["bonemets-panagiotidis-mri-more-pct"] == "inconsistent"
    assert truncating["bonemets-panagiotidis-mri-more-pct"] == "reproduced"
    bowker = build_ledger(claims, choices=AnalysisChoices(bowker_df=1)).set_index("claim_id")["verdict"]
    assert default["huang-patient-overall-petmr-vs-mr-p"] == "reproduced"
    assert bowker["huang-patient-overall-petmr-vs-mr-p"] != "reproduced"
    assert build_ledger(claims, choices=DEFAULT_CHOICES).set_index("claim_id")["verdict"].equals(default)


def test_build_ledger_rejects_other_objects():
    with pytest.raises(ValueError, match="choices must be an AnalysisChoices"):
        build_ledger(load_registry()[:3], choices={"rounding": "nearest"})
