"""Regenerate each notebook's papermill ``parameters`` cell from its params.yaml.

Works on the MyST text line by line (not through jupytext) so the rest of the file,
including its formatting, is left byte-for-byte alone. The cell is the
``{code-cell}`` whose first option line is ``:tags: [parameters]``; its body runs to
the next line that is a bare closing fence, so an empty cell is handled too.
"""

from __future__ import annotations

from pathlib import Path

from compendium.errors import CompendiumError
from compendium.pipeline.params import NotebookSpec, all_groups, parameters_cell_source


def synced_text(spec: NotebookSpec, text: str) -> str:
    lines = text.split("\n")
    starts = [
        i for i in range(len(lines) - 1)
        if lines[i].startswith("```{code-cell}") and lines[i + 1].strip() == ":tags: [parameters]"
    ]
    if len(starts) != 1:
        raise CompendiumError(f"{spec.source}: needs exactly one code cell whose first line is ':tags: [parameters]'")
    body_start = starts[0] + 2
    try:
        end = next(i for i in range(body_start, len(lines)) if lines[i].strip() == "```")
    except StopIteration:
        raise CompendiumError(f"{spec.source}: the parameters cell has no closing fence") from None
    return "\n".join(lines[:body_start] + ["", parameters_cell_source(spec)] + lines[end:])


def sync_parameter_cells() -> list[Path]:
    changed = []
    for group in all_groups().values():
        for spec in group.notebooks.values():
            text = spec.source.read_text(encoding="utf-8")
            new = synced_text(spec, text)
            if new != text:
                spec.source.write_text(new, encoding="utf-8")
                changed.append(spec.source)
    return changed
