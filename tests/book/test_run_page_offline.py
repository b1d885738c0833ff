"""Issue 16, item 9: a standalone `compendium run` page reads offline, like the book."""

import functools
import http.server
import threading

import pytest

from compendium.pipeline.params import find_group
from compendium.pipeline.runs import run_chapter

from .test_book_browser import browser  # noqa: F401  (the shared headless Chromium fixture)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_run_page_loads_nothing_from_outside(mini_project, browser):  # noqa: F811
    run_dir = run_chapter(find_group("demo"), ["scale=2"])
    page_file = run_dir / "main" / "main.html"
    assert "cdnjs" not in page_file.read_text()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(run_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    page = browser.new_page()
    problems = []
    # Chromium asks every server for /favicon.ico; the run folder has none, and needs none.
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("request", lambda req: problems.append(f"external request: {req.url}")
            if not req.url.startswith((base, "data:", "blob:", "about:")) else None)
    try:
        assert page.goto(base + "main/main.html", wait_until="load").ok
        page.wait_for_timeout(500)
        images = page.evaluate("Array.from(document.images).map(i => i.complete && i.naturalWidth > 0)")
        text = page.inner_text("body")
    finally:
        page.close()
        server.shutdown()
    assert images and all(images)
    assert "Non-default run" in text and "Four seeded draws." in text
    assert not problems, "\n".join(problems)
