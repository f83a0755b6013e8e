"""Tests for ttdn_analysis.timeline: the seeds' timeframe strings, each time kind, frequencies, reports, the rules
in data, surface forms (case, no diacritics), the Gantt figure."""
from __future__ import annotations

import ast
import inspect

import pandas as pd
import pytest

from ttdn_analysis.analysis.timeline import timeline_columns
from ttdn_analysis.parse import timeframes
from ttdn_analysis.parse.timeframes import TIME_COLUMNS, TIME_KINDS, parse_timeframe, timeframe_rules
from ttdn_analysis.plotting.timeline import gantt_figure


def kind(raw, year=None):
    return parse_timeframe(raw, year)["time_kind"]


def test_seed_timeframes_parse(corpus):
    raw = corpus.tasks[["timeframe", "year"]].dropna(subset=["timeframe"])
    raw = raw[raw["timeframe"].astype(str).str.strip() != ""]
    assert len(raw) >= 40
    kinds = [kind(t, y) for t, y in zip(raw["timeframe"], raw["year"])]
    parsed = sum(k is not None for k in kinds)
    assert parsed / len(raw) >= 0.95, [t for t, k in zip(raw["timeframe"], kinds) if k is None]
    assert set(kinds) - {None} <= set(TIME_KINDS)


@pytest.mark.parametrize("raw, year, expected", [
    ("Thường xuyên", 2025, ("ongoing", None, None, None)),  # no invented dates
    ("thường xuyên trong năm", 2024, ("ongoing", "2024-01-01", "2024-12-31", None)),
    ("Năm 2025", 2025, ("year", "2025-01-01", "2025-12-31", None)),
    ("trong năm 2024.", 2024, ("year", "2024-01-01", "2024-12-31", None)),
    ("Trong năm 2025", None, ("year", "2025-01-01", "2025-12-31", None)),
    ("Quý I/2025", 2025, ("quarter", "2025-01-01", "2025-03-31", None)),
    ("Quý IV/2025", 2025, ("quarter", "2025-10-01", "2025-12-31", None)),
    ("quý II, III/2024", 2024, ("quarter", "2024-04-01", "2024-09-30", None)),
    ("Giai đoạn 2025-2030", 2025, ("period", "2025-01-01", "2030-12-31", None)),
    ("trước ngày 15/11/2024", 2024, ("deadline", "2024-01-01", "2024-11-15", None)),
    ("trước ngày 15/6", 2024, ("deadline", "2024-01-01", "2024-06-15", None)),
    ("Khi có hướng dẫn của Bộ Thông tin và Truyền thông", 2025, ("on_guidance", None, None, None)),
    ("Hàng năm", 2025, ("frequency", None, None, 1.0)),
    ("01 số/quý.", 2024, ("frequency", None, None, 4.0)),
])
def test_seed_strings(raw, year, expected):
    p = parse_timeframe(raw, year)
    assert (p["time_kind"], p["time_start"], p["time_end"], p["per_year"]) == expected


@pytest.mark.parametrize("raw, per_year", [
    ("01 số/quý", 4.0), ("6 số/năm", 6.0), ("01 lần/quý", 4.0), ("1 số/năm", 1.0), ("01 chương trình/quý", 4.0),
    ("định kỳ 02 số/năm", 2.0), ("hàng tháng", 12.0), ("Hằng quý", 4.0), ("Hàng năm", 1.0), ("định kỳ 6 tháng", 2.0),
    ("2 lần mỗi năm", 2.0), ("06 tháng/lần", 2.0),
])
def test_per_year(raw, per_year):
    p = parse_timeframe(raw, 2025)
    assert (p["time_kind"], p["per_year"]) == ("frequency", per_year)


# one test per kind ------------------------------------------------------------------------------------------------

def test_kind_ongoing():
    assert kind("Thường xuyên") == "ongoing"
    assert parse_timeframe("Thường xuyên")["time_start"] is None  # no plan year, no span
    assert parse_timeframe("Thường xuyên trong năm 2025", 2024)["time_end"] == "2025-12-31"  # the printed year wins


