"""Kernels for the stage notebooks: started on this interpreter, and one kept warm for the next stage.

A stage's kernel spends seconds before the notebook's first cell runs: the interpreter and ipykernel
start, then the notebook imports pandas, matplotlib and the package. :class:`SpareKernel` starts the
next stage's kernel while the current stage runs and sends it the import statements of the notebooks
that may come next (:func:`warm_code`), silently and outside the kernel's history (the stage's cells are
still numbered from 1). The stage then takes the kernel already started; without one it starts its
own, as before. A spare kernel reads and writes no file: it only imports modules.

>>> print(warm_code([]))
<BLANKLINE>
"""

from __future__ import annotations

import ast
import contextlib
import multiprocessing.util
import os
import signal
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

KERNEL_NAME = "python3"
#: Seconds a stage waits for its spare kernel to finish importing before it starts a new one.
WARM_TIMEOUT = 120.0
#: Environment variables a kernel reads at its start: a spare kernel started under other values
#: (another profile's tree, another figure mode) is not used.
ENVIRONMENT = (
    "EXPORTLAB_ROOT",
    "EXPORTLAB_PROFILE",
    "EXPORTLAB_FIGURES",
    "EXPORTLAB_BATCH",
    "MPLBACKEND",
    "PYTHONHASHSEED",
)


def _environment() -> dict[str, str | None]:
    return {key: os.environ.get(key) for key in ENVIRONMENT}


def current_interpreter_kernel_manager(on_start: Callable[[int], None] | None = None) -> type:
    """A kernel manager that starts ``sys.executable``'s ipykernel, ignoring registered kernelspecs.

    A ``python3`` kernelspec in the user's Jupyter folders may point at another Python without this
    package (papermill's best-known pitfall); the pipeline always runs on the interpreter running it.
    ``on_start`` is called with the kernel's process id once it runs (the stage journal records it).
    """
    from jupyter_client.kernelspec import KernelSpec
    from jupyter_client.manager import AsyncKernelManager

    class CurrentInterpreterKernelManager(AsyncKernelManager):
        @property
        def kernel_spec(self) -> KernelSpec:
            if self._kernel_spec is None:
                self._kernel_spec = KernelSpec(
                    argv=[
                        sys.executable,
                        "-m",
                        "ipykernel_launcher",
                        "-f",
                        "{connection_file}",
                        "--IPKernelApp.log_level=CRITICAL",  # cell errors come in the notebook
                    ],
                    display_name=f"Python ({Path(sys.executable).parent.parent.name})",
                    language="python",
                    name=KERNEL_NAME,
                )
            return self._kernel_spec

        def client(self, **kwargs: Any) -> Any:
            # nbclient leaves the channels of a client it made for a kernel it did not start
            # open: they are closed with the kernel (:func:`shutdown_kernel`)
            made = super().client(**kwargs)
            self.__dict__.setdefault("_exportlab_clients", []).append(made)
            return made

        async def _async_post_start_kernel(self, **kw: Any) -> None:
            await super()._async_post_start_kernel(**kw)
            pid = getattr(self.provisioner, "pid", None)
            if on_start is not None and pid:
                on_start(int(pid))

    return CurrentInterpreterKernelManager


def notebook_imports(notebook: Path) -> list[str]:
    """The ``import`` statements at the top level of a notebook's code cells, in order, once each.

    Cells that do not parse (IPython magics) are passed over.
    """
    from exportlab.config import cell_source, code_cells

    try:
        cells = code_cells(notebook)
    except (OSError, ValueError):
        return []
    found: list[str] = []
    for cell in cells:
        try:
            tree = ast.parse(cell_source(cell))
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.Import | ast.ImportFrom) and not (
                isinstance(node, ast.ImportFrom) and node.module == "__future__"
            ):
                statement = ast.unparse(node)
                if statement not in found:
                    found.append(statement)
    return found


#: What modules of the package load on first use, imported with them in a spare kernel: writing a
#: table (``tables.write_table``: XLSX) and showing one (``tables.show``: a pandas Styler).
FIRST_USE = {
    "exportlab.tables": ("import openpyxl", "import pandas.io.formats.style"),
}


