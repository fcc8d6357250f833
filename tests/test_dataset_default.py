"""``default: true`` on one of several datasets: what a block without ``dataset:`` counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from retroblog.data.dataset import DatasetRegistry
from retroblog.errors import ConfigError


@pytest.fixture
def data(tmp_path: Path) -> Path:
    for name in ("work", "side"):
        (tmp_path / f"{name}.csv").write_text("merged_at\n2021-01-04T10:00:00Z\n", encoding="utf-8")
    return tmp_path


def test_without_a_default_several_datasets_must_be_named(data):
    with pytest.raises(ConfigError, match=r"name a dataset with 'dataset:'; this site has 2 \(side, work\)"):
        DatasetRegistry(data).config(None)


def test_the_default_dataset_is_what_an_unnamed_block_counts(data):
    registry = DatasetRegistry(data, overrides={"work": {"default": True}})
    assert registry.config(None).name == "work"
    assert registry.config("side").name == "side"  # naming one still works
    assert DatasetRegistry(data, overrides={"side": {"default": True}}).config(None).name == "side"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"work": {"default": True}, "side": {"default": True}}, "datasets side, work: only one dataset"),
        ({"work": {"default": "yes"}}, "dataset 'work': 'default' must be true or false, got 'yes'"),
        ({"work": {"defualt": True}}, "unknown option.*defualt; expected path, timezone, private, default"),
    ],
)
def test_default_errors_name_the_datasets(data, overrides, message):
    with pytest.raises(ConfigError, match=message):
        DatasetRegistry(data, overrides=overrides)
