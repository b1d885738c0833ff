"""The `compendium` command: list, run, sweep, build, verify, ledger, manifest, sync-params.

Every input problem (unknown chapter or parameter, wrong type, out-of-range value,
unreadable or unwritable file, changed data, malformed registry row) ends as one line
on stderr and exit code 2, a failing notebook as one line and exit code 1; nothing
already built is overwritten. Ctrl-C (or SIGTERM) stops within seconds: one line,
exit code 130 (143). A closed pipe (``compendium list | head -1``) ends quietly.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path


def _cmd_list(args: argparse.Namespace) -> None:
    from compendium.pipeline.params import all_groups

    for group in all_groups().values():
        print(group.name)
        for spec in group.notebooks.values():
            print(f"  {spec.name}: {spec.title}")
            for p in spec.params.values():
                limits = p.describe_range() + (f", {p.describe_length()}" if p.max_items else "")
                print(f"    {p.name} ({p.type}, default {p.default!r}, {limits}): {p.description}")


def _cmd_run(args: argparse.Namespace) -> None:
    from compendium.pipeline.build import verify
    from compendium.pipeline.changes import changes_against_book
    from compendium.pipeline.params import find_group
    from compendium.pipeline.runs import run_chapter

    group = find_group(args.chapter)
    verify()
    run_dir = run_chapter(group, args.param, Path(args.params_file) if args.params_file else None)
    print(run_dir)  # stdout holds only the run folder, for scripts; what changed is for the reader
    print(changes_against_book(group, run_dir), file=sys.stderr)


def _cmd_sweep(args: argparse.Namespace) -> None:
    from functools import partial

    from compendium.pipeline.build import verify
    from compendium.pipeline.cluster import dask_client
    from compendium.pipeline.sweep import parse_grid, select, sweep

    group = select(args.target)
    grid = parse_grid(group, args.grid, Path(args.params_file) if args.params_file else None)
    verify()
    result = sweep(args.target, grid, partial(dask_client, args.scheduler, args.workers))
    if result.failures:
        print(f"compendium: {len(result.failures)} grid point(s) failed; finished points are kept", file=sys.stderr)
        raise SystemExit(1)
    print(result.folder / "results.csv")


def _cmd_build(args: argparse.Namespace) -> None:
    from compendium.pipeline.build import BuildStats, build

    stats = BuildStats()
    try:
        html = build(force=args.force, stats=stats, pdf=args.pdf)
    except ValueError:
        if stats.failed:  # the counts, then main() prints the first failure
            print(stats.summary(None), file=sys.stderr)
        raise
    where = html / "index.html"
    if args.pdf:
        where = f"{where}, the PDF at {html.parent / 'pdf' / 'book.pdf'}"
    print(stats.summary(where))


def _cmd_verify(args: argparse.Namespace) -> None:
    from compendium.pipeline.build import verify

    verify()
    print("data/ matches its manifest; every registry row is valid")


def _cmd_ledger(args: argparse.Namespace) -> None:
    from compendium.errors import CompendiumError

    if not args.robustness and (args.scheduler or args.workers):
        raise CompendiumError("--scheduler and --workers go with --robustness")
    if args.robustness:
        from compendium.claims.robustness import main_robustness
        from compendium.pipeline.cluster import dask_client, dask_map

        with dask_client(args.scheduler, args.workers) as client:
            main_robustness(args.out, dask_map(client))
        return
    from compendium.claims.ledger import main_ledger
    from compendium.pipeline.build import verify

    verify()
    main_ledger(args.out, diff=args.diff, snapshot=args.snapshot)


def _cmd_manifest(args: argparse.Namespace) -> None:
    from compendium.pipeline import manifest

    print(manifest.write())


def _cmd_sync_params(args: argparse.Namespace) -> None:
    from compendium.pipeline.sync import sync_parameter_cells

    for path in sync_parameter_cells():
        print(f"rewrote the parameters cell of {path}")


def _cluster_options(command: argparse.ArgumentParser) -> None:
    where = command.add_mutually_exclusive_group()
    where.add_argument("--scheduler", metavar="ADDRESS", help="an existing Dask scheduler, e.g. tcp://host:8786")
    where.add_argument("--workers", type=int, metavar="N", help="local worker processes (default: one per core)")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="compendium", description=__doc__.splitlines()[0])
    sub = top.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="chapters, notebooks and their parameters").set_defaults(func=_cmd_list)
    run = sub.add_parser("run", help="execute one chapter with your own parameters")
    run.add_argument("chapter")
    run.add_argument("-p", "--param", action="append", default=[], metavar="NAME=VALUE")
    run.add_argument("--params-file", metavar="FILE", help="JSON or YAML mapping of parameters")
    run.set_defaults(func=_cmd_run)
    sweep = sub.add_parser("sweep", help="run a chapter over a grid of parameters on Dask")
    sweep.add_argument("target", metavar="CHAPTER[/NOTEBOOK]")
    sweep.add_argument("-g", "--grid", action="append", default=[], metavar="NAME=V1,V2,...",
                       help="values of one parameter (';' between values of a list parameter); the grid is the product")
    sweep.add_argument("--params-file", metavar="FILE", help="YAML or JSON: name -> value (fixed) or list of values (swept)")
    _cluster_options(sweep)
    sweep.set_defaults(func=_cmd_sweep)
    build = sub.add_parser("build", help="execute stale notebooks and render the book")
    build.add_argument("--force", action="store_true", help="re-execute every notebook")
    build.add_argument("--pdf", action="store_true", help="also print the whole book to _build/pdf/book.pdf")
    build.set_defaults(func=_cmd_build)
    sub.add_parser("verify", help="check data/ against its manifest and schemas").set_defaults(func=_cmd_verify)
    ledger = sub.add_parser("ledger", help="recompute every claim and write the ledger CSV")
    ledger.add_argument("--out", metavar="PATH")
    ledger.add_argument("--diff", action="store_true", help="list verdicts that differ from ledger/verdicts.csv, one a line")
    ledger.add_argument("--snapshot", action="store_true", help="rewrite ledger/verdicts.csv from this ledger")
    ledger.add_argument("--robustness", action="store_true",
                        help="rerun the ledger under each alternative analysis choice (on Dask); name the verdicts that flip")
    _cluster_options(ledger)
    ledger.set_defaults(func=_cmd_ledger)
    sub.add_parser("manifest", help="rewrite data/MANIFEST.sha256 after an intended data edit").set_defaults(
        func=_cmd_manifest
    )
    sub.add_parser("sync-params", help="regenerate notebooks' parameters cells from params.yaml").set_defaults(
        func=_cmd_sync_params
    )
    return top


def _error(message: str, code: int) -> int:
    lines = str(message).strip().splitlines() or ["(no message)"]
    print(f"compendium: error: {lines[0]}", file=sys.stderr)
    return code


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's last flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _terminate(signum, frame) -> None:
    raise KeyboardInterrupt(signum)


def main(argv: list[str] | None = None) -> int:
    from compendium.errors import NotebookFailed

    args = parser().parse_args(argv)
    previous = signal.signal(signal.SIGTERM, _terminate)  # a kill ends like Ctrl-C: cleanly
    try:
        args.func(args)
        sys.stdout.flush()  # here, not at exit, so that a full disk is reported
    except KeyboardInterrupt as exc:
        signum = exc.args[0] if exc.args and isinstance(exc.args[0], int) else signal.SIGINT
        print(f"compendium: interrupted ({signal.Signals(signum).name}); finished outputs kept", file=sys.stderr)
        return 128 + signum
    except BrokenPipeError:  # the reader stopped reading (| head): nothing to report
        _silence_stdout()
        return 128 + signal.SIGPIPE
    except NotebookFailed as exc:
        return _error(exc, 1)
    except ValueError as exc:  # CompendiumError and the library's argument errors
        return _error(exc, 2)
    except OSError as exc:  # unwritable _build, full disk, …
        if exc.filename is None:  # a failed write to stdout (> /dev/full) would fail again at exit
            _silence_stdout()
        where = f"{exc.filename}: " if exc.filename else "cannot write output: "
        return _error(f"{where}{exc.strerror or exc}", 2)
    finally:
        signal.signal(signal.SIGTERM, previous)
    return 0
