"""Exports read back as a researcher's tools would (csv, openpyxl, networkx): issue 17 item 2, issue 14 items 2-3."""
from __future__ import annotations

import csv
import os
from pathlib import Path

import networkx as nx
import openpyxl
import pandas as pd
import pytest

from ttdn_analysis import load_corpus
from ttdn_analysis.corpus import Corpus
from ttdn_analysis.io import tables as io_tables
from ttdn_analysis.io.graphs import to_gexf, to_graphml, write_edge_list
from ttdn_analysis.io.safety import FORMULA_STARTS, safe_frame
from ttdn_analysis.io.tables import SHEETS, export_corpus
from ttdn_analysis.schema import TABLES

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TTDN_CACHE_DIR", str(tmp_path / "cache"))


def _files(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()}


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _all_text(folder: Path) -> str:
    out = []
    for p in _files(folder):
        if p.suffix == ".xlsx":
            wb = openpyxl.load_workbook(p)
            out += [str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]
        elif p.suffix != ".parquet":
            out.append(p.read_text(encoding="utf-8-sig"))
    return "\n".join(out)


# --------------------------------------------------------------------------- CSV

def test_csv_has_a_bom_every_table_and_relative_paths(corpus, tmp_path):
    written = export_corpus(corpus, tmp_path, "csv")
    assert set(written) == _files(tmp_path)  # the function lists every file it wrote
    for name in list(TABLES) + ["coverage", "centrality"]:
        raw = (tmp_path / f"{name}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), name
    assert len(_rows(tmp_path / "tasks.csv")) == len(corpus.tasks)
    assert len(_rows(tmp_path / "assignments.csv")) == len(corpus.assignments)
    plans = _rows(tmp_path / "plans.csv")
    assert {r["source_file"] for r in plans} == {Path(f).name for f in corpus.plans["source_file"]}
    assert "Đắk Lắk" in {r["province"] for r in plans}
    text = _all_text(tmp_path)
    assert str(ROOT) not in text and "/data/plans/" not in text
    # list cells are text, not a Python repr
    assert not any(r["text_lines"].startswith("[") for r in _rows(tmp_path / "tasks.csv"))


def test_paths_relative_to_a_given_data_folder(tmp_path):
    plans = tmp_path / "data" / "plans"
    plans.mkdir(parents=True)
    (plans / "dong-nai-2024.md").write_bytes((ROOT / "data" / "plans" / "dong-nai-2024-ubnd-ttdn.md").read_bytes())
    c = load_corpus(plans)
    # a message naming a file by its absolute path (as the loader once wrote them) is made relative too
    src = str(c.plans["source_file"].iloc[0])
    row = {"source_file": src, "line": None, "severity": "warning", "kind": "duplicate",
           "message": f"same content as {plans.resolve() / 'other.md'}; also {src}"}
    problems = pd.concat([c.problems.astype(object), pd.DataFrame([row])], ignore_index=True)
    c = Corpus(plans=c.plans, tasks=c.tasks, assignments=c.assignments, task_themes=c.task_themes,
               problems=problems, citations=c.citations, files=c.files)
    out = tmp_path / "out"
    export_corpus(c, out, "csv", data_dir=tmp_path / "data")
    assert {r["source_file"] for r in _rows(out / "plans.csv")} == {"plans/dong-nai-2024.md"}
    assert {r["source_file"] for r in _rows(out / "tasks.csv")} == {"plans/dong-nai-2024.md"}
    assert str(tmp_path) not in _all_text(out)
    dup = [r for r in _rows(out / "problems.csv") if r["kind"] == "duplicate"]
    assert [r["message"] for r in dup] == ["same content as plans/other.md; also plans/dong-nai-2024.md"]
    # by default: relative to the folder that holds the plans
    export_corpus(c, tmp_path / "out2", "csv")
    assert {r["source_file"] for r in _rows(tmp_path / "out2" / "plans.csv")} == {"dong-nai-2024.md"}


# --------------------------------------------------------------------------- xlsx

def test_xlsx_typed_dates_frozen_header_filters_widths_and_analysis_sheets(corpus, tmp_path):
    written = export_corpus(corpus, tmp_path, "xlsx")
    assert set(written) == _files(tmp_path) and tmp_path / "ttdn_tables.xlsx" in written
    wb = openpyxl.load_workbook(tmp_path / "ttdn_tables.xlsx")
    assert wb.sheetnames == list(SHEETS)
    for ws in wb:
        assert ws.freeze_panes == "A2", ws.title
        assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(ws.max_column)}{ws.max_row}", ws.title
        widths = [ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width
                  for i in range(1, ws.max_column + 1)]
        assert all(8 <= w <= 62 for w in widths), ws.title
    plans = wb["plans"]
    header = [c.value for c in plans[1]]
    dates = [row[header.index("date")] for row in plans.iter_rows(min_row=2)]
    known = [c for c in dates if c.value is not None]
    assert known and all(c.is_date and c.number_format == "yyyy-mm-dd" for c in known)
    # the title column is wider than the year column
    width = {h: plans.column_dimensions[openpyxl.utils.get_column_letter(i + 1)].width for i, h in enumerate(header)}
    assert width["title"] > width["year"]
    cov = pd.read_excel(tmp_path / "ttdn_tables.xlsx", sheet_name="coverage")
    assert {"province", "year", "level", "theme", "tasks", "tasks_with_theme", "task_share"} <= set(cov.columns)
    border = cov[cov["theme"] == "border"]
    assert len(border) == len(corpus.plans[["province", "year", "level"]].drop_duplicates())
    assert border["tasks"].sum() == len(corpus.tasks)
    cen = pd.read_excel(tmp_path / "ttdn_tables.xlsx", sheet_name="centrality")
    assert {"network", "agency", "degree", "betweenness", "successor"} <= set(cen.columns)
    assert "all" in set(cen["network"]) and "Đồng Nai 2024" in set(cen["network"])
    it = cen[(cen["network"] == "all") & (cen["agency"] == "Sở Thông tin và Truyền thông")]
    assert it["successor"].tolist() == ["Sở Văn hóa, Thể thao và Du lịch"]


