"""A Sphinx extension that keeps the rendered book readable offline and its console clean.

Jupyter Book 1 always loads sphinx-thebe, which registers an inline script declaring
``const THEBE_JS_URL`` (pointing at a CDN) and may register it twice in one build,
so every page threw "Identifier 'THEBE_JS_URL' has already been declared". This book
has no live code cells (execution happens before rendering), so thebe's scripts are
removed from every page. Jupyter Book offers no switch to unload the extension.
"""

from __future__ import annotations


def _is_thebe(script) -> bool:
    filename = getattr(script, "filename", None) or ""
    body = (getattr(script, "attributes", None) or {}).get("body", "")
    return filename.endswith("sphinx-thebe.js") or "thebe" in filename or "THEBE_JS_URL" in body


def _drop_thebe_scripts(app, pagename, templatename, context, doctree) -> None:
    if "script_files" in context:
        context["script_files"] = [s for s in context["script_files"] if not _is_thebe(s)]


def setup(app):
    app.connect("html-page-context", _drop_thebe_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
