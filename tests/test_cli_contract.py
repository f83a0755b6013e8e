"""The command line's contract, as README states it, for every command: exit 0 when done, 1 when a plan cannot be
used (or `check` reads no plan), 2 when the input cannot be used (missing folder or file, unknown or unmatched
filter, bad --out, broken codebook, a cache folder that is not a cache); one-line messages instead of tracebacks;
quiet on a closed pipe; nothing from the data obeyed by the terminal (issues 24 and 25)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PLANS = ROOT / "data" / "plans"
SEED = PLANS / "gia-lai-2025-ubnd-ttdn.txt"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    return {**os.environ, "TTDN_CACHE_DIR": str(tmp_path_factory.mktemp("cache")), "TTDN_LANG": ""}


@pytest.fixture(scope="module")
def seeds(tmp_path_factory) -> Path:
    """A copy of the seed plans (none has an error)."""
    d = tmp_path_factory.mktemp("seeds") / "plans"
    shutil.copytree(PLANS, d)
    return d


@pytest.fixture(scope="module")
def broken(tmp_path_factory) -> Path:
    """The seeds and two files that cannot be used: an empty plan and a PNG saved as .txt."""
    d = tmp_path_factory.mktemp("broken") / "plans"
    shutil.copytree(PLANS, d)
    (d / "trong.txt").write_bytes(b"")
    (d / "anh-chup.txt").write_bytes(PNG)
    return d


def ttdn(env: dict, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ttdn_analysis", *map(str, args)], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=600)


def _clean(run: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in run.stderr and "Traceback" not in run.stdout, run.stderr[-2000:]


#: Every command that reads the data folder, with what it needs besides --data (report is run by test_cli's slow
#: test and by the --out and filter cases below, which stop before any notebook runs).
READERS = {
    "summary": ["summary"],
    "coverage": ["coverage"],
    "kwic": ["kwic", "border"],
    "export": ["export", "--format", "csv", "--out", "{tmp}/tables"],
    "network": ["network", "--province", "Gia Lai", "--year", "2025", "--out", "{tmp}/g.gexf"],
}


def _args(name: str, tmp: Path) -> list[str]:
    return [a.replace("{tmp}", str(tmp)) for a in READERS[name]]


@pytest.mark.parametrize("name", READERS)
def test_exit_0_when_every_plan_can_be_used(env, seeds, tmp_path, name):
    run = ttdn(env, *_args(name, tmp_path), "--data", seeds)
    assert run.returncode == 0, run.stderr
    _clean(run)


@pytest.mark.parametrize("name", ["summary", "coverage", "kwic", "export"])
def test_exit_1_when_a_plan_cannot_be_used(env, broken, tmp_path, name):
    """Issue 25: `ttdn summary` exited 0 on a folder whose plans have errors (README promises 1)."""
    run = ttdn(env, *_args(name, tmp_path), "--data", broken)
    assert run.returncode == 1, run.stderr
    assert "2 tệp có lỗi, chưa dùng được: anh-chup.txt, trong.txt" in run.stderr
    _clean(run)


def test_a_filtered_command_counts_the_errors_of_what_it_used(env, broken, tmp_path):
    """A network of one province and year uses only that plan: a broken file elsewhere is not its error."""
    run = ttdn(env, *_args("network", tmp_path), "--data", broken)
    assert run.returncode == 0, run.stderr


@pytest.mark.parametrize("name", ["report", "export", "coverage", "kwic", "network"])
@pytest.mark.parametrize("flt", [["--province", "Hà Nội"], ["--year", "2030"], ["--province", "Gia Lai", "--year",
                                                                                  "2024"]])
def test_a_filter_that_matches_no_plan_is_an_error_naming_what_there_is(env, seeds, tmp_path, name, flt):
    """Issue 25: `ttdn report --province "Hà Nội"` (a valid province without a plan) built empty reports, exit 0."""
    if name == "network":  # province and year are required: the filter's values replace Gia Lai 2025
        given = {"--province": "Gia Lai", "--year": "2025", **dict(zip(flt[::2], flt[1::2]))}
        args = ["network", "--out", tmp_path / "g.gexf", *[a for kv in given.items() for a in kv]]
    else:
        args = (["report", "--out", tmp_path / "out"] if name == "report" else _args(name, tmp_path)) + flt
    run = ttdn(env, *args, "--data", seeds)
    assert run.returncode == 2, (run.stdout, run.stderr)
    assert "không có kế hoạch nào của" in run.stderr
    assert "Gia Lai (2025); Đắk Lắk (2024, 2025); Đồng Nai (2024)" in run.stderr
    assert not (tmp_path / "out").exists() and not (tmp_path / "g.gexf").exists()
    assert not (tmp_path / "tables").exists()
    _clean(run)


@pytest.mark.parametrize("name", ["report", "export", "coverage", "kwic"])
def test_an_unknown_province_is_an_error(env, seeds, tmp_path, name):
    args = ["report", "--out", tmp_path / "out"] if name == "report" else _args(name, tmp_path)
    run = ttdn(env, *args, "--province", "Atlantis", "--data", seeds)
    assert run.returncode == 2 and "Atlantis" in run.stderr
    _clean(run)


@pytest.mark.parametrize("content", [PNG, b"", "Một dòng không có nhiệm vụ nào.\n".encode(), b"\x00" * 500],
                         ids=["png-as-txt", "empty", "no-tasks", "binary"])
def test_check_never_says_an_unusable_file_reads(env, tmp_path, content):
    """Issue 25: `ttdn check scan.png` said the plan "reads" and exited 0."""
    f = tmp_path / "ke-hoach.txt"
    f.write_bytes(content)
    run = ttdn(env, "check", f)
    assert run.returncode == 1, run.stdout
    assert "đọc được, " not in run.stdout and "chưa dùng được" in run.stdout
    _clean(run)


def test_check_of_a_broken_page_image(env, tmp_path):
    """A page image is read through OCR; a broken one is an error, never "reads"."""
    scan = tmp_path / "scan.png"
    scan.write_bytes(PNG)
    run = ttdn(env, "check", scan)
    assert run.returncode == 1 and "kế hoạch chưa dùng được" in run.stdout
    en = ttdn(env, "--lang", "en", "check", scan)
    assert en.returncode == 1 and "the plan cannot be used yet" in en.stdout


def test_check_of_a_text_without_tasks(env, tmp_path):
    f = tmp_path / "ghi-chu.txt"
    f.write_text("Ghi chú họp giao ban.\nKhông có nội dung kế hoạch.\n", encoding="utf-8")
    run = ttdn(env, "check", f)
    assert run.returncode == 1 and "chưa dùng được" in run.stdout and "đọc được, " not in run.stdout
    for missing in (tmp_path / "khong-co.txt", tmp_path):  # a missing file, a folder
        run = ttdn(env, "check", missing)
        assert run.returncode == 2 and "không có tệp" in run.stderr
        _clean(run)


@pytest.mark.parametrize("name", ["report", "export"])
def test_a_bad_out_folder_is_a_message_not_a_traceback(env, seeds, tmp_path, name):
    f = tmp_path / "a-file.txt"
    f.write_text("x", encoding="utf-8")
    cmd = ["report"] if name == "report" else ["export", "--format", "csv"]
    for out, says in ((f, "là một tệp, không phải thư mục"), (f / "sub", "là một tệp, không phải thư mục"),
                      (Path("/proc/ttdn-no-such-place"), "không ghi được vào /proc/ttdn-no-such-place")):
        run = ttdn(env, *cmd, "--out", out, "--data", seeds)
        assert run.returncode == 2 and says in run.stderr, run.stderr
        _clean(run)
    assert f.read_text(encoding="utf-8") == "x"


def test_a_bad_network_out_file_is_a_message(env, seeds, tmp_path):
    f = tmp_path / "a-file.txt"
    f.write_text("x", encoding="utf-8")
    for out in (f / "g.gexf", tmp_path, Path("/proc/ttdn-no-such-place/g.gexf")):
        if out == tmp_path:
            out = tmp_path / "folder.gexf"
            out.mkdir()
        run = ttdn(env, "network", "--province", "Gia Lai", "--year", "2025", "--out", out, "--data", seeds)
        assert run.returncode == 2 and "Lỗi: " in run.stderr, run.stderr
        _clean(run)


@pytest.mark.parametrize("name", ["report", "export", "network"])
def test_out_inside_the_data_folder_is_refused(env, seeds, tmp_path, name):
    """Issue 24: `report --out` inside the plans folder made the next load read the reports as plans."""
    out = {"report": seeds / "reports", "export": seeds / "bang", "network": seeds / "g.html"}[name]
    args = {"report": ["report"], "export": ["export", "--format", "csv"],
            "network": ["network", "--province", "Gia Lai", "--year", "2025"]}[name]
    before = sorted(p.name for p in seeds.iterdir())
    run = ttdn(env, *args, "--out", out, "--data", seeds)
    assert run.returncode == 2 and "nằm trong thư mục dữ liệu" in run.stderr, run.stderr
    assert sorted(p.name for p in seeds.iterdir()) == before
    same = ttdn(env, *args, "--out", seeds if name != "network" else seeds / "x.gexf", "--data", seeds)
    assert same.returncode == 2
    _clean(run)


def test_a_closed_pipe_is_quiet(env, seeds):
    """`ttdn summary | head -1` printed a BrokenPipeError traceback."""
    proc = subprocess.Popen([sys.executable, "-m", "ttdn_analysis", "summary", "--data", str(seeds)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    proc.stdout.close()  # the reader is gone before the first line
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0 and b"Traceback" not in err and b"BrokenPipe" not in err, err


def test_nothing_from_the_data_is_obeyed_by_the_terminal(env, tmp_path):
    """Issue 24: ESC sequences in file names reached the terminal from summary and check."""
    d = tmp_path / "plans"
    d.mkdir()
    name = "gia-lai\x1b[2J\x1b]0;pwned\x07-\u202eeht.txt"
    text = SEED.read_text(encoding="utf-8").replace("Sở Ngoại vụ", "Sở Ngoại\u202e vụ\x1b[31m", 1)
    (d / name).write_text(text, encoding="utf-8")
    (d / "trong\x1b[5m.txt").write_bytes(b"")
    for args in (["summary", "--data", d, "--all-problems"], ["check", d / name], ["kwic", "border", "--data", d],
                 ["coverage", "--data", d]):
        run = ttdn(env, *args)
        _clean(run)
        for stream in (run.stdout, run.stderr):
            assert not any(c in stream for c in "\x1b\x07\u202e"), (args, stream[:500])
        if args[0] in ("summary", "check"):
            assert "\\x1b[2J" in run.stdout and "\\u202e" in run.stdout


def test_terminal_text_shows_every_control_and_bidi_character():
    from ttdn_analysis.io.safety import terminal_text

    hostile = "".join(map(chr, [*range(0x20), 0x7f, *range(0x80, 0xa0), *range(0x202a, 0x202f),
                                *range(0x2066, 0x206a), 0x2028, 0x2029]))
    shown = terminal_text(f"a{hostile}b")
    assert all(c.isprintable() or c == "\t" for c in shown), shown
    assert "\\x1b" in shown and "\\u202e" in shown and "\\x9b" in shown
    assert terminal_text("Sở Văn hóa, Thể thao và Du lịch") == "Sở Văn hóa, Thể thao và Du lịch"
    assert terminal_text("dòng 1\ndòng 2", lines=True) == "dòng 1\ndòng 2"


@pytest.fixture()
def bad_codebook(tmp_path, monkeypatch):
    """The shipped codebook replaced, for this test, by one with a bad version on line 3."""
    import ttdn_analysis.registry.codebook as codebook_mod
    good = codebook_mod.data_file("themes.toml").read_text(encoding="utf-8")
    bad = tmp_path / "themes.toml"
    lines = good.splitlines()
    i = next(n for n, ln in enumerate(lines) if ln.startswith("version"))
    lines[i] = 'version = "2026-bad"'
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    codebook_mod._default_codebook.cache_clear()
    monkeypatch.setattr(codebook_mod, "data_file", lambda name: bad if name == "themes.toml" else None)
    yield i + 1
    monkeypatch.undo()
    codebook_mod._default_codebook.cache_clear()


def test_a_broken_codebook_stops_the_load_naming_file_and_line(bad_codebook, seeds):
    """Issue 25: a codebook with a bad version loaded with 0 themes and only problem rows."""
    from ttdn_analysis import load_corpus
    from ttdn_analysis.registry.codebook import CodebookError
    with pytest.raises(CodebookError) as err:
        load_corpus(seeds, cache=False)
    assert err.value.line == bad_codebook and "themes.toml" in str(err.value) and "YYYY.MM.N" in err.value.detail


@pytest.mark.parametrize("args", [["summary"], ["coverage"], ["kwic", "border"], ["check", SEED]])
def test_a_broken_codebook_is_exit_2_with_the_line(bad_codebook, seeds, capsys, args):
    from ttdn_analysis.cli import main
    code = main([*map(str, args), *([] if args[0] == "check" else ["--data", str(seeds)]), "--no-cache"]
                if args[0] != "check" else list(map(str, args)))
    err = capsys.readouterr().err
    assert code == 2, err
    assert f"Lỗi: bộ mã chủ đề ttdn_analysis/registry/data/themes.toml, dòng {bad_codebook}: " in err, err


def test_cache_commands_never_clear_a_folder_that_is_not_the_cache(env, tmp_path):
    research = tmp_path / "research"
    (research / "corpus").mkdir(parents=True)
    (research / "corpus" / "interviews.csv").write_text("a,b\n", encoding="utf-8")
    (research / "themes").mkdir()
    (research / "0123456789abcdef0123456789abcdef").mkdir()
    own = {**env, "TTDN_CACHE_DIR": str(research)}
    run = ttdn(own, "cache", "clear")
    assert run.returncode == 2 and "không phải bộ nhớ đệm của ttdn_analysis" in run.stderr and "CACHEDIR.TAG" in \
        run.stderr
    assert sorted(p.name for p in research.iterdir()) == ["0123456789abcdef0123456789abcdef", "corpus", "themes"]
    info = ttdn(own, "cache", "info")
    assert info.returncode == 2 and "CACHEDIR.TAG" in info.stderr
    summary = ttdn(own, "summary", "--data", PLANS)
    assert summary.returncode == 0 and "Cảnh báo: " in summary.stderr and "không dùng bộ nhớ đệm" in summary.stderr
    assert sorted(p.name for p in research.iterdir()) == ["0123456789abcdef0123456789abcdef", "corpus", "themes"]
    f = tmp_path / "cache.txt"
    f.write_text("x", encoding="utf-8")
    as_file = {**env, "TTDN_CACHE_DIR": str(f)}
    for args, code in ((["summary", "--data", PLANS], 0), (["cache", "clear"], 2), (["cache", "info"], 2)):
        run = ttdn(as_file, *args)
        assert run.returncode == code and "không phải thư mục" in run.stderr, (args, run.stderr)
        _clean(run)
    none = ttdn({**env, "TTDN_CACHE_DIR": str(tmp_path / "never-made")}, "cache", "clear")
    assert none.returncode == 0 and "không có gì để xóa" in none.stdout
    assert not (tmp_path / "never-made").exists()


def test_two_builds_write_one_page_at_once_without_colliding(tmp_path):
    """Issue 24: two report builds into one folder collided on a fixed temporary name."""
    from ttdn_analysis.report.build import _write
    target = tmp_path / "01_corpus_overview.html"
    texts = [f"<p>build {i}</p>" * 20_000 for i in range(8)]
    errors: list[BaseException] = []

    def build(text: str) -> None:
        try:
            for _ in range(15):
                _write(target, text)
        except BaseException as exc:  # noqa: BLE001 — collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=build, args=(t,)) for t in texts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert target.read_text(encoding="utf-8") in texts
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]  # no temporary file left
