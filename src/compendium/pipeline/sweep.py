"""`compendium sweep`: run a chapter over a grid of parameters on Dask, one cached run per point.

Every grid point is an ordinary :func:`compendium.pipeline.runs.run_params` run, with the
same cache key and ``_build/runs/<chapter>/<hash>/`` folder as `compendium run`, so an
interrupted or repeated sweep reuses each finished point and executes only the rest.
The points run as tasks on a Dask cluster (:mod:`compendium.pipeline.cluster`); a point
whose worker dies is rescheduled by Dask, and a point whose notebook fails is reported
by its parameters while the others go on.

The result is one tidy table, ``_build/sweeps/<chapter>/<sweep hash>/results.csv`` (one
row per point and glued number: the swept parameters, the run id, the notebook, the
glue name and its value), and ``summary.html`` beside it with a figure of each glued
number against each swept parameter.
"""

from __future__ import annotations

import ast
import base64
import hashlib
import io
import itertools
import json
import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd

from compendium.errors import CompendiumError
from compendium.paths import build_dir
from compendium.pipeline import cache, execute, files, kernels
from compendium.pipeline.cluster import ALLOCATOR_VARIABLE, in_project
from compendium.pipeline.params import NotebookGroup, _spec, find_group, read_params_file, resolve
from compendium.pipeline.runs import run_params, run_plan

# A grid beyond this is almost certainly a typo (an extra value list multiplies it).
MAX_POINTS = 10_000


@dataclass(frozen=True)
class Grid:
    """The validated grid of one sweep: fixed parameters and the swept axes, in command-line order."""

    group: NotebookGroup
    fixed: dict[str, Any]
    axes: dict[str, list[Any]]

    def points(self) -> list[dict[str, Any]]:
        """Every point's full parameter set (the group's defaults, the fixed values, the swept ones)."""
        base = resolve(self.group, None, self.fixed)
        return [{**base, **dict(zip(self.axes, values))} for values in itertools.product(*self.axes.values())]


def select(target: str) -> NotebookGroup:
    """``CHAPTER`` or ``CHAPTER/NOTEBOOK``: the notebook group a sweep runs."""
    chapter, _, notebook = target.partition("/")
    group = find_group(chapter)
    if not notebook:
        return group
    if notebook not in group.notebooks:
        raise CompendiumError(f"chapter {chapter!r} has no notebook {notebook!r} (it has {', '.join(group.notebooks)})")
    return NotebookGroup(group.name, group.directory, {notebook: group.notebooks[notebook]})


def parse_grid(group: NotebookGroup, options: list[str], params_file: Path | None = None) -> Grid:
    """Validate every value before anything runs.

    ``options`` are ``NAME=V1,V2,...`` strings (values of a list-typed parameter are
    separated by ``;`` instead, as in ``sizes=4,6;8,10``). In ``params_file`` a name maps
    to one value (fixed) or to a list of values (an axis; for a list-typed parameter,
    a list of lists). A name given both ways takes its ``-g`` values.
    """
    specs = group.param_specs()
    fixed: dict[str, Any] = {}
    axes: dict[str, list[Any]] = {}
    for name, value in (read_params_file(params_file) if params_file else {}).items():
        spec = _spec(specs, group, name)
        is_axis = isinstance(value, list) and (not spec.type.startswith("list") or all(isinstance(v, list) for v in value))
        if is_axis:
            axes[name] = [spec.validate(v) for v in _non_empty(name, value)]
        else:
            fixed[name] = spec.validate(value)
    seen = set()
    for option in options:
        name, sep, text = option.partition("=")
        name = name.strip()
        if not sep:
            raise CompendiumError(f"grid {option!r}: write it as name=value1,value2,...")
        if name in seen:
            raise CompendiumError(f"grid: parameter {name!r} is given twice")
        seen.add(name)
        spec = _spec(specs, group, name)
        parts = text.split(";" if spec.type.startswith("list") else ",")
        axes[name] = [spec.parse(part.strip()) for part in _non_empty(name, [p for p in parts if p.strip()])]
        fixed.pop(name, None)
    size = 1
    for values in axes.values():
        size *= len(values)
    if size > MAX_POINTS:
        raise CompendiumError(f"grid: {size} points is more than {MAX_POINTS}; sweep fewer values")
    return Grid(group, fixed, axes)


def _non_empty(name: str, values: list) -> list:
    if not values:
        raise CompendiumError(f"grid: parameter {name!r} has no values")
    return values


