"""Atomic file writing: a stage output is either the old file or the complete new one, never a half.

* :func:`atomic_path` / :func:`atomic_write_bytes` — write to a temporary file beside the target, then
  rename it onto the target;
* :func:`write_parquet`, :func:`write_json`, :func:`write_json_durable` — stage data and journals;
* :func:`move_file` — a move that also crosses filesystems (copy, flush, rename, then remove);
* :func:`describe_os_error` — an OS error (disk full, permissions) as a sentence naming the file.

This module imports nothing of the package: every layer writes through it.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd


def current_umask() -> int:
    """The process umask (read without changing it)."""
    current = os.umask(0)
    os.umask(current)
    return current


def _temp_beside(target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    os.chmod(
        tmp, 0o666 & ~current_umask()
    )  # the mode a plain open() would give, not mkstemp's 0600
    return Path(tmp)


@contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary path beside ``path``; renamed onto ``path`` when the block succeeds.

    >>> with atomic_path("/tmp/example.txt") as tmp:
    ...     _ = tmp.write_text("complete")
    """
    target = Path(path)
    tmp = _temp_beside(target)
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def atomic_write_bytes(data: bytes, path: str | os.PathLike[str]) -> Path:
    """Write ``data`` to ``path`` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def fsync_folder(folder: str | os.PathLike[str]) -> None:
    """Flush a folder's entries (renames, new files) to disk; a no-op where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def move_file(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> Path:
    """Move the file ``source`` onto ``target`` (replacing it), also across filesystems.

    A rename where it can be one; when ``source`` and ``target`` are on different filesystems
    (``EXDEV``), the file is copied to a temporary file beside ``target``, flushed to disk, renamed onto
    ``target``, and only then is ``source`` removed: at every moment one complete copy exists.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.txt").write_text("kept")
    >>> move_file(folder / "a.txt", folder / "sub" / "b.txt").read_text()
    'kept'
    """
    source, target = Path(source), Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(source, target)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        tmp = _temp_beside(target)
        try:
            shutil.copy2(source, tmp)
            with tmp.open("rb+") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
        fsync_folder(target.parent)
        source.unlink()
    return target


def write_parquet(df: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write ``df`` to ``path`` as Parquet (zstd, no index), via a temporary file and a rename."""
    with atomic_path(path) as tmp:
        df.to_parquet(tmp, index=False, compression="zstd")
    return Path(path)


def write_json(obj: Any, path: str | os.PathLike[str]) -> Path:
    """Write ``obj`` as indented UTF-8 JSON (sorted keys), via a temporary file and a rename."""
    text = json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True, default=str) + "\n"
    return atomic_write_bytes(text.encode("utf-8"), path)


def write_json_durable(obj: Any, path: str | os.PathLike[str]) -> Path:
    """:func:`write_json`, flushed to disk (file and folder) before it returns: for journals."""
    target = Path(path)
    text = json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True, default=str) + "\n"
    with atomic_path(target) as tmp:
        with tmp.open("wb") as fh:
            fh.write(text.encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())
    fsync_folder(target.parent)
    return target


def describe_os_error(exc: OSError, doing: str) -> str:
    """An OS error as a sentence naming the file (no traceback).

    >>> describe_os_error(OSError(28, 'No space left on device', 'figures/a.png'), 'writing failed')
    'writing failed (figures/a.png): the disk is full [OSError, errno 28]'
    """
    what = {
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is exceeded",
        errno.EACCES: "permission denied",
        errno.EPERM: "operation not permitted",
        errno.EROFS: "the filesystem is read-only",
    }.get(exc.errno or 0, exc.strerror or str(exc))
    name = f" ({exc.filename})" if exc.filename else ""
    return f"{doing}{name}: {what} [{type(exc).__name__}, errno {exc.errno}]"
