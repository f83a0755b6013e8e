"""Rows a researcher can trust (issue 13): hit lines and columns, the task text helper, the theme cache,
unknown names."""
from __future__ import annotations

import gc

import pandas as pd
import pytest

from ttdn_analysis import load_corpus, tagging
from ttdn_analysis.analysis.coverage import kwic
from ttdn_analysis.analysis.evidence import task_lines, task_text
from ttdn_analysis.ingest.read import read_plan
from ttdn_analysis.parse.lines import clean_line
from ttdn_analysis.registry.codebook import Codebook, Theme, load_codebook
from ttdn_analysis.tagging import themes_in

# --------------------------------------------------------------------------- theme first-word cache (item 5)

def test_first_words_cache_survives_id_reuse():
    # issue 13 item 5: _FIRSTS was keyed by id(theme); after garbage collection a new theme can get the same id and
    # was then given the old theme's first words, so its hits were missed (reproduced at the 4th of 200 rounds)
    words = ["biên giới", "biển đảo", "nhân quyền", "tập huấn", "quảng bá", "dân tộc", "đầu tư", "an ninh"]
    for i in range(200):
        term = words[i % len(words)]
        cb = Codebook(version=f"t{i}", themes=[Theme(key="x", label_vi="x", label_en="x", core=False,
                                                     terms=(term,))])
        assert themes_in(f"Nội dung về {term} trong năm", cb) == {"x"}, f"round {i}: {term!r} missed"
        del cb
        gc.collect()


def test_first_words_cache_forgets_dead_themes():
    before = len(tagging._FIRSTS)
    themes = [Theme(key=f"k{i}", label_vi="x", label_en="x", core=False, terms=(f"từ{i} khác",)) for i in range(50)]
    for t in themes:
        tagging._first_words(t)
    assert len(tagging._FIRSTS) >= before + 50
    del themes, t
    gc.collect()
    assert len(tagging._FIRSTS) <= before


# --------------------------------------------------------------------------- hit lines and columns (item 3)

def _physical(path: str) -> list[str]:
    return read_plan(path).lines


def _at(lines: list[str], line: int, column: int, match: str) -> bool:
    """The match begins at (line, column) of the file as cleaned, possibly running on into the next line."""
    shown = clean_line(lines[line - 1])
    rest = shown[column - 1:]
    return rest.startswith(match) or (len(rest) > 0 and match.startswith(rest))


def test_every_kwic_hit_is_on_the_line_and_column_it_names(corpus):
    # issue 13 item 3: 35 of 242 core-theme rows pointed to the first line of a re-joined paragraph
    files: dict[str, list[str]] = {}
    n = 0
    for theme in load_codebook().keys:
        hits = kwic(corpus, theme)
        for r in hits.itertuples():
            lines = files.setdefault(r.source_file, _physical(r.source_file))
            assert _at(lines, r.line, r.column, r.match), (theme, r.source_file, r.line, r.column, r.match)
            n += 1
    assert n > 200


def test_theme_tag_line_is_the_line_of_the_first_hit(corpus):
    tt = corpus.task_themes[corpus.task_themes["hits"] > 0]
    for theme, rows in tt.groupby("theme", observed=True):
        first = kwic(corpus, theme).groupby("task_id")["line"].first()
        assert rows.set_index("task_id")["line"].to_dict() == first.to_dict(), theme


WRAPPED = """ỦY BAN NHÂN DÂN TỈNH GIA LAI
Số: 12/KH-UBND
Gia Lai, ngày 10 tháng 1 năm 2025
KẾ HOẠCH
Thông tin đối ngoại năm 2025
I. MỤC ĐÍCH, YÊU CẦU
Nâng cao hiệu quả công tác thông tin đối ngoại.
II. NHIỆM VỤ
1. Tổ chức tuyên truyền về công tác phân định, phân giới cắm mốc và quản lý
đường biên giới quốc gia trên đất liền cho đồng bào các dân tộc ở các xã
khu vực biên giới; thông tin về chủ quyền biển, đảo Việt Nam.
- Đơn vị chủ trì: Sở Ngoại vụ
- Đơn vị phối hợp: Bộ Chỉ huy Bộ đội Biên phòng tỉnh
"""


def test_hit_on_a_wrapped_line_names_that_line(tmp_path, monkeypatch):
    monkeypatch.setenv("TTDN_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "gia-lai-2025.txt").write_text(WRAPPED, encoding="utf-8")
    for cache in (False, True, True):  # fresh, cache written, cache read back
        c = load_corpus(tmp_path / "plans", cache=cache)
        k = kwic(c, "border")
        assert k[["line", "column", "match"]].values.tolist() == [
            [9, 48, "phân giới cắm mốc"], [10, 7, "biên giới"], [11, 9, "biên giới"]]
        sea = kwic(c, "biển, đảo")
        assert sea[["line", "column"]].values.tolist() == [[11, 43]]
        tt = c.task_themes.set_index("theme")
        assert tt.loc["border", "line"] == 9 and tt.loc["sea_islands", "line"] == 11


def test_stale_breaks_fall_back_to_the_logical_line():
    # a frame whose text was edited (e.g. boilerplate stripped) but whose text_breaks were not: never a wrong line
    tasks = pd.DataFrame({"plan_id": ["p"], "task_id": ["p:1"], "path": ["1"], "line_start": [20],
                          "text": ["Tuyên truyền về biên giới quốc gia"], "text_lines": [[20]],
                          "text_breaks": [[[0, 20], [50, 21]]]})
    assert kwic(tasks, "biên giới")[["line", "column"]].values.tolist() == [[20, pd.NA]]
    fresh = tasks.assign(text_breaks=[[[0, 20], [16, 21]]])
    assert kwic(fresh, "biên giới")[["line", "column"]].values.tolist() == [[21, 1]]


# --------------------------------------------------------------------------- task text with line numbers

def test_task_text_prints_each_physical_line_with_its_number(corpus):
    files: dict[str, list[str]] = {}
    for rec in corpus.tasks.itertuples():
        lines = files.setdefault(rec.source_file, _physical(rec.source_file))
        shown = task_lines(corpus, rec.task_id)
        assert shown["line"].notna().all()
        for line, text in zip(shown["line"], shown["text"]):
            assert clean_line(lines[line - 1]) == text, (rec.task_id, line)
        printed = task_text(corpus, rec.task_id).split("\n")
        assert printed[0] == f"{rec.task_id} ({rec.source_file})" and len(printed) == len(shown) + 1


def test_task_text_unknown_id_lists_close_ones(corpus):
    tid = corpus.tasks.task_id.iloc[3]
    with pytest.raises(ValueError, match=r"unknown task .*Did you mean"):
        task_text(corpus, tid + "x")
