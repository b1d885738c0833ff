"""Facts about the environment that built the book, for the colophon page."""

from __future__ import annotations

import os
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