# --------------------------------------------------------------------------- networks

def test_networks_per_province_and_year_with_attributes(corpus, tmp_path):
    written = export_corpus(corpus, tmp_path, "csv")
    slices = sorted(set(zip(corpus.assignments["province"].astype(str), corpus.assignments["year"].astype(int))))
    gexf = sorted(p for p in written if p.parent.name == "networks" and p.suffix == ".gexf")
    graphml = sorted(p for p in written if p.parent.name == "networks" and p.suffix == ".graphml")
    assert len(gexf) == len(graphml) == len(slices)
    pooled = nx.read_gexf(tmp_path / "coassignment.gexf")
    provinces = {p for _, d in pooled.nodes(data=True) for p in d["province"].split("; ")}
    assert provinces == {p for p, _ in slices}
    for path in gexf + graphml:
        g = nx.read_gexf(path) if path.suffix == ".gexf" else nx.read_graphml(path)
        assert g.number_of_nodes() > 0
        for _, d in g.nodes(data=True):
            assert {"agency_type", "province", "successor"} <= set(d)
            assert "; " not in d["province"]  # one province per slice
        for _, _, d in g.edges(data=True):
            assert {"weight", "plans", "tasks"} <= set(d)
            plans = d["plans"].split("; ")
            assert all(any(t.startswith(p + ":") for p in plans) for t in d["tasks"].split("; "))
    g = nx.read_graphml(next(p for p in graphml if "dong-nai_2024" in p.name))
    assert g.graph["province"] == "Đồng Nai" and g.graph["year"] == 2024
    assert {d["province"] for _, d in g.nodes(data=True)} == {"Đồng Nai"}


