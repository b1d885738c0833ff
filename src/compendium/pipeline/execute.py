"""Execute one notebook with papermill into an output folder, atomically and deterministically.

The notebook runs in a temporary sibling folder of its own (its working directory, where
its figures land); only when every cell has succeeded is that folder renamed over the
previous output, so a failing or interrupted run never destroys a good one. The cache key
is written last and lists the sha256 of every file it vouches for; it is checked again
when read, so an incomplete folder is never trusted. One lock per output folder makes a
second process with the same job wait and then reuse the first one's result. Execution
metadata (timestamps, durations, random cell ids) is stripped so that the same parameters
give the same bytes.

Kernels (:mod:`compendium.pipeline.kernels`) run in sessions of their own, so a Ctrl-C
reaches only this process: :func:`execute_all` then cancels queued notebooks and kills
running kernels.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, wait
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import nbformat

from compendium import provenance
from compendium.errors import CompendiumError, NotebookFailed
from compendium.paths import project_root
from compendium.pipeline import files, kernels
from compendium.pipeline.params import NotebookSpec, parameters_cell_source

KEY_FILE = "cache-key"
# Notebooks executed at once; the machines this book is built on have two cores.
PARALLEL_KERNELS = 2
PARAMS_FILE = "params.json"
# When and how long: a sidecar, so the notebook's own bytes stay the same from run to run.
TIMING_FILE = "timing.json"


def load_source(spec: NotebookSpec) -> nbformat.NotebookNode:
    """Read the MyST notebook and check its parameters cell against params.yaml."""
    import jupytext  # here and below, not at the top: `compendium sweep` and a cached build only read keys

    nb = jupytext.read(spec.source)
    cells = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    expected = parameters_cell_source(spec)
    if len(cells) != 1:
        raise CompendiumError(f"{spec.source}: needs exactly one code cell tagged 'parameters'")
    if cells[0].source.strip() != expected:
        raise CompendiumError(
            f"{spec.source}: parameters cell differs from params.yaml; "
            f"run `compendium sync-params` to regenerate it"
        )
    if not spec.params:  # a lone comment tells the reader nothing
        cells[0].metadata["tags"] = [*cells[0].metadata["tags"], "remove-cell"]
    return nb


# pandas Styler tables get a random 5-hex id ("T_b09ee"); object reprs print memory addresses.
_STYLER_ID = re.compile(r"T_([0-9a-f]{5})(?=[_\\\"' ])")
_ADDRESS = re.compile(r" at 0x[0-9a-f]+>")


def normalise(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Remove everything that varies between identical runs."""
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index:03d}"
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    text = nbformat.writes(nb)
    ids = dict.fromkeys(_STYLER_ID.findall(text))  # in order of first appearance
    for number, old in enumerate(ids):
        text = text.replace(f"T_{old}", f"T_t{number:04d}")
    return nbformat.reads(_ADDRESS.sub(" at 0x0>", text), as_version=4)


def _file_digests(folder: Path) -> list[str]:
    return [
        f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.relative_to(folder).as_posix()}"
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != KEY_FILE
    ]


def stored_key(out_dir: Path, fresh_since: float | None = None) -> str | None:
    """The cache key of ``out_dir`` if every file it vouches for is there, unchanged (else None).

    With ``fresh_since`` (a ``time.time()``), a key written before that moment counts as absent.
    """
    path = out_dir / KEY_FILE
    try:
        key, *listed = path.read_text(encoding="utf-8").splitlines()
        if fresh_since is not None and path.stat().st_mtime < fresh_since:
            return None
    except (OSError, ValueError):
        return None
    notebook = f"  {out_dir.name}.ipynb"
    if not any(line.endswith(notebook) for line in listed) or listed != _file_digests(out_dir):
        return None
    return key


def execute(
    spec: NotebookSpec,
    params: dict[str, Any],
    out_dir: Path,
    key: str,
    banner: str | None = None,
    standalone_html: bool = False,
    fresh_since: float | None = None,
    keep_spare_kernel: bool = False,
) -> Path:
    """Run ``spec`` with ``params`` (the notebook's own subset is used) into ``out_dir``.

    ``out_dir`` must be named after the notebook. If it already holds a complete output
    with ``key`` (written after ``fresh_since``, when given), that output is kept, also when
    another process finished it while this one waited for the folder's lock.
    ``keep_spare_kernel`` starts the next notebook's kernel while this one runs
    (:func:`compendium.pipeline.kernels.kernel_for`), for a process that runs many.

    Returns the executed notebook's path. Raises :class:`NotebookFailed` naming the
    notebook and cell when a cell fails; ``out_dir`` is then left as it was.
    """
    target_name = f"{spec.name}.ipynb"
    with files.locked(out_dir):
        if stored_key(out_dir, fresh_since) == key:
            return out_dir / target_name
        for leftover in out_dir.parent.glob(f".{out_dir.name}.*.partial"):  # from a killed run
            shutil.rmtree(leftover, ignore_errors=True)
        work = Path(tempfile.mkdtemp(dir=out_dir.parent, prefix=f".{out_dir.name}.", suffix=".partial"))
        try:
            _execute_into(spec, params, work, work / target_name, key, banner, standalone_html, keep_spare_kernel)
            files.replace_dir(work, out_dir)
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
    return out_dir / target_name


