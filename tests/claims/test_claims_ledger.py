"""The ledger: one verdict per registry row, the CSV, the figure, the HTML table, and `compendium ledger`."""

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from matplotlib.figure import Figure

from compendium.claims import DOCUMENTS, VERDICTS
from compendium.claims.ledger import (
    COLUMNS,
    build_ledger,
    ledger_slice,
    ledger_table_html,
    main_ledger,
    plot_verdict_counts,
    run_check,
    verdict_counts,
    write_ledger,
)
from compendium.claims.registry import load_registry
from compendium.errors import CompendiumError
from compendium.paths import project_root
from compendium.pipeline import manifest

FIXTURES = Path(__file__).parent / "fixtures"
# Hand-worked verdicts of the fixture registry (see the comments in its YAML files).
EXPECTED = {
    "huang-lesions-metastatic": ("", "unverifiable"),
    "huang-lesion-ct-sensitivity": ("74.860%", "reproduced"),  # 134/179
    "huang-lesion-ct-sensitivity-counts": ("134/179", "reproduced"),
    "huang-lesion-sensitivity-petmr-vs-ct-chi2": ("asymptotic: a = 134, b = 45, c = 0, d = 0", "reproduced"),
    "huang-lesion-overall-petmr-vs-mr-chi2": ("2.000", "reproduced"),  # (2 - 0)^2 / 2
    "huang-lesion-overall-petmr-vs-mr-p": ("0.15730", "inconsistent"),  # 0.368 is the P on 2 df
    "huang-pet-literature-sensitivity": ("93%", "consistent"),  # quoted, matches the stored source figure
    "psma-trial-p": ("0.0026", "reproduced"),
    "psma-fixture-cross-document": ("45", "reproduced"),  # 179 - 134, across documents
}


@pytest.fixture
def root(tmp_path, monkeypatch):
    """A project root holding only the fixture registry, so the default paths point there."""
    shutil.copytree(FIXTURES / "claims", tmp_path / "data" / "claims")
    shutil.copytree(FIXTURES / "tables", tmp_path / "data" / "tables")
    shutil.copy(FIXTURES / "references.bib", tmp_path / "data" / "references.bib")
    monkeypatch.setenv("COMPENDIUM_ROOT", str(tmp_path))
    manifest.write(tmp_path / "data")  # `compendium ledger` verifies data/ against it first
    return tmp_path


@pytest.fixture
def claims(root):
    return load_registry()


def test_every_fixture_row_gets_its_hand_worked_verdict(claims):
    ledger = build_ledger(claims)
    assert tuple(ledger.columns) == COLUMNS
    assert dict(zip(ledger.claim_id, zip(ledger.recomputed, ledger.verdict))) == EXPECTED
    none_row = ledger.set_index("claim_id").loc["huang-lesions-metastatic"]
    assert none_row.note == "Stated once; the lesion-by-lesion reference standard is not published."
    inconsistent = ledger.set_index("claim_id").loc["huang-lesion-overall-petmr-vs-mr-p"].note
    assert inconsistent == ("P(χ² with 1 df ≥ 2) = 0.15730, but the printed 0.368 is the P of χ² = 0.810 on 1 df, "
                            "or of χ² = 2 on 2 df.")


def test_rows_are_sorted_by_document_then_registry_order(claims):
    ledger = build_ledger(list(reversed(claims)))
    assert list(ledger.document) == ["huang2021-liver-petmr"] * 7 + ["ucla-psma-pet"] * 2
    assert list(ledger.claim_id[:2]) == ["huang-pet-literature-sensitivity", "huang-lesion-overall-petmr-vs-mr-p"]


def test_a_failing_check_is_an_error_naming_the_row(claims, tmp_path):
    folder = tmp_path / "claims"
    shutil.copytree(FIXTURES / "claims", folder)
    path = folder / "huang2021-liver-petmr.yaml"
    path.write_text(path.read_text().replace("{numerator: 134, denominator: \"@huang-lesions-metastatic\"}",
                                             "{numerator: 134, denominator: 0}", 1))
    broken = load_registry(folder, FIXTURES / "references.bib")
    with pytest.raises(CompendiumError, match=r"huang2021-liver-petmr.yaml:10: check.args of claim "
                                              r"huang-lesion-ct-sensitivity: percentage failed: denominator must be positive"):
        build_ledger(broken)


def test_run_check_rejects_a_verdict_outside_the_three(claims, monkeypatch):
    from compendium.claims import checks

    monkeypatch.setitem(checks.CHECKS, "fraction", lambda claim, numerator, denominator: ("1", "plausible", "x"))
    row = next(c for c in claims if c.check == "fraction")
    with pytest.raises(CompendiumError, match="verdict 'plausible'"):
        run_check(row, {c.id: c for c in claims})
    monkeypatch.setitem(checks.CHECKS, "fraction", lambda claim, numerator, denominator: ("1", "inconsistent", " "))
    with pytest.raises(CompendiumError, match="inconsistent verdict without a note"):
        run_check(row, {c.id: c for c in claims})


