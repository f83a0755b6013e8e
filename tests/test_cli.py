"""The ``ttdn`` command line, run as a user would (a subprocess): Vietnamese help with an example per command,
English on request, --data everywhere, exit codes, check FILE, coverage, kwic, network, export, report."""
from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from ttdn_analysis.cli import COMMANDS

ROOT = Path(__file__).resolve().parents[1]
PLANS = ROOT / "data" / "plans"
TTDN = Path(sys.executable).with_name("ttdn")


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    return {**os.environ, "TTDN_CACHE_DIR": str(tmp_path_factory.mktemp("cache")), "TTDN_LANG": ""}


def ttdn(env: dict, *args: str, cwd: Path = ROOT, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ttdn_analysis", *args], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=timeout)


def test_help_is_vietnamese_with_an_example_per_command(env):
    top = ttdn(env, "--help")
    assert top.returncode == 0
    assert top.stdout.startswith("cách dùng: ttdn ")
    assert "kiểm tra một tệp kế hoạch" in " ".join(top.stdout.split())
    for name in COMMANDS:
        run = ttdn(env, name, "--help")
        assert run.returncode == 0, name
        assert f"Ví dụ: ttdn {name}" in run.stdout, name
        assert "hiện hướng dẫn này rồi thoát" in run.stdout, name
        if name not in ("check", "cache", "ocr"):  # these read one file (or the cache), not a plans folder
            assert "--data" in run.stdout, name


def test_help_in_english_on_request(env):
    run = ttdn(env, "--lang", "en", "check", "--help")
    assert run.stdout.startswith("usage: ttdn check")
    assert "Example: ttdn check" in run.stdout
    assert "usage: ttdn" in ttdn({**env, "TTDN_LANG": "en"}, "--help").stdout


def test_the_installed_command_is_called_ttdn(env):
    if not TTDN.exists():
        pytest.skip(f"the ttdn script is not installed beside {sys.executable}")
    run = subprocess.run([str(TTDN), "summary", "--help"], capture_output=True, text=True, env=env)
    assert run.returncode == 0 and run.stdout.startswith("cách dùng: ttdn summary")


@pytest.mark.parametrize("args", [["summary"], ["export", "--format", "csv"], ["coverage"], ["kwic", "border"],
                                  ["report"], ["network", "--province", "Gia Lai", "--year", "2025",
                                               "--out", "x.gexf"]])
def test_a_missing_data_folder_is_an_error(env, tmp_path, args):
    run = ttdn(env, *args, "--data", str(tmp_path / "nope"), cwd=tmp_path)
    assert run.returncode == 2
    assert "Lỗi: không có thư mục dữ liệu" in run.stderr
    assert not (tmp_path / "x.gexf").exists() and not (tmp_path / "reports").exists()


def test_summary(env):
    run = ttdn(env, "summary", "--data", str(PLANS))
    assert run.returncode == 0, run.stderr
    for f in PLANS.iterdir():
        if f.is_file():
            assert f.stem in run.stdout
    assert "Vấn đề:" in run.stdout and "Nhiệm vụ" in run.stdout
    # every heading and coded value in the reader's language
    assert "Tỷ lệ nhiệm vụ có chủ trì" in run.stdout and "sở, ngành" in run.stdout and "cảnh báo" in run.stdout
    assert not any(w in run.stdout for w in ("lead_share", "problems_by_kind", " department ", " warning "))
    # problem kinds are English identifiers: the Vietnamese output names them by their catalogue codes
    from ttdn_analysis.messages import kinds
    assert not [k for k in kinds() if re.search(rf"\b{k}\b", run.stdout)]
    assert re.search(r"P0\d\d ×\d", run.stdout)
    english = ttdn(env, "--lang", "en", "summary", "--data", str(PLANS))
    assert "Problems by kind" in english.stdout and re.search(r"\bno_\w+ \d", english.stdout)


def test_check_a_good_plan(env):
    run = ttdn(env, "check", str(PLANS / "gia-lai-2025-ubnd-ttdn.txt"))
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert "Tỉnh: Gia Lai" in out and "Năm: 2025" in out
    assert "Chủ trì: Sở Thông tin và Truyền thông" in out and "Phối hợp:" in out
    assert "Chủ đề: " in out and "Biên giới" in out
    assert "Kết luận: kế hoạch đọc được" in out


def test_check_prints_the_signing_date_as_a_reader_writes_it(env):
    run = ttdn(env, "check", str(PLANS / "dong-nai-2024-ubnd-ttdn.md"))
    assert run.returncode == 0, run.stderr
    assert "Ngày ký: 08/11/2023\n" in run.stdout, run.stdout[:600]  # no "00:00:00"
    run = ttdn(env, "--lang", "en", "check", str(PLANS / "dong-nai-2024-ubnd-ttdn.md"))
    assert ": 2023-11-08\n" in run.stdout


def test_check_a_bad_file_says_what_is_wrong_in_vietnamese(env, tmp_path):
    bad = tmp_path / "trong.txt"
    bad.write_text("Một dòng không có nhiệm vụ nào.\n", encoding="utf-8")
    run = ttdn(env, "check", str(bad))
    assert run.returncode == 1
    assert "không tìm thấy phần nhiệm vụ hay nhiệm vụ được đánh số" in run.stdout
    assert "Kết luận: có " in run.stdout and "lỗi" in run.stdout
    missing = ttdn(env, "check", str(tmp_path / "khong-co.txt"))
    assert missing.returncode == 2 and "không có tệp" in missing.stderr


def test_check_and_summary_load_no_chart_library(env):
    code = ("import sys\nfrom ttdn_analysis.cli import main\n"
            f"main(['check', {str(PLANS / 'dong-nai-2024-ubnd-ttdn.md')!r}])\n"
            f"main(['summary', '--data', {str(PLANS)!r}])\n"
            "print('LOADED', sorted(m for m in ('plotly', 'nbconvert', 'nbclient', 'papermill') if m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().splitlines()[-1] == "LOADED []"


def test_coverage_and_kwic(env):
    cov = ttdn(env, "coverage", "--data", str(PLANS), "--measure", "tasks")
    assert cov.returncode == 0, cov.stderr
    assert "Biên giới" in cov.stdout and "Gia Lai" in cov.stdout
    hits = ttdn(env, "kwic", "border", "--data", str(PLANS), "--province", "gia lai", "--limit", "3")
    assert hits.returncode == 0, hits.stderr
    assert "gia-lai-2025-ubnd-ttdn.txt" in hits.stdout and "dong-nai" not in hits.stdout
    assert len([ln for ln in hits.stdout.splitlines() if ".txt" in ln]) == 3
    unknown = ttdn(env, "kwic", "borders", "--data", str(PLANS))
    assert unknown.returncode == 2 and "border" in unknown.stderr  # the valid names are listed


def test_network_files(env, tmp_path):
    gexf = tmp_path / "dl.gexf"
    run = ttdn(env, "network", "--data", str(PLANS), "--province", "dak lak", "--year", "2025", "--out", str(gexf))
    assert run.returncode == 0, run.stderr
    g = nx.read_gexf(gexf)
    assert "Sở Thông tin và Truyền thông" in g.nodes and g.number_of_edges() > 0
    page = tmp_path / "dl.html"
    assert ttdn(env, "network", "--data", str(PLANS), "--province", "Đắk Lắk", "--year", "2025",
                "--out", str(page)).returncode == 0
    text = page.read_text(encoding="utf-8")
    assert '<script src="http' not in text and "markers+text" in text
    assert ttdn(env, "network", "--data", str(PLANS), "--province", "Đắk Lắk", "--year", "2025",
                "--out", str(tmp_path / "x.png")).returncode == 2
    bad = ttdn(env, "network", "--data", str(PLANS), "--province", "Atlantis", "--year", "2025",
               "--out", str(tmp_path / "y.gexf"))
    assert bad.returncode == 2 and "Atlantis" in bad.stderr
    none = ttdn(env, "network", "--data", str(PLANS), "--province", "Gia Lai", "--year", "2024",
                "--out", str(tmp_path / "z.gexf"))
    assert none.returncode == 2 and not (tmp_path / "z.gexf").exists()


def test_export_lists_every_file_it_wrote(env, tmp_path):
    run = ttdn(env, "export", "--data", str(PLANS), "--format", "csv", "--out", str(tmp_path / "t"))
    assert run.returncode == 0, run.stderr
    listed = [Path(ln) for ln in run.stdout.splitlines()[1:]]
    assert listed and all(p.is_file() for p in listed)
    assert sorted(listed) == sorted(p for p in (tmp_path / "t").rglob("*") if p.is_file())
    with (tmp_path / "t" / "plans.csv").open(encoding="utf-8-sig") as fh:
        assert len(list(csv.DictReader(fh))) == 5


@pytest.mark.slow
def test_report_with_filters_is_quiet(env, tmp_path):
    data = tmp_path / "plans"
    shutil.copytree(PLANS, data)
    run = ttdn(env, "report", "--data", str(data), "--out", str(tmp_path / "out"), "--province", "dong nai",
               "--year", "2024", "--jobs", "2", timeout=900)
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "01_corpus_overview.html", "02_agency_networks.html", "03_theme_coverage.html", "04_leadership_brief.html",
        "index.html"]
    overview = (tmp_path / "out" / "01_corpus_overview.html").read_text(encoding="utf-8")
    assert "dong-nai-2024-ubnd-ttdn.md" in overview and "gia-lai-2025-ubnd-ttdn.txt" not in overview
    assert [ln for ln in run.stderr.splitlines() if ln.strip()] == [ln for ln in run.stderr.splitlines()
                                                                   if ln.startswith("Xong sau ")]


def test_cache_info_and_clear(env, tmp_path):
    own = {**env, "TTDN_CACHE_DIR": str(tmp_path / "cache")}
    assert ttdn(own, "summary", "--data", str(PLANS)).returncode == 0
    info = ttdn(own, "cache", "info")
    assert info.returncode == 0 and f"Thư mục bộ nhớ đệm: {tmp_path / 'cache'}" in info.stdout
    assert "plans: 5 mục" in info.stdout
    cleared = ttdn(own, "cache", "clear")
    assert cleared.returncode == 0 and "Đã xóa bộ nhớ đệm" in cleared.stdout
    assert "plans: 0 mục" in ttdn(own, "cache", "info").stdout


def test_report_refuses_an_unknown_province_before_running_anything(env, tmp_path):
    run = ttdn(env, "report", "--data", str(PLANS), "--out", str(tmp_path / "out"), "--province", "Atlantis")
    assert run.returncode == 2 and "Atlantis" in run.stderr
    assert not (tmp_path / "out").exists()
