"""Kernels: the spare started ahead is the next kernel only where it fits, and nothing outlives its use."""

import time

import pytest

from compendium.errors import NotebookFailed
from compendium.pipeline import kernels
from compendium.pipeline.params import find_group
from compendium.pipeline.runs import run_chapter

pytestmark = pytest.mark.slow


def run(manager, code):
    client = manager.blocking_client()
    client.start_channels(iopub=False, stdin=False, hb=False, control=False)
    try:
        return client.execute(code, reply=True, timeout=60)["content"]["status"]
    finally:
        client.stop_channels()


def gone(manager, seconds=10):
    deadline = time.monotonic() + seconds
    while manager.alive and time.monotonic() < deadline:
        time.sleep(0.05)
    return not manager.alive


def test_the_spare_is_the_next_kernel_and_works_in_the_next_folder(tmp_path):
    first_folder, next_folder = tmp_path / "first", tmp_path / "next"
    first_folder.mkdir(), next_folder.mkdir()
    first = kernels.kernel_for(first_folder, keep_spare=True)
    spare = kernels._spare[1]
    following = kernels.kernel_for(next_folder)  # no keep_spare: takes the spare, starts none
    try:
        assert following is spare and kernels._spare is None
        assert run(following, "open('written-here', 'w').close()") == "ok"
        assert (next_folder / "written-here").exists() and not (first_folder / "written-here").exists()
    finally:
        kernels.stop(first)
        kernels.stop(following)
    assert not first.alive and not following.alive and following.stderr.closed


def test_a_spare_from_another_environment_is_killed_not_used(tmp_path, monkeypatch):
    kernels.stop(kernels.kernel_for(tmp_path, keep_spare=True))
    spare = kernels._spare[1]
    monkeypatch.setenv("COMPENDIUM_ROOT", str(tmp_path / "another-checkout"))
    fresh = kernels.kernel_for(tmp_path)
    try:
        assert fresh is not spare and fresh.alive and not spare.alive
    finally:
        kernels.stop(fresh)


def test_an_interrupt_kills_the_spare_with_the_running_kernel(tmp_path):
    running = kernels.kernel_for(tmp_path, keep_spare=True)
    spare = kernels._spare[1]
    kernels.kill_all()
    try:
        assert gone(running) and gone(spare)
    finally:
        kernels.stop(running)
        kernels.stop_spare()
    assert kernels._spare is None


def test_a_kernel_that_dies_is_named_with_the_last_line_it_wrote_to_stderr(mini_project):
    source = mini_project / "chapters" / "demo" / "main.md"
    dying = "if fail:\n    import os\n    os.write(2, b'fatal: out of luck\\n')\n    os._exit(1)\nif fail:"
    source.write_text(source.read_text().replace("if fail:", dying))
    with pytest.raises(NotebookFailed, match=r"demo/main: execution failed: DeadKernelError: .*\(kernel: fatal: out of luck\)"):
        run_chapter(find_group("demo"), ["fail=true"])
    assert not [p for p in (mini_project / "_build").rglob("*") if "partial" in p.name]
