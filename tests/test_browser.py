"""Open the generated reports in headless Chromium: plotly draws its charts and no script fails."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

import test_report  # noqa: E402  (shares the session's build of the reports)


def _chromium() -> str | None:
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium") or shutil.which("chromium-browser")


CHROMIUM = _chromium()
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (CI: apt-get install -y chromium)")


@pytest.fixture(scope="session")
def reports(tmp_path_factory):
    return test_report.build_once(tmp_path_factory, "injected")


def _open(page: Path, profile: Path) -> subprocess.CompletedProcess:
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
           "--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000", "--dump-dom", page.as_uri()]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("stem", list(test_report.NOTEBOOKS))
def test_report_renders(reports, stem, tmp_path):
    page = next(p for p in reports[1] if p.stem == stem)
    run = _open(page, tmp_path / "profile")
    assert 'class="main-svg"' in run.stdout, f"plotly did not draw in {page.name}:\n{run.stderr[-2000:]}"
    errors = [ln for ln in run.stderr.splitlines() if "Uncaught" in ln]
    assert not errors, "\n".join(errors)
    assert "<script>alert(1)</script>" not in run.stdout  # the injected task stays text in the live DOM too