def test_exports_are_deterministic(corpus, tmp_path):
    a = export_corpus(corpus, tmp_path / "a", "csv")
    b = export_corpus(corpus, tmp_path / "b", "csv")
    for pa, pb in zip(a, b):
        assert pa.relative_to(tmp_path / "a") == pb.relative_to(tmp_path / "b")
        assert pa.read_bytes() == pb.read_bytes(), pa.name


# --------------------------------------------------------------------------- formula injection (issue 14 item 2)

HOSTILE = """ỦY BAN NHÂN DÂN TỈNH GIA LAI
Số: 12/KH-UBND
Gia Lai, ngày 10 tháng 1 năm 2025
KẾ HOẠCH
Thông tin đối ngoại năm 2025
II. NHIỆM VỤ
1. =HYPERLINK("http://127.0.0.1:9/x","bấm vào đây")
- Đơn vị chủ trì: Sở Ngoại vụ
- Đơn vị phối hợp: Công an tỉnh
2. @SUM(1+1)*cmd|' /C calc'!A0 tuyên truyền biên giới
- Đơn vị chủ trì: +Sở Lạ =1+1
- Đơn vị phối hợp: Công an tỉnh, Sở Ngoại vụ
"""


@pytest.fixture
def hostile_corpus(tmp_path):
    folder = tmp_path / "plans"
    folder.mkdir()
    (folder / "gia-lai-2025.txt").write_text(HOSTILE, encoding="utf-8")
    (folder / "manifest.csv").write_text('file,title\ngia-lai-2025.txt,"=cmd|\' /C calc\'!A0"\n', encoding="utf-8")
    return load_corpus(folder, cache=False)


