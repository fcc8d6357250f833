"""A dataset marked private never lets a title, repo name, label or URL reach any file of the built site,
through any path: the charts, their filters, stats tables, inline stats, the search index."""

from __future__ import annotations

import pytest

MARKERS = ("ZqTitleSecret", "ZqRepoSecret", "zqurlsecret", "zqlabelsecret")
TYPES = ("prs-per-year", "prs-per-month", "prs-per-repo", "size-buckets", "calendar", "cumulative")


@pytest.mark.slow
def test_private_dataset_leaks_nothing(tmp_path, build_site):
    (tmp_path / "data").mkdir()
    rows = "".join(
        f"2021-0{m}-1{d}T10:00:00Z,{m * 7 + d},2,{MARKERS[0]} {m}{d},{MARKERS[1]}-{d % 2},"
        f"https://git.example/{MARKERS[2]}/{m}{d},{m}{d},{MARKERS[3]}-{d % 2}\n"
        for m in range(1, 7)
        for d in range(1, 4)
    )
    (tmp_path / "data" / "secret.csv").write_text("merged_at,additions,deletions,title,repo,url,number,labels\n" + rows)
    (tmp_path / "docs").mkdir()
    charts = "".join(f"```chart\ntype: {t}\n```\n\n" for t in TYPES)
    filtered = "".join(
        f"```chart\ntype: {t}\n{option}\n```\n\n"
        for t in TYPES
        for option in (f"repo: {MARKERS[1]}-1", f"label: {MARKERS[3]}-0")
    )
    (tmp_path / "docs" / "index.md").write_text(
        f"# Work\n\nI merged :stat[total_prs] PRs, :stat[total_prs]{{repo={MARKERS[1]}-0}} in one place.\n\n"
        f"{charts}```stats\n```\n\n```stats\nrepo: {MARKERS[1]}-1\nlabel: {MARKERS[3]}-1\n```\n\n{filtered}"
    )
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: t\nsite_url: http://127.0.0.1/\ntheme:\n  name: material\n  font: false\n"
        "plugins:\n  - search\n  - retroblog:\n      datasets:\n        secret: {private: true}\n"
        "markdown_extensions:\n  - pymdownx.superfences\n"
    )
    result = build_site(tmp_path)
    assert result.returncode == 0, result.stderr
    files = [p for p in (tmp_path / "site").rglob("*") if p.is_file()]
    page = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert page.count('class="retroblog-chart"') == 18 and "Repository A" in page
    assert "in 1 repository" in page and "with 1 label" in page
    for path in files:
        data = path.read_bytes()
        if path.suffix == ".gz":
            import gzip

            data = gzip.decompress(data)
        for marker in MARKERS:
            assert marker.encode() not in data and marker.lower().encode() not in data.lower(), (marker, path)
