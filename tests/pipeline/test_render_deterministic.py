"""Issue 16, item 10: an incremental render gives the same bytes as a cold one."""

import shutil

import pytest

from compendium.pipeline import build

pytestmark = pytest.mark.slow


def html_bytes(root):
    html = root / "_build" / "html"
    return {p.relative_to(html).as_posix(): p.read_bytes() for p in sorted(html.rglob("*")) if p.is_file()}


def test_incremental_render_is_byte_identical_to_a_cold_one(mini_book):
    build.build()
    (mini_book / "methods.md").write_text("# Methods\n\nHow, in more words.\n")
    build.build()  # re-renders methods (and the pages that list it) over the previous render
    incremental = html_bytes(mini_book)
    assert b"in more words" in incremental["methods.html"]
    shutil.rmtree(mini_book / "_build" / "render")
    shutil.rmtree(mini_book / "_build" / "html")
    build.build()
    cold = html_bytes(mini_book)
    assert sorted(cold) == sorted(incremental)
    assert [name for name in cold if cold[name] != incremental[name]] == []
