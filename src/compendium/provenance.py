"""Provenance of every figure and table: the notebook cell that made it, the parameters it ran
with, and the data files and registry rows that cell read (showyourwork does this for papers).

Two halves. In the kernel, :func:`load_ipython_extension` (the pipeline starts every kernel
with ``--ext compendium.provenance``) notes, per executed cell, each file under ``data/`` that
the cell opens (a :func:`sys.addaudithook` ``open`` hook) and each claims-registry row it asks
for (the registry's accessors are wrapped the moment that module is imported, so nothing needs
to be written into the notebooks), and leaves the notes in ``provenance-log.json`` in its working
folder. After execution, :func:`record` turns those notes, keyed by execution count, into
``<notebook>.provenance.json`` beside the executed notebook, keyed by cell index, with the
parameters and the glued figures of each cell. The book's Sphinx extension reads that file.

A data file the process already cached (the registry is loaded once per kernel) is opened
only by the first cell that needs it, so registry files are also attributed to every cell
that reads one of their rows.

Everything in the record is sorted and free of times, so the same parameters give the same
bytes, like the executed notebook itself.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import importlib.abc
import importlib.util
import json
import os
import sys
from pathlib import Path
from typing import Any

LOG_NAME = "provenance-log.json"
SUFFIX = ".provenance.json"
REGISTRY = "compendium.claims.registry"
# Registry accessors and what a call to each one reads.
_ACCESSORS = ("printed_text", "printed_value", "document_claims", "load_registry")


class _Notes:
    """What the cell now running has read; flushed to the log after every cell."""

    def __init__(self, data_root: Path, log: Path):
        self.data_root = data_root
        self.log = log
        self.cells: dict[str, dict[str, set[str]]] = {}
        self.current = {"data": set(), "claims": set()}
        self.depth = 0  # only the outermost accessor call is the cell's own request

    def opened(self, path: Any) -> None:
        if isinstance(path, int):
            return
        path = Path(os.fsdecode(path))
        try:
            relative = Path(os.path.abspath(path)).relative_to(self.data_root)
        except ValueError:
            return
        self.current["data"].add(f"data/{relative.as_posix()}")

    def read_rows(self, accessor: str, args: tuple) -> None:
        if accessor in ("printed_text", "printed_value") and len(args) >= 2:
            document, claim_id = args[:2]
            self.current["claims"].add(str(claim_id))
        elif accessor == "document_claims" and args:
            document = args[0]
            self.current["claims"].add(f"every row of {document}")
        else:
            document = None
            self.current["claims"].add("every row of the registry")
        if document:
            self.current["data"].add(f"data/claims/{document}.yaml")
        else:
            self.current["data"].update(
                f"data/{p.relative_to(self.data_root).as_posix()}"
                for p in sorted((self.data_root / "claims").glob("*.yaml"))
            )

    def flush(self, execution_count: int | None) -> None:
        if execution_count is not None and any(self.current.values()):
            self.cells[str(execution_count)] = {k: sorted(v) for k, v in self.current.items()}
            tmp = self.log.with_suffix(".tmp")
            tmp.write_text(json.dumps(self.cells, sort_keys=True), encoding="utf-8")
            os.replace(tmp, self.log)
        self.current = {"data": set(), "claims": set()}


def _noting(notes: _Notes, name: str, function):
    @functools.wraps(function)
    def noted(*args, **kwargs):
        if notes.depth == 0:
            notes.read_rows(name, args + tuple(kwargs.values()))
        notes.depth += 1
        try:
            return function(*args, **kwargs)
        finally:
            notes.depth -= 1

    return noted


class _WrapRegistryOnImport(importlib.abc.MetaPathFinder):
    """Wrap the registry's accessors as soon as the module has run, before anyone imports them."""

    def __init__(self, notes: _Notes):
        self.notes = notes

    def find_spec(self, name, path, target=None):
        if name != REGISTRY:
            return None
        sys.meta_path.remove(self)
        try:
            spec = importlib.util.find_spec(name)
        finally:
            sys.meta_path.insert(0, self)
        if spec is None or spec.loader is None:
            return spec
        exec_module, notes = spec.loader.exec_module, self.notes

        def exec_and_wrap(module):
            exec_module(module)
            for accessor in _ACCESSORS:
                if hasattr(module, accessor):
                    setattr(module, accessor, _noting(notes, accessor, getattr(module, accessor)))

        spec.loader.exec_module = exec_and_wrap
        return spec


def load_ipython_extension(ipython) -> None:
    """Start noting reads in this kernel (see the module docstring)."""
    from compendium.paths import data_dir

    # Relative: the log goes to the folder the kernel works in when it writes, which for a kernel
    # started ahead of its notebook (compendium.pipeline.kernels) is not the one it started in.
    notes = _Notes(data_dir().resolve(), Path(LOG_NAME))
    sys.addaudithook(lambda event, args: notes.opened(args[0]) if event == "open" and args else None)
    sys.meta_path.insert(0, _WrapRegistryOnImport(notes))
    ipython.events.register("pre_run_cell", lambda info: notes.flush(None))
    ipython.events.register("post_run_cell", lambda result: notes.flush(result.execution_count))


# How myst-nb's glue stores a figure in the cell's outputs.
_GLUED_PNG = "application/papermill.record/image/png"


def record(nb, params: dict[str, Any], label: str, work: Path, name: str) -> Path:
    """Write ``<name>.provenance.json`` into ``work`` from the kernel's log; remove the log."""
    log_path = work / LOG_NAME
    by_count = json.loads(log_path.read_text(encoding="utf-8")) if log_path.exists() else {}
    log_path.unlink(missing_ok=True)
    cells, figures = {}, {}
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        reads = by_count.get(str(cell.get("execution_count")), {"data": [], "claims": []})
        cells[str(index)] = reads
        for output in cell.get("outputs", []):
            key = output.get("metadata", {}).get("scrapbook", {}).get("name")
            png = output.get("data", {}).get(_GLUED_PNG)
            if key and png:
                # myst-nb names the image it writes by this digest: how the page finds the figure's cell.
                figures[hashlib.sha256(base64.b64decode(png)).hexdigest()] = {"key": key, "cell": index}
    target = work / f"{name}{SUFFIX}"
    content = {"notebook": label, "parameters": params, "cells": cells, "figures": figures}
    target.write_text(json.dumps(content, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return target
