"""docs/reports.md: its example runs as written and its screenshots exist."""

from __future__ import annotations

import re
import shutil

from gauntlet.evaluation.result import SuiteResult


def test_write_reports_example_runs(repo_root, results_dir, tmp_path, monkeypatch):
    text = (repo_root / "docs" / "reports.md").read_text()
    code = re.search(r"<!-- example: write-reports -->\n```python\n(.*?)```", text, re.S).group(1)
    shutil.copytree(results_dir, tmp_path / "gauntlet-results")
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "docs/reports.md", "exec"), {})
    out = tmp_path / "gauntlet-results"
    suite = SuiteResult.read_json(out / "results.json")
    assert (out / "junit.xml").stat().st_size > 1000
    assert all(r.id in (out / "report.html").read_text() for r in suite.results)


def test_images_referenced_by_the_page_exist(repo_root):
    text = (repo_root / "docs" / "reports.md").read_text()
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert len(images) == 2
    for image in images:
        path = repo_root / "docs" / image
        assert path.is_file() and path.read_bytes().startswith(b"\x89PNG"), image