def _package_modules(statements: Iterable[str]) -> set[str]:
    """The ``exportlab`` modules that import statements name (``from exportlab import tables``)."""
    found: set[str] = set()
    for statement in statements:
        node = ast.parse(statement).body[0]
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name.split(".")[0] == "exportlab"}


def warm_code(notebooks: Iterable[Path]) -> str:
    """Code importing what ``notebooks`` import (and what the package modules they import load on
    first use, :data:`FIRST_USE`), each statement on its own (a failing import is left for the
    notebook's own cell to report), leaving no name behind in the kernel's namespace.

    >>> import json, tempfile
    >>> from pathlib import Path
    >>> nb = Path(tempfile.mkdtemp()) / "x.ipynb"
    >>> _ = nb.write_text(json.dumps({"cells": [{"cell_type": "code", "source": "import json\\nx = 1"}]}))
    >>> print(warm_code([nb]))
    def _exportlab_warm():
        for statement in ['import json']:
            try:
                exec(statement, {})
            except Exception:
                pass
    _exportlab_warm()
    del _exportlab_warm
    """
    statements: list[str] = []
    for notebook in notebooks:
        statements.extend(s for s in notebook_imports(Path(notebook)) if s not in statements)
    for module in sorted(_package_modules(statements)):
        statements.extend(s for s in FIRST_USE.get(module, ()) if s not in statements)
    if not statements:
        return ""
    return (
        "def _exportlab_warm():\n"
        f"    for statement in {statements!r}:\n"
        "        try:\n"
        "            exec(statement, {})\n"
        "        except Exception:\n"
        "            pass\n"
        "_exportlab_warm()\n"
        "del _exportlab_warm"
    )


def _run_sync(function: Callable[..., Any]) -> Callable[..., Any]:
    from jupyter_core.utils import run_sync

    return run_sync(function)


def start_kernel(root: Path, code: str = "") -> Any:
    """Start a kernel on this interpreter in ``root`` and send it ``code`` to run silently; return
    its (started) kernel manager at once, without waiting for the kernel or the code.

    The environment (``EXPORTLAB_PROFILE``, ``MPLBACKEND``, …) is this process's at the call.
    """
    manager = current_interpreter_kernel_manager()()
    manager._exportlab_environment = _environment()
    manager._exportlab_warm_client = None
    manager._exportlab_warm_id = None
    manager._exportlab_shutdown_requested = False
    _run_sync(manager.start_kernel)(cwd=str(root))
    if code:
        client = manager.blocking_client()
        client.start_channels(iopub=False, stdin=False, hb=False, control=False)
        # not stored in the history, so the notebook's cells keep their numbers from 1; the
        # kernel answers the stage's first request once this has run (one shell queue)
        manager._exportlab_warm_id = client.execute(
            code, silent=True, store_history=False, allow_stdin=False
        )
        manager._exportlab_warm_client = client
    return manager


def wait_warm(manager: Any, timeout: float = WARM_TIMEOUT) -> bool:
    """Wait until a kernel has run its warm-up code (if any); ``False`` if it died or took longer
    than ``timeout`` seconds.

    The kernel answers a client's first requests while the warm-up still runs, so without this the
    notebook's first cell would wait for it (and count that time against ``cell_timeout``).
    """
    import queue
    import time

    client = getattr(manager, "_exportlab_warm_client", None)
    if client is None:
        return True
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        try:
            reply = client.get_shell_msg(timeout=min(1.0, remaining))
        except queue.Empty:
            if not _run_sync(manager.is_alive)():
                return False
            continue
        if reply.get("parent_header", {}).get("msg_id") == manager._exportlab_warm_id:
            _drop_warm_client(manager)
            return True


def kernel_pid(manager: Any) -> int | None:
    """The process id of a started kernel (``None`` when unknown)."""
    pid = getattr(getattr(manager, "provisioner", None), "pid", None)
    return int(pid) if pid else None


def _drop_warm_client(manager: Any) -> None:
    client = getattr(manager, "_exportlab_warm_client", None)
    if client is not None:
        with contextlib.suppress(Exception):
            client.stop_channels()
        manager._exportlab_warm_client = None


