"""Issue 16, items 1, 3 and 8: tampered data never reaches the ledger, outputs are written safely
or refused, and every failure to write is one line (these tests start no kernel)."""

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from compendium.cli import main
from compendium.errors import CompendiumError
from compendium.pipeline import build, manifest
from compendium.pipeline.files import write_output


def one_line(capsys, argv, code=2):
    assert main(argv) == code
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


# Item 1 ----------------------------------------------------------------------------------


def test_ledger_command_verifies_data_first(mini_project, capsys):
    (mini_project / "data" / "claims" / "extra.csv").write_text("claim_id\nx\n")  # not in the manifest
    err = one_line(capsys, ["ledger"])
    assert "data/claims/extra.csv is not in MANIFEST.sha256" in err
    assert not (mini_project / "_build" / "ledger" / "claims.csv").exists()


def test_build_never_publishes_a_ledger_it_did_not_compute_from_these_data(mini_project):
    path = build.ledger_csv()
    honest = path.read_bytes()
    record = json.loads(path.with_name("claims.csv.inputs.json").read_text())
    assert record["data_manifest_sha256"] == manifest.digest()
    # A ledger written by another command from other data (same src/, manifest and lock).
    path.write_text(honest.decode() + "forged,row\n")
    assert build.ledger_csv().read_bytes() == honest
    # A record naming another manifest is rejected too.
    record_file = path.with_name("claims.csv.inputs.json")
    record_file.write_text(json.dumps({**record, "data_manifest_sha256": "0" * 64}))
    path.write_text("tampered\n")
    assert build.ledger_csv().read_bytes() == honest


def test_force_recomputes_the_ledger(mini_project, monkeypatch):
    import compendium.claims.ledger as ledger

    calls = []
    real = ledger.write_ledger
    monkeypatch.setattr(ledger, "write_ledger", lambda path=None: calls.append(path) or real(path))
    build.ledger_csv()
    build.ledger_csv()
    build.ledger_csv(force=True)
    assert len(calls) == 2


def test_ledger_of_changed_data_is_refused(mini_project):
    build.ledger_csv()
    (mini_project / "data" / "table.csv").write_text("a,b\n9,9\n")
    with pytest.raises(CompendiumError, match="data/table.csv changed"):
        build.ledger_csv()


# Item 3 ----------------------------------------------------------------------------------


def test_output_to_a_fifo_is_written_through(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    write_output(fifo, b"claim_id\n")
    reader.join(timeout=10)
    assert received == [b"claim_id\n"] and fifo.is_fifo()


def test_output_through_a_symlink_to_a_device_keeps_the_device(tmp_path):
    link = tmp_path / "null"
    link.symlink_to(os.devnull)
    write_output(link, b"x" * 100)
    assert link.is_symlink() and Path(os.devnull).is_char_device()


def test_output_through_a_symlink_to_a_file_keeps_the_link(tmp_path):
    target, link = tmp_path / "real.csv", tmp_path / "link.csv"
    target.write_text("old")
    link.symlink_to(target)
    write_output(link, b"new")
    assert link.is_symlink() and target.read_text() == "new"


@pytest.mark.parametrize("out, message", [
    ("", "output path is empty"),
    (".", "it is a directory"),
    ("/proc/version", "cannot write /proc/version"),
])
def test_ledger_out_that_cannot_be_written_is_one_line(mini_project, capsys, out, message):
    assert message in one_line(capsys, ["ledger", "--out", out])


def test_ledger_out_to_dev_stdout_writes_the_csv_there(mini_project):
    result = subprocess.run([sys.executable, "-m", "compendium", "ledger", "--out", "/dev/stdout"],
                            capture_output=True, text=True, env={**os.environ, "COMPENDIUM_ROOT": str(mini_project)})
    assert result.returncode == 0 and result.stdout.startswith("claim_id,document,"), result.stderr
    assert "claims:" not in result.stdout and "/dev/stdout: " in result.stderr  # the summary stays off the CSV
    assert Path("/dev/stdout").is_symlink()


# Item 8 ----------------------------------------------------------------------------------


def run_cli(root, *args, **kwargs):
    streams = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, **kwargs}
    return subprocess.run([sys.executable, "-m", "compendium", *args], text=True,
                          env={**os.environ, "COMPENDIUM_ROOT": str(root)}, **streams)


def test_build_folder_that_is_a_file_is_one_line(mini_project, capsys):
    (mini_project / "_build").write_text("not a folder")
    err = one_line(capsys, ["ledger"])
    assert "_build" in err and ("Not a directory" in err or "File exists" in err)


def read_only_mount_works(tmp_path) -> bool:
    folder = tmp_path / "probe"
    folder.mkdir()
    script = f"mount --bind {folder} {folder} && mount -o remount,ro,bind {folder}"
    return subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True).returncode == 0


@pytest.mark.parametrize("command", [["ledger"], ["run", "demo"], ["build", "--force"]])
def test_read_only_build_folder_is_one_line(mini_project, tmp_path, command):
    """Root ignores file modes, so the folder is made read-only by a private read-only mount."""
    if not read_only_mount_works(tmp_path):
        pytest.skip("needs unshare and mount (a private mount namespace)")
    build_folder = mini_project / "_build"
    (build_folder / "ledger").mkdir(parents=True)
    args = " ".join(command)
    script = (f"mount --bind {build_folder} {build_folder} && mount -o remount,ro,bind {build_folder} && "
              f"exec {sys.executable} -m compendium {args}")
    result = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True,
                            env={**os.environ, "COMPENDIUM_ROOT": str(mini_project)})
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "Read-only file system" in result.stderr, result.stderr


def test_full_disk_while_publishing_html_is_one_line_and_keeps_the_old_book(tmp_path, monkeypatch):
    rendered, html = tmp_path / "render", tmp_path / "html"
    rendered.mkdir(), html.mkdir()
    (rendered / "index.html").write_text("new")
    (html / "index.html").write_text("old")

    def full(source, target):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(build, "_copy_rendered", full)
    with pytest.raises(CompendiumError, match=r"cannot copy the rendered book to .*html: .*No space left on device"):
        build._publish_html(rendered, html)
    assert (html / "index.html").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["html", "render"]


def test_verify_to_a_full_device_is_one_line(mini_project):
    with open("/dev/full", "w") as full:
        result = run_cli(mini_project, "verify", stdout=full, stderr=subprocess.PIPE)
    assert result.returncode == 2
    assert result.stderr == "compendium: error: cannot write output: No space left on device\n"


def test_closed_pipe_ends_quietly(mini_project):
    shell = f"{sys.executable} -m compendium list | head -1"
    result = subprocess.run(["bash", "-c", f"set -o pipefail; {shell}"], capture_output=True, text=True,
                            env={**os.environ, "COMPENDIUM_ROOT": str(mini_project)})
    assert result.stdout == "demo\n" and result.stderr == ""
