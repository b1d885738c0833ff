"""Sweep benchmark: local workers 2 against 1, per-point overhead, a separately started cluster,
and batched Monte Carlo realisations on 2 workers against one at a time.

Run with ``.venv/bin/python benchmarks/sweep.py [N_POINTS [N_REALISATIONS [PER_POINT]]]``
(defaults 16 and 48; ``0`` realisations: the sweeps only). PER_POINT sets the phantom
notebook's ``n_realisations`` at every grid point; without it the notebook runs with its own
default (48), as a reader's sweep over seeds would. The more work a point holds, the less the
sweep's fixed costs weigh and the nearer 2 workers come to twice the speed of 1. Everything
is measured in this one run, each sweep as a whole ``compendium sweep`` process on a fresh
copy of the tracked sources (so the working tree's ``_build`` is untouched and every point
is cold). Goals on a two-core machine: 2 workers at least 1.7 times faster than 1; overhead
beyond the notebooks' own compute at most 2 s per point; a cluster started with ``dask
scheduler`` and two ``dask worker`` processes gives byte-identical results to the local
default; liver-phantom realisations (reconstruction and observer) batched on 2 workers at
least 5 times the rate of one at a time in one process.

The overhead is the one-worker wall time minus the sum of the cells' execution times
papermill records (each notebook's ``timing.json``), divided by the number of points: it is what a
point costs beyond its own compute (kernel start, task, cache bookkeeping), plus the
cluster's start, shared by all points.
"""

from __future__ import annotations

import filecmp
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build import compute_seconds, copy_sources  # noqa: E402  (benchmarks/build.py)

COMPENDIUM = [sys.executable, "-m", "compendium"]
DASK = str(Path(sys.executable).with_name("dask"))
TARGET = "huang2021-liver-petmr/phantom"
CHAPTER = TARGET.split("/")[0]


def sweep_seconds(copy: Path, grid: list[str], *extra: str) -> float:
    env = {**os.environ, "COMPENDIUM_ROOT": str(copy)}
    start = time.perf_counter()
    subprocess.run([*COMPENDIUM, "sweep", TARGET, *grid, *extra], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def external_cluster(folder: Path, n_workers: int = 2):
    """``dask scheduler`` and ``n_workers`` ``dask worker`` processes, as a reader would start them."""
    scheduler_file = folder / "scheduler.json"
    quiet = dict(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    processes = [subprocess.Popen([DASK, "scheduler", "--scheduler-file", str(scheduler_file), "--port", "0",
                                   "--dashboard-address", ":0"], **quiet)]
    deadline = time.monotonic() + 60
    while not scheduler_file.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    processes += [subprocess.Popen([DASK, "worker", "--scheduler-file", str(scheduler_file), "--nthreads", "1",
                                    "--no-dashboard"], cwd=folder, **quiet) for _ in range(n_workers)]
    return json.loads(scheduler_file.read_text())["address"], processes


def same_bytes(a: Path, b: Path) -> bool:
    """Every results table and executed notebook of two sweeps' build folders is byte-identical."""
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.suffix in {".csv", ".ipynb"})
    return bool(files) and files == sorted(p.relative_to(b) for p in b.rglob("*") if p.suffix in {".csv", ".ipynb"}) \
        and all(filecmp.cmp(a / f, b / f, shallow=False) for f in files)


def realisation_rates(n: int) -> tuple[float, float, bool]:
    """Realisations per second of the liver phantom: one at a time in this process, batched on 2 workers.

    Both are steady rates: a small run first in this process and on each worker takes the
    imports and the caches (phantoms, system matrix), which are not realisations. One at a
    time runs on one thread, its fastest here (threads slow single 128x128 images down).
    """
    from compendium.analyses.huang_phantom import detectability
    from compendium.pipeline.cluster import dask_client, dask_map, split_batches

    detectability(n_realisations=8)
    start = time.perf_counter()
    alone = detectability(n_realisations=n, mapper=split_batches(map, n))
    one_at_a_time = n / (time.perf_counter() - start)
    with dask_client(workers=2) as client:
        client.run(detectability, n_realisations=8)
        start = time.perf_counter()
        batched = detectability(n_realisations=n, mapper=split_batches(dask_map(client), 2))
        on_two = n / (time.perf_counter() - start)
    return one_at_a_time, on_two, alone.equals(batched)


def main(n_points: int = 16, n_realisations: int = 48, per_point: int | None = None) -> None:
    fixed = ["-g", f"n_realisations={per_point}"] if per_point else []
    grid = [*fixed, "-g", "seed=" + ",".join(str(seed) for seed in range(1, n_points + 1))]
    with tempfile.TemporaryDirectory() as tmp:
        copies = {name: Path(tmp) / name for name in ("one", "two", "external")}
        for copy in copies.values():
            copy_sources(copy)
        two = sweep_seconds(copies["two"], grid, "--workers", "2")
        one = sweep_seconds(copies["one"], grid, "--workers", "1")
        compute = compute_seconds_all(copies["one"])
        address, processes = external_cluster(Path(tmp))
        try:
            external = sweep_seconds(copies["external"], grid, "--scheduler", address)
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                process.wait(timeout=30)
        identical = same_bytes(copies["two"] / "_build", copies["external"] / "_build")
    print(f"{n_points}-point sweep of {TARGET} ({f'n_realisations={per_point}' if per_point else 'its defaults'}):")
    print(f"  1 local worker:     {one:7.1f} s")
    print(f"  2 local workers:    {two:7.1f} s   speed-up {one / two:.2f}x (goal >= 1.7x)")
    print(f"  notebooks' compute: {compute:7.1f} s   overhead {(one - compute) / n_points:.2f} s per point (goal <= 2 s)")
    print(f"  external cluster (dask scheduler + 2 dask worker): {external:7.1f} s, "
          f"results {'byte-identical' if identical else 'DIFFERENT'} to the local default")
    if not n_realisations:  # 0: sweeps only
        return
    alone, batched, same = realisation_rates(n_realisations)
    print(f"liver phantom, {n_realisations} realisations (reconstruction and observer):")
    print(f"  one at a time, one process: {alone:6.2f} per s")
    print(f"  batched on 2 workers:       {batched:6.2f} per s   {batched / alone:.1f}x (goal >= 5x); "
          f"results {'identical' if same else 'DIFFERENT'}")


def compute_seconds_all(copy: Path) -> float:
    return sum(compute_seconds(run_dir) for run_dir in (copy / "_build" / "runs" / CHAPTER).iterdir())


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")  # before numpy loads: see realisation_rates
    main(*(int(arg) for arg in sys.argv[1:]))
