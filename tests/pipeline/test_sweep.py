"""`compendium sweep` on the miniature project: grid validation, and real Dask clusters with worker processes."""

import json
import os
import signal
import threading
import time
from contextlib import contextmanager
from functools import partial

import pytest

from compendium.cli import main
from compendium.errors import CompendiumError
from compendium.pipeline.cluster import dask_client
from compendium.pipeline.runs import run_chapter
from compendium.pipeline.params import find_group
from compendium.pipeline.sweep import glued_numbers, parse_grid, select, sweep


def test_grid_is_the_product_of_the_value_lists_in_order(mini_project):
    grid = parse_grid(select("demo"), ["seed=3,4", "method=a,b", "sizes=1,2;3"])
    points = grid.points()
    assert len(points) == 2 * 2 * 2
    assert [(p["seed"], p["method"], p["sizes"]) for p in points[:3]] == [(3, "a", [1, 2]), (3, "a", [3]), (3, "b", [1, 2])]
    assert points[0]["scale"] == 1.0  # unswept parameters keep their defaults


def test_params_file_gives_fixed_values_and_axes(mini_project, tmp_path):
    path = tmp_path / "grid.yaml"
    path.write_text("scale: 2\nseed: [5, 6]\nsizes: [[1], [2, 3]]\n")
    grid = parse_grid(select("demo"), ["seed=7"], path)
    assert grid.fixed == {"scale": 2.0}
    assert grid.axes == {"sizes": [[1], [2, 3]], "seed": [7]}


@pytest.mark.parametrize(
    "option, message",
    [
        ("sead=1,2", r"unknown parameter 'sead' for chapter 'demo' \(did you mean 'seed'\?\)"),
        ("scale=1,x", r"parameter 'scale': cannot read 'x' as float"),
        ("scale=1,11", r"parameter 'scale': 11.0 is outside \[0, 10\]"),
        ("method=a,c", r"parameter 'method': 'c' is not one of a, b"),
        ("seed=", r"grid: parameter 'seed' has no values"),
        ("seed", r"grid 'seed': write it as name=value1,value2"),
    ],
)
def test_bad_grid_value_is_refused_before_anything_runs(mini_project, option, message):
    with pytest.raises(CompendiumError, match=message):
        parse_grid(select("demo"), [option])


def test_cli_refuses_bad_grid_with_one_line_and_starts_nothing(mini_project, capsys):
    assert main(["sweep", "demo", "-g", "seed=1,2", "-g", "scale=-1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "parameter 'scale': -1.0 is outside [0, 10]" in err
    assert main(["sweep", "demo/other", "-g", "seed=1"]) == 2
    assert "chapter 'demo' has no notebook 'other'" in capsys.readouterr().err
    assert main(["sweep", "demo", "-g", "seed=1", "-g", "seed=2"]) == 2
    assert main(["sweep", "demo", "-g", "seed=1", "--workers", "0"]) == 2
    assert "--workers must be at least 1" in capsys.readouterr().err
    assert not (mini_project / "_build").exists()


@pytest.mark.slow
@pytest.mark.parametrize("cached", [False, True])
def test_a_changed_data_file_stops_the_sweep_before_any_point_runs(mini_project, capsys, cached):
    if cached:  # every point finished earlier: no cluster starts, the check still runs
        assert main(["sweep", "demo", "-g", "seed=1", "--workers", "1"]) == 0
    before = sorted(p.relative_to(mini_project) for p in (mini_project / "_build").rglob("*")) if cached else None
    (mini_project / "data" / "table.csv").write_text("a,b\n1,3\n")
    assert main(["sweep", "demo", "-g", "seed=1", "--workers", "1"]) == 2
    assert "data/table.csv changed" in capsys.readouterr().err.splitlines()[-1]
    if cached:
        assert sorted(p.relative_to(mini_project) for p in (mini_project / "_build").rglob("*")) == before
    else:
        assert not (mini_project / "_build" / "runs").exists()


def never_started():
    raise AssertionError("a sweep with every point cached must not start a cluster")


@pytest.mark.slow
def test_local_cluster_sweep_equals_sequential_runs_and_repeat_executes_nothing(mini_project):
    grid = parse_grid(select("demo"), ["seed=3,4"])
    result = sweep("demo", grid, partial(dask_client, workers=2), progress=False)
    assert result.executed == 2 and not result.failures
    runs = sorted(result.table["run"].unique())
    swept = {run: (mini_project / "_build/runs/demo" / run / "main/main.ipynb").read_bytes() for run in runs}
    csv = (result.folder / "results.csv").read_bytes()
    assert (result.folder / "summary.html").read_text().count("<img") == 1

    # The same points run one after the other in this process, as `compendium run` does, give the same bytes.
    for run in runs:
        (mini_project / "_build/runs/demo" / run / "main" / "cache-key").unlink()
    group = find_group("demo")
    sequential = [run_chapter(group, [f"seed={seed}"]) for seed in (3, 4)]
    assert sorted(path.name for path in sequential) == runs
    assert all((path / "main/main.ipynb").read_bytes() == swept[path.name] for path in sequential)
    first = glued_numbers(sequential[0] / "main/main.ipynb")["demo-first"]
    table = result.table.set_index("run")
    assert table.loc[sequential[0].name, "value"] == first

    again = sweep("demo", grid, never_started, progress=False)
    assert again.executed == 0 and again.folder == result.folder
    assert (again.folder / "results.csv").read_bytes() == csv


@pytest.mark.slow
def test_killed_worker_point_is_rescheduled_and_leaves_no_partial_folder(mini_project):
    source = mini_project / "chapters/demo/main.md"
    # A slow cell gives time to kill the worker in the middle of a notebook.
    source.write_text(source.read_text().replace("if fail:", "import time\ntime.sleep(3)\nif fail:"))
    runs = mini_project / "_build/runs/demo"
    killed = []

    @contextmanager
    def client_killing_one_worker():
        with dask_client(workers=1) as client:
            def kill_when_a_notebook_runs():
                deadline = time.monotonic() + 120
                while not list(runs.glob("*/.*partial")) and time.monotonic() < deadline:
                    time.sleep(0.1)
                (pid,) = client.run(os.getpid).values()
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)

            killer = threading.Thread(target=kill_when_a_notebook_runs, daemon=True)
            killer.start()
            yield client
            killer.join()

    grid = parse_grid(select("demo"), ["seed=8,9"])
    result = sweep("demo", grid, client_killing_one_worker, progress=False)
    assert killed
    assert not result.failures and result.executed == 2
    assert sorted(result.table["name"]) == ["demo-first", "demo-first"]
    assert not [p for p in runs.rglob(".*") if "partial" in p.name or p.name.endswith(".old")]


@pytest.mark.slow
def test_failing_point_is_named_the_others_finish_and_the_exit_status_says_so(mini_project, capsys):
    with pytest.raises(SystemExit) as stopped:  # what the `compendium` script exits with
        main(["sweep", "demo", "-g", "fail=false,true", "--workers", "2"])
    assert stopped.value.code == 1
    err = capsys.readouterr().err
    assert "point failed: fail=True: demo/main: cell" in err and "RuntimeError: asked to fail" in err
    runs = list((mini_project / "_build/runs/demo").iterdir())
    assert len(runs) == 1 and json.loads((runs[0] / "params.json").read_text())["fail"] is False  # the failed point left nothing
    assert not (mini_project / "_build/sweeps").exists()  # no table for an incomplete sweep
