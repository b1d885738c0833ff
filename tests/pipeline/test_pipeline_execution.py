"""Execution, caching, atomic writes and determinism, on the miniature project (each test starts a kernel)."""

import json

import numpy as np

import pytest

from compendium.cli import main
from compendium.errors import CompendiumError
from compendium.pipeline import build
from compendium.pipeline.params import find_group
from compendium.pipeline.runs import run_chapter

pytestmark = pytest.mark.slow


def executed_bytes(root):
    return (root / "_build" / "executed" / "demo" / "main" / "main.ipynb").read_bytes()


def test_no_change_rebuild_executes_nothing_and_src_edit_makes_stale(mini_project):
    assert build.execute_stale() == ["demo/main"]
    assert build.execute_stale() == []
    (mini_project / "src" / "module.py").write_text("VALUE = 2\n")
    assert [spec.label for spec, _ in build.stale_notebooks()] == ["demo/main"]
    (mini_project / "src" / "module.py").write_text("VALUE = 1\n")
    assert build.stale_notebooks() == []
    (mini_project / "requirements.lock").write_text("numpy==2.0\n")
    assert len(build.stale_notebooks()) == 1


def test_same_parameters_give_same_bytes(mini_project):
    build.execute_stale()
    first = executed_bytes(mini_project)
    figure = (mini_project / "_build/executed/demo/main/figures/demo-draws.svg").read_bytes()
    build.execute_stale(force=True)
    assert executed_bytes(mini_project) == first
    assert (mini_project / "_build/executed/demo/main/figures/demo-draws.svg").read_bytes() == figure
    assert b"start_time" not in first and b"duration" not in first
    assert b"T_t0000_row0_col0" in first  # the Styler table's random id was replaced


def test_failing_run_keeps_previous_output_and_names_the_cell(mini_project):
    group = find_group("demo")
    good = run_chapter(group, ["seed=2"])
    before = (good / "main" / "main.ipynb").read_bytes()
    # Same folder is impossible for other parameters, so break the notebook itself.
    source = mini_project / "chapters" / "demo" / "main.md"
    source.write_text(source.read_text().replace("if fail:", "if True:"))
    with pytest.raises(CompendiumError, match=r"demo/main: cell \d+ failed: RuntimeError: asked to fail"):
        build.execute_stale()
    assert (good / "main" / "main.ipynb").read_bytes() == before
    assert not list((mini_project / "_build" / "executed" / "demo").glob(".*partial"))


def test_failure_does_not_replace_book_output(mini_project):
    build.execute_stale()
    before = executed_bytes(mini_project)
    source = mini_project / "chapters" / "demo" / "main.md"
    source.write_text(source.read_text().replace("if fail:", "if True:"))
    with pytest.raises(CompendiumError):
        build.execute_stale()
    assert executed_bytes(mini_project) == before


def test_run_writes_notebook_html_params_and_banner(mini_project):
    run_dir = run_chapter(find_group("demo"), ["scale=2", "method=b"])
    assert run_dir.parent.name == "demo" and run_dir.parent.parent.name == "runs"
    assert json.loads((run_dir / "params.json").read_text())["scale"] == 2.0
    html = (run_dir / "main" / "main.html").read_text()
    assert "Non-default run" in html and "<code>scale</code>" in html and "<code>method</code>" in html
    assert "<code>seed</code>" not in html  # only differing parameters are listed
    first_draw = np.random.default_rng(1).normal(size=4)[0] * 2  # seed 1, scale 2
    assert f"The first draw is {first_draw:.3f}." in html and "{glue" not in html
    assert "data:image/png;base64," in html and "Four seeded draws." in html
    assert (run_dir / "main" / "figures" / "demo-draws.png").stat().st_size > 0
    assert not (mini_project / "_build" / "executed").exists()  # runs never touch the book's outputs


def test_cli_errors_are_one_line_with_exit_code_2(mini_project, capsys):
    for argv, message in [
        (["run", "nope"], "unknown chapter 'nope'"),
        (["run", "demo", "-p", "scael=2"], "did you mean 'scale'?"),
        (["run", "demo", "-p", "scale=99"], "outside [0, 10]"),
        (["run", "demo", "--params-file", "missing.json"], "cannot read it"),
    ]:
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1, err


def test_changed_data_file_stops_before_anything_runs(mini_project, capsys):
    (mini_project / "data" / "table.csv").write_text("a,b\n1,3\n")
    assert main(["run", "demo"]) == 2
    assert "data/table.csv changed" in capsys.readouterr().err
    assert not (mini_project / "_build").exists()


def test_verify_rejects_a_bibliography_that_does_not_parse(mini_project, capsys):
    from compendium.pipeline import manifest

    (mini_project / "data" / "references.bib").write_text("@misc{broken, title = {unclosed\n")
    manifest.write(mini_project / "data")  # an intended edit: the manifest agrees, the content is bad
    assert main(["verify"]) == 2
    assert "references.bib: not valid BibTeX" in capsys.readouterr().err


def test_notebooks_executed_together_keep_their_own_working_folders(mini_project):
    """Two notebooks run at once; each figure must land beside its own notebook (a shared
    process-wide chdir would let one kernel start in the other's folder)."""
    chapter = mini_project / "chapters" / "demo"
    (chapter / "other.md").write_text((chapter / "main.md").read_text().replace("demo-draws", "other-draws"))
    params = (chapter / "params.yaml").read_text()
    other = params[params.index("  main:"):].replace("  main:", "  other:", 1).replace("title: Demo", "title: Other")
    (chapter / "params.yaml").write_text(params + other)
    run_dir = run_chapter(find_group("demo"))
    assert sorted(p.name for p in (run_dir / "main" / "figures").iterdir()) == ["demo-draws.png", "demo-draws.svg"]
    assert sorted(p.name for p in (run_dir / "other" / "figures").iterdir()) == ["other-draws.png", "other-draws.svg"]


def test_ledger_csv_is_recomputed_only_when_its_inputs_change(mini_project, monkeypatch):
    import compendium.claims.ledger as ledger

    calls = []
    real = ledger.write_ledger
    monkeypatch.setattr(ledger, "write_ledger", lambda path=None: calls.append(path) or real(path))
    first = build.ledger_csv()
    build.ledger_csv()
    assert len(calls) == 1 and first.read_text().startswith("claim_id,document,")
    (mini_project / "src" / "module.py").write_text("VALUE = 3\n")  # a check could have changed
    build.ledger_csv()
    assert len(calls) == 2
