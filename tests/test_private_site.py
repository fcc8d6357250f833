"""A dataset marked private never lets a title, repo name or URL reach any file of the built site."""

from __future__ import annotations

import pytest

MARKERS = ("ZqTitleSecret", "ZqRepoSecret", "zqurlsecret")


@pytest.mark.slow
def test_private_dataset_leaks_nothing(tmp_path, build_site):
    (tmp_path / "data").mkdir()
    rows = "".join(
        f"2021-0{m}-1{d}T10:00:00Z,{m * 7 + d},2,{MARKERS[0]} {m}{d},{MARKERS[1]}-{d % 2},"
        f"https://git.example/{MARKERS[2]}/{m}{d},{m}{d}\n"
        for m in range(1, 7)
        for d in range(1, 4)
    )
    (tmp_path / "data" / "secret.csv").write_text("merged_at,additions,deletions,title,repo,url,number\n" + rows)
    (tmp_path / "docs").mkdir()
    charts = "".join(
        f"```chart\ntype: {t}\n```\n\n"
        for t in ("prs-per-year", "prs-per-month", "prs-per-repo", "size-buckets", "calendar", "cumulative")
    )
    (tmp_path / "docs" / "index.md").write_text(f"# Work\n\nI merged :stat[total_prs] PRs.\n\n{charts}```stats\n```\n")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: t\nsite_url: http://127.0.0.1/\ntheme:\n  name: material\n  font: false\n"
        "plugins:\n  - search\n  - retroblog:\n      datasets:\n        secret: {private: true}\n"
        "markdown_extensions:\n  - pymdownx.superfences\n"
    )
    result = build_site(tmp_path)
    assert result.returncode == 0, result.stderr
    files = [p for p in (tmp_path / "site").rglob("*") if p.is_file()]
    page = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert page.count('class="retroblog-chart"') == 6 and "Repository A" in page
    for path in files:
        data = path.read_bytes()
        if path.suffix == ".gz":
            import gzip

            data = gzip.decompress(data)
        for marker in MARKERS:
            assert marker.encode() not in data and marker.lower().encode() not in data.lower(), (marker, path)
