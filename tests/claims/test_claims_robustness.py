"""Verdict robustness: the ledger over its analysis choices, one changed at a time, on Dask and without."""

import doctest
from dataclasses import fields

import pandas as pd
import pytest

from compendium.claims import AnalysisChoices, robustness
from compendium.claims.registry import load_registry
from compendium.cli import main
from compendium.pipeline.cluster import dask_client, dask_map


def test_docstring_examples():
    result = doctest.testmod(robustness)
    assert result.attempted > 0 and result.failed == 0


def test_each_variant_changes_exactly_one_choice():
    runs = robustness.variants()
    default = AnalysisChoices()
    assert runs["default"] == default
    assert runs["mcnemar_variants=asymptotic+corrected"].mcnemar_variants == ("asymptotic", "corrected")
    for label, choices in runs.items():
        changed = [f.name for f in fields(choices) if getattr(choices, f.name) != getattr(default, f.name)]
        assert changed == ([] if label == "default" else [label.split("=")[0]])
    assert len(runs) == 1 + 11  # the default grid's alternatives: 1 + 3 + 2 + 1 + 2 + 1 + 1


@pytest.mark.parametrize("grid, message", [({"alfa": [0.1]}, "'alfa' is not an analysis choice"),
                                           ({"alpha": [1.5]}, "alpha must be a number between 0 and 1")])
def test_bad_grid_is_refused(grid, message):
    with pytest.raises(ValueError, match=message):
        robustness.variants(grid)


def test_flips_lists_every_verdict_and_each_choice_that_changes_it():
    by_choice = pd.DataFrame({
        "choice": ["default"] * 2 + ["bowker_df=1"] * 2 + ["bowker_df=3"] * 2,
        "claim_id": ["p", "q"] * 3, "document": ["d"] * 6,
        "verdict": ["reproduced", "given", "inconsistent", "given", "unverifiable", "given"],
    })
    table = robustness.flips(by_choice).set_index("claim_id")
    assert table.loc["p", "verdicts"] == "reproduced / inconsistent / unverifiable"
    assert table.loc["p", "flipped_by"] == "bowker_df=1 → inconsistent; bowker_df=3 → unverifiable"
    assert table["stable"].tolist() == [False, True]
    counts = robustness.flips_by_choice(by_choice)
    assert counts.to_dict("records") == [
        {"choice": "bowker_df=1", "change": "reproduced → inconsistent", "claims": 1},
        {"choice": "bowker_df=3", "change": "reproduced → unverifiable", "claims": 1},
    ]


def test_cluster_options_need_robustness(capsys):
    assert main(["ledger", "--workers", "2"]) == 2
    assert "--scheduler and --workers go with --robustness" in capsys.readouterr().err


@pytest.mark.slow
def test_ledger_grid_on_a_local_cluster_equals_the_sequential_run():
    claims = load_registry()
    grid = {"bowker_df": [1]}
    sequential = robustness.verdicts_by_choice(grid, claims=claims)
    with dask_client(workers=2) as client:
        distributed = robustness.verdicts_by_choice(grid, mapper=dask_map(client), claims=claims)
    pd.testing.assert_frame_equal(distributed, sequential)
    # The paper's P for the PET/MR-vs-MR Bowker test fits 2 degrees of freedom, not 1.
    table = robustness.flips(sequential).set_index("claim_id")
    assert table.loc["huang-patient-overall-petmr-vs-mr-p", "flipped_by"] == "bowker_df=1 → inconsistent"
    assert table["stable"].sum() == len(claims) - 2