def test_no_live_formula_in_xlsx_or_csv(hostile_corpus, tmp_path):
    titles = " ".join(hostile_corpus.tasks["title"].astype(str))
    assert "=HYPERLINK" in titles  # the hostile text did reach the tables
    export_corpus(hostile_corpus, tmp_path / "x", "xlsx")
    wb = openpyxl.load_workbook(tmp_path / "x" / "ttdn_tables.xlsx")
    cells = [c for ws in wb for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert not [t for t in texts if t.startswith(FORMULA_STARTS)]
    assert "'=HYPERLINK(\"http://127.0.0.1:9/x\",\"bấm vào đây\")" in texts
    numbers = [c.value for c in cells if c.data_type == "n" and c.value is not None]
    assert 2025 in numbers  # years stay numbers
    export_corpus(hostile_corpus, tmp_path / "c", "csv")
    for path in (tmp_path / "c").glob("*.csv"):
        for row in _rows(path):
            for value in row.values():
                assert not value.startswith(FORMULA_STARTS), (path.name, value)
    plans = _rows(tmp_path / "c" / "plans.csv")
    assert plans[0]["title"] == "'=cmd|' /C calc'!A0" and plans[0]["year"] == "2025"


def test_safe_frame_leaves_numbers_and_dates_alone():
    df = pd.DataFrame({"n": [-5, 3], "x": [-0.5, 1e3], "d": pd.to_datetime(["2024-01-02", None]),
                       "t": ["-5", "+84 912"], "ok": [True, False]})
    out = safe_frame(df)
    pd.testing.assert_frame_equal(out[["n", "x", "d", "ok"]], df[["n", "x", "d", "ok"]])
    assert out["t"].tolist() == ["'-5", "'+84 912"]


# --------------------------------------------------------------------------- control characters (issue 14 item 3)

def _with_controls(corpus: Corpus) -> Corpus:
    tasks = corpus.tasks.copy()
    tasks.loc[tasks.index[0], "title"] = "Dòng một\x0bdòng hai\x00 và \x1b[31mđỏ"
    assignments = corpus.assignments.copy()
    assignments["agency"] = assignments["agency"].astype(object)
    assignments.loc[assignments.index[0], "agency"] = "Sở\x07 Ngoại\x0cvụ"
    return Corpus(plans=corpus.plans, tasks=tasks, assignments=assignments, task_themes=corpus.task_themes,
                  problems=corpus.problems, citations=corpus.citations, files=corpus.files)


def test_control_characters_never_crash_an_export(corpus, tmp_path):
    dirty = _with_controls(corpus)
    for fmt in ("xlsx", "csv", "parquet"):
        written = export_corpus(dirty, tmp_path / fmt, fmt)
        assert set(written) == _files(tmp_path / fmt)
    wb = openpyxl.load_workbook(tmp_path / "xlsx" / "ttdn_tables.xlsx")
    header = [c.value for c in wb["tasks"][1]]
    assert wb["tasks"].cell(row=2, column=header.index("title") + 1).value == "Dòng một\ndòng hai và [31mđỏ"
    names = set(nx.read_graphml(tmp_path / "xlsx" / "coassignment.graphml").nodes)
    assert "Sở Ngoại\nvụ" in names
    assert "Sở Ngoại\nvụ" in set(nx.read_gexf(tmp_path / "xlsx" / "coassignment.gexf").nodes)
    text = _all_text(tmp_path / "xlsx")
    assert not any(ch in text for ch in "\x00\x07\x0b\x0c\x1b")
    # Parquet keeps the values as they are
    assert pd.read_parquet(tmp_path / "parquet" / "tasks.parquet")["title"].iloc[0] == dirty.tasks["title"].iloc[0]


# --------------------------------------------------------------------------- atomic writes (issue 14 item 3)

def test_a_failing_export_leaves_the_previous_file_and_no_partial_one(corpus, tmp_path, monkeypatch):
    export_corpus(corpus, tmp_path, "xlsx", networks=False)
    before = (tmp_path / "ttdn_tables.xlsx").read_bytes()
    calls = {"n": 0}
    original = pd.DataFrame.to_excel

    def fail_on_third(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk full")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_excel", fail_on_third)
    with pytest.raises(OSError, match="disk full"):
        export_corpus(corpus, tmp_path, "xlsx", networks=False)
    assert (tmp_path / "ttdn_tables.xlsx").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ttdn_tables.xlsx"]


@pytest.mark.parametrize("writer, target", [(to_gexf, "nx.write_gexf"), (to_graphml, "nx.write_graphml"),
                                            (write_edge_list, None)])
def test_network_files_are_written_atomically(tmp_path, monkeypatch, writer, target):
    g = nx.Graph()
    g.add_edge("Sở A", "Sở B", weight=1, count=1)
    path = tmp_path / "g.out"

    def half(graph, f, *a, **k):
        Path(f).write_text("<half")
        raise OSError("killed")

    if target is not None:
        monkeypatch.setattr(f"ttdn_analysis.io.graphs.{target}", half)
    else:
        monkeypatch.setattr(pd.DataFrame, "to_csv", lambda self, f, *a, **k: half(None, f))
    with pytest.raises(OSError, match="killed"):
        writer(g, path)
    assert list(tmp_path.iterdir()) == []


def test_unknown_format_is_refused(corpus, tmp_path):
    with pytest.raises(ValueError, match="fmt must be one of"):
        export_corpus(corpus, tmp_path, "ods")
    assert list(tmp_path.iterdir()) == []


def test_empty_corpus_exports_headers(tmp_path):
    written = export_corpus(load_corpus([], cache=False), tmp_path, "xlsx")
    assert [p.name for p in written] == ["ttdn_tables.xlsx"]
    assert set(pd.read_excel(tmp_path / "ttdn_tables.xlsx", sheet_name=None)) == set(SHEETS)
    assert os.path.getsize(tmp_path / "ttdn_tables.xlsx") > 0
    assert io_tables.FORMATS == ("csv", "parquet", "xlsx")