@dataclass
class SweepResult:
    table: pd.DataFrame
    folder: Path
    executed: int
    failures: list[tuple[dict[str, Any], str]] = field(default_factory=list)


def run_point(target: str, params: dict[str, Any], shared: str) -> str:
    """One grid point, as a task on any worker: an ordinary cached run of ``target``.

    ``shared`` is the inputs digest the sweep planned with, so the worker neither hashes
    ``src/`` again nor can write to another folder than the one the sweep reads. The worker
    keeps the next point's kernel started while this one runs, and its kernels run without
    the allocator setting a Dask nanny gives its workers, like those of `compendium run`.
    """
    os.environ.pop(ALLOCATOR_VARIABLE, None)
    return str(run_params(select(target), params, shared, keep_spare_kernel=True))


def sweep(target: str, grid: Grid, client_factory, progress: bool = True) -> SweepResult:
    """Run the stale points of ``grid`` on the client ``client_factory()`` yields; tabulate all points.

    The cluster is started only when some point is stale: a repeated sweep executes
    nothing and returns the same table.
    """
    points = grid.points()
    shared = cache.shared_inputs_digest()
    folders = [run_plan(grid.group, params, shared) for params in points]
    stale = [i for i, (run_dir, keys) in enumerate(folders)
             if any(execute.stored_key(run_dir / name) != key for name, key in keys.items())]
    todo = [(points[i], folders[i][0]) for i in stale]
    failures = _run_on_dask(target, todo, shared, client_factory, progress) if todo else []
    failed = {json.dumps(params, sort_keys=True) for params, _ in failures}
    done = [(params, run_dir) for params, (run_dir, _) in zip(points, folders)
            if json.dumps(params, sort_keys=True) not in failed]
    table = results_table(grid, done)
    folder = build_dir() / "sweeps" / grid.group.name / sweep_id(target, folders)
    if not failures:
        _write_atomically(folder, table, grid)
    return SweepResult(table, folder, len(stale) - len(failures), failures)


def _run_on_dask(target: str, todo: list[tuple[dict[str, Any], Path]], shared: str, client_factory, progress: bool):
    """Run ``points`` as tasks; return the failed ones with their reasons.

    On Ctrl-C the tasks are cancelled and the cluster closed; whatever a point that did
    not finish left behind is removed (finished points stay).
    """
    from distributed import as_completed
    from tqdm import tqdm

    points = [params for params, _ in todo]
    failures = []
    unfinished = dict(enumerate(run_dir for _, run_dir in todo))
    try:
        with client_factory() as client:
            futures = {client.submit(in_project(run_point), target, params, shared, key=f"point-{run_dir.name}"): i
                       for i, (params, run_dir) in enumerate(todo)}
            try:
                with tqdm(total=len(futures), desc="sweep", unit="point", file=sys.stderr, disable=not progress) as bar:
                    for future in as_completed(futures):
                        params = points[futures[future]]
                        if future.status == "finished":
                            del unfinished[futures[future]]
                        else:
                            failures.append((params, _reason(future)))
                            bar.write(f"point failed: {describe(params, points)}: {failures[-1][1]}", file=sys.stderr)
                        bar.update()
            except KeyboardInterrupt:
                client.cancel(list(futures), force=True)
                raise
            _stop_spare_kernels(client)
    finally:
        for run_dir in unfinished.values():
            discard_partial(run_dir)
    return failures


def _stop_spare_kernels(client) -> None:
    """Each worker kept the next point's kernel ready: stop it (a cluster started elsewhere lives on).

    Not after Ctrl-C, when a worker may not answer: a spare kernel exits with its worker, and a
    worker that lives on uses it for its next notebook.
    """
    try:
        client.run(kernels.stop_spare, wait=True)
    except Exception:  # a worker that died took its spare with it (the kernel exits with its parent)
        pass


def _reason(future) -> str:
    exc = future.exception()
    return f"{exc.__class__.__name__}: {exc}" if not isinstance(exc, CompendiumError) else str(exc)


def describe(params: dict[str, Any], points: list[dict[str, Any]]) -> str:
    """The parameters that vary among ``points``, as ``name=value`` pairs."""
    varying = [name for name in params if len({json.dumps(p[name]) for p in points}) > 1]
    return ", ".join(f"{name}={params[name]!r}" for name in varying) or "the only point"