def test_kind_year():
    assert kind("năm 2024") == "year"
    assert parse_timeframe("Trong năm", 2025)["time_end"] == "2025-12-31"
    assert kind("2025") == "year"


def test_kind_quarter():
    assert parse_timeframe("Quý II", 2025)["time_start"] == "2025-04-01"  # plan year fills in
    p = parse_timeframe("Quý I và quý II năm 2025")
    assert (p["time_kind"], p["time_start"], p["time_end"]) == ("quarter", "2025-01-01", "2025-06-30")
    assert kind("quý vị đại biểu") is None


def test_kind_period():
    assert parse_timeframe("6 tháng đầu năm 2025")["time_end"] == "2025-06-30"
    p = parse_timeframe("Tháng 3-5/2025")
    assert (p["time_kind"], p["time_start"], p["time_end"]) == ("period", "2025-03-01", "2025-05-31")
    assert parse_timeframe("Từ năm 2021 đến năm 2025")["time_start"] == "2021-01-01"
    assert parse_timeframe("đến năm 2030", 2025)["time_end"] == "2030-12-31"


def test_kind_deadline():
    p = parse_timeframe("hoàn thành chậm nhất vào ngày 20/11", 2025)
    assert (p["time_kind"], p["time_start"], p["time_end"]) == ("deadline", "2025-01-01", "2025-11-20")
    assert parse_timeframe("trước ngày **05/02/2025**", 2025)["time_end"] == "2025-02-05"
    assert parse_timeframe("trước quý III/2025")["time_end"] == "2025-06-30"
    assert parse_timeframe("trước ngày 15/6")["time_end"] is None  # no year known
    assert parse_timeframe("trước ngày 15/11/2024", 2025)["time_start"] is None  # deadline before the plan year


def test_kind_frequency():
    p = parse_timeframe("01 số/quý")
    assert (p["time_kind"], p["per_year"], p["time_start"]) == ("frequency", 4.0, None)
    p = parse_timeframe("01 số/quý năm 2025", 2024)  # the printed year gives the span
    assert (p["time_kind"], p["time_start"], p["time_end"]) == ("frequency", "2025-01-01", "2025-12-31")


@pytest.mark.parametrize("raw", ["Thường xuyên", "thường xuyên", "THƯỜNG XUYÊN", "thuong xuyen", "Liên tục",
                                 "Hằng năm", "hàng năm", "HANG NAM", "định kỳ hằng quý", "Hàng tháng", "mỗi tuần",
                                 "01 số/quý", "6 số/năm", "định kỳ 6 tháng", "06 tháng/lần", "quanh năm"])
def test_ongoing_and_recurring_have_no_invented_dates(raw):
    p = parse_timeframe(raw, 2025)
    assert p["time_kind"] in ("ongoing", "frequency")
    assert (p["time_start"], p["time_end"]) == (None, None)


def test_ongoing_dates_only_from_the_text():
    assert parse_timeframe("Thường xuyên trong năm 2026", 2025)["time_start"] == "2026-01-01"
    assert parse_timeframe("thường xuyên trong năm", 2025)["time_end"] == "2025-12-31"  # "trong năm": the plan's
    assert parse_timeframe("thường xuyên trong năm")["time_end"] is None  # no plan year: no span
    assert parse_timeframe("Hằng năm", 2025)["time_end"] is None  # "each year", not "the year"


@pytest.mark.parametrize("raw, year, expected", [
    ("Báo cáo trước ngày 15/6", 2025, ("report", None, "2025-06-15", None)),
    ("báo cáo trước ngày 15/6/2026", None, ("report", None, "2026-06-15", None)),
    ("BÁO CÁO TRƯỚC NGÀY 15/6", 2025, ("report", None, "2025-06-15", None)),
    ("bao cao truoc ngay 15/6", 2025, ("report", None, "2025-06-15", None)),
    ("định kỳ 6 tháng báo cáo", 2025, ("report", None, None, 2.0)),
    ("báo cáo năm chậm nhất vào ngày 20/11", 2025, ("report", None, "2025-11-20", 1.0)),
    ("Báo cáo kết quả hằng quý", 2025, ("report", None, None, 4.0)),
])
def test_report_in_the_timeframe(raw, year, expected):
    p = parse_timeframe(raw, year)
    assert (p["time_kind"], p["time_start"], p["time_end"], p["per_year"]) == expected


