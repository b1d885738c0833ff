"""Cache keys: a notebook's output is reused only while every input that made it is unchanged.

The key hashes the notebook source, its resolved parameters, every file under
``src/``, the data manifest and the lock file (and, for the colophon, the git
state it reports). Anything else changing cannot change the output.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path
from typing import Any

from compendium.paths import project_root
from compendium.pipeline.params import NotebookSpec

LOCK_NAME = "requirements.lock"


def _hash_tree(digest: "hashlib._Hash", directory: Path, root: Path) -> None:
    for path in sorted(directory.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")


def _git_output(root: Path | None, *args: str) -> str:
    """What git prints, or "" outside a checkout."""
    try:
        return subprocess.run(
            ["git", *args], cwd=root or project_root(), capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def git_state(root: Path | None = None) -> dict[str, Any]:
    """The commit and whether the work tree differs from it (``unknown`` outside a checkout)."""
    commit = _git_output(root, "rev-parse", "HEAD")
    if not commit:
        return {"commit": "unknown", "dirty": None}
    return {"commit": commit, "dirty": bool(_git_output(root, "status", "--porcelain"))}


def shared_inputs_digest(root: Path | None = None) -> str:
    """Hash of the inputs every notebook shares: ``src/``, the data manifest and the lock."""
    root = root or project_root()
    digest = hashlib.sha256()
    _hash_tree(digest, root / "src", root)
    for name in ("data/MANIFEST.sha256", LOCK_NAME):
        path = root / name
        digest.update(name.encode() + b"\0" + (path.read_bytes() if path.exists() else b"<missing>") + b"\0")
    return digest.hexdigest()


def notebook_key(spec: NotebookSpec, params: dict[str, Any], shared: str, root: Path | None = None) -> str:
    digest = hashlib.sha256()
    digest.update(spec.source.read_bytes() + b"\0")
    digest.update(json.dumps(params, sort_keys=True).encode() + b"\0")
    digest.update(shared.encode())
    if spec.depends_on_git:
        digest.update(json.dumps(git_state(root), sort_keys=True).encode())
        digest.update(_git_output(root, "diff", "HEAD").encode())
    return digest.hexdigest()
