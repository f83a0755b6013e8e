"""Exports read back as a researcher's tools would (csv, openpyxl, DuckDB, pyarrow, networkx, the GEXF 1.2 rules):
issue 17 item 2, issue 14 items 2-3, issue 26 (exports), issue 24 (a lone CR in CSV, sheets over Excel's rows)."""
from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import openpyxl
import pandas as pd
import pytest

from ttdn_analysis import load_corpus
from ttdn_analysis.corpus import Corpus
from ttdn_analysis.io import tables as io_tables
from ttdn_analysis.io.graphs import GEXF_NS, GEXF_TYPES, GEXF_VIZ_NS, to_gexf, to_graphml, write_edge_list
from ttdn_analysis.io.safety import FORMULA_STARTS, safe_frame
from ttdn_analysis.io.tables import PROVENANCE_KEY, SHEETS, export_corpus, export_tables
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
    assert wb.sheetnames == ["about", *SHEETS]
    for ws in wb.worksheets[1:]:
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
    provinces = {p for _, d in pooled.nodes(data=True) for p in d["province"].split("|")}  # a GEXF liststring
    assert provinces == {p for p, _ in slices}
    for path in gexf + graphml:
        g = nx.read_gexf(path) if path.suffix == ".gexf" else nx.read_graphml(path)
        sep = "|" if path.suffix == ".gexf" else "; "
        assert g.number_of_nodes() > 0
        for _, d in g.nodes(data=True):
            assert {"agency_type", "province", "year", "plans", "successor"} <= set(d)
            assert sep not in str(d["province"]) and sep not in str(d["year"])  # one province and year per slice
        for _, _, d in g.edges(data=True):
            assert {"weight", "plans", "tasks", "province", "year"} <= set(d)
            plans = d["plans"].split(sep)
            assert all(any(t.startswith(p + ":") for p in plans) for t in d["tasks"].split(sep))
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
    # formula-like text is a text cell with Excel's quote prefix, the value unchanged: no literal apostrophe
    risky = [c for c in cells if isinstance(c.value, str) and c.value.startswith(FORMULA_STARTS)]
    assert risky and all(c.data_type == "s" and c.quotePrefix for c in risky)
    assert not [c.value for c in cells if isinstance(c.value, str) and c.value.startswith("'")]
    assert "=HYPERLINK(\"http://127.0.0.1:9/x\",\"bấm vào đây\")" in {c.value for c in risky}
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
    original = io_tables._write_sheet

    def fail_on_third(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk full")
        return original(*args, **kwargs)

    monkeypatch.setattr(io_tables, "_write_sheet", fail_on_third)
    with pytest.raises(OSError, match="disk full"):
        export_corpus(corpus, tmp_path, "xlsx", networks=False)
    assert (tmp_path / "ttdn_tables.xlsx").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ttdn_tables.xlsx"]


@pytest.mark.parametrize("writer, target", [(to_gexf, "xml.etree.ElementTree.ElementTree.write"),
                                            (to_graphml, "ttdn_analysis.io.graphs.nx.write_graphml"),
                                            (write_edge_list, None)])
def test_network_files_are_written_atomically(tmp_path, monkeypatch, writer, target):
    g = nx.Graph()
    g.add_edge("Sở A", "Sở B", weight=1, count=1)
    path = tmp_path / "g.out"

    def half(graph, f, *a, **k):
        Path(f).write_text("<half")
        raise OSError("killed")

    if target is not None:
        monkeypatch.setattr(target, half)
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
    assert set(pd.read_excel(tmp_path / "ttdn_tables.xlsx", sheet_name=None)) == {"about", *SHEETS}
    assert os.path.getsize(tmp_path / "ttdn_tables.xlsx") > 0
    assert io_tables.FORMATS == ("csv", "parquet", "xlsx")


# --------------------------------------------------------------------------- what spreadsheets see (issue 26)

def test_xlsx_cells_are_typed_and_the_first_sheet_says_what_the_workbook_is(corpus, tmp_path):
    export_corpus(corpus, tmp_path, "xlsx", networks=False)
    wb = openpyxl.load_workbook(tmp_path / "ttdn_tables.xlsx")
    about = {r[0]: r[1] for r in wb["about"].iter_rows(values_only=True) if r[0]}
    from ttdn_analysis._version import __version__
    from ttdn_analysis.registry.codebook import load_codebook
    assert about["package"] == "ttdn_analysis" and about["version"] == __version__
    assert about["codebook_version"] == str(load_codebook().version)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", about["generated (UTC)"])
    for f in corpus.plans["source_file"]:  # every source file with the SHA-256 of its bytes
        assert about[Path(f).name] == hashlib.sha256(Path(f).read_bytes()).hexdigest()
    for sheet in SHEETS:
        assert about[sheet].split(" · ")[0].replace(",", "").isdigit(), sheet  # rows of each sheet

    def column(ws, name):
        header = [c.value for c in ws[1]]
        return [row[header.index(name)] for row in ws.iter_rows(min_row=2)]

    # integers as integers, never "4.0"
    for sheet, name in [("tasks", "line_start"), ("plans", "year"), ("coverage", "tasks"), ("centrality", "degree"),
                        ("assignments", "line")]:
        cells = [c for c in column(wb[sheet], name) if c.value is not None]
        assert cells and all(type(c.value) is int for c in cells), (sheet, name)
    # shares with a percent format
    shares = [c for c in column(wb["coverage"], "task_share") if c.value is not None]
    assert shares and all(c.number_format.endswith("%") and isinstance(c.value, (int, float)) for c in shares)
    assert any(0 < c.value < 1 for c in shares)
    # text as text
    titles = [c for c in column(wb["tasks"], "title") if c.value is not None]
    assert all(c.data_type == "s" and c.number_format == "@" for c in titles)
    # no literal leading apostrophe but those of the plans' own text (a message quoting a title)
    own = {v for t in TABLES for col in getattr(corpus, t).columns for v in getattr(corpus, t)[col].astype(object)
           if isinstance(v, str) and v.startswith("'")}
    assert not [c.coordinate for ws in wb for row in ws.iter_rows() for c in row
                if isinstance(c.value, str) and c.value.startswith("'") and c.value not in own]


def test_xlsx_text_that_looks_like_a_time_or_number_stays_text(tmp_path):
    df = pd.DataFrame({"lines": ["0:77", "1/2", "1e5", "00123"], "n": [1, 2, 3, 4]})
    export_tables({"t": df}, tmp_path, "xlsx")
    ws = openpyxl.load_workbook(tmp_path / "ttdn_tables.xlsx")["t"]
    cells = [row[0] for row in ws.iter_rows(min_row=2)]
    assert [c.value for c in cells] == ["0:77", "1/2", "1e5", "00123"]
    assert all(c.data_type == "s" and c.number_format == "@" for c in cells)
    assert [row[1].value for row in ws.iter_rows(min_row=2)] == [1, 2, 3, 4]


def test_xlsx_table_longer_than_a_sheet_is_split_and_listed(tmp_path, monkeypatch):
    assert io_tables.EXCEL_MAX_ROWS == 1_048_576  # Excel's (and LibreOffice's) rows per sheet
    monkeypatch.setattr(io_tables, "EXCEL_MAX_ROWS", 5)  # 4 data rows per sheet: the same code path, small data
    df = pd.DataFrame({"i": range(10), "t": [f"r{i}" for i in range(10)]})
    export_tables({"tasks": df}, tmp_path, "xlsx")
    wb = openpyxl.load_workbook(tmp_path / "ttdn_tables.xlsx")
    assert wb.sheetnames == ["about", "tasks", "tasks (2)", "tasks (3)"]
    got = [r[0] for ws in wb.worksheets[1:] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert got == list(range(10))  # every row, once, in order
    assert all(ws.max_row <= 5 and [c.value for c in ws[1]] == ["i", "t"] for ws in wb.worksheets[1:])
    about = {r[0]: r[1] for r in wb["about"].iter_rows(values_only=True) if r[0]}
    assert about["tasks (3)"].startswith("2 ·")


def test_xlsx_refuses_a_table_wider_than_a_sheet(tmp_path, monkeypatch):
    monkeypatch.setattr(io_tables, "EXCEL_MAX_COLUMNS", 3)
    with pytest.raises(ValueError, match="4 columns; an Excel sheet holds 3: export it as csv or parquet"):
        export_tables({"wide": pd.DataFrame({c: [1] for c in "abcd"})}, tmp_path, "xlsx")
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- Parquet as DuckDB and pyarrow read it

def test_parquet_carries_provenance_that_duckdb_reads(corpus, tmp_path):
    duckdb = pytest.importorskip("duckdb", reason="duckdb is in the test extra")
    written = [p for p in export_corpus(corpus, tmp_path, "parquet", networks=False) if p.suffix == ".parquet"]
    assert len(written) == len(TABLES) + 2
    hashes = {Path(f).name: h for f, h in zip(corpus.plans["source_file"], corpus.plans["content_hash"])}
    for path in written:
        rows = duckdb.sql(f"SELECT decode(key), decode(value) FROM parquet_kv_metadata('{path}')").fetchall()
        meta = json.loads(dict(rows)[PROVENANCE_KEY])
        assert meta["package"] == "ttdn_analysis" and meta["codebook_version"], path.name
        assert {s["file"]: s["sha256"] for s in meta["sources"]} == hashes, path.name
        assert duckdb.sql(f"SELECT count(*) FROM '{path}'").fetchall()[0][0] == len(pd.read_parquet(path))


def test_parquet_types_a_column_the_same_way_in_every_table(corpus, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    export_corpus(corpus, tmp_path, "parquet", networks=False)
    types: dict[str, set[str]] = {}
    for path in sorted(tmp_path.glob("*.parquet")):
        schema = pq.read_schema(path)
        for field in schema:
            t = field.type
            kind = ("dictionary<" + str(t.value_type) + ">") if pa.types.is_dictionary(t) else str(t)
            types.setdefault(field.name, set()).add(kind)
    mixed = {name: kinds for name, kinds in types.items() if len(kinds - {"null"}) > 1}
    assert mixed == {}
    for name in ("year", "line", "line_start", "tasks", "degree"):
        assert types[name] - {"null"} == {"int64"}, name  # integers, not double
    for name in ("province", "level", "theme", "kind", "role", "severity"):
        assert types[name] - {"null"} == {"dictionary<string>"}, name  # categoricals in every table
    duckdb = pytest.importorskip("duckdb", reason="duckdb is in the test extra")
    seen: dict[str, set[str]] = {}  # and as DuckDB reads them
    for path in sorted(tmp_path.glob("*.parquet")):
        for name, kind in duckdb.sql(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM '{path}')"
                                     ).fetchall():
            seen.setdefault(name, set()).add(kind)
    assert {n: k for n, k in seen.items() if len(k) > 1} == {}
    assert all(seen[name] == {"BIGINT"} for name in ("year", "line", "line_start", "tasks", "degree")), seen


# --------------------------------------------------------------------------- CSV: a carriage return cannot split a row

def test_csv_quotes_a_lone_carriage_return(tmp_path):
    df = pd.DataFrame({"source_file": ["a\rb.txt", "c.txt"], "message": ["x\ry", "ok"], "n": [1, 2]})
    path = io_tables.write_csv(df, tmp_path / "p.csv")
    back = pd.read_csv(path, encoding="utf-8-sig")
    assert back["source_file"].tolist() == ["a\rb.txt", "c.txt"] and back["n"].tolist() == [1, 2]
    with path.open(encoding="utf-8-sig", newline="") as fh:
        assert [r["n"] for r in csv.DictReader(fh)] == ["1", "2"]
    edges = nx.Graph()
    edges.add_edge("Sở\rA", "Sở B", weight=1, count=1)
    e = write_edge_list(edges, tmp_path / "e.csv")
    assert len(pd.read_csv(e, encoding="utf-8-sig")) == 1


# --------------------------------------------------------------------------- GEXF 1.2

#: Lexical forms of the XML Schema types GEXF uses for attribute values (``liststring``, ``string`` and ``anyURI``
#: take any text).
_GEXF_VALUE = {"integer": r"[-+]?\d+", "long": r"[-+]?\d+",
               "double": r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?|NaN|-?INF",
               "float": r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?|NaN|-?INF",
               "boolean": r"true|false|1|0"}
#: Element -> the children the GEXF 1.2 schema allows it (``viz:`` the viz module, ``g:`` the core).
_GEXF_CHILDREN = {
    "g:meta": {"g:creator", "g:keywords", "g:description"},
    "g:attributes": {"g:attribute"},
    "g:attribute": {"g:default", "g:options"},
    "g:nodes": {"g:node"},
    "g:edges": {"g:edge"},
    "g:node": {"g:attvalues", "g:spells", "g:nodes", "g:edges", "g:parents", "viz:color", "viz:position", "viz:size",
               "viz:shape"},
    "g:edge": {"g:attvalues", "g:spells", "viz:color", "viz:thickness", "viz:shape"},
    "g:attvalues": {"g:attvalue"},
}
_GEXF_ENUMS = {("graph", "defaultedgetype"): {"directed", "undirected", "mutual"},
               ("graph", "mode"): {"static", "dynamic"}, ("graph", "idtype"): {"integer", "string"},
               ("graph", "timeformat"): {"integer", "double", "date", "dateTime"},
               ("attributes", "mode"): {"static", "dynamic"}, ("edge", "type"): {"directed", "undirected", "mutual"},
               ("node-shape", "value"): {"disc", "square", "triangle", "diamond", "image"},
               ("edge-shape", "value"): {"solid", "dotted", "dashed", "double"}}


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value is not None and re.fullmatch(_GEXF_VALUE["double"], value) else None
    except ValueError:
        return None


def gexf_problems(path: Path) -> list[str]:
    """What breaks the GEXF 1.2 schema's rules in *path*, checked structurally (no package registry reachable here
    ships the official XSD): the root's namespace and version; ``meta``'s children and date; the graph's attributes
    (no ``name``, which the schema does not have) and their values; every element's children (nothing from another
    namespace); attributes declared before the nodes and edges, with unique ids, a title and a GEXF type
    (``liststring`` among them), default values of that type; each attribute value declared for its class, of its
    type, given once per element; viz colours r/g/b in 0-255 with alpha in 0-1, sizes and thicknesses >= 0,
    positions numbers, shapes from the schema's lists; node and edge ids present and unique; edges between
    declared nodes, of a known type, with a numeric weight."""
    g, v = f"{{{GEXF_NS}}}", f"{{{GEXF_VIZ_NS}}}"
    out: list[str] = []
    root = ET.parse(path).getroot()
    if root.tag != f"{g}gexf" or root.get("version") != "1.2":
        return [f"root {root.tag} version {root.get('version')}"]

    def short(tag: str) -> str:
        return tag.replace(g, "g:").replace(v, "viz:")

    for el in root.iter():  # every element: known children only (another namespace's are not allowed)
        allowed = _GEXF_CHILDREN.get(short(el.tag))
        out += [f"{short(el.tag)} child {short(c.tag)}" for c in el
                if allowed is not None and short(c.tag) not in allowed]
    out += [f"unexpected {c.tag}" for c in root if c.tag not in {f"{g}meta", f"{g}graph"}]
    meta = root.find(f"{g}meta")
    if meta is not None:
        date = meta.get("lastmodifieddate")
        if date is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
            out.append(f"lastmodifieddate {date!r}")
    graphs = root.findall(f"{g}graph")
    if len(graphs) != 1:
        return out + [f"{len(graphs)} graph elements"]
    graph = graphs[0]
    allowed = {"timeformat", "start", "end", "startopen", "endopen", "defaultedgetype", "idtype", "mode"}
    out += [f"graph attribute {a!r}" for a in graph.attrib if a not in allowed]  # e.g. name="" (issue 26)
    for (element, attr), values in _GEXF_ENUMS.items():
        if element == "graph" and graph.get(attr) is not None and graph.get(attr) not in values:
            out.append(f"graph {attr} {graph.get(attr)!r}")
    order = [c.tag for c in graph]
    blocks = [f"{g}attributes", f"{g}nodes", f"{g}edges"]
    if any(t not in blocks for t in order) or order != sorted(order, key=blocks.index):
        out.append(f"graph children {[short(t) for t in order]}")  # declarations first: before their use
    declared: dict[str, dict[str, str]] = {"node": {}, "edge": {}}
    for block in graph.findall(f"{g}attributes"):
        cls = block.get("class")
        if cls not in declared:
            out.append(f"attributes class {cls!r}")
            continue
        if block.get("mode", "static") not in _GEXF_ENUMS[("attributes", "mode")]:
            out.append(f"attributes mode {block.get('mode')!r}")
        for a in block.findall(f"{g}attribute"):
            aid, title, kind = a.get("id"), a.get("title"), a.get("type")
            if not aid or not title:
                out.append(f"{cls} attribute without id or title {a.attrib}")
            elif aid in declared[cls]:
                out.append(f"{cls} attribute id {aid!r} twice")
            elif kind not in GEXF_TYPES:
                out.append(f"{cls} attribute type {kind!r}")
            else:
                declared[cls][aid] = kind
                default = a.find(f"{g}default")
                if default is not None and kind in _GEXF_VALUE and \
                        not re.fullmatch(_GEXF_VALUE[kind], default.text or ""):
                    out.append(f"{cls} attribute {title!r} default {default.text!r}")

    def check_values(el: ET.Element, cls: str) -> None:
        seen = set()
        for av in el.findall(f"{g}attvalues/{g}attvalue"):
            aid, value = av.get("for"), av.get("value")
            kind = declared[cls].get(aid or "")
            if kind is None or value is None:
                out.append(f"{cls} attvalue for={aid!r} undeclared or without value")
            elif not re.fullmatch(_GEXF_VALUE.get(kind, ".*"), value, re.S):
                out.append(f"{cls} {kind} {value!r}")
            if aid in seen:
                out.append(f"{cls} attvalue for={aid!r} twice")
            seen.add(aid)

    def check_viz(el: ET.Element, what: str) -> None:
        for c in el:
            if c.tag == f"{v}color":
                rgb = [c.get(k) for k in "rgb"]
                alpha = _number(c.get("a", "1"))
                if not all(x is not None and x.isdigit() and 0 <= int(x) <= 255 for x in rgb) or \
                        alpha is None or not 0.0 <= alpha <= 1.0:
                    out.append(f"{what} viz:color {c.attrib}")
            elif c.tag in {f"{v}size", f"{v}thickness"}:
                size = _number(c.get("value"))
                if size is None or size < 0:
                    out.append(f"{what} {short(c.tag)} {c.attrib}")
            elif c.tag == f"{v}position":
                if any(_number(c.get(k)) is None for k in "xy") or \
                        (c.get("z") is not None and _number(c.get("z")) is None):
                    out.append(f"{what} viz:position {c.attrib}")
            elif c.tag == f"{v}shape" and c.get("value") not in _GEXF_ENUMS[(f"{what}-shape", "value")]:
                out.append(f"{what} viz:shape {c.attrib}")

    ids: set[str] = set()
    for node in graph.iter(f"{g}node"):
        nid = node.get("id")
        if not nid or nid in ids:
            out.append(f"node id {nid!r}")
        ids.add(nid or "")
        check_values(node, "node")
        check_viz(node, "node")
    edge_ids: set[str] = set()
    for edge in graph.iter(f"{g}edge"):
        if edge.get("source") not in ids or edge.get("target") not in ids:
            out.append(f"edge {edge.attrib} to an unknown node")
        eid = edge.get("id")
        if not eid or eid in edge_ids:  # required in GEXF 1.2 (optional only from 1.3)
            out.append(f"edge id {eid!r}")
        edge_ids.add(eid or "")
        if edge.get("type") is not None and edge.get("type") not in _GEXF_ENUMS[("edge", "type")]:
            out.append(f"edge type {edge.get('type')!r}")
        if edge.get("weight") is not None and _number(edge.get("weight")) is None:
            out.append(f"edge weight {edge.get('weight')!r}")
        check_values(edge, "edge")
        check_viz(edge, "edge")
    return out


def test_every_gexf_follows_the_gexf_1_2_rules_with_year_plan_province_and_viz(corpus, tmp_path):
    written = [p for p in export_corpus(corpus, tmp_path, "csv") if p.suffix == ".gexf"]
    assert len(written) > 1
    for path in written:
        assert gexf_problems(path) == [], path.name
        root = ET.parse(path).getroot()
        g, v = f"{{{GEXF_NS}}}", f"{{{GEXF_VIZ_NS}}}"
        types = {(b.get("class"), a.get("title")): a.get("type")
                 for b in root.iter(f"{g}attributes") for a in b}
        for cls in ("node", "edge"):
            for title in ("province", "year", "plans"):
                assert types[(cls, title)] == "liststring", (path.name, cls, title)
        assert types[("node", "n_tasks")] == "integer"
        nodes = list(root.iter(f"{g}node"))
        assert all(n.find(f"{v}color") is not None and n.find(f"{v}size") is not None for n in nodes)
        assert len({tuple(n.find(f"{v}color").attrib.values()) for n in nodes}) > 1  # colours by agency type
    pooled = ET.parse(tmp_path / "coassignment.gexf").getroot()
    provinces = {v.get("value") for v in pooled.iter(f"{{{GEXF_NS}}}attvalue")
                 if v.get("value") and "|" in v.get("value") and "Gia Lai" in v.get("value")}
    assert provinces  # an agency of several provinces: one list, one Gephi partition per item
    meta = pooled.find(f"{{{GEXF_NS}}}meta/{{{GEXF_NS}}}creator")
    assert meta is not None and meta.text.startswith("ttdn_analysis ")


def test_gexf_checker_catches_what_the_schema_forbids(tmp_path):
    """The structural check is not vacuous: networkx's own GEXF (graph name="") and a bad type fail it."""
    g = nx.Graph()
    g.add_edge("A", "B", weight=1)
    nx.write_gexf(g, tmp_path / "nx.gexf", version="1.2draft")
    assert any("graph attribute 'name'" in p for p in gexf_problems(tmp_path / "nx.gexf"))
    ours = to_gexf(g, tmp_path / "ours.gexf")
    assert gexf_problems(ours) == []
    text = ours.read_text(encoding="utf-8").replace('mode="static" defaultedgetype', 'mode="static" name="" '
                                                                                      'defaultedgetype')
    (tmp_path / "bad.gexf").write_text(text, encoding="utf-8")
    assert gexf_problems(tmp_path / "bad.gexf") == ["graph attribute 'name'"]


def _mutate(path: Path, change) -> Path:
    """A copy of the GEXF at *path* with *change* applied to its tree (elements named by short tags)."""
    g, v = f"{{{GEXF_NS}}}", f"{{{GEXF_VIZ_NS}}}"
    ET.register_namespace("", GEXF_NS)
    ET.register_namespace("viz", GEXF_VIZ_NS)
    tree = ET.parse(path)
    root = tree.getroot()

    def find(short: str) -> ET.Element:
        return next(root.iter(short.replace("g:", g).replace("v:", v)))

    change(root, find, g, v)
    out = path.with_name(f"bad-{len(list(path.parent.glob('bad-*')))}.gexf")
    tree.write(out, encoding="utf-8", xml_declaration=True)
    return out


def _attvalue_of(find, g, kind):
    """The first attvalue of a node attribute of GEXF type *kind*."""
    root_attrs = find("g:attributes")
    aid = next(a.get("id") for a in root_attrs if a.get("type") == kind)
    return next(av for av in find("g:nodes").iter(f"{g}attvalue") if av.get("for") == aid)


#: One rule of the schema broken at a time, and the problem the checker must name.
_GEXF_BREAKS = {
    "version": (lambda r, f, g, v: r.set("version", "1.3"), "root"),
    "graph name": (lambda r, f, g, v: f("g:graph").set("name", ""), "graph attribute 'name'"),
    "defaultedgetype": (lambda r, f, g, v: f("g:graph").set("defaultedgetype", "both"), "graph defaultedgetype"),
    "mode": (lambda r, f, g, v: f("g:graph").set("mode", "live"), "graph mode"),
    "declared after use": (lambda r, f, g, v: (f("g:graph").remove(a := f("g:attributes")),
                                                f("g:graph").append(a)), "graph children"),
    "attribute type": (lambda r, f, g, v: f("g:attribute").set("type", "list"), "attribute type 'list'"),
    "attribute title": (lambda r, f, g, v: f("g:attribute").set("title", ""), "attribute without id or title"),
    "attribute id twice": (lambda r, f, g, v: [a.set("id", "0") for a in f("g:attributes")], "twice"),
    "undeclared value": (lambda r, f, g, v: f("g:attvalue").set("for", "99"), "undeclared"),
    "integer value": (lambda r, f, g, v: _attvalue_of(f, g, "integer").set("value", "4.0"), "integer '4.0'"),
    "double value": (lambda r, f, g, v: _attvalue_of(f, g, "double").set("value", "0,5"), "double '0,5'"),
    "colour channel": (lambda r, f, g, v: f("v:color").set("r", "256"), "viz:color"),
    "colour alpha": (lambda r, f, g, v: f("v:color").set("a", "2"), "viz:color"),
    "size": (lambda r, f, g, v: f("v:size").set("value", "-1"), "viz:size"),
    "position": (lambda r, f, g, v: f("v:position").set("x", "left"), "viz:position"),
    "thickness": (lambda r, f, g, v: f("v:thickness").set("value", "-2"), "viz:thickness"),
    "node shape": (lambda r, f, g, v: ET.SubElement(f("g:node"), f"{v}shape", {"value": "star"}), "viz:shape"),
    "foreign child": (lambda r, f, g, v: ET.SubElement(f("g:node"), "{urn:x}extra"), "child {urn:x}extra"),
    "node id twice": (lambda r, f, g, v: [n.set("id", "A") for n in f("g:nodes")], "node id 'A'"),
    "edge to nowhere": (lambda r, f, g, v: f("g:edge").set("target", "Z"), "unknown node"),
    "edge id": (lambda r, f, g, v: f("g:edge").attrib.pop("id"), "edge id None"),
    "edge type": (lambda r, f, g, v: f("g:edge").set("type", "both"), "edge type"),
    "weight": (lambda r, f, g, v: f("g:edge").set("weight", "heavy"), "edge weight"),
    "meta date": (lambda r, f, g, v: f("g:meta").set("lastmodifieddate", "7/12/2026"), "lastmodifieddate"),
}


@pytest.mark.parametrize("rule", sorted(_GEXF_BREAKS))
def test_gexf_checker_names_each_broken_rule(tmp_path, rule):
    """Each rule the checker stands for the schema with fails a file of ours that breaks it, and is named."""
    graph = nx.Graph()
    graph.add_node("A", agency_type="party", province=["Gia Lai", "Đắk Lắk"], year=[2024, 2025], n_tasks=3,
                   share=0.5)
    graph.add_node("B", agency_type="department", province=["Gia Lai"], year=[2025], n_tasks=1, share=0.25)
    graph.add_edge("A", "B", weight=2, plans=["p1", "p2"])
    ours = to_gexf(graph, tmp_path / "ours.gexf")
    assert gexf_problems(ours) == []
    change, expected = _GEXF_BREAKS[rule]
    problems = gexf_problems(_mutate(ours, change))
    assert any(expected in p for p in problems), problems