def test_report_from_the_task_text():
    ctx = ("Các sở, ngành triển khai thực hiện, đồng thời tổng hợp báo cáo định kỳ 6 tháng (trước ngày 15/6), "
           "báo cáo năm chậm nhất vào ngày 20/11")
    p = parse_timeframe("trước ngày 15/6", 2024, ctx)
    assert (p["time_kind"], p["time_start"], p["time_end"], p["per_year"]) == ("report", None, "2024-06-15", 2.0)
    ctx = "báo cáo kết quả về Sở Văn hóa, Thể thao và Du lịch trước ngày 15/11 hằng năm để tổng hợp."
    assert parse_timeframe("trước ngày 15/11", 2026, ctx)["per_year"] == 1.0  # "hằng năm" after the date
    ctx = "báo cáo kết quả trước ngày 15/11; tổ chức hội nghị hằng năm"  # another clause: not the report's
    assert parse_timeframe("trước ngày 15/11", 2026, ctx)["per_year"] is None
    # the same date as the task's own deadline: no report word in its clause
    ctx = "Tổ chức hội nghị báo cáo viên; hoàn thành trước ngày 15/6"
    assert parse_timeframe("trước ngày 15/6", 2024, ctx)["time_kind"] == "deadline"
    ctx = "Xây dựng báo cáo chuyên đề. Thời gian: quý II/2025"  # a quarter is not a report's deadline
    assert parse_timeframe("quý II/2025", 2025, ctx)["time_kind"] == "quarter"
    # a report word far before the date (beyond the window) does not count
    far = "báo cáo " + " ".join(["việc"] * 30) + " trước ngày 15/6"
    assert parse_timeframe("trước ngày 15/6", 2025, far)["time_kind"] == "deadline"
    # the timeframe not in the text: the text says nothing about it
    assert parse_timeframe("trước ngày 15/6", 2025, "báo cáo kết quả")["time_kind"] == "deadline"


@pytest.mark.parametrize("raw, year, expected", [
    ("Quý I", 2025, ("quarter", "2025-01-01", "2025-03-31")),
    ("QUÝ I/2026", None, ("quarter", "2026-01-01", "2026-03-31")),
    ("quy I/2026", None, ("quarter", "2026-01-01", "2026-03-31")),
    ("Quý 1/2026", None, ("quarter", "2026-01-01", "2026-03-31")),
    ("quý II - quý IV/2024", None, ("quarter", "2024-04-01", "2024-12-31")),
    ("6 tháng đầu năm", 2025, ("period", "2025-01-01", "2025-06-30")),
    ("6 THÁNG CUỐI NĂM 2025", None, ("period", "2025-07-01", "2025-12-31")),
    ("sau thang dau nam 2025", None, ("period", "2025-01-01", "2025-06-30")),
    ("trước ngày 30/11/2025", 2025, ("deadline", "2025-01-01", "2025-11-30")),
    ("TRƯỚC NGÀY 30/11/2025", 2025, ("deadline", "2025-01-01", "2025-11-30")),
    ("truoc ngay 30/11/2025", 2025, ("deadline", "2025-01-01", "2025-11-30")),
    ("năm 2026", None, ("year", "2026-01-01", "2026-12-31")),
    ("NĂM 2026", None, ("year", "2026-01-01", "2026-12-31")),
    ("nam 2026", None, ("year", "2026-01-01", "2026-12-31")),
    ("giai đoạn 2026-2030", None, ("period", "2026-01-01", "2030-12-31")),
    ("Giai đoạn 2026 – 2030", None, ("period", "2026-01-01", "2030-12-31")),
    ("GIAI DOAN 2026 - 2030", None, ("period", "2026-01-01", "2030-12-31")),
    ("2026 - 2028", None, ("period", "2026-01-01", "2028-12-31")),
    ("từ ngày 01/4 đến ngày 30/4/2025", None, ("period", "2025-04-01", "2025-04-30")),
    ("đến hết năm 2027", 2025, ("period", "2025-01-01", "2027-12-31")),
    ("2025 và các năm tiếp theo", None, ("period", "2025-01-01", None)),
    ("khi co huong dan cua Bo", 2025, ("on_guidance", None, None)),
])
def test_surface_forms(raw, year, expected):
    p = parse_timeframe(raw, year)
    assert (p["time_kind"], p["time_start"], p["time_end"]) == expected


