"""Provenance records, timing sidecars, the execution report and `compendium run`'s list of
changed values, on the miniature project (each test starts a kernel)."""

import base64
import hashlib
import json

import nbformat
import numpy as np
import pytest

from compendium.cli import main
from compendium.pipeline import build, kernels
from compendium.pipeline.changes import changed_values
from compendium.pipeline.params import find_group, resolve
from compendium.pipeline.runs import run_chapter, run_params

pytestmark = pytest.mark.slow

READ_DATA = '''
```{code-cell} ipython3
import os

table = open(os.path.join(os.environ["COMPENDIUM_ROOT"], "data", "table.csv")).read()
```
'''


@pytest.fixture
def reading_project(mini_project):
    """The demo notebook with one more cell, which reads data/table.csv."""
    source = mini_project / "chapters" / "demo" / "main.md"
    source.write_text(source.read_text() + READ_DATA)
    return mini_project


def test_record_names_cell_parameters_data_and_figure(reading_project):
    build.execute_stale()
    out = reading_project / "_build" / "executed" / "demo" / "main"
    record = json.loads((out / "main.provenance.json").read_text())
    nb = nbformat.read(out / "main.ipynb", as_version=4)
    assert record["notebook"] == "demo/main"
    assert record["parameters"] == {"seed": 1, "scale": 1.0, "method": "a", "fail": False, "sizes": [1, 2]}
    reading = [int(i) for i, reads in record["cells"].items() if reads["data"]]
    assert reading == [len(nb.cells) - 1]  # the appended cell, and no other
    assert record["cells"][str(reading[0])]["data"] == ["data/table.csv"]
    # The figure is found by the digest of its PNG, which is how myst-nb names the image file.
    ((digest, figure),) = record["figures"].items()
    cell = nb.cells[figure["cell"]]
    png = next(o["data"]["application/papermill.record/image/png"] for o in cell.outputs
               if o.get("metadata", {}).get("scrapbook", {}).get("name") == "demo-draws")
    assert figure["key"] == "demo-draws" and digest == hashlib.sha256(base64.b64decode(png)).hexdigest()
    assert not (out / "provenance-log.json").exists()


def test_times_stay_out_of_the_notebook_and_the_record(reading_project):
    build.execute_stale()
    out = reading_project / "_build" / "executed" / "demo" / "main"
    first = (out / "main.ipynb").read_bytes(), (out / "main.provenance.json").read_bytes()
    timing = json.loads((out / "timing.json").read_text())
    assert timing["executed_at"].endswith("+00:00") and timing["wall_seconds"] > 0
    build.execute_stale(force=True)
    assert ((out / "main.ipynb").read_bytes(), (out / "main.provenance.json").read_bytes()) == first
    assert b"executed_at" not in first[0]


def test_a_kernel_started_ahead_records_the_same_notebook_and_reads(reading_project):
    """A sweep's worker runs each point in a kernel started during the previous one, elsewhere."""
    group = find_group("demo")
    plain = run_chapter(group, ["seed=5"]) / "main"
    names = ("main.ipynb", "main.provenance.json", "main.html")
    first = {name: (plain / name).read_bytes() for name in names}
    assert json.loads(first["main.provenance.json"])["cells"]  # some cell's reads are noted
    params = resolve(group, ["seed=5"], None)
    for turn in range(2):  # the first run starts the spare, the second runs in it
        (plain / "cache-key").unlink()
        spare = kernels._spare[1] if kernels._spare else None
        run_params(group, params, keep_spare_kernel=True)
        assert (spare is None) == (turn == 0)
        assert {name: (plain / name).read_bytes() for name in names} == first
    assert spare is not None and not spare.alive  # used, then stopped
    kernels.stop_spare()


def test_execution_report_is_rewritten_only_when_something_ran(reading_project):
    executed = build.execute_stale()
    path = build.write_execution_report(executed)
    report = json.loads(path.read_text())
    (row,) = report["notebooks"]
    key = (reading_project / "_build/executed/demo/main/cache-key").read_text().splitlines()[0]
    assert row["notebook"] == "demo/main" and row["cache_key"] == key and row["cached"] is False
    assert report["environment"]["lock_sha256"] == hashlib.sha256(b"numpy==1.0\n").hexdigest()
    before = path.read_bytes()
    assert build.execute_stale() == []
    build.write_execution_report([])
    assert path.read_bytes() == before  # a no-change rebuild leaves the rendered report alone
    for name in build.BOOK_FILES:  # the miniature project has no book pages of its own
        (reading_project / name).write_text("")
    (reading_project / "_static").mkdir()
    staged = build.stage()
    assert (staged / "appendix" / "execution-report.json").read_bytes() == before
    assert (staged / "chapters" / "demo" / "main.provenance.json").exists()
    assert not (staged / "chapters" / "demo" / "timing.json").exists()


def test_run_lists_the_glued_values_it_changed(mini_project, capsys):
    group = find_group("demo")
    assert main(["run", "demo", "-p", "scale=2"]) == 0
    assert "nothing to compare with" in capsys.readouterr().err  # the book is not built yet
    build.execute_stale()
    run_dir = run_chapter(group, ["scale=2"])
    lines, compared = changed_values(group, run_dir)
    old = np.random.default_rng(1).normal(size=4)[0]
    assert compared == 1 and lines == [f"  main  demo-first: {old:.6g} → {2 * old:.6g}"]
    assert changed_values(group, run_chapter(group, ["method=b"])) == ([], 1)


def test_build_summary_counts_executed_reused_and_failed(mini_project, capsys):
    stats = build.BuildStats()
    build.execute_stale(stats=stats)
    assert (stats.notebooks, stats.executed, stats.failed) == (1, ["demo/main"], [])
    assert stats.summary("book/index.html").startswith("1 notebooks executed, 0 reused from cache, 0 failed, in ")
    source = mini_project / "chapters" / "demo" / "main.md"
    source.write_text(source.read_text().replace("if fail:", "if True:"))
    stats = build.BuildStats()
    with pytest.raises(ValueError):
        build.execute_stale(stats=stats)
    assert (stats.executed, stats.failed) == ([], ["demo/main"])
    assert "0 notebooks executed, 0 reused from cache, 1 failed" in stats.summary(None)