def _execute_into(spec, params, work: Path, target: Path, key: str, banner, standalone_html: bool,
                  keep_spare_kernel: bool = False) -> None:
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from compendium.pipeline import standalone

    nb = normalise(load_source(spec))
    own = {name: params[name] for name in spec.params}
    overrides = {k: v for k, v in own.items() if v != spec.params[k].default}
    if banner:
        nb.cells.insert(0, nbformat.v4.new_markdown_cell(banner))
        nb = normalise(nb)
    os.environ.setdefault("COMPENDIUM_ROOT", str(project_root()))
    os.environ["PYTHONHASHSEED"] = "0"
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    # Kernels run side by side, one per core: one thread each for BLAS and the PET projector, as
    # Dask gives its workers, so no thread spins waiting for a core and a figure has the same
    # bytes whether a kernel or a worker computed it. An explicit setting is kept.
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(variable, "1")
    started, clock = datetime.now(timezone.utc), time.perf_counter()
    try:
        manager = kernels.kernel_for(work, keep_spare_kernel)
    except Exception as exc:
        if kernels.stopping.is_set():
            raise KeyboardInterrupt from None
        raise NotebookFailed(f"{spec.label}: the kernel did not start: {exc.__class__.__name__}: {exc}") from None
    try:
        executed = papermill.execute_notebook(
            nb, None, parameters=overrides, kernel_name=kernels.KERNEL_NAME, km=manager,
            progress_bar=False, log_output=False,
        )
    except PapermillExecutionError as exc:
        raise NotebookFailed(
            f"{spec.label}: cell {exc.cell_index} failed: {exc.ename}: {exc.evalue}"
        ) from None
    except Exception as exc:  # kernel died, could not start, …: still one line, old output kept
        if kernels.stopping.is_set():
            raise KeyboardInterrupt from None
        raise NotebookFailed(
            f"{spec.label}: execution failed: {exc.__class__.__name__}: {exc}{manager.error_hint()}"
        ) from None
    finally:
        kernels.stop(manager)

    timing = {
        "executed_at": started.isoformat(timespec="seconds"),
        "wall_seconds": round(time.perf_counter() - clock, 2),
        "seconds": sum(c.metadata.get("papermill", {}).get("duration") or 0 for c in executed.cells),
    }
    (work / TIMING_FILE).write_text(json.dumps(timing) + "\n", encoding="utf-8")
    executed = normalise(executed)
    provenance.record(executed, own, spec.label, work, spec.name)
    nbformat.write(executed, target)
    if standalone_html:
        target.with_suffix(".html").write_text(standalone.to_html(executed), encoding="utf-8")
    (work / PARAMS_FILE).write_text(json.dumps(own, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    # Last, and only now that every file is complete: the key and what it vouches for.
    (work / KEY_FILE).write_text("\n".join([key, *_file_digests(work)]) + "\n", encoding="utf-8")


def execute_all(jobs: list[dict], progress=None) -> None:
    """Run several :func:`execute` jobs, two at a time (each is a kernel process of its own).

    Every job runs even if another fails; then the first failure is raised, so each
    notebook that could be executed keeps its new output and each failed one its old.
    On Ctrl-C (or SIGTERM turned into KeyboardInterrupt) queued jobs are cancelled,
    running kernels killed, their partial folders removed, and the interrupt re-raised.
    """
    failures = []
    pool = ThreadPoolExecutor(max_workers=PARALLEL_KERNELS)
    futures = [pool.submit(execute, **job) for job in jobs]
    try:
        for future in futures:
            try:
                future.result()
            except CompendiumError as exc:
                failures.append(exc)
            if progress is not None:
                progress.update()
    except BaseException:
        kernels.stopping.set()
        for future in futures:
            future.cancel()
        client_log = logging.getLogger("papermill")  # would log "Kernel died …" for each kill
        level = client_log.level
        client_log.setLevel(logging.CRITICAL)
        kernels.kill_all()
        wait(futures)  # running jobs end within a second or two of their kernel's death
        client_log.setLevel(level)
        kernels.stopping.clear()
        raise
    finally:
        pool.shutdown(wait=True)
    if failures:
        raise failures[0]

