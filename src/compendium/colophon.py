"""Facts about the environment that built the book, for the colophon page."""

from __future__ import annotations

import os
import platform
import re
from datetime import datetime, timezone
from importlib import metadata

import pandas as pd

from compendium.paths import project_root
from compendium.pipeline import manifest
from compendium.pipeline.cache import LOCK_NAME, git_state
from compendium.pipeline.params import all_groups


def build_date() -> str:
    """UTC date of the build; ``SOURCE_DATE_EPOCH`` (reproducible-builds convention) pins it."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), timezone.utc) if epoch else datetime.now(timezone.utc)
    return moment.strftime("%Y-%m-%d")


def package_versions() -> pd.DataFrame:
    """Every package pinned in the lock file, with the version actually installed."""
    rows = []
    for line in (project_root() / LOCK_NAME).read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;]+)", line)
        if match:
            name, pinned = match.groups()
            try:
                installed = metadata.version(name)
            except metadata.PackageNotFoundError:
                installed = "not installed"
            rows.append({"package": name, "pinned": pinned, "installed": installed})
    return pd.DataFrame(rows)


def data_checksums() -> pd.DataFrame:
    return pd.DataFrame(
        [{"file": f"data/{name}", "sha256": digest} for name, digest in manifest.read().items()]
    )


def default_parameters() -> pd.DataFrame:
    rows = [
        {"chapter": group.name, "notebook": spec.name, "parameter": p.name, "default": repr(p.default)}
        for group in all_groups().values()
        for spec in group.notebooks.values()
        for p in spec.params.values()
    ]
    return pd.DataFrame(rows, columns=["chapter", "notebook", "parameter", "default"])


def summary() -> dict[str, str]:
    state = git_state()
    dirty = {True: "yes (uncommitted changes)", False: "no", None: "unknown"}[state["dirty"]]
    return {"commit": state["commit"], "dirty": dirty, "date": build_date()}


def environment() -> dict:
    """The environment once: Python, the lock's sha256, and the versions of the direct dependencies."""
    import tomllib

    root = project_root()
    lock = root / LOCK_NAME
    pyproject = root / "pyproject.toml"
    direct = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"] if pyproject.exists() else []
    names = [re.split(r"[<>=!~\[ ;]", dep, maxsplit=1)[0] for dep in direct]
    versions = []
    for name in sorted(names, key=str.lower):
        try:
            versions.append({"package": name, "version": metadata.version(name)})
        except metadata.PackageNotFoundError:
            versions.append({"package": name, "version": "not installed"})
    return {
        "python": platform.python_version(),
        "lock_sha256": manifest.sha256_file(lock) if lock.exists() else "no lock file",
        "packages": versions,
    }


def execution_report(rows: list[dict]) -> dict:
    """What the execution report page shows: one row per notebook (label, cache key, when it was
    executed, run time, whether this build reused it from the cache) and the environment."""
    return {"notebooks": rows, "environment": environment()}
