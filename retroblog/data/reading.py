"""Reading a user's data file at all: regular files only, of a bounded size; YAML of bounded depth.

Light (no polars): ``data.loaders`` reads datasets with it and ``data.career`` the career file.
"""

from __future__ import annotations

import functools
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any

from retroblog.errors import DatasetError
from retroblog.util.quote import quoted

if TYPE_CHECKING:  # PyYAML loads only when a YAML file is read
    import yaml

MAX_DATASET_BYTES = 200_000_000
"""A dataset file larger than this (200 MB) is refused before it is read."""

MAX_NESTING = 64
"""Lists and objects nested deeper than this (a PR record needs four or five levels) are refused:
deeper ones would exhaust the stack of the YAML composer and of the JSON encoder."""


def read_dataset_bytes(path: Path, limit: int | None = None) -> bytes:
    """The bytes of a dataset file: a regular file (or a link to one) of at most ``limit`` bytes
    (``MAX_DATASET_BYTES``), else a one-line ``DatasetError``. A FIFO, a device such as /dev/zero, a
    socket or a folder is refused without reading from it: opened non-blocking, so a FIFO nobody
    writes to cannot hang the build, and checked with ``fstat`` on the open file."""
    limit = MAX_DATASET_BYTES if limit is None else limit
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise DatasetError.single(path, "no such file") from None
    except IsADirectoryError:
        raise DatasetError.single(path, "is a folder, not a dataset file") from None
    except OSError as exc:
        raise DatasetError.single(path, f"cannot be read: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise DatasetError.single(
                path, f"is {file_kind(info.st_mode)}, not a regular file; expected a dataset file"
            )
        if info.st_size > limit:
            raise DatasetError.single(path, _too_big(info.st_size, limit))
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        chunks: list[bytes] = []
        size = 0
        while size <= limit:  # read to the end, or one byte past the bound: the file may grow meanwhile
            chunk = os.read(fd, min(1 << 24, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise DatasetError.single(path, f"cannot be read: {exc.strerror}") from None
    finally:
        os.close(fd)
    if size > limit:
        raise DatasetError.single(path, _too_big(size, limit, grew=True))
    return b"".join(chunks)


def file_kind(mode: int) -> str:
    """What a file that is not a regular one is, in words ("a named pipe (FIFO)")."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _too_big(size: int, limit: int, *, grew: bool = False) -> str:
    what = f"grew past {limit:,} bytes while it was read" if grew else f"is {size:,} bytes"
    return f"{what}; a dataset may be at most {limit:,} bytes ({limit // 1_000_000:,} MB)"


def too_deep() -> str:
    return f"lists or objects nested more than {MAX_NESTING} levels deep; a PR record needs a few"


@functools.cache
def safe_loader() -> type[yaml.SafeLoader]:
    """PyYAML's safe loader, made total: nesting is bounded (its composer recurses once per level) and
    a scalar its constructors cannot convert (``2021-02-29`` as a timestamp, ``!!int abc``) is a
    ``MarkedYAMLError`` at its line, never a bare ``ValueError``. An impossible timestamp stays text,
    so validation names it like any other impossible date."""
    import yaml

    class Loader(yaml.SafeLoader):
        depth = 0

        def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
            self.depth += 1
            try:
                if self.depth > MAX_NESTING:
                    mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                    raise yaml.composer.ComposerError(None, None, too_deep(), mark)
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

        def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
            try:
                return super().construct_object(node, deep)
            except (ValueError, TypeError, LookupError, OverflowError, AttributeError):
                raise yaml.constructor.ConstructorError(
                    None, None, f"cannot read {quoted(node.value)} as {node.tag.rsplit(':', 1)[-1]}", node.start_mark
                ) from None

        def construct_lenient_timestamp(self, node: yaml.ScalarNode) -> Any:
            try:
                return self.construct_yaml_timestamp(node)
            except (ValueError, OverflowError):
                return self.construct_scalar(node)

    Loader.add_constructor("tag:yaml.org,2002:timestamp", Loader.construct_lenient_timestamp)
    return Loader