def discard_partial(run_dir: Path) -> None:
    """Remove what a point that never finished left behind; keep every finished notebook."""
    if not run_dir.exists():
        return
    for leftover in run_dir.glob(".*"):
        shutil.rmtree(leftover, ignore_errors=True)
    if not any(execute.stored_key(path) for path in run_dir.iterdir() if path.is_dir()):
        shutil.rmtree(run_dir)  # only params.json: no notebook of this point finished


def sweep_id(target: str, folders: list[tuple[Path, dict[str, str]]]) -> str:
    digest = hashlib.sha256(target.encode() + b"\0")
    for run_dir, _ in folders:
        digest.update(run_dir.name.encode() + b"\0")
    return digest.hexdigest()[:12]


def glued_numbers(notebook: Path) -> dict[str, float]:
    """Every number a notebook glued (numbers glued as text, like ``'0.85'``, included)."""
    values = {}
    for cell in nbformat.read(notebook, as_version=4).cells:
        for output in cell.get("outputs", []):
            record = output.get("metadata", {}).get("scrapbook", {})
            name, text = record.get("name"), output.get("data", {}).get(record.get("mime_prefix", "") + "text/plain")
            if name is None or text is None:
                continue
            try:
                value = ast.literal_eval(text)
                number = float(value) if not isinstance(value, bool) else None
            except (ValueError, TypeError, SyntaxError):
                continue
            if number is not None:
                values[name] = number
    return values


def results_table(grid: Grid, done: list[tuple[dict[str, Any], Path]]) -> pd.DataFrame:
    """One row per point and glued number: swept parameters, run id, notebook, name, value."""
    rows = []
    for params, run_dir in done:
        swept = {name: _cell(params[name]) for name in grid.axes}
        for notebook in grid.group.notebooks:
            for name, value in glued_numbers(run_dir / notebook / f"{notebook}.ipynb").items():
                rows.append({**swept, "run": run_dir.name, "notebook": notebook, "name": name, "value": value})
    return pd.DataFrame(rows, columns=[*grid.axes, "run", "notebook", "name", "value"])


def _cell(value: Any) -> Any:
    return " ".join(f"{v:g}" for v in value) if isinstance(value, list) else value


def _write_atomically(folder: Path, table: pd.DataFrame, grid: Grid) -> None:
    work = folder.with_name(f".{folder.name}.{os.getpid()}.partial")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    table.to_csv(work / "results.csv", index=False, float_format="%.12g")
    (work / "summary.html").write_text(summary_html(table, grid), encoding="utf-8")
    files.replace_dir(work, folder)


def summary_html(table: pd.DataFrame, grid: Grid) -> str:
    """A standalone page: for each swept parameter, every glued number against it, and the table."""
    import html

    sections = []
    for name in grid.axes:
        if len(grid.axes[name]) > 1 and not table.empty:
            sections.append(f"<h2>Against <code>{html.escape(name)}</code></h2>\n"
                            f'<img alt="glued numbers against {html.escape(name)}" src="data:image/png;base64,'
                            f'{_figure_png(table, grid, name)}">')
    fixed = "".join(f"<li><code>{html.escape(k)} = {html.escape(repr(v))}</code></li>" for k, v in grid.fixed.items())
    return (
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
        f"<title>Sweep of {html.escape(grid.group.name)}</title></head><body>\n"
        f"<h1>Sweep of {html.escape(grid.group.name)}: {', '.join(grid.group.notebooks)}</h1>\n"
        f"<p>{len(table['run'].unique())} grid points over {', '.join(grid.axes) or 'no parameter'}.</p>\n"
        + (f"<p>Fixed parameters:</p><ul>{fixed}</ul>\n" if fixed else "")
        + "\n".join(sections)
        + "\n<h2>Results</h2>\n" + table.to_html(index=False) + "\n</body></html>\n"
    )


def _figure_png(table: pd.DataFrame, grid: Grid, parameter: str) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import seaborn as sns

    others = [name for name in grid.axes if name != parameter and len(grid.axes[name]) > 1]
    data = table.assign(**{name: table[name].astype(str) for name in others})
    plot = sns.relplot(data=data, x=parameter, y="value", col="name", col_wrap=min(4, data["name"].nunique()),
                       hue=others[0] if others else None, kind="line", marker="o", errorbar=None,
                       height=2.4, aspect=1.2, facet_kws={"sharey": False})
    plot.set_titles("{col_name}")
    buffer = io.BytesIO()
    plot.savefig(buffer, format="png", dpi=90, metadata={"Software": None}, bbox_inches=None)
    matplotlib.pyplot.close(plot.figure)
    return base64.b64encode(buffer.getvalue()).decode("ascii")