def test_rules_in_data():
    rules = timeframe_rules()
    assert rules["rules"]["order"] == list(timeframes._RULES)  # every rule named once, in the data's order
    for section in ("periods", "recurrence", "ongoing", "guidance", "deadline"):
        assert rules["words"][section]
    assert "báo cáo" in rules["report"]["cues"]
    # no function of the module branches like the old parse_timeframe did (cyclomatic complexity 68): count the
    # decision points of each function
    tree = ast.parse(inspect.getsource(timeframes))
    for fn in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
        branches = sum(isinstance(n, (ast.If, ast.For, ast.While, ast.IfExp, ast.BoolOp, ast.comprehension))
                       for n in ast.walk(fn))
        assert branches <= 12, (fn.name, branches)


def test_vocabulary_drives_the_rules(monkeypatch):
    """A word added to the data file is read: the rules are not hard-coded."""
    rules = timeframe_rules()
    assert parse_timeframe("quanh năm", 2025)["time_kind"] == "ongoing"
    patched = {**rules, "words": {**rules["words"], "ongoing": [w for w in rules["words"]["ongoing"]
                                                               if w != "quanh năm"] + ["đều đặn"]}}
    monkeypatch.setattr(timeframes, "timeframe_rules", lambda: patched)
    timeframes._patterns.cache_clear()
    try:
        assert parse_timeframe("đều đặn", 2025)["time_kind"] == "ongoing"
        assert parse_timeframe("quanh năm", 2025)["time_kind"] is None
    finally:
        monkeypatch.undo()
        timeframes._patterns.cache_clear()


def test_kind_on_guidance():
    assert kind("Khi có hướng dẫn của Bộ Thông tin và Truyền thông") == "on_guidance"
    assert kind("Theo chỉ đạo của Ủy ban nhân dân tỉnh") == "on_guidance"
    assert kind("Đột xuất") == "on_guidance"


def test_empty_and_unread():
    empty = {"time_kind": None, "time_start": None, "time_end": None, "per_year": None}
    assert parse_timeframe(None) == empty
    assert parse_timeframe("") == empty
    assert parse_timeframe(float("nan")) == empty
    assert parse_timeframe("theo năng lực đơn vị")["time_kind"] is None


