"""Datasets: one file of PR records under ``data/``, named by its stem, with a timezone.

``load_dataset`` reads and validates a file; ``DatasetRegistry`` finds the datasets of a site and keeps
each loaded once (reloading only when the file changed), for the plugin, the Markdown extension and
the CLI alike.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from retroblog.data.schema import FIELDS, LINE, SUFFIXES, check_timezone
from retroblog.errors import ConfigError, DatasetError, Problem
from retroblog.util.quote import quoted

if TYPE_CHECKING:  # polars loads only when a dataset does: the plugin starts without it
    import polars as pl

    from retroblog.data.reviews import ReviewsDataset


@dataclass(frozen=True, slots=True)
class PullRequest:
    """One validated PR record (the canonical fields; extra columns are in ``extra``)."""

    merged_at: dt.datetime
    additions: int | None
    deletions: int | None
    lines_changed: int | None
    comments: int | None
    review_comments: int | None
    changed_files: int | None
    commits: int | None
    number: int | None
    repo: str | None
    title: str | None
    url: str | None
    created_at: dt.datetime | None
    labels: tuple[str, ...]
    languages: str | None
    """Lines per language as ``retroblog collect git`` writes them (``Python:120/30;Markdown:10/0``)."""
    line: int
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Dataset:
    """A validated dataset: typed canonical columns, extra columns and each row's source line."""

    name: str
    path: Path
    timezone: str
    frame: pl.DataFrame
    columns: dict[str, str]
    """Canonical field → column of the file it came from."""
    warnings: list[Problem]
    fingerprint: str
    """Changes when the file's bytes or the timezone change; keys caches."""
    private: bool = False

    def __len__(self) -> int:
        return self.frame.height

    def records(self) -> Iterator[PullRequest]:
        """The rows as ``PullRequest`` objects (for small datasets and tests; stats use the frame)."""
        names = [f.name for f in FIELDS]
        extras = [c for c in self.frame.columns if c not in names and c != LINE]
        for row in self.frame.iter_rows(named=True):
            yield PullRequest(
                **{n: row[n] for n in names if n != "labels"},
                labels=tuple(row["labels"] or ()),
                line=row[LINE],
                extra={c: row[c] for c in extras},
            )


def load_dataset(
    path: str | Path,
    *,
    name: str | None = None,
    timezone: str = "UTC",
    private: bool = False,
    today: dt.date | None = None,
) -> Dataset:
    """Read and validate one dataset file. Raises ``DatasetError`` naming every bad row."""
    from retroblog.data.loaders import read_raw
    from retroblog.data.validate import validate

    path = Path(path)
    raw = read_raw(path)
    checked = validate(raw, timezone, today=today)
    digest = hashlib.sha256(f"{raw.digest}\0{timezone}".encode())
    return Dataset(
        name=name or path.stem,
        path=path,
        timezone=timezone,
        frame=checked.frame,
        columns=checked.columns,
        warnings=checked.warnings,
        fingerprint=digest.hexdigest()[:16],
        private=private,
    )


RESERVED = frozenset({"career"})
"""Files in the data folder that are not PR datasets (``career.yml`` is the career timeline)."""


@dataclass(frozen=True)
class DatasetConfig:
    """How one dataset of a site is read."""

    name: str
    path: Path
    timezone: str = "UTC"
    private: bool = False
    kind: str = "prs"
    """``prs`` (a PR dataset) or ``reviews`` (the PRs you reviewed, ``retroblog.data.reviews``)."""


KINDS = ("prs", "reviews")
"""The ``kind`` of a dataset in the site's ``datasets:``."""


