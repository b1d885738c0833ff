"""`compendium run`: execute one chapter with a reader's own parameters, apart from the book.

Outputs go to ``_build/runs/<chapter>/<short hash>/`` (the hash is of the cache key,
so the same parameters land in the same folder): each executed notebook, a
standalone HTML page of it, ``params.json`` and ``figures/``. When any parameter
differs from its default, the first cell of every notebook is a banner listing those
differences, so a page can never be mistaken for the book's own.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from compendium.paths import build_dir
from compendium.pipeline import cache, execute
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


def run_chapter(group: NotebookGroup, pairs: list[str] | None = None, params_file: Path | None = None) -> Path:
    """Validate the overrides, execute every notebook of ``group``, return the run folder."""
    file_values = read_params_file(params_file) if params_file else None
    params = resolve(group, pairs, file_values)
    shared = cache.shared_inputs_digest()
    keys = {name: cache.notebook_key(spec, params, shared) for name, spec in group.notebooks.items()}
    run_id = hashlib.sha256("".join(sorted(keys.values())).encode()).hexdigest()[:12]
    run_dir = build_dir() / "runs" / group.name / run_id
    text = banner(group, params)
    stale = [(spec, run_dir / name, keys[name]) for name, spec in group.notebooks.items()
             if execute.stored_key(run_dir / name) != keys[name]]
    execute.execute_all(
        [dict(spec=spec, params=params, out_dir=out, key=key, banner=text, standalone_html=True)
         for spec, out, key in stale]
    )
    (run_dir / "params.json").write_text(json.dumps(params, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return run_dir

