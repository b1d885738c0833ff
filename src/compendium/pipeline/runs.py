"""`compendium run`: execute one chapter with a reader's own parameters, apart from the book.

Outputs go to ``_build/runs/<chapter>/<short hash>/`` (the hash is of the cache keys,
so the same parameters land in the same folder): ``params.json``, and per notebook a
folder with the executed notebook, a standalone HTML page of it and ``figures/``. When
any parameter differs from its default, the first cell of every notebook is a banner
listing those differences, so a page can never be mistaken for the book's own.

:func:`run_params` is the reusable unit (``compendium sweep`` runs one per grid point):
given validated parameters it produces the run folder, reusing complete notebooks,
safely when several processes ask for the same folder at once.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from compendium.paths import build_dir
from compendium.pipeline import cache, execute, files
from compendium.pipeline.params import NotebookGroup, read_params_file, resolve


def banner(group: NotebookGroup, params: dict[str, Any]) -> str | None:
    specs = group.param_specs()
    changed = {name: value for name, value in params.items() if value != specs[name].default}
    if not changed:
        return None
    rows = "\n".join(f"| `{name}` | `{specs[name].default!r}` | `{value!r}` |" for name, value in changed.items())
    return (
        '<div class="non-default-run" style="border:2px solid #b03a2e;background:#fdedec;padding:0.6em">'
        "<strong>Non-default run.</strong> These results were computed with parameters that differ "
        "from the published book's defaults.</div>\n\n"
        "| parameter | default | this run |\n|---|---|---|\n" + rows
    )


def run_plan(group: NotebookGroup, params: dict[str, Any], shared: str | None = None) -> tuple[Path, dict[str, str]]:
    """The run folder for these (validated) parameters, and each notebook's cache key."""
    shared = shared or cache.shared_inputs_digest()
    keys = {name: cache.notebook_key(spec, params, shared) for name, spec in group.notebooks.items()}
    run_id = hashlib.sha256("".join(sorted(keys.values())).encode()).hexdigest()[:12]
    return build_dir() / "runs" / group.name / run_id, keys


def run_params(group: NotebookGroup, params: dict[str, Any], shared: str | None = None,
               keep_spare_kernel: bool = False) -> Path:
    """Execute every notebook of ``group`` with ``params`` (already validated by :func:`resolve`).

    Returns ``_build/runs/<group>/<hash>/``. Notebooks whose complete output is already
    there are not re-run; each notebook folder is written atomically under its own lock,
    so two processes (or Dask workers) asking for the same run share one execution.
    ``shared`` is :func:`cache.shared_inputs_digest`, and ``keep_spare_kernel`` keeps the next
    run's kernel started (:mod:`compendium.pipeline.kernels`), both for a caller running many.
    """
    run_dir, keys = run_plan(group, params, shared)
    # First: the folder always says which parameters made it, even if interrupted later.
    files.atomic_write(run_dir / "params.json", (json.dumps(params, indent=2, sort_keys=True) + "\n").encode())
    text = banner(group, params)
    # execute() keeps a notebook whose complete output is there (checked under its folder's lock).
    execute.execute_all(
        [dict(spec=spec, params=params, out_dir=run_dir / name, key=keys[name], banner=text, standalone_html=True,
              keep_spare_kernel=keep_spare_kernel)
         for name, spec in group.notebooks.items()]
    )
    return run_dir


def run_chapter(group: NotebookGroup, pairs: list[str] | None = None, params_file: Path | None = None) -> Path:
    """Validate the overrides (``name=value`` pairs over a params file), then :func:`run_params`."""
    file_values = read_params_file(params_file) if params_file else None
    return run_params(group, resolve(group, pairs, file_values))

