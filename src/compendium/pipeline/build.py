"""Build the book: execute stale notebooks, stage the sources with their outputs, render.

Layout under ``_build/``::

    executed/<group>/<notebook>/   the book's own outputs (default parameters), one folder per notebook
    runs/<group>/<hash>/           `compendium run` outputs with other parameters; never read by the book
    ledger/claims.csv              the claims ledger (claims.csv.inputs.json: what it was computed from)
    stage/                         a copy of the book sources with each notebook replaced by its executed .ipynb
    html/                          the rendered book

One build at a time: a second ``compendium build`` waits for the first, then finds its
outputs fresh (even with ``--force``, outputs completed after it started count as fresh).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from compendium.errors import CompendiumError
from compendium.paths import build_dir, data_dir, project_root
from compendium.pipeline import cache, execute, files, manifest
from compendium.pipeline.params import NotebookSpec, all_groups

# Book sources copied into the stage besides the notebook groups.
BOOK_FILES = ("_config.yml", "_toc.yml", "intro.md", "methods.md", "reproduce.md", "cite.md")
BOOK_DIRS = ("_static",)
STAMP = ".stage-digest"
REPORT_FILE = "execution-report.json"


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


@dataclass
class BuildStats:
    """What one build did, for the line ``compendium build`` ends with."""

    notebooks: int = 0
    executed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.perf_counter)

    def summary(self, html: Path | None) -> str:
        seconds = time.perf_counter() - self.started
        took = f"{seconds:.1f} s" if seconds < 60 else f"{int(seconds // 60)} min {seconds % 60:.0f} s"
        reused = self.notebooks - len(self.executed) - len(self.failed)
        where = f"the book is at {html}" if html else "the book was not rebuilt"
        return (f"{len(self.executed)} notebooks executed, {reused} reused from cache, "
                f"{len(self.failed)} failed, in {took}; {where}")


def execute_stale(force: bool = False, started: float | None = None, stats: BuildStats | None = None) -> list[str]:
    """Execute every stale book notebook; with ``force``, every one not completed since ``started``."""
    started = time.time() if started is None else started
    todo = stale_notebooks(force)
    stats = stats if stats is not None else BuildStats()
    stats.notebooks = sum(len(group.notebooks) for group in all_groups().values())
    try:
        with tqdm(total=len(todo), desc="executing", unit="notebook", disable=not todo, file=sys.stderr) as bar:
            execute.execute_all(
                [dict(spec=spec, params=spec.defaults(), out_dir=executed_dir(spec), key=key,
                      fresh_since=started if force else None) for spec, key in todo],
                progress=bar,
            )
    except BaseException:  # a notebook that failed is still stale; every other one of the list has run
        still = {spec.label for spec, _ in stale_notebooks()}
        stats.failed = [spec.label for spec, _ in todo if spec.label in still]
        stats.executed = [spec.label for spec, _ in todo if spec.label not in still]
        raise
    stats.executed = [spec.label for spec, _ in todo]
    return stats.executed


def _copy_if_changed(source: Path, target: Path) -> None:
    # Unchanged files keep their mtime so Sphinx re-renders only what changed.
    if target.exists() and target.read_bytes() == source.read_bytes():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def _sha256(path: Path) -> str | None:
    return manifest.sha256_file(path) if path.exists() else None


def ledger_csv(force: bool = False) -> Path:
    """The ledger CSV, recomputed from verified data when ``src/``, the data or the lock changed.

    Beside it, ``claims.csv.inputs.json`` records the data manifest's sha256 and the CSV's
    own; a CSV whose record is missing or differs (say, one `compendium ledger` wrote from
    data edited since) is recomputed, never published. ``force`` always recomputes.
    """
    from compendium.claims.ledger import write_ledger

    manifest.check()
    path = build_dir() / "ledger" / "claims.csv"
    record_file = path.with_name(f"{path.name}.inputs.json")
    expected = {"data_manifest_sha256": manifest.digest(), "inputs_sha256": cache.shared_inputs_digest()}
    with files.locked(path):
        try:
            record = json.loads(record_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            record = {}
        if force or record != {**expected, "csv_sha256": _sha256(path)}:
            write_ledger(path)
            record = {**expected, "csv_sha256": _sha256(path)}
            files.atomic_write(record_file, (json.dumps(record, indent=2, sort_keys=True) + "\n").encode())
    return path


def stage(force: bool = False) -> Path:
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
    place(ledger_csv(force), Path("appendix/claims.csv"))
    report = build_dir() / REPORT_FILE
    if report.exists():
        place(report, Path("appendix") / REPORT_FILE)
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


def made_from(output: Path, stamp: Path, digest: str) -> bool:
    """``output`` exists and ``stamp`` says it was made from the stage whose digest is ``digest``."""
    return output.exists() and stamp.exists() and stamp.read_text() == digest


def stage_digest(staged: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in staged.rglob("*") if p.is_file() and p.name != STAMP):
        digest.update(path.relative_to(staged).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


# Sphinx adds a "?v=<checksum>" to a stylesheet only if it already sits in the output
# folder when a page is written: myst-nb's (whose name already holds its content hash)
# is copied after the pages, so a cold build lacks the query and an incremental one has it.
_MYSTNB_CSS_QUERY = re.compile(rb"(_static/mystnb\.[0-9a-f]+\.css)\?v=[0-9a-f]+")


def _copy_rendered(source: str, target: str) -> None:
    if source.endswith(".html"):
        Path(target).write_bytes(_MYSTNB_CSS_QUERY.sub(rb"\1", Path(source).read_bytes()))
    else:
        shutil.copy2(source, target)


def _publish_html(rendered: Path, html: Path) -> None:
    """Copy the renderer's output to ``html`` in one rename; on failure the old book stays."""
    tmp = Path(tempfile.mkdtemp(dir=html.parent, prefix=".html.", suffix=".partial"))
    try:
        shutil.copytree(rendered, tmp, dirs_exist_ok=True, copy_function=_copy_rendered)
        files.replace_dir(tmp, html)
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, shutil.Error):  # copytree collects (source, target, reason) per file
            source, _, reason = exc.args[0][0]
            raise CompendiumError(f"cannot copy the rendered book to {html}: {reason} ({source})") from None
        if isinstance(exc, OSError):
            raise CompendiumError(f"cannot copy the rendered book to {html}: {exc.strerror or exc}") from None
        raise


