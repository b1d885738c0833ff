"""A Sphinx extension for the book: provenance lines, downloads, the execution report, a clean console.

Provenance. For each page made from an executed notebook, the pipeline leaves
``<notebook>.provenance.json`` beside it (see :mod:`compendium.provenance`). Under every
figure and every table the page then says which cell of which notebook made it, with what
parameters, and which data files and registry rows that cell read; the executed notebook is
a download on the page, and each figure is a download as PNG and as SVG. The links are
Sphinx download references, so Sphinx copies the files into ``_downloads/`` itself.

Execution report. The ``{execution-report}`` directive renders the table the build leaves in
``appendix/execution-report.json`` (see :func:`compendium.colophon.execution_report`).

Console. Jupyter Book 1 always loads sphinx-thebe, which registers an inline script declaring
``const THEBE_JS_URL`` (pointing at a CDN) and may register it twice in one build, so every
page threw "Identifier 'THEBE_JS_URL' has already been declared". This book has no live code
cells (execution happens before rendering), so thebe's scripts are removed from every page.
Jupyter Book offers no switch to unload the extension.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from compendium.provenance import SUFFIX

logger = logging.getLogger(__name__)
REPORT_JSON = "appendix/execution-report.json"
# Registry rows named one by one up to this many; past it the line gives the count.
MAX_ROWS_NAMED = 6


def _is_thebe(script) -> bool:
    filename = getattr(script, "filename", None) or ""
    body = (getattr(script, "attributes", None) or {}).get("body", "")
    return filename.endswith("sphinx-thebe.js") or "thebe" in filename or "THEBE_JS_URL" in body


def _drop_thebe_scripts(app, pagename, templatename, context, doctree) -> None:
    if "script_files" in context:
        context["script_files"] = [s for s in context["script_files"] if not _is_thebe(s)]


def _download(docname: str, target: str, text: str, classes: list[str]) -> addnodes.download_reference:
    return addnodes.download_reference(
        "", "", nodes.inline(text, text, classes=classes), refdoc=docname, refdomain="",
        reftype="download", refexplicit=True, reftarget=target,
    )


def _short(value) -> str:
    return f"{value:g}" if isinstance(value, float) else repr(value)


class _Provenance:
    """Builds the provenance line of one cell of one page."""

    def __init__(self, docname: str, record: dict):
        self.docname, self.record = docname, record
        self.notebook = PurePosixPath(docname).name + ".ipynb"

    def line(self, cell: int, figure_key: str | None = None) -> nodes.paragraph:
        reads = self.record["cells"].get(str(cell), {"data": [], "claims": []})
        para = nodes.paragraph(classes=["provenance"])
        para += nodes.Text(f"Made by cell {cell + 1} of ")
        para += _download(self.docname, self.notebook, self.notebook, ["provenance-notebook"])
        params = self.record["parameters"]
        shown = ", ".join(f"{k}={_short(v)}" for k, v in sorted(params.items())) or "none"
        para += nodes.Text(f" ({self.record['notebook']}); parameters: {shown}")
        para += nodes.Text("; data read: " + (", ".join(reads["data"]) or "none"))
        rows = reads["claims"]
        if rows:
            named = ", ".join(rows[:MAX_ROWS_NAMED])
            more = f" and {len(rows) - MAX_ROWS_NAMED} more" if len(rows) > MAX_ROWS_NAMED else ""
            para += nodes.Text(f"; registry rows: {named}{more}")
        para += nodes.Text(".")
        if figure_key:
            para += nodes.Text(" Download: ")
            para += _download(self.docname, f"figures/{figure_key}.png", "PNG", ["figure-download"])
            para += nodes.Text(" ")
            para += _download(self.docname, f"figures/{figure_key}.svg", "SVG", ["figure-download"])
        return para


def _has_table_or_image(container: nodes.Element) -> bool:
    return any(
        isinstance(node, nodes.image) or (isinstance(node, nodes.raw) and "<table" in node.astext())
        for node in container.findall()
    )


class AddProvenance(SphinxTransform):
    """Provenance lines under figures and tables, and the page's notebook download, at read time
    (before Sphinx collects download references, so it copies every linked file)."""

    default_priority = 880

    def apply(self, **kwargs) -> None:
        docname = self.env.docname
        path = Path(self.env.srcdir) / f"{docname}{SUFFIX}"
        if not path.exists():
            return
        self.env.note_dependency(str(path))
        maker = _Provenance(docname, json.loads(path.read_text(encoding="utf-8")))

        for figure in list(self.document.findall(nodes.figure)):
            for image in figure.findall(nodes.image):
                made = maker.record["figures"].get(PurePosixPath(image["uri"]).stem)
                if made:
                    figure.parent.insert(figure.parent.index(figure) + 1, maker.line(made["cell"], made["key"]))
                    break
        for container in list(self.document.findall(nodes.container)):
            if container.get("nb_element") == "cell_code" and _has_table_or_image(container):
                container.parent.insert(container.parent.index(container) + 1, maker.line(container["cell_index"]))

        title = next(self.document.findall(nodes.title), None)
        if title is not None:
            bar = nodes.paragraph(classes=["page-downloads"])
            bar += nodes.Text("Download this page's executed notebook: ")
            bar += _download(docname, maker.notebook, maker.notebook, ["notebook-download"])
            title.parent.insert(title.parent.index(title) + 1, bar)
        self._register_downloads()

    def _register_downloads(self) -> None:
        # What Sphinx's download collector does on doctree-read; done here because on notebook
        # pages this transform runs too late for it, and the links would render as bare text.
        for node in self.document.findall(addnodes.download_reference):
            if "filename" not in node:
                relative, absolute = self.env.relfn2path(node["reftarget"], self.env.docname)
                self.env.note_dependency(relative)
                if not Path(absolute).is_file():
                    logger.warning("provenance: download file missing: %s", relative, location=node)
                    continue
                node["filename"] = self.env.dlfiles.add_file(self.env.docname, relative)


def _table(headers: list[str], rows: list[list[str]], classes: list[str]) -> nodes.table:
    table = nodes.table(classes=classes)
    group = nodes.tgroup(cols=len(headers))
    table += group
    group.extend(nodes.colspec(colwidth=1) for _ in headers)

    def row(cells: list[str]) -> nodes.row:
        out = nodes.row()
        for text in cells:
            out += nodes.entry("", nodes.paragraph(text=str(text)))
        return out

    group += nodes.thead("", row(headers))
    group += nodes.tbody("", *(row(r) for r in rows))
    return table


class ExecutionReport(SphinxDirective):
    """The execution report table: every notebook of the book, and the environment once."""

    def run(self) -> list[nodes.Node]:
        path = Path(self.env.srcdir) / REPORT_JSON
        self.env.note_dependency(str(path))
        if not path.exists():
            return [nodes.paragraph(text="No execution report: this book was rendered without the compendium pipeline.")]
        report = json.loads(path.read_text(encoding="utf-8"))
        env = report["environment"]
        facts = nodes.bullet_list()
        for label, value in (("Python", env["python"]), ("requirements.lock sha256", env["lock_sha256"])):
            facts += nodes.list_item("", nodes.paragraph("", "", nodes.strong(text=f"{label}: "), nodes.literal(text=value)))
        notebooks = _table(
            ["notebook", "cache key", "executed (UTC)", "run time", "cached"],
            [[n["notebook"], n["cache_key"][:12], n["executed_at"].replace("T", " ").removesuffix("+00:00"),
              f"{n['seconds']:.1f}\u00a0s",
              "yes" if n["cached"] else "no"] for n in report["notebooks"]],
            ["execution-report"],
        )
        packages = _table(["package", "version"], [[p["package"], p["version"]] for p in env["packages"]],
                          ["execution-packages"])
        return [notebooks, nodes.rubric(text="Environment"), facts,
                nodes.paragraph(text="Versions of the packages the book depends on directly:"), packages]


def setup(app):
    app.connect("html-page-context", _drop_thebe_scripts, priority=900)
    app.add_transform(AddProvenance)
    app.add_directive("execution-report", ExecutionReport)
    app.add_css_file("provenance.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
