"""Dataset input at the edges: files that are not files, huge values, dates and types at the limits.

Each test feeds one hostile or unusual input and expects either a correct dataset or a one-line
``DatasetError`` naming the file, the row or line and the field.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from retroblog.data import loaders
from retroblog.data.dataset import load_dataset
from retroblog.data.loaders import read_raw
from retroblog.errors import DatasetError


def _error(path: Path, **kwargs: object) -> str:
    with pytest.raises(DatasetError) as info:
        load_dataset(path, **kwargs)  # type: ignore[arg-type]
    message = str(info.value)
    assert "Traceback" not in message
    return message


# -- 1. regular files only, with a size bound --------------------------------------------------------


CHILD = """
import sys
from retroblog.data.loaders import read_raw
from retroblog.errors import DatasetError
try:
    read_raw(sys.argv[1])
except DatasetError as exc:
    print(exc)
"""


def _limit_memory() -> None:  # pragma: no cover - runs in the child
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))


def _read_in_child(path: Path) -> str:
    """``read_raw(path)``'s error, read in a child process with 4 GB of memory and a minute: a
    regression that blocks on a FIFO or reads /dev/zero to the end fails the test, not the machine."""
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_limit_memory,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "prs.csv"
    os.mkfifo(fifo)
    message = _read_in_child(fifo)
    assert message == f"{fifo}: is a named pipe (FIFO), not a regular file; expected a dataset file"


def test_a_link_to_dev_zero_is_refused_without_reading_it(tmp_path):
    link = tmp_path / "prs.jsonl"
    link.symlink_to("/dev/zero")
    message = _read_in_child(link)
    assert message == f"{link}: is a character device, not a regular file; expected a dataset file"
    target = tmp_path / "real.jsonl"
    target.write_text('{"merged_at": "2021-01-01", "additions": 3}\n')
    link.unlink()
    link.symlink_to(target)
    assert load_dataset(link).frame["additions"].to_list() == [3]


def test_a_folder_named_like_a_dataset_is_refused(tmp_path):
    folder = tmp_path / "prs.csv"
    folder.mkdir()
    assert "is a folder" in _error(folder)


def test_a_file_over_the_size_bound_is_refused_naming_its_size(write, monkeypatch):
    path = write("prs.csv", "merged_at,additions\n" + "2021-01-01,3\n" * 100)
    size = path.stat().st_size
    monkeypatch.setattr(loaders, "MAX_DATASET_BYTES", size - 1)
    message = _error(path)
    assert message.startswith(f"{path}: is {size:,} bytes; a dataset may be at most {size - 1:,} bytes")
    assert "\n" not in message
    monkeypatch.setattr(loaders, "MAX_DATASET_BYTES", size)
    assert read_raw(path).frame.height == 100


def test_the_default_size_bound_is_a_few_hundred_megabytes():
    assert 100_000_000 <= loaders.MAX_DATASET_BYTES <= 500_000_000