def test_write_ledger_default_path_is_atomic_and_round_trips(root):
    path = write_ledger()
    assert path == root / "_build" / "ledger" / "claims.csv"
    assert [p.name for p in path.parent.iterdir()] == ["claims.csv"]  # no temporary file left behind
    with open(path, newline="", encoding="utf-8") as handle:
        assert next(csv.reader(handle)) == list(COLUMNS)
    read = pd.read_csv(path, keep_default_na=False, dtype=str)
    pd.testing.assert_frame_equal(read, build_ledger().astype(str))


def test_main_ledger_prints_a_one_line_summary(root, capsys, tmp_path):
    out = main_ledger(str(tmp_path / "elsewhere" / "ledger.csv"))
    assert out.exists()
    assert capsys.readouterr().out == f"{out}: 9 claims: 6 reproduced, 1 consistent, 0 given, 1 inconsistent, 1 unverifiable\n"


def test_ledger_slice(root):
    psma = ledger_slice("ucla-psma-pet")
    assert list(psma.claim_id) == ["psma-trial-p", "psma-fixture-cross-document"]
    assert ledger_slice("medscape-bone-metastases").empty
    with pytest.raises(CompendiumError, match="document must be one of"):
        ledger_slice("huang2021")


def test_verdict_counts_and_figure(claims):
    ledger = build_ledger(claims)
    counts = verdict_counts(ledger)
    assert list(counts.columns) == list(VERDICTS)
    assert counts.loc["huang2021-liver-petmr"].tolist() == [4, 1, 0, 1, 1]
    assert counts.loc["ucla-psma-pet"].tolist() == [2, 0, 0, 0, 0]
    fig = plot_verdict_counts(ledger)
    assert isinstance(fig, Figure)
    widths = sorted(round(p.get_width()) for p in fig.axes[0].patches if p.get_width() > 0)
    assert widths == [1, 1, 1, 2, 4]


def test_table_html_is_escaped_and_plain_without_javascript():
    frame = pd.DataFrame([["psma-x", "ucla-psma-pet", "A & B", "<b>q</b>", "<0.05", "0.0026", "reproduced", "n",
                           "data/claims/ucla-psma-pet.yaml:7"]], columns=COLUMNS)
    page = ledger_table_html(frame)
    assert page.count('<table class="ledger-table">') == 1 and page.count("<tr") == 2
    assert "A &amp; B" in page and "&lt;b&gt;q&lt;/b&gt;" in page and "&lt;0.05" in page
    assert '<tr id="psma-x" class="verdict-reproduced">' in page and "ucla-psma-pet.yaml:7" in page
    # A chapter page links each row to the ledger page's anchor, two folders up.
    chapter = ledger_table_html(frame, "chapters/ucla-psma-pet/claims")
    assert 'href="../../appendix/ledger.html#psma-x"' in chapter and "cite" not in chapter
    assert '<p class="ledger-controls" hidden>' in page  # the filter box appears only with the script
    assert "<script" not in page


def test_the_book_loads_the_table_script_and_style():
    config = (project_root() / "_config.yml").read_text()
    for name in ("ledger-table.js", "ledger-table.css"):
        assert name in config and (project_root() / "_static" / name).exists()


def test_compendium_ledger_end_to_end(tmp_path):
    """`compendium ledger --out` on the project's own registry: every row gets exactly one verdict."""
    out = tmp_path / "claims.csv"
    env = {k: v for k, v in os.environ.items() if k != "COMPENDIUM_ROOT"}
    done = subprocess.run([sys.executable, "-m", "compendium", "ledger", "--out", str(out)],
                          capture_output=True, text=True, env=env, cwd=project_root(), timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"{out}: ")
    ledger = pd.read_csv(out, keep_default_na=False, dtype=str)
    registry = load_registry(project_root() / "data" / "claims")
    assert tuple(ledger.columns) == COLUMNS
    assert sorted(ledger.claim_id) == sorted(c.id for c in registry)
    assert ledger.claim_id.is_unique
    assert set(ledger.verdict) <= set(VERDICTS)
    assert set(ledger.document) <= set(DOCUMENTS)
    assert (ledger.loc[ledger.verdict != "reproduced", "note"].str.strip() != "").all()


def test_compendium_ledger_reports_a_bad_row_in_one_line(root):
    path = root / "data" / "claims" / "ucla-psma-pet.yaml"
    path.write_text(path.read_text().replace("variant: exact", "variant: exakt"))
    manifest.write(root / "data")  # an intended edit, so the row itself is what is refused
    done = subprocess.run([sys.executable, "-m", "compendium", "ledger"], capture_output=True, text=True,
                          cwd=project_root(), timeout=120)
    assert done.returncode == 2
    assert done.stderr.startswith("compendium: error: data/claims/ucla-psma-pet.yaml:4: check.args of claim psma-trial-p: "
                                  "mcnemar failed: method must be one of")
    assert done.stderr.endswith("'exakt'\n") and done.stderr.count("\n") == 1
    assert not (root / "_build" / "ledger" / "claims.csv").exists()
