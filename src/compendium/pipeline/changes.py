"""What a reader's parameters changed: every glued value of a run that differs from the book's.

`compendium run` ends with this, so a reader sees at once which numbers of the chapter their
parameters moved (old -> new), without opening a page. Values are compared as the notebooks
glued them (before any formatting the prose applies); figures are not compared.
"""

from __future__ import annotations

import ast
import math
from pathlib import Path

import nbformat

from compendium.paths import build_dir
from compendium.pipeline.params import NotebookGroup
from compendium.pipeline.standalone import glued_outputs


def glued_values(notebook: Path) -> dict[str, object]:
    """Every glued value of an executed notebook that is text or a number, by key."""
    values = {}
    for key, data in glued_outputs(nbformat.read(notebook, as_version=4)).items():
        if "text/plain" in data and not any(mime.startswith("image/") for mime in data):
            try:
                values[key] = ast.literal_eval(data["text/plain"])
            except (ValueError, SyntaxError):
                values[key] = data["text/plain"]
    return values


def _same(old, new) -> bool:
    if isinstance(old, float) and isinstance(new, float):
        return old == new or (math.isnan(old) and math.isnan(new))
    return old == new


def _show(value) -> str:
    return f"{value:.6g}" if isinstance(value, float) else str(value)


def changed_values(group: NotebookGroup, run_dir: Path) -> tuple[list[str], int] | None:
    """Lines ``notebook  key: old → new`` and how many values were compared; None when the book's
    own outputs of this chapter have not been built."""
    lines, compared = [], 0
    for name in group.notebooks:
        book = build_dir() / "executed" / group.name / name / f"{name}.ipynb"
        if not book.exists():
            return None
        old, new = glued_values(book), glued_values(run_dir / name / f"{name}.ipynb")
        for key in sorted(old.keys() | new.keys()):
            compared += 1
            before, after = old.get(key, "(absent)"), new.get(key, "(absent)")
            if not _same(before, after):
                lines.append(f"  {name}  {key}: {_show(before)} → {_show(after)}")
    return lines, compared


def changes_against_book(group: NotebookGroup, run_dir: Path) -> str:
    """The text `compendium run` ends with."""
    found = changed_values(group, run_dir)
    if found is None:
        return "nothing to compare with: the book's own outputs are not built yet (make book)"
    lines, compared = found
    if not lines:
        return f"no glued value differs from the book's ({compared} compared)"
    head = f"{len(lines)} of {compared} glued values differ from the book's defaults (old → new):"
    return "\n".join([head, *lines])