def request_shutdown(manager: Any) -> None:
    """Ask an idle kernel to shut down, without waiting for it (:func:`shutdown_kernel` waits)."""
    with contextlib.suppress(Exception):
        _run_sync(manager.request_shutdown)()
        manager._exportlab_shutdown_requested = True


def shutdown_kernel(manager: Any, *, now: bool = False) -> None:
    """Stop a kernel started by :func:`start_kernel` and free its sockets and connection file.

    ``now``: kill it at once (a kernel that may be stuck); otherwise ask it to shut down (unless
    :func:`request_shutdown` did) and wait for it to end (killed after ``shutdown_wait_time``).
    """
    _drop_warm_client(manager)
    try:
        if getattr(manager, "_exportlab_shutdown_requested", False) and not now:
            _run_sync(manager.finish_shutdown)()
        elif _run_sync(manager.is_alive)():
            _run_sync(manager.shutdown_kernel)(now=now)
    except Exception:  # the kernel may be gone already; make sure the process is
        kill_kernel(manager)
    finally:
        _close_clients(manager)
        with contextlib.suppress(Exception):
            _run_sync(manager.cleanup_resources)()


def _close_clients(manager: Any) -> None:
    for made in manager.__dict__.pop("_exportlab_clients", []):
        with contextlib.suppress(Exception):
            made.stop_channels()


def kill_kernel(manager: Any) -> None:
    """Kill a kernel's process without waiting for an event loop (at interpreter exit)."""
    _drop_warm_client(manager)
    pid = kernel_pid(manager)
    process = getattr(getattr(manager, "provisioner", None), "process", None)
    with contextlib.suppress(Exception):
        if process is not None:
            process.kill()
            process.wait(5)
        elif pid:
            os.kill(pid, signal.SIGKILL)
    _close_clients(manager)
    with contextlib.suppress(Exception):
        manager.cleanup_connection_file()


class SpareKernel:
    """At most one kernel started ahead of the stage that will use it, in this process.

    :meth:`prepare` starts it (warmed with the imports of the notebooks given); :meth:`take` hands it
    over (the caller shuts it down when the stage is done); :meth:`close` kills one left unused, as
    does the end of the process.
    """

    def __init__(self) -> None:
        self.manager: Any = None
        self.root: Path | None = None
        self._finalizer: Any = None

    def prepare(self, root: Path, notebooks: Iterable[Path] = ()) -> None:
        """Start the spare kernel for a stage of the project ``root`` (if there is none yet)."""
        if self.manager is not None and self._usable(root):
            return
        self.close()
        self.manager = start_kernel(root, warm_code(notebooks))
        self.root = root
        if self._finalizer is None:
            # also in a pool's worker process, which ends without running atexit
            self._finalizer = multiprocessing.util.Finalize(self, self.close, exitpriority=10)

    def _usable(self, root: Path) -> bool:
        manager = self.manager
        try:
            return (
                manager is not None
                and self.root == root
                and getattr(manager, "_exportlab_environment", None) == _environment()
                and bool(_run_sync(manager.is_alive)())
            )
        except Exception:
            return False

    def take(self, root: Path) -> Any:
        """The spare kernel, if one runs for ``root`` (then it is no longer the spare), else ``None``;
        it has run its warm-up (:func:`wait_warm`) when it is returned."""
        if self.manager is None:
            return None
        usable = self._usable(root)
        manager, self.manager = self.manager, None
        try:
            usable = usable and wait_warm(manager)
        except Exception:
            usable = False
        if not usable:
            kill_kernel(manager)
            return None
        return manager

    def close(self) -> None:
        """Kill the spare kernel, if any."""
        manager, self.manager = self.manager, None
        if manager is not None:
            kill_kernel(manager)


#: This process's spare kernel (the runner's with ``jobs=1``, each worker's otherwise).
SPARE = SpareKernel()


def prepare_spare(root: str, notebooks: Iterable[str] = ()) -> None:
    """Start this process's spare kernel (a task a worker process runs before its first stage)."""
    SPARE.prepare(Path(root), [Path(n) for n in notebooks])
