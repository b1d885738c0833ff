"""The PDF edition holds the whole book: every page's title and the ledger's claims, read back
from the PDF with pdftotext (Debian's poppler-utils)."""

import csv
import re
import shutil
import subprocess

import pytest

from compendium.paths import build_dir
from compendium.pipeline.build import build

from .test_book_sources import ROOT, toc_files

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def page_title(page_file: str) -> str:
    text = (ROOT / f"{page_file}.md").read_text(encoding="utf-8")
    return re.search(r"^# (.+)$", text, re.MULTILINE).group(1).strip()


def words(text: str) -> str:
    return " ".join(text.replace("\u00ad", "").split())


def test_pdf_holds_every_page_title_and_the_ledger_claim_ids():
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext is needed: apt-get install -y poppler-utils")
    build(pdf=True)
    pdf = build_dir() / "pdf" / "book.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    raw = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    text = words(raw)
    missing = [page for page in toc_files() if words(page_title(page)) not in text]
    assert not missing, f"titles missing from the PDF: {[page_title(p) for p in missing]}"
    # Every page of the book after the first starts a new sheet (pdftotext ends each with a form feed).
    sheet_starts = [words(sheet)[:300] for sheet in raw.split("\f")]
    late = [page_title(p) for p in toc_files()[1:]
            if not any(start.startswith(words(page_title(p))) for start in sheet_starts)]
    assert not late, f"pages that do not start a sheet of their own: {late}"
    with open(build_dir() / "ledger" / "claims.csv", encoding="utf-8") as handle:
        ids = [row["claim_id"] for row in csv.DictReader(handle)]
    assert ids[0] in text and ids[-1] in text
