"""The PDF edition: the whole book as one page (Sphinx's ``singlehtml`` builder), printed by the
headless Chromium the browser test already uses.

This is what Jupyter Book's own ``pdfhtml`` builder does, except that it fetches a Chromium
build of its own (pyppeteer), which cannot be installed here; Playwright drives Debian's
``chromium`` instead. Figures, tables and the ledger are in the printed page like any other
content. The PDF is written beside itself and renamed into place, so an interrupted print never
leaves a half-written ``book.pdf``; it is printed again only when the stage changed.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import yaml

from compendium.errors import CompendiumError
from compendium.paths import build_dir

CHROMIUM_HINT = "apt-get install -y chromium"


def chromium() -> str:
    path = shutil.which("chromium")
    if not path:
        raise CompendiumError(f"the PDF edition is printed by Debian's chromium, which is missing: {CHROMIUM_HINT}")
    return path


def print_to_pdf(page: Path, target: Path) -> None:
    from playwright.sync_api import sync_playwright

    partial = target.with_name(f".{target.name}.partial")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=["--no-sandbox", "--disable-gpu"])
        try:
            tab = browser.new_page()
            tab.goto(page.resolve().as_uri(), wait_until="load")
            tab.pdf(path=str(partial), format="A4", print_background=True,
                    margin={"top": "15mm", "bottom": "15mm", "left": "12mm", "right": "12mm"})
        finally:
            browser.close()
    partial.replace(target)


def build_pdf(staged: Path, digest: str) -> Path:
    """``_build/pdf/book.pdf`` from the stage; ``digest`` identifies the stage it was printed from."""
    from compendium.pipeline.build import jupyter_book, made_from

    target = build_dir() / "pdf" / "book.pdf"
    stamp = target.with_name(".stage-digest")
    if made_from(target, stamp, digest):
        return target
    chromium()  # fail before the long singlehtml build
    print("rendering the PDF edition (jupyter-book build --builder singlehtml, then Chromium)", file=sys.stderr)
    single = jupyter_book(staged, build_dir() / "render-pdf", builder="singlehtml")
    target.parent.mkdir(parents=True, exist_ok=True)
    # Jupyter Book's index.html only redirects to the root page, which holds the whole book.
    root = yaml.safe_load((staged / "_toc.yml").read_text(encoding="utf-8"))["root"]
    print_to_pdf(single / f"{root}.html", target)
    stamp.write_text(digest)
    return target