def test_timeline_columns(corpus):
    bare = corpus.tasks.drop(columns=list(TIME_COLUMNS))
    out = timeline_columns(bare)
    # dates only where the text gives them: undated are the on-guidance, report, and ongoing/recurring tasks whose
    # text names no year ("Thường xuyên", "Hàng năm", "01 số/quý")
    undated = out[out["time_start"].isna() & out["timeframe"].notna()]
    assert set(undated["time_kind"]) <= {"on_guidance", "report", "ongoing", "frequency"}
    plain = undated[undated["time_kind"].isin(["ongoing", "frequency"])]
    assert not plain["timeframe"].str.contains(r"\d{4}|trong năm", case=False).any()
    assert list(out.columns) == list(bare.columns) + list(TIME_COLUMNS)
    assert out.index.equals(corpus.tasks.index)
    # the loader fills the same columns with the same rules
    assert out[list(TIME_COLUMNS)].equals(corpus.tasks[list(TIME_COLUMNS)])
    dated = out.dropna(subset=["time_start", "time_end"])
    assert (dated["time_start"] <= dated["time_end"]).all()
    assert len(dated) >= 28  # the seeds today: 28 tasks whose text dates them
    by_id = out.set_index("task_id")
    assert by_id.loc["dong-nai-2024-ubnd-ttdn:II.3.b.3", "per_year"] == 4.0
    # "tổng hợp báo cáo định kỳ kỳ 6 tháng (trước ngày 15/6)": the report's due date, twice a year, not the
    # department's deadline for its duties
    iv2 = by_id.loc["dak-lak-2024-so-xay-dung-ttdn:IV.2"]
    assert (iv2["time_kind"], iv2["time_end"], iv2["per_year"]) == ("report", pd.Timestamp("2024-06-15"), 2.0)
    assert pd.isna(iv2["time_start"])
    # "tổng hợp báo cáo kết quả UBND tỉnh và Bộ … (trước ngày 15/11/2024)": also a report
    assert by_id.loc["dong-nai-2024-ubnd-ttdn:IV.3", "time_kind"] == "report"
    assert by_id.loc["dak-lak-2025-ubnd-ttdn:II.1.b", "time_kind"] == "ongoing"  # "Thường xuyên": no dates
    assert pd.isna(by_id.loc["dak-lak-2025-ubnd-ttdn:II.1.b", "time_start"])
    assert by_id.loc["gia-lai-2025-ubnd-ttdn:II.2.3", "time_kind"] == "period"
    assert out.equals(timeline_columns(bare))  # deterministic
    assert "time_kind" not in bare.columns  # input untouched


def test_gantt_figure(corpus):
    pid = "dong-nai-2024-ubnd-ttdn"
    tl = timeline_columns(corpus.tasks)
    n_dated = int((tl["plan_id"].eq(pid) & tl["time_start"].notna() & tl["time_end"].notna()).sum())
    fig = gantt_figure(corpus.tasks, pid)
    assert sum(len(tr.y) for tr in fig.data) == n_dated
    names = [tr.name for tr in fig.data]
    assert "Thường xuyên" in names and "Theo quý" in names
    assert fig.to_json() == gantt_figure(corpus.tasks, pid).to_json()
    en = gantt_figure(corpus.tasks, pid, lang="en")
    assert "Ongoing" in [tr.name for tr in en.data]
    with pytest.raises(ValueError):
        gantt_figure(corpus.tasks, pid, lang="fr")


def test_gantt_escapes_titles():
    t = pd.DataFrame({"plan_id": ["p"], "task_id": ["p:1"], "path": ["1"], "title": ["<script>x</script> & co"],
                      "line_start": [1], "year": [2025], "timeframe": ["Quý I/2025"]})
    fig = gantt_figure(t, "p")
    hover = fig.data[0].hovertext[0]
    assert "<script>" not in hover and "&lt;script&gt;" in hover and "&amp; co" in hover


def test_the_rules_file_ships_and_keys_the_parse_cache():
    """The rules are package data (the wheel holds them) in a data folder the parse cache key hashes."""
    import tomllib
    from pathlib import Path
    root = Path(__file__).resolve().parents[1]
    setup = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert "ttdn_analysis.parse.data" in setup["packages"]
    assert "*.toml" in setup["package-data"]["ttdn_analysis.parse.data"]
    assert (root / "ttdn_analysis" / "parse" / "data" / "timeframes.toml").is_file()



def test_editing_the_rules_file_changes_the_parse_cache_key(monkeypatch):
    from pathlib import Path

    from ttdn_analysis import cache
    before = cache._fingerprint.__wrapped__()
    real = Path.read_bytes

    def edited(self):
        data = real(self)
        return data + b"\n# edited" if self.name == "timeframes.toml" else data

    monkeypatch.setattr(Path, "read_bytes", edited)
    assert cache._fingerprint.__wrapped__() != before
