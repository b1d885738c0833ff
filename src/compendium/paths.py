"""Where the project's inputs and generated files live.

Inputs (``data/``, ``chapters/``, ``src/``) are read-only at run time; everything
generated goes under ``_build/``. ``COMPENDIUM_ROOT`` points the package at another
checkout (the tests use it to build into a temporary copy).
"""

import os
from pathlib import Path


def project_root() -> Path:
    env = os.environ.get("COMPENDIUM_ROOT")
    return Path(env).resolve() if env else Path(__file__).resolve().parents[2]


def data_dir() -> Path:
    return project_root() / "data"


def build_dir() -> Path:
    return project_root() / "_build"
