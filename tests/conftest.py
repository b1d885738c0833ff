"""Shared fixtures: a miniature compendium in a temporary folder, for pipeline tests."""

import textwrap
from pathlib import Path

import pytest

from compendium.pipeline import manifest

DEMO_PARAMS = """
notebooks:
  main:
    title: Demo
    parameters:
      seed: {type: int, default: 1, min: 0, description: Seed of the draws.}
      scale: {type: float, default: 1.0, min: 0, max: 10, description: Multiplier.}
      method: {type: str, default: a, choices: [a, b], description: A choice.}
      fail: {type: bool, default: false, description: Raise in the third cell.}
      sizes: {type: "list[int]", default: [1, 2], min: 1, max_items: 4, description: Sizes.}
"""

DEMO_NOTEBOOK = """
---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# Demo

```{code-cell} ipython3
:tags: [parameters]

# Defaults from demo/params.yaml; `compendium run` overrides them.
seed = 1
scale = 1.0
method = 'a'
fail = False
sizes = [1, 2]
```

```{code-cell} ipython3
import numpy as np
import matplotlib.pyplot as plt
from compendium.report import glue_values, publish

draws = np.random.default_rng(seed).normal(size=4) * scale
fig, ax = plt.subplots()
ax.plot(draws)
publish(fig, "demo-draws")
print(draws.round(6), method, sizes)
glue_values({"demo-first": float(draws[0])})
```

The first draw is {glue:text}`demo-first:.3f`.

```{glue:figure} demo-draws
:name: fig-demo-draws

Four seeded draws.
```

```{code-cell} ipython3
import pandas as pd

pd.DataFrame({"draw": draws}).style.format("{:.3f}")
```

```{code-cell} ipython3
if fail:
    raise RuntimeError("asked to fail")
```
"""


@pytest.fixture
def mini_project(tmp_path: Path, monkeypatch) -> Path:
    """A project root with one chapter 'demo', a data file with its manifest, src/ and a lock."""
    root = tmp_path / "project"
    (root / "chapters" / "demo").mkdir(parents=True)
    (root / "chapters" / "demo" / "params.yaml").write_text(textwrap.dedent(DEMO_PARAMS))
    (root / "chapters" / "demo" / "main.md").write_text(DEMO_NOTEBOOK.lstrip())
    (root / "src").mkdir()
    (root / "src" / "module.py").write_text("VALUE = 1\n")
    (root / "data").mkdir()
    (root / "data" / "table.csv").write_text("a,b\n1,2\n")
    (root / "data" / "references.bib").write_text("@misc{demo2026, title = {Demo}, year = {2026}}\n")
    (root / "data" / "claims").mkdir()
    (root / "requirements.lock").write_text("numpy==1.0\n")
    monkeypatch.setenv("COMPENDIUM_ROOT", str(root))
    manifest.write(root / "data")
    return root


MINI_BOOK_FILES = {
    "_config.yml": """
        title: Mini book
        author: Tests
        only_build_toc_files: true
        execute:
          execute_notebooks: "off"
        bibtex_bibfiles:
          - data/references.bib
        sphinx:
          config:
            suppress_warnings: ["mystnb.unknown_mime_type"]
        """,
    "_toc.yml": """
        format: jb-book
        root: intro
        chapters:
          - file: methods
          - file: reproduce
          - file: cite
          - file: chapters/demo/main
        """,
    "intro.md": "# Mini book\n\nAn introduction.\n",
    "methods.md": "# Methods\n\nHow.\n",
    "reproduce.md": "# Reproduce\n\nAgain.\n",
    "cite.md": "# Cite\n\nThis.\n",
    "_static/extra.css": "body { margin: 0; }\n",
}


@pytest.fixture
def mini_book(mini_project: Path) -> Path:
    """The miniature project plus the book files, so that `compendium build` renders it (a few seconds)."""
    for name, text in MINI_BOOK_FILES.items():
        path = mini_project / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip())
    return mini_project