def render(staged: Path, digest: str) -> Path:
    """Run ``jupyter-book build`` on the stage (execution off, warnings are errors); ``digest`` is its :func:`stage_digest`."""
    html = build_dir() / "html"
    stamp = staged / STAMP
    if made_from(html / "index.html", stamp, digest):
        return html  # nothing the renderer reads has changed
    print("rendering the book (jupyter-book build)", file=sys.stderr)
    output = build_dir() / "render"
    jupyter_book(staged, output)
    _publish_html(output / "_build" / "html", html)
    stamp.write_text(digest)
    return html


def write_execution_report(executed: list[str]) -> Path:
    """``_build/execution-report.json``: per notebook its cache key, when it ran, how long, and
    whether this build reused it. Rewritten only when this build executed something (or there is
    none yet): a no-change rebuild then leaves the rendered book untouched, and the report goes
    on describing the build that rendered it."""
    import json

    from compendium.colophon import execution_report

    path = build_dir() / REPORT_FILE
    if executed or not path.exists():
        rows = []
        for group in all_groups().values():
            for spec in group.notebooks.values():
                timing_file = executed_dir(spec) / execute.TIMING_FILE
                timing = json.loads(timing_file.read_text(encoding="utf-8")) if timing_file.exists() else {}
                rows.append({
                    "notebook": spec.label,
                    "cache_key": execute.stored_key(executed_dir(spec)) or "",
                    "executed_at": timing.get("executed_at", "unknown"),
                    "seconds": timing.get("wall_seconds", 0.0),
                    "cached": spec.label not in executed,
                })
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(execution_report(rows), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return path


def jupyter_book(staged: Path, output: Path, builder: str = "html") -> Path:
    """``jupyter-book build`` of the stage into ``output`` with warnings as errors; one-line error on failure."""
    try:
        result = subprocess.run(
            [
                str(Path(sys.executable).with_name("jupyter-book")), "build", str(staged), "--builder", builder,
                "--path-output", str(output), "-W", "-n", "--keep-going",
            ],
            capture_output=True,
            text=True,
        )
    except BaseException:  # Ctrl-C: Sphinx's saved state may be half-written; start afresh next time
        shutil.rmtree(output, ignore_errors=True)
        raise
    if result.returncode != 0:
        # Sphinx would not re-report these warnings on an incremental rebuild: start afresh next time.
        shutil.rmtree(output, ignore_errors=True)
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        problems = [line for line in (result.stdout + result.stderr).splitlines() if "WARNING" in line or "ERROR" in line]
        first = problems[0].strip() if problems else f"exit code {result.returncode}"
        raise CompendiumError(f"jupyter-book build failed ({len(problems)} warning(s)/error(s)); first: {first}")
    return output / "_build" / builder


def build(force: bool = False, stats: BuildStats | None = None, pdf: bool = False) -> Path:
    """Verify the inputs, execute stale notebooks, stage and render (``force``: recompute everything);
    with ``pdf``, also print the book to ``_build/pdf/book.pdf``."""
    started = time.time()
    verify()
    with files.locked(build_dir() / "book"):
        executed = execute_stale(force, started, stats)
        write_execution_report(executed)
        staged = stage(force)
        digest = stage_digest(staged)
        html = render(staged, digest)
        if pdf:
            from compendium.pipeline.pdf import build_pdf

            build_pdf(staged, digest)
        return html
