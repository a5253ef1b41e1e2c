"""Atomic writers: the target is the old file or the complete new one, never a half."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pandas as pd
import pytest

from exportlab import files


def test_a_failing_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path: Path):
    target = tmp_path / "out" / "table.json"
    files.write_json({"b": 1, "a": "й"}, target)
    first = target.read_bytes()
    assert (
        first == b'{\n  "a": "\xd0\xb9",\n  "b": 1\n}\n'
    )  # sorted keys, UTF-8, newline at the end
    with pytest.raises(RuntimeError), files.atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("stopped")
    assert target.read_bytes() == first
    assert sorted(p.name for p in target.parent.iterdir()) == ["table.json"]


def test_new_files_get_the_mode_of_a_plain_open(tmp_path: Path):
    plain = tmp_path / "plain.txt"
    plain.write_text("x")
    written = files.atomic_write_bytes(b"x", tmp_path / "atomic.txt")
    assert written.stat().st_mode & 0o777 == plain.stat().st_mode & 0o777
    assert (0o666 & ~files.current_umask()) == plain.stat().st_mode & 0o777


def test_parquet_and_durable_json_round_trip(tmp_path: Path):
    df = pd.DataFrame({"region": ["RU-TA"], "value_usd": [1.5e6]})
    path = files.write_parquet(df, tmp_path / "a" / "t.parquet")
    pd.testing.assert_frame_equal(pd.read_parquet(path), df)
    journal = files.write_json_durable({"phase": "running"}, tmp_path / "journal.json")
    assert json.loads(journal.read_text(encoding="utf-8")) == {"phase": "running"}


def test_move_file_across_filesystems_keeps_one_complete_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    source = tmp_path / "a" / "f.bin"
    source.parent.mkdir()
    source.write_bytes(b"kept")
    real_replace = os.replace

    def cross_device(src, dst):
        if Path(src) == source:
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        return real_replace(src, dst)

    monkeypatch.setattr(files.os, "replace", cross_device)
    moved = files.move_file(source, tmp_path / "b" / "f.bin")
    assert moved.read_bytes() == b"kept" and not source.exists()
    assert [p.name for p in moved.parent.iterdir()] == ["f.bin"]


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (errno.ENOSPC, "the disk is full"),
        (errno.EDQUOT, "the disk quota is exceeded"),
        (errno.EACCES, "permission denied"),
        (errno.EROFS, "the filesystem is read-only"),
    ],
)
def test_os_errors_read_as_a_sentence_naming_the_file(code: int, words: str):
    exc = OSError(code, os.strerror(code), "figures/a.png")  # PermissionError for EACCES
    text = files.describe_os_error(exc, "writing")
    assert text == f"writing (figures/a.png): {words} [{type(exc).__name__}, errno {code}]"
    assert files.describe_os_error(OSError(errno.EIO, "I/O error"), "reading") == (
        f"reading: I/O error [OSError, errno {errno.EIO}]"
    )
