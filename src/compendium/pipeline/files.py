"""Writing generated files safely: atomic replacement, one lock per output, no clobbered devices.

* :func:`atomic_write` writes a temporary sibling and renames it over the target, so a
  reader (or a later run after Ctrl-C or SIGKILL) sees the old file or the new one, never half.
* :func:`locked` serialises every process and thread that produces the same output: the
  second one waits (saying so on stderr) and then finds the first one's result.
* :func:`write_output` is for paths a reader names (``--out``): regular files are replaced
  atomically, devices and FIFOs (``/dev/stdout``, ``/dev/null``) are written through and
  never replaced, anything else is refused with one line.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import stat
import sys
import tempfile
from pathlib import Path
from typing import Iterator

from compendium.errors import CompendiumError

_PSEUDO_ROOTS = ("/dev/", "/proc/")


def atomic_write(path: Path, data: bytes) -> Path:
    """Replace ``path`` by ``data`` in one rename (the folder is created if needed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def replace_dir(new: Path, target: Path) -> None:
    """Put the finished folder ``new`` where ``target`` is, by renames: a reader sees the old
    folder or the new one, never a mix (callers that can race hold ``target``'s lock)."""
    old = target.parent / f".{target.name}.old"
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def lock_path(target: Path) -> Path:
    return target.parent / f".{target.name}.lock"


@contextlib.contextmanager
def locked(target: Path) -> Iterator[None]:
    """Hold the lock of ``target`` (a file or folder that need not exist yet) for the block.

    An advisory ``flock`` on a hidden sibling file: released by the kernel when the
    process ends, however it ends, so a killed run never leaves a stale lock.
    """
    path = lock_path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"compendium: waiting for another process that is writing {target}", file=sys.stderr)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _is_stdout(path: Path) -> bool:
    try:
        ours, theirs = os.fstat(sys.stdout.fileno()), path.stat()
    except (OSError, ValueError, AttributeError):
        return False
    return (ours.st_dev, ours.st_ino) == (theirs.st_dev, theirs.st_ino)


def write_output(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to a path the reader chose; raise a one-line error if that is impossible."""
    if not str(path).strip():
        raise CompendiumError("output path is empty: name a file")
    path = Path(path)
    try:
        mode = path.stat().st_mode  # follows symbolic links
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise CompendiumError(f"cannot write {path}: {exc.strerror}") from None
    if mode is not None and stat.S_ISDIR(mode):
        raise CompendiumError(f"cannot write {path}: it is a directory; name a file")
    try:
        # Devices, FIFOs and anything under /dev or /proc (/dev/stdout is a link into /proc) are
        # written through: replacing them would turn a device into a regular file.
        if str(path.absolute()).startswith(_PSEUDO_ROOTS) or (mode is not None and not stat.S_ISREG(mode)):
            if mode is not None and stat.S_ISSOCK(mode):
                raise CompendiumError(f"cannot write {path}: it is a socket; name a file")
            if _is_stdout(path):  # through our own stream, so later prints follow, not overwrite, it
                sys.stdout.flush()
                sys.stdout.buffer.write(data)
                sys.stdout.flush()
                return path
            with open(path, "wb") as stream:
                stream.write(data)
            return path
        return atomic_write(path.resolve(), data)  # a link to a regular file stays a link
    except OSError as exc:
        raise CompendiumError(f"cannot write {path}: {exc.strerror or exc}") from None