@dataclass
class DatasetRegistry:
    """The datasets of a site: every supported file in ``data_dir`` plus explicit entries.

    ``overrides`` maps a dataset name to settings (``path``, ``timezone``, ``private``, ``default``). Loaded
    datasets are cached by file modification time and size, so a rebuild re-reads only changed files.
    """

    data_dir: Path
    timezone: str = "UTC"
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)
    default: str | None = field(default=None, init=False)
    """The dataset a block without ``dataset:`` counts when the site has several (``default: true``)."""
    _cache: dict[str, tuple[tuple[int, int], Dataset]] = field(default_factory=dict, repr=False)
    _reviews: dict[str, tuple[tuple[int, int], ReviewsDataset]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        check_timezone(self.timezone, "retroblog timezone")
        for name, settings in self.overrides.items():
            unknown = set(settings) - {"path", "timezone", "private", "default", "kind"}
            if unknown:
                raise ConfigError(
                    f"dataset '{name}': unknown option(s) {', '.join(sorted(unknown))}; "
                    "expected path, timezone, private, default, kind"
                )
            if settings.get("kind", "prs") not in KINDS:
                raise ConfigError(f"dataset '{name}': 'kind' must be prs or reviews, got {quoted(settings['kind'])}")
            if not isinstance(settings.get("default", False), bool):
                raise ConfigError(
                    f"dataset '{name}': 'default' must be true or false, got {quoted(settings['default'])}"
                )
        defaults = sorted(name for name, settings in self.overrides.items() if settings.get("default"))
        if len(defaults) > 1:
            raise ConfigError(f"datasets {', '.join(defaults)}: only one dataset can be the default")
        self.default = defaults[0] if defaults else None

    def configs(self) -> dict[str, DatasetConfig]:
        """Every dataset the site has, by name."""
        found: dict[str, DatasetConfig] = {}
        if self.data_dir.is_dir():
            for path in sorted(self.data_dir.iterdir()):
                if (
                    path.is_file()
                    and path.suffix.lower() in SUFFIXES
                    and not path.name.startswith((".", "_"))
                    and path.stem not in RESERVED
                ):
                    if path.stem in found:
                        raise ConfigError(
                            f"{self.data_dir}: two datasets are named '{path.stem}' "
                            f"({found[path.stem].path.name}, {path.name}); rename one"
                        )
                    found[path.stem] = DatasetConfig(path.stem, path, self.timezone)
        for name, settings in self.overrides.items():
            base = found.get(name)
            raw_path = settings.get("path")
            file: Path | None = (self.data_dir / str(raw_path)) if raw_path else (base.path if base else None)
            if file is None:
                raise ConfigError(f"dataset '{name}': no file {name}.* in {self.data_dir} and no 'path' given")
            timezone = str(settings.get("timezone", self.timezone))
            check_timezone(timezone, f"dataset '{name}' timezone")
            kind = str(settings.get("kind", "prs"))
            found[name] = DatasetConfig(name, file, timezone, bool(settings.get("private", False)), kind)
        return found

    def names(self) -> list[str]:
        """The PR datasets of the site (not its reviews datasets)."""
        return sorted(n for n, c in self.configs().items() if c.kind == "prs")

    def config(self, name: str | None, configs: dict[str, DatasetConfig] | None = None) -> DatasetConfig:
        """How the dataset ``name`` is read, without reading it; ``None`` means the site's default dataset
        (its only one, or the one marked ``default: true``)."""
        configs = self.configs() if configs is None else configs
        if name is not None and name in configs and configs[name].kind != "prs":
            raise ConfigError(
                f"dataset '{name}' is a reviews dataset (kind: reviews); a reviews chart or stat reads it with "
                f"'reviews: {name}', and 'dataset:' names a PR dataset"
            )
        configs = {n: c for n, c in configs.items() if c.kind == "prs"}
        if name is None and self.default is not None:
            name = self.default
        if name is None:
            if len(configs) != 1:
                known = ", ".join(sorted(configs)) or "none"
                raise ConfigError(
                    f"name a dataset with 'dataset:'; this site has {len(configs)} ({known}) and none is "
                    "'default: true'"
                )
            return next(iter(configs.values()))
        if name not in configs:
            known = ", ".join(sorted(configs)) or f"none: {self.data_dir} has no dataset files"
            raise ConfigError(f"unknown dataset '{name}'; known datasets: {known}")
        return configs[name]

    def reviews_config(self, name: str | None, configs: dict[str, DatasetConfig] | None = None) -> DatasetConfig:
        """How the reviews dataset ``name`` is read; ``None`` means the site's only one."""
        configs = self.configs() if configs is None else configs
        reviews = {n: c for n, c in configs.items() if c.kind == "reviews"}
        if name is None:
            if len(reviews) != 1:
                known = ", ".join(sorted(reviews)) or "none"
                raise ConfigError(
                    f"name a reviews dataset with 'reviews:'; this site has {len(reviews)} ({known}). Declare one "
                    "in the retroblog 'datasets:' setting with 'kind: reviews'"
                )
            return next(iter(reviews.values()))
        if name not in reviews:
            known = ", ".join(sorted(reviews)) or "none (declare one with 'kind: reviews' in 'datasets:')"
            raise ConfigError(f"unknown reviews dataset '{name}'; known reviews datasets: {known}")
        return reviews[name]

    def get_reviews(self, name: str | None) -> ReviewsDataset:
        """The reviews dataset ``name`` (None: the only one), loaded or taken from the cache."""
        from retroblog.data.reviews import load_reviews

        config = self.reviews_config(name)
        try:
            stat = config.path.stat()
        except FileNotFoundError:
            raise DatasetError.single(config.path, "no such file") from None
        key = (stat.st_mtime_ns, stat.st_size)
        cached = self._reviews.get(config.name)
        if cached and cached[0] == key and cached[1].timezone == config.timezone:
            cached[1].private = config.private
            return cached[1]
        dataset = load_reviews(config.path, name=config.name, timezone=config.timezone, private=config.private)
        self._reviews[config.name] = (key, dataset)
        return dataset

    def get(self, name: str) -> Dataset:
        """The dataset called ``name``, loaded (or taken from the cache when its file is unchanged)."""
        config = self.config(name)
        try:
            stat = config.path.stat()
        except FileNotFoundError:
            raise DatasetError.single(config.path, "no such file") from None
        key = (stat.st_mtime_ns, stat.st_size)
        cached = self._cache.get(name)
        if cached and cached[0] == key and cached[1].timezone == config.timezone:
            dataset = cached[1]
            dataset.private = config.private
            return dataset
        dataset = load_dataset(config.path, name=name, timezone=config.timezone, private=config.private)
        self._cache[name] = (key, dataset)
        return dataset
