"""A standalone HTML page of an executed notebook, with myst-nb glue resolved.

The book's renderer (myst-nb) pastes glued values into prose and places glued
figures; nbconvert knows nothing of glue. So for `compendium run` pages, glued
outputs are turned back into ordinary outputs, ``{glue:text}`key:fmt``` roles are
replaced by their formatted values, and ``{glue:figure}`` blocks by the figure and
its caption. (myst-nb offers no such export of its own.)

The page must read offline, like the book: nbconvert's lab template loads require.js,
MathJax and Mermaid from a CDN, so all three are left out (the book's pages use no TeX
math, widgets or diagrams; a formula would show as its TeX source).
"""

from __future__ import annotations

import ast
import copy
import functools
import re

import jinja2
import nbformat
from nbconvert import HTMLExporter

_PREFIX = "application/papermill.record/"
_ROLE = re.compile(r"\{glue(?::text|:|)\}`([^`:]+)(?::([^`]*))?`")
_FIGURE = re.compile(r"```\{glue:figure\}\s*(\S+)\n(?::[^\n]*\n)*(.*?)```", re.DOTALL)


def glued_outputs(nb: nbformat.NotebookNode) -> dict[str, dict]:
    found = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            if name:
                found[name] = {k[len(_PREFIX):]: v for k, v in output.get("data", {}).items()}
    return found


def _format(plain: str, spec: str | None) -> str:
    if not spec:
        return plain
    try:
        return format(ast.literal_eval(plain), spec)
    except (ValueError, SyntaxError, TypeError):
        return plain


def _paste(text: str, glued: dict[str, dict]) -> str:
    def role(match: re.Match) -> str:
        data = glued.get(match.group(1))
        return _format(data["text/plain"], match.group(2)) if data and "text/plain" in data else match.group(0)

    def figure(match: re.Match) -> str:
        data = glued.get(match.group(1), {})
        image = f"![{match.group(1)}](data:image/png;base64,{data['image/png']})\n\n" if "image/png" in data else ""
        return f"{image}*{match.group(2).strip()}*"

    return _ROLE.sub(role, _FIGURE.sub(figure, text))


_OFFLINE_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""


@functools.lru_cache(maxsize=1)
def _exporter() -> HTMLExporter:
    # Compiling the templates costs about a third of a second per exporter: make one.
    return HTMLExporter(
        extra_loaders=[jinja2.DictLoader({"compendium-offline.html.j2": _OFFLINE_TEMPLATE})],
        template_file="compendium-offline.html.j2",
    )


def to_html(nb: nbformat.NotebookNode) -> str:
    page = copy.deepcopy(nb)
    glued = glued_outputs(page)
    for cell in page.cells:
        if cell.cell_type == "markdown":
            cell.source = _paste(cell.source, glued)
        else:
            # Glued outputs are pasted where the prose asks for them, not under the code.
            cell.outputs = [o for o in cell.get("outputs", []) if "scrapbook" not in o.get("metadata", {})]
    body, _ = _exporter().from_notebook_node(page)
    return body
