"""Issue 16, items 2 and 7 (and issue 15's quiet console): concurrent runs and builds share
one execution and leave complete outputs; Ctrl-C stops within seconds, keeps finished
notebooks and removes partial ones. Each test starts real processes on the miniature project."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from compendium.pipeline import execute

pytestmark = pytest.mark.slow

KERNEL_NOISE = ("Kernel is running over TCP", "KeyboardInterrupt caught", "Traceback", "Kernel died")


def start(root, *args):
    return subprocess.Popen([sys.executable, "-m", "compendium", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "COMPENDIUM_ROOT": str(root)})


def complete(out_dir: Path) -> bool:
    """A valid key, and the notebook's draws were printed (its second code cell has outputs)."""
    cells = json.loads((out_dir / f"{out_dir.name}.ipynb").read_text())["cells"]
    printed = [c for c in cells if c["cell_type"] == "code" and "default_rng" in "".join(c["source"])]
    return execute.stored_key(out_dir) is not None and bool(printed[0]["outputs"])


def no_partials(root: Path) -> bool:
    return not [p for p in (root / "_build").rglob("*") if p.name.endswith((".partial", ".old", ".tmp"))]


def test_key_never_vouches_for_an_incomplete_notebook(tmp_path):
    out = tmp_path / "main"
    out.mkdir()
    (out / "main.ipynb").write_text('{"cells": [{"outputs": [1]}]}')
    (out / execute.KEY_FILE).write_text("\n".join(["k", *execute._file_digests(out)]) + "\n")
    assert execute.stored_key(out) == "k"
    (out / "main.ipynb").write_text('{"cells": []}')  # emptied after the key was written
    assert execute.stored_key(out) is None
    (out / execute.KEY_FILE).write_text("k\n")  # a key that vouches for nothing (the old format)
    assert execute.stored_key(out) is None
    (out / "main.ipynb").unlink()
    assert execute.stored_key(out) is None


def test_two_runs_and_two_builds_at_once_all_succeed_with_complete_outputs(mini_book):
    """The stress test: two identical `run`s and two `build --force` started together."""
    processes = [start(mini_book, "run", "demo", "-p", "seed=3") for _ in range(2)]
    processes += [start(mini_book, "build", "--force") for _ in range(2)]
    results = [(p.wait(timeout=900), *p.communicate()) for p in processes]
    for code, out, err in results:
        assert code == 0, err
        assert not [line for line in err.splitlines() if any(noise in line for noise in KERNEL_NOISE)], err
    run_dirs = {Path(out.strip()) for _, out, _ in results[:2]}
    assert len(run_dirs) == 1
    run_dir = run_dirs.pop()
    assert complete(run_dir / "main") and (run_dir / "params.json").exists()
    assert complete(mini_book / "_build" / "executed" / "demo" / "main")
    assert (mini_book / "_build" / "html" / "chapters" / "demo" / "main.html").exists()
    assert no_partials(mini_book)
    # Whoever waited said so in one line, then reused the other's result.
    waited = [err for _, _, err in results if "waiting for another process" in err]
    assert all(err.count("waiting for another process") <= 2 for err in waited)


@pytest.fixture
def slow_chapter(mini_project):
    """The demo chapter plus a notebook that takes a minute."""
    chapter = mini_project / "chapters" / "demo"
    text = (chapter / "main.md").read_text()
    (chapter / "slow.md").write_text(text + "\n```{code-cell} ipython3\nimport time\ntime.sleep(120)\n```\n")
    params = (chapter / "params.yaml").read_text()
    slow = params[params.index("  main:"):].replace("  main:", "  slow:", 1).replace("title: Demo", "title: Slow")
    (chapter / "params.yaml").write_text(params + slow)
    return mini_project


@pytest.mark.parametrize("command", [["build"], ["run", "demo", "-p", "scale=2"]])
def test_ctrl_c_stops_within_seconds_keeping_finished_notebooks(slow_chapter, command):
    process = start(slow_chapter, *command)
    build = slow_chapter / "_build"
    deadline = time.time() + 300
    while time.time() < deadline:  # the quick notebook is done and the slow one is executing
        done = [p for p in build.rglob("main/cache-key")] if build.exists() else []
        kernels = psutil.Process(process.pid).children(recursive=True)
        if done and kernels:
            break
        time.sleep(0.5)
    else:
        pytest.fail("the notebooks did not start")
    time.sleep(2)
    process.send_signal(signal.SIGINT)
    sent = time.time()
    code = process.wait(timeout=60)
    _, err = process.communicate()
    assert time.time() - sent < 15
    assert code == 130
    assert err.strip().splitlines()[-1] == "compendium: interrupted (SIGINT); finished outputs kept"
    assert not [line for line in err.splitlines() if any(noise in line for noise in KERNEL_NOISE)], err
    assert not [k for k in kernels if k.is_running() and k.status() != psutil.STATUS_ZOMBIE]
    main_dir = done[0].parent
    assert complete(main_dir)
    assert not (main_dir.parent / "slow").exists() and no_partials(slow_chapter)
    if command[0] == "run":
        assert (main_dir.parent / "params.json").exists()


def test_sigterm_stops_like_ctrl_c(slow_chapter):
    process = start(slow_chapter, "run", "demo", "-p", "seed=4")
    deadline = time.time() + 300
    while time.time() < deadline and not psutil.Process(process.pid).children(recursive=True):
        time.sleep(0.5)
    time.sleep(3)
    process.terminate()
    assert process.wait(timeout=60) == 128 + signal.SIGTERM
    assert "interrupted (SIGTERM)" in process.communicate()[1]
    assert no_partials(slow_chapter)


def test_run_after_a_killed_run_does_not_trust_its_leftovers(slow_chapter):
    process = start(slow_chapter, "run", "demo", "-p", "seed=5")
    deadline = time.time() + 300
    while time.time() < deadline and not list((slow_chapter / "_build").rglob(".slow.*.partial")):
        time.sleep(0.5)
    process.kill()  # SIGKILL: nothing can clean up
    process.wait()
    run_dir = next(p for p in (slow_chapter / "_build" / "runs" / "demo").iterdir() if p.is_dir())
    assert list(run_dir.glob(".slow.*.partial"))  # what the kill left behind
    assert execute.stored_key(run_dir / "slow") is None  # is not trusted: the next run executes afresh
