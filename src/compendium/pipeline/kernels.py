"""The Jupyter kernels notebooks run in: started here, tracked, killed, and one kept ready.

The pipeline starts every kernel itself and hands it to papermill (``km=``), so that it
decides where the kernel runs, where its stderr goes (an unnamed temporary file: log chatter
such as "running over TCP without encryption" is shown only when the kernel dies) and how it
ends. Kernels lead sessions of their own (jupyter_client's default), so a Ctrl-C reaches only
this process: :func:`kill_all` then kills every kernel it started. A kernel whose parent dies
exits by itself (ipykernel watches its parent).

A kernel is killed, not asked to shut down, once its notebook has run: every output is
already in the client's hands and the provenance log is flushed after each cell, so a
graceful shutdown would only wait (0.1 to 0.3 s per notebook).

Starting a kernel costs about half a second that its notebook spends waiting. A process
that runs notebook after notebook (a sweep's Dask worker) can ask :func:`kernel_for` to
keep a *spare*: the next kernel is started while the current notebook runs, and the next
notebook only moves it into its own working folder. A spare is used only if this
process's environment is what it was started with (a worker of a shared cluster may serve
another checkout next); otherwise it is killed and a kernel started afresh.
"""

from __future__ import annotations

import atexit
import os
import signal
import tempfile
import threading
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync

KERNEL_NAME = "python3"
KERNEL_ARGUMENTS = [
    # Notes which data files and registry rows each cell reads (compendium.provenance).
    "--ext=compendium.provenance",
    # What nbclient passes to kernels it starts itself: no IPython history database on disk.
    "--HistoryManager.hist_file=:memory:",
]
# As long as nbclient waits for a kernel to answer at start.
STARTUP_TIMEOUT = 60

# Set while an interrupted run stops its kernels: no new kernel may start.
stopping = threading.Event()
_running: set["TrackedKernelManager"] = set()
_running_lock = threading.Lock()


class TrackedKernelManager(AsyncKernelManager):
    """A kernel manager that keeps its kernel's stderr for :meth:`error_hint` and can be killed from outside."""

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self.stderr = tempfile.TemporaryFile()  # unnamed: nothing to clean up, whatever kills this process
        self.clients: list = []

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        if stopping.is_set():
            raise RuntimeError("interrupted before the kernel started")
        await super()._async_launch_kernel(kernel_cmd, **{**kw, "stderr": self.stderr})
        with _running_lock:
            _running.add(self)
        if stopping.is_set():
            _kill(self)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        with _running_lock:
            _running.discard(self)
        await super()._async_cleanup_resources(restart=restart)

    def client(self, **kwargs: Any):
        # nbclient leaves the channels of a kernel it did not start open: stop() closes them.
        client = super().client(**kwargs)
        self.clients.append(client)
        return client

    @property
    def process(self):
        """The kernel's process (a ``subprocess.Popen``), or None before start and after shutdown."""
        return getattr(self.provisioner, "process", None)

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def error_hint(self) -> str:
        """The last line the kernel wrote to stderr, as a hint when it died."""
        self.stderr.seek(0)
        lines = self.stderr.read().decode("utf-8", errors="replace").splitlines()
        lines = [line.strip() for line in lines if line.strip() and "without encryption" not in line]
        return f" (kernel: {lines[-1][:200]})" if lines else ""


def start(cwd: Path) -> TrackedKernelManager:
    """A kernel running in ``cwd``, with the pipeline's arguments and this process's environment."""
    manager = TrackedKernelManager(kernel_name=KERNEL_NAME)
    run_sync(manager.start_kernel)(extra_arguments=KERNEL_ARGUMENTS, cwd=str(cwd))
    return manager


def stop(manager: TrackedKernelManager) -> None:
    """Kill the kernel, close its clients' channels, remove its connection file."""
    _kill(manager)
    if manager.process is not None:
        manager.process.wait()  # reaped here, so the shutdown below finds it gone instead of polling
    while manager.clients:
        manager.clients.pop().stop_channels()
    if manager.has_kernel:
        run_sync(manager.shutdown_kernel)(now=True)
    manager.stderr.close()


def _kill(manager: TrackedKernelManager) -> None:
    if manager.alive:
        try:  # the kernel leads its own session: kill it with any children it started
            os.killpg(manager.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def kill_all() -> None:
    """Kill every kernel this process started (on Ctrl-C: the interrupted notebooks' and the spare)."""
    with _running_lock:
        running = list(_running)
    for manager in running:
        _kill(manager)


# The spare: (the environment it was started with, its manager), or None.
_spare: tuple[tuple, TrackedKernelManager] | None = None
_spare_lock = threading.Lock()


def kernel_for(work: Path, keep_spare: bool = False) -> TrackedKernelManager:
    """A running kernel whose working folder is ``work``.

    With ``keep_spare``, the spare is used if it fits, and the next one is started at once.
    """
    global _spare
    environment = tuple(sorted(os.environ.items()))
    with _spare_lock:
        taken, _spare = _spare, None
        if keep_spare:
            _spare = _start_spare(environment)
    if taken is not None:
        started_with, manager = taken
        if started_with == environment and manager.alive:
            try:
                _move(manager, work)
                return manager
            except Exception:  # a spare that cannot be moved is replaced, not trusted
                pass
        stop(manager)
    return start(work)


def _start_spare(environment: tuple) -> tuple[tuple, TrackedKernelManager] | None:
    if stopping.is_set():
        return None
    try:  # anywhere: it is moved to its notebook's folder before it runs anything
        return environment, start(Path(tempfile.gettempdir()))
    except Exception:  # no spare is no failure: the next notebook starts its own kernel
        return None


def _move(manager: TrackedKernelManager, work: Path) -> None:
    """Make ``work`` the spare's working folder, as if it had been started there."""
    client = manager.blocking_client()
    client.start_channels(iopub=False, stdin=False, hb=False, control=False)
    try:
        # Silent: no execution count, no history, no pre/post-run-cell events (so no provenance note).
        reply = client.execute(f"__import__('os').chdir({str(work)!r})", silent=True, store_history=False,
                               reply=True, timeout=STARTUP_TIMEOUT)
    finally:
        client.stop_channels()
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"the kernel could not enter {work}: {reply['content'].get('evalue', '')}")


def stop_spare() -> None:
    """Kill the spare kernel, if any (a sweep calls this on every worker when it ends)."""
    global _spare
    with _spare_lock:
        taken, _spare = _spare, None
    if taken is not None:
        stop(taken[1])


atexit.register(stop_spare)
