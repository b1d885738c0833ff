"""The ledger table's script in headless Chromium, from a file:// page with no network:
filtering, sorting both ways, no console errors."""

import shutil
from pathlib import Path

import pandas as pd
import pytest

from compendium.claims.ledger import COLUMNS, ledger_table_html
from compendium.paths import project_root

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ROWS = [
    ["huang-b", "huang2021-liver-petmr", "Table 1", "Sensitivity", "74.9%", "74.860%", "reproduced", "ok", "f.yaml:1"],
    ["huang-a", "huang2021-liver-petmr", "Text", "P value", "0.368", "0.15730", "inconsistent", "2 df", "f.yaml:2"],
    ["psma-c", "ucla-psma-pet", "Text", "Deaths", ">33,000", "33,330", "reproduced", "ok", "f.yaml:3"],
]


@pytest.fixture
def page(tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    static = project_root() / "_static"
    html = tmp_path / "table.html"
    html.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<link rel='stylesheet' href='{(static / 'ledger-table.css').as_uri()}'>"
        f"<script src='{(static / 'ledger-table.js').as_uri()}'></script></head><body>"
        + ledger_table_html(pd.DataFrame(ROWS, columns=COLUMNS)) + "</body></html>",
        encoding="utf-8",
    )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        tab = browser.new_page()
        errors = []
        tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        tab.route("http*://**", lambda route: (errors.append(f"request {route.request.url}"), route.abort()))
        tab.goto(html.as_uri())
        yield tab
        assert errors == []
        browser.close()


def ids(page):
    return page.eval_on_selector_all("table.ledger-table tbody tr:not([hidden]) td:first-child a.claim-link",
                                     "cells => cells.map(c => c.textContent)")


def test_filter_and_sort(page):
    assert page.is_visible("input.ledger-search")
    assert page.inner_text(".ledger-shown") == "showing 3 of 3 claims"
    page.fill("input.ledger-search", "huang REPRODUCED")
    assert ids(page) == ["huang-b"]
    assert page.inner_text(".ledger-shown") == "showing 1 of 3 claims"
    page.fill("input.ledger-search", "")
    page.click("th:nth-child(1) button.ledger-sort")
    assert ids(page) == ["huang-a", "huang-b", "psma-c"]
    assert page.get_attribute("th:nth-child(1)", "aria-sort") == "ascending"
    page.click("th:nth-child(1) button.ledger-sort")
    assert ids(page) == ["psma-c", "huang-b", "huang-a"]
    page.click("th:nth-child(7) button.ledger-sort")  # verdict; ties keep registry order
    assert ids(page) == ["huang-a", "huang-b", "psma-c"]
    assert page.get_attribute("th:nth-child(1)", "aria-sort") is None
