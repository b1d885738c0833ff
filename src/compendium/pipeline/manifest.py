"""The sha256 manifest of ``data/``: every input file, its checksum, nothing else.

``compendium verify`` compares ``data/`` with ``data/MANIFEST.sha256`` before anything
is built, so that a silently edited input is caught, not used. After an intended
edit, ``compendium manifest`` rewrites the manifest and the diff shows what changed.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from compendium.errors import CompendiumError
from compendium.paths import data_dir

MANIFEST_NAME = "MANIFEST.sha256"


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def data_files(root: Path | None = None) -> list[Path]:
    root = root or data_dir()
    return sorted(
        p for p in root.rglob("*")
        if p.is_file() and p.name != MANIFEST_NAME and "__pycache__" not in p.parts
    )


def compute(root: Path | None = None) -> dict[str, str]:
    root = root or data_dir()
    return {p.relative_to(root).as_posix(): sha256_file(p) for p in data_files(root)}


def write(root: Path | None = None) -> Path:
    root = root or data_dir()
    lines = [f"{digest}  {name}\n" for name, digest in compute(root).items()]
    path = root / MANIFEST_NAME
    path.write_text("".join(lines), encoding="utf-8")
    return path


def digest(root: Path | None = None) -> str:
    """sha256 of the manifest file itself: one value naming the whole state of ``data/``."""
    path = (root or data_dir()) / MANIFEST_NAME
    if not path.exists():
        raise CompendiumError(f"{path} is missing: run `compendium manifest` to create it")
    return sha256_file(path)


def read(root: Path | None = None) -> dict[str, str]:
    path = (root or data_dir()) / MANIFEST_NAME
    if not path.exists():
        raise CompendiumError(f"{path} is missing: run `compendium manifest` to create it")
    entries = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        digest, sep, name = line.partition("  ")
        if not sep or len(digest) != 64:
            raise CompendiumError(f"{path}:{number}: expected '<sha256>  <path>'")
        entries[name] = digest
    return entries


def check(root: Path | None = None) -> None:
    """Raise a one-line error naming the first file that differs from the manifest."""
    root = root or data_dir()
    expected, actual = read(root), compute(root)
    for name, digest in expected.items():
        if name not in actual:
            raise CompendiumError(f"data/{name} is listed in {MANIFEST_NAME} but missing")
        if actual[name] != digest:
            raise CompendiumError(
                f"data/{name} changed: its sha256 no longer matches {MANIFEST_NAME} "
                "(inputs are read-only; if the edit is intended, run `compendium manifest`)"
            )
    extra = sorted(set(actual) - set(expected))
    if extra:
        raise CompendiumError(f"data/{extra[0]} is not in {MANIFEST_NAME} (run `compendium manifest` to add it)")
