"""Execute one notebook with papermill into an output folder, atomically and deterministically.

The notebook runs in a temporary sibling folder (its working directory, where its
figures land); only when every cell has succeeded is that folder renamed over the
previous output, so a failing run never destroys a good one. Execution metadata
(timestamps, durations, random cell ids) is stripped so that the same parameters
give the same bytes.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import jupytext
import nbformat
import papermill
from papermill.exceptions import PapermillExecutionError

from compendium.errors import CompendiumError
from compendium.paths import project_root
from compendium.pipeline import standalone
from compendium.pipeline.params import NotebookSpec, parameters_cell_source

KEY_FILE = "cache-key"
# Notebooks executed at once; the machines this book is built on have two cores.
PARALLEL_KERNELS = 2
PARAMS_FILE = "params.json"
# Written only when COMPENDIUM_TIMING is set (benchmarks/build.py): cell seconds as papermill measured them.
TIMING_FILE = "timing.json"


def load_source(spec: NotebookSpec) -> nbformat.NotebookNode:
    """Read the MyST notebook and check its parameters cell against params.yaml."""
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


def execute(
    spec: NotebookSpec,
    params: dict[str, Any],
    out_dir: Path,
    key: str,
    banner: str | None = None,
    standalone_html: bool = False,
) -> Path:
    """Run ``spec`` with ``params`` (the notebook's own subset is used) into ``out_dir``.

    Returns the executed notebook's path. Raises :class:`CompendiumError` naming the
    notebook and cell when a cell fails; ``out_dir`` is then left as it was.
    """
    nb = normalise(load_source(spec))
    own = {name: params[name] for name in spec.params}
    overrides = {k: v for k, v in own.items() if v != spec.params[k].default}
    if banner:
        nb.cells.insert(0, nbformat.v4.new_markdown_cell(banner))
        nb = normalise(nb)

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    work = out_dir.parent / f".{out_dir.name}.partial"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    target = work / f"{spec.name}.ipynb"
    os.environ.setdefault("COMPENDIUM_ROOT", str(project_root()))
    os.environ["PYTHONHASHSEED"] = "0"
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    try:
        papermill.execute_notebook(
            nb,
            str(target),
            parameters=overrides,
            kernel_name="python3",
            # The kernel's working directory, set per client: papermill's cwd= would chdir the
            # whole process, which races when two notebooks start at once.
            resources={"metadata": {"path": str(work)}},
            progress_bar=False,
            log_output=False,
        )
    except PapermillExecutionError as exc:
        shutil.rmtree(work, ignore_errors=True)
        raise CompendiumError(
            f"{spec.label}: cell {exc.cell_index} failed: {exc.ename}: {exc.evalue}"
        ) from None
    except Exception as exc:  # kernel died, could not start, …: still one line, old output kept
        shutil.rmtree(work, ignore_errors=True)
        raise CompendiumError(f"{spec.label}: execution failed: {exc.__class__.__name__}: {exc}") from None

    executed = nbformat.read(target, as_version=4)
    if os.environ.get("COMPENDIUM_TIMING"):
        seconds = sum(c.metadata.get("papermill", {}).get("duration") or 0 for c in executed.cells)
        (work / TIMING_FILE).write_text(json.dumps({"seconds": seconds}) + "\n", encoding="utf-8")
    executed = normalise(executed)
    nbformat.write(executed, target)
    if standalone_html:
        target.with_suffix(".html").write_text(standalone.to_html(executed), encoding="utf-8")
    (work / PARAMS_FILE).write_text(json.dumps(own, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    (work / KEY_FILE).write_text(key + "\n", encoding="utf-8")
    _swap_into_place(work, out_dir)
    return out_dir / target.name


def execute_all(jobs: list[dict], progress=None) -> None:
    """Run several :func:`execute` jobs, two at a time (each is a kernel process of its own).

    Every job runs even if another fails; then the first failure is raised, so each
    notebook that could be executed keeps its new output and each failed one its old.
    """
    failures = []
    with ThreadPoolExecutor(max_workers=PARALLEL_KERNELS) as pool:
        futures = [pool.submit(execute, **job) for job in jobs]
        for future in futures:
            try:
                future.result()
            except CompendiumError as exc:
                failures.append(exc)
            if progress is not None:
                progress.update()
    if failures:
        raise failures[0]


def _swap_into_place(new: Path, out_dir: Path) -> None:
    old = out_dir.parent / f".{out_dir.name}.old"
    shutil.rmtree(old, ignore_errors=True)
    if out_dir.exists():
        out_dir.rename(old)
    new.rename(out_dir)
    shutil.rmtree(old, ignore_errors=True)


def stored_key(out_dir: Path) -> str | None:
    path = out_dir / KEY_FILE
    return path.read_text(encoding="utf-8").strip() if path.exists() else None
