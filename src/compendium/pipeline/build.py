"""Build the book: execute stale notebooks, stage the sources with their outputs, render.

Layout under ``_build/``::

    executed/<group>/<notebook>/   the book's own outputs (default parameters), one folder per notebook
    runs/<group>/<hash>/           `compendium run` outputs with other parameters; never read by the book
    ledger/claims.csv              the claims ledger
    stage/                         a copy of the book sources with each notebook replaced by its executed .ipynb
    html/                          the rendered book
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

from tqdm import tqdm

from compendium.errors import CompendiumError
from compendium.paths import build_dir, data_dir, project_root
from compendium.pipeline import cache, execute, manifest
from compendium.pipeline.params import NotebookSpec, all_groups

# Book sources copied into the stage besides the notebook groups.
BOOK_FILES = ("_config.yml", "_toc.yml", "intro.md", "methods.md", "reproduce.md", "cite.md")
BOOK_DIRS = ("_static",)
STAMP = ".stage-digest"


def verify() -> None:
    """Inputs are what the manifest says, the bibliography parses, and every registry row is valid."""
    from pybtex.database import parse_file
    from pybtex.scanner import PybtexError

    from compendium.claims.registry import load_registry

    manifest.check()
    bib = data_dir() / "references.bib"
    try:
        parse_file(str(bib))
    except (OSError, PybtexError) as exc:
        raise CompendiumError(f"{bib}: not valid BibTeX ({exc})") from None
    load_registry()


def executed_dir(spec: NotebookSpec) -> Path:
    return build_dir() / "executed" / spec.group / spec.name


def stale_notebooks(force: bool = False) -> list[tuple[NotebookSpec, str]]:
    """Every book notebook whose stored cache key differs from its current one, with that key."""
    shared = cache.shared_inputs_digest()
    todo = []
    for group in all_groups().values():
        for spec in group.notebooks.values():
            key = cache.notebook_key(spec, spec.defaults(), shared)
            if force or execute.stored_key(executed_dir(spec)) != key:
                todo.append((spec, key))
    return todo


def execute_stale(force: bool = False) -> list[str]:
    todo = stale_notebooks(force)
    with tqdm(total=len(todo), desc="executing", unit="notebook", disable=not todo, file=sys.stderr) as bar:
        execute.execute_all(
            [dict(spec=spec, params=spec.defaults(), out_dir=executed_dir(spec), key=key) for spec, key in todo],
            progress=bar,
        )
    return [spec.label for spec, _ in todo]


def _copy_if_changed(source: Path, target: Path) -> None:
    # Unchanged files keep their mtime so Sphinx re-renders only what changed.
    if target.exists() and target.read_bytes() == source.read_bytes():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def ledger_csv() -> Path:
    """The ledger CSV, recomputed only when ``src/``, the data or the lock changed: nothing else enters it."""
    from compendium.claims.ledger import write_ledger

    path = build_dir() / "ledger" / "claims.csv"
    key_file = path.with_name(f"{path.name}.{execute.KEY_FILE}")
    shared = cache.shared_inputs_digest()
    if not (path.exists() and key_file.exists() and key_file.read_text(encoding="utf-8") == shared):
        write_ledger(path)
        key_file.write_text(shared, encoding="utf-8")
    return path


def stage() -> Path:
    """Mirror the book sources into ``_build/stage``, notebooks replaced by their executed versions."""
    root, staged = project_root(), build_dir() / "stage"
    wanted: set[Path] = set()

    def place(source: Path, relative: Path) -> None:
        _copy_if_changed(source, staged / relative)
        wanted.add(staged / relative)

    for name in BOOK_FILES:
        place(root / name, Path(name))
    place(root / "data" / "references.bib", Path("data/references.bib"))
    for name in BOOK_DIRS:
        for path in sorted((root / name).rglob("*")):
            if path.is_file():
                place(path, path.relative_to(root))
    place(ledger_csv(), Path("appendix/claims.csv"))
    for group in all_groups().values():
        notebook_sources = {spec.source for spec in group.notebooks.values()}
        rel_dir = group.directory.relative_to(root)
        for path in sorted(group.directory.rglob("*")):
            if path.is_file() and path.suffix in {".md", ".png", ".svg", ".csv"} and path not in notebook_sources:
                place(path, path.relative_to(root))
        for spec in group.notebooks.values():
            out = executed_dir(spec)
            if not (out / f"{spec.name}.ipynb").exists():
                raise CompendiumError(f"{spec.label} has not been executed")
            for path in sorted(out.rglob("*")):
                if path.is_file() and path.name not in (execute.KEY_FILE, execute.PARAMS_FILE, execute.TIMING_FILE):
                    place(path, rel_dir / path.relative_to(out))
    for path in sorted(staged.rglob("*"), reverse=True):
        if path.is_file() and path not in wanted and path.name != STAMP:
            path.unlink()
    return staged


def stage_digest(staged: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in staged.rglob("*") if p.is_file() and p.name != STAMP):
        digest.update(path.relative_to(staged).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def render(staged: Path) -> Path:
    """Run ``jupyter-book build`` on the stage (execution off, warnings are errors)."""
    html = build_dir() / "html"
    digest = stage_digest(staged)
    stamp = staged / STAMP
    if (html / "index.html").exists() and stamp.exists() and stamp.read_text() == digest:
        return html  # nothing the renderer reads has changed
    output = build_dir() / "render"
    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("jupyter-book")), "build", str(staged),
            "--path-output", str(output), "-W", "-n", "--keep-going",
        ],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        # Sphinx would not re-report these warnings on an incremental rebuild: start afresh next time.
        shutil.rmtree(output, ignore_errors=True)
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        problems = [line for line in (result.stdout + result.stderr).splitlines() if "WARNING" in line or "ERROR" in line]
        first = problems[0].strip() if problems else f"exit code {result.returncode}"
        raise CompendiumError(f"jupyter-book build failed ({len(problems)} warning(s)/error(s)); first: {first}")
    tmp = html.with_name("html.partial")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(output / "_build" / "html", tmp)
    shutil.rmtree(html, ignore_errors=True)
    tmp.rename(html)
    stamp.write_text(digest)
    return html


def build(force: bool = False) -> Path:
    verify()
    execute_stale(force)
    return render(stage())
