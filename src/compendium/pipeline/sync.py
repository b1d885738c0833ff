"""Regenerate each notebook's papermill ``parameters`` cell from its params.yaml.

Works on the MyST text directly (not through jupytext) so the rest of the file,
including its formatting, is left byte-for-byte alone.
"""

from __future__ import annotations

import re
from pathlib import Path

from compendium.errors import CompendiumError
from compendium.pipeline.params import all_groups, parameters_cell_source

_CELL = re.compile(
    r"(```\{code-cell\}[^\n]*\n:tags: \[parameters\]\n\n?)(.*?)(\n```)", re.DOTALL
)


def sync_parameter_cells() -> list[Path]:
    changed = []
    for group in all_groups().values():
        for spec in group.notebooks.values():
            text = spec.source.read_text(encoding="utf-8")
            matches = list(_CELL.finditer(text))
            if len(matches) != 1:
                raise CompendiumError(
                    f"{spec.source}: needs exactly one code cell whose first line is ':tags: [parameters]'"
                )
            m = matches[0]
            new = text[: m.start(2)] + parameters_cell_source(spec) + text[m.end(2):]
            if new != text:
                spec.source.write_text(new, encoding="utf-8")
                changed.append(spec.source)
    return changed
