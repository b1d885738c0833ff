"""Build the book, then read every page of it in headless Chromium as a reader would.

Checks: no console errors, no request leaving the local server (the book must read
offline), every internal link resolves (file and anchor), every image
loads, no unresolved glue, citation or cross-reference text. Every figure and table carries
a provenance line whose links resolve, and every download the pages offer (executed
notebooks, figures as PNG and SVG) is served and non-empty; the execution report lists every
notebook. A screenshot of the landing page is kept in ``_build/test-output/``.
"""

import functools
import re
import http.server
import shutil
import threading
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest

from compendium.paths import build_dir
from compendium.pipeline.build import build, executed_dir
from compendium.pipeline.params import all_groups

from .test_book_sources import ROOT, toc_files

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
UNRESOLVED = ("{glue", "{cite}", "{doc}", "{ref}", "{download}", "Unknown glue", "??")


@pytest.fixture(scope="module")
def site():
    html = build()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield html, f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is needed: apt-get update && apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield instance
        instance.close()


def _target_exists(html: Path, base: str, page_url: str, href: str, page) -> str | None:
    url = urlparse(urljoin(page_url, href))
    if not url.geturl().startswith(base):
        return None  # external links are not followed (no network)
    path = html / unquote(url.path[len(urlparse(base).path):])
    if path.is_dir():
        path = path / "index.html"
    if not path.exists():
        return f"{href} -> missing file {path.relative_to(html)}"
    if url.fragment and path.suffix == ".html":
        text = path.read_text(encoding="utf-8")
        if f'id="{url.fragment}"' not in text:
            return f"{href} -> no anchor #{url.fragment}"
    return None


@pytest.mark.parametrize("page_file", toc_files())
def test_page_reads_cleanly(site, browser, page_file):
    html, base = site
    page = browser.new_page()
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    # The book must read offline: any request beyond this server is an asset it would miss.
    page.on("request", lambda req: problems.append(f"external request: {req.url}")
            if not req.url.startswith((base, "data:", "blob:", "about:")) else None)
    url = urljoin(base, f"{page_file}.html")
    response = page.goto(url, wait_until="load")
    assert response is not None and response.ok, f"{url} answered {response and response.status}"

    broken_images = page.evaluate(
        "Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
    )
    hrefs = page.evaluate("Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'))")
    body_text = page.inner_text("article") if page.query_selector("article") else page.inner_text("body")
    if page_file == toc_files()[0]:
        out = build_dir() / "test-output"
        out.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out / "landing-page.png"), full_page=True)
    page.close()

    problems += [f"image did not load: {src}" for src in broken_images]
    problems += [f"broken link: {p}" for href in hrefs
                 if not href.startswith(("mailto:", "javascript:"))
                 for p in [_target_exists(html, base, url, href, page)] if p]
    problems += [f"unresolved text {marker!r}" for marker in UNRESOLVED if marker in body_text]
    assert not problems, "\n".join(problems)


# Each figure (a glued figure or an image among a cell's outputs) and each table among a cell's
# outputs, with the provenance line that follows it; the table of the execution report is the
# page's own and has none.
_PROVENANCE = """() => {
  const line = (el) => {
    let next = el.closest('.cell') || el.closest('figure') || el;
    next = next.nextElementSibling;
    return next && next.matches('p.provenance') ? next.innerText : null;
  };
  const items = [];
  document.querySelectorAll('article figure').forEach(f => items.push({what: 'figure', line: line(f),
    downloads: Array.from((f.nextElementSibling || f).querySelectorAll('a.download')).map(a => a.textContent)}));
  document.querySelectorAll('article .cell_output table').forEach(t => items.push({what: 'table', line: line(t)}));
  return items;
}"""


@pytest.mark.parametrize("page_file", toc_files())
def test_figures_and_tables_carry_provenance_and_downloads_are_served(site, browser, page_file):
    html, base = site
    page = browser.new_page()
    page.goto(urljoin(base, f"{page_file}.html"), wait_until="load")
    items = page.evaluate(_PROVENANCE)
    downloads = page.evaluate("Array.from(document.querySelectorAll('article a.download')).map(a => a.href)")
    sizes = {url: len(page.request.get(url).body()) for url in set(downloads)}
    page.close()

    missing = [item["what"] for item in items if not item["line"]]
    assert not missing, f"{page_file}: {len(missing)} of {len(items)} figures/tables lack a provenance line"
    for item in items:
        assert "Made by cell" in item["line"] and "parameters:" in item["line"], item["line"]
        if item["what"] == "figure":
            assert item["downloads"][-2:] == ["PNG", "SVG"], item
    assert all(sizes.values()), f"empty downloads: {[u for u, n in sizes.items() if not n]}"
    if page_file in notebook_pages():  # every executed notebook can be downloaded from its page
        name = page_file.rsplit("/", 1)[-1]
        notebooks = [u for u in downloads if u.endswith(f"/{name}.ipynb")]
        assert notebooks and sizes[notebooks[0]] > 0, f"{page_file}: no download of {name}.ipynb"


def notebook_pages() -> set[str]:
    return {spec.source.relative_to(ROOT).with_suffix("").as_posix()
            for group in all_groups(ROOT).values() for spec in group.notebooks.values()}


def test_execution_report_lists_every_notebook_with_its_cache_key(site, browser):
    html, base = site
    page = browser.new_page()
    page.goto(urljoin(base, "appendix/execution.html"), wait_until="load")
    rows = page.evaluate(
        "Array.from(document.querySelectorAll('table.execution-report tbody tr'))"
        ".map(r => Array.from(r.cells).map(c => c.innerText.trim()))"
    )
    text = page.inner_text("article")
    page.close()
    specs = [spec for group in all_groups().values() for spec in group.notebooks.values()]
    assert sorted(r[0] for r in rows) == sorted(spec.label for spec in specs)
    keys = {spec.label: (executed_dir(spec) / "cache-key").read_text().strip() for spec in specs}
    assert all(keys[r[0]].startswith(r[1]) and r[4] in ("yes", "no") and re.fullmatch(r"\d+\.\d\ss", r[3]) for r in rows)
    assert "requirements.lock sha256" in text and "Python" in text and "jupyter-book" in text
