"""Bad inputs, legacy encodings and idempotence: defined outcomes, nothing escapes load_corpus."""
import shutil
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ttdn_analysis import load_corpus
from ttdn_analysis.ingest.read import read_plan
from ttdn_analysis.parse.plan import parse_plan
from ttdn_analysis.schema import TABLES

SEED = "dong-nai-2024-ubnd-ttdn.md"


def _to_cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Word wrote it: base letters precomposed (â, ơ, ư …), tone marks combining."""
    import re
    nfd = unicodedata.normalize("NFD", text)

    def split(m):
        mods = "".join(c for c in m.group(2) if c in "\u0302\u0306\u031b")
        tones = "".join(c for c in m.group(2) if c not in mods)
        return unicodedata.normalize("NFC", m.group(1) + mods) + tones
    legacy = re.sub(r"([A-Za-z])([\u0300-\u036f]+)", split, nfd)
    return legacy.encode("cp1258", errors="strict")


def _tables(c):
    cols = ["path", "title", "line_start", "line_end", "timeframe"]
    return (c.tasks[cols].reset_index(drop=True),
            c.assignments[["path", "agency", "role"]].reset_index(drop=True))


def test_encodings_and_forms_give_the_same_tables(tmp_path, plans_dir):
    text = (plans_dir / SEED).read_text(encoding="utf-8")
    variants = {
        "bom.md": b"\xef\xbb\xbf" + text.encode("utf-8"),
        "crlf.md": text.replace("\n", "\r\n").encode("utf-8"),
        "nfd.md": unicodedata.normalize("NFD", text).encode("utf-8"),
        "cp1258.md": _to_cp1258(text),
    }
    base = _tables(load_corpus([plans_dir / SEED], cache=False))
    for name, data in variants.items():
        d = tmp_path / name.split(".")[0]
        d.mkdir()
        (d / name).write_bytes(data)
        c = load_corpus(d, cache=False)
        tasks, assigns = _tables(c)
        assert tasks[["path", "line_start"]].equals(base[0][["path", "line_start"]]), name
        assert assigns.equals(base[1]), name
    c = load_corpus(tmp_path / "cp1258", cache=False)
    assert "encoding" in set(c.problems.kind)


def test_bad_files_become_problems_and_the_others_load(tmp_path, plans_dir):
    shutil.copy(plans_dir / SEED, tmp_path / SEED)
    shutil.copy(plans_dir / SEED, tmp_path / "same-plan-other-name.md")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "random.pdf").write_bytes(bytes(range(256)) * 40)
    (tmp_path / "truncated.docx").write_bytes(b"PK\x03\x04" + b"\x00" * 50)
    (tmp_path / "not-a-plan.txt").write_text("Hôm nay trời đẹp. Chúng tôi đi chơi.", encoding="utf-8")
    (tmp_path / "long-line.txt").write_text("a" * 2_000_000, encoding="utf-8")
    (tmp_path / "ten-mb.txt").write_bytes(b"x" * 10_000_000)
    (tmp_path / "latin.txt").write_bytes("Sở \x00\x00\x00 binary".encode("utf-16"))
    c = load_corpus(tmp_path, cache=False)
    assert len(c.plans[c.plans.source_file.str.endswith(SEED)]) == 1
    kinds = c.problems.groupby(c.problems.source_file.str.rsplit("/", n=1).str[-1])["kind"].apply(set).to_dict()
    assert kinds["empty.txt"] == {"empty"}
    assert "duplicate" in kinds["same-plan-other-name.md"]
    assert kinds["not-a-plan.txt"] >= {"no_tasks"}
    assert kinds["long-line.txt"] >= {"no_tasks"}
    assert kinds["ten-mb.txt"] == {"too_large"}
    assert kinds["random.pdf"] and kinds["truncated.docx"]
    assert "unreadable" in kinds["latin.txt"]
    assert len(c.tasks[c.tasks.source_file.str.endswith(SEED)]) == 27


def test_unknown_agency_is_one_problem_and_the_plan_loads(tmp_path, plans_dir):
    text = (plans_dir / SEED).read_text(encoding="utf-8")
    text = text.replace("- Đơn vị chủ trì: Sở Ngoại vụ", "- Đơn vị chủ trì: Sở Ngoại vụ; Phòng Thí nghiệm Hư cấu")
    (tmp_path / "p.md").write_text(text, encoding="utf-8")
    c = load_corpus(tmp_path, cache=False)
    unknown = c.problems[c.problems.kind == "unknown_agency"]
    assert len(unknown) == 1 and "Phòng Thí nghiệm Hư cấu" in unknown.message.iloc[0]
    assert len(c.tasks) == 27


def test_unknown_province_is_reported(tmp_path, plans_dir):
    text = (plans_dir / SEED).read_text(encoding="utf-8").replace("Đồng Nai", "Xứ Sở Thần Tiên")
    (tmp_path / "p.md").write_text(text, encoding="utf-8")
    c = load_corpus(tmp_path, cache=False)
    assert c.plans.province.isna().all() and "no_province" in set(c.problems.kind)


def test_two_runs_are_identical_and_cache_agrees(tmp_path, plans_dir, monkeypatch):
    monkeypatch.setenv("TTDN_CACHE_DIR", str(tmp_path / "cache"))
    a = load_corpus(plans_dir, cache=False)
    b = load_corpus(plans_dir, cache=True)   # cold cache
    c = load_corpus(plans_dir, cache=True)   # warm cache
    for t in TABLES:
        assert getattr(a, t).equals(getattr(b, t)), t
        assert getattr(b, t).equals(getattr(c, t)), t


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.text(), st.sampled_from([
    "II. NHIỆM VỤ", "1. Việc", "a) Việc", "- Đơn vị chủ trì: Sở Ngoại vụ", "- Đơn vị phối hợp:", "IV. TỔ CHỨC THỰC HIỆN",
    "+ Tổ chức: Sở Công Thương", "Số: /KH-UBND", "ngày tháng năm 2025", "Nơi nhận:", "đ) x", "|", "**", "### 1."])),
    max_size=40))
def test_parser_never_raises_on_arbitrary_text(tmp_path, lines):
    p = tmp_path / "x.txt"
    p.write_bytes("\n".join(lines).encode("utf-8", errors="replace"))  # lone surrogates become "?"
    rows = parse_plan(read_plan(p))
    assert set(rows) == set(TABLES)
    assert all(r["kind"] for r in rows["problems"])


def test_export_writes_every_table_and_the_network(tmp_path, plans_dir):
    from ttdn_analysis.cli import main
    assert main(["export", "--data", str(plans_dir), "--format", "csv", "--out", str(tmp_path), "--no-cache"]) == 0
    import pandas as pd
    assert len(pd.read_csv(tmp_path / "tasks.csv")) == 89
    assert (tmp_path / "coassignment.gexf").read_text(encoding="utf-8").count("<node ") > 20
    assert main(["export", "--data", str(plans_dir), "--format", "xlsx", "--out", str(tmp_path)]) == 0
    assert set(pd.read_excel(tmp_path / "ttdn_tables.xlsx", sheet_name=None)) >= {"plans", "tasks", "assignments"}
