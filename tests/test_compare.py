"""Tests for ttdn_analysis.compare: the twelve-point sea-and-islands passage, the shared objective of the purpose
sections, the reuse matrix, boilerplate removal."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ttdn_analysis.analysis.coverage import coverage
from ttdn_analysis.analysis.reuse import (
    PARAGRAPH_COLUMNS,
    PASSAGE_COLUMNS,
    coverage_without_boilerplate,
    paragraphs,
    reuse_matrix,
    shared_passages,
    shingles,
    strip_shared,
)
from ttdn_analysis.parse.plan import PART_KINDS
from ttdn_analysis.schema import COLUMNS

SXD = "dak-lak-2024-so-xay-dung-ttdn"
DL25 = "dak-lak-2025-ubnd-ttdn"
DN = "dong-nai-2024-ubnd-ttdn"
TWELVE = "(12) Tinh thần sẵn sàng chiến đấu"

# Two renderings of the passage as printed in the seeds (dong-nai-2024-ubnd-ttdn.md:176 adds the convention's name).
POINTS = ("Thông tin toàn diện các vấn đề liên quan đến biển, đảo, trong đó bao gồm: (1) Vị trí, vai trò của biển, "
          "đảo trong sự nghiệp xây dựng và bảo vệ Tổ quốc; (2) Các quyền và lợi ích hợp pháp, chính đáng của Việt "
          "Nam trên biển theo luật pháp quốc tế, trong đó có UNCLOS 1982; (3) Cơ sở pháp lý, bằng chứng lịch sử "
          "khẳng định chủ quyền của Việt Nam với hai quần đảo Trường Sa và Hoàng Sa; (4) Các Hiệp định phân định "
          "ranh giới biển, văn bản pháp luật về biển, đảo; (5) Văn hóa biển")


@pytest.fixture(scope="module")
def passages(corpus) -> pd.DataFrame:
    return shared_passages(corpus)


@pytest.fixture(scope="module")
def matrix(corpus) -> pd.DataFrame:
    return reuse_matrix(corpus)


def test_twelve_point_passage_shared_by_three_plans(passages):
    twelve = passages[passages["text"].str.contains(TWELVE, regex=False)
                      & passages["text"].str.contains("Vị trí, vai trò của biển, đảo", regex=False)]
    pairs = {frozenset((a, b)) for a, b in zip(twelve["plan_a"], twelve["plan_b"])}
    assert pairs == {frozenset((SXD, DL25)), frozenset((SXD, DN)), frozenset((DL25, DN))}
    assert (twelve["score"] >= 0.8).all()
    lines = {(p, ln) for p, ln in zip(twelve["plan_a"], twelve["line_a"])}
    # the Construction Dept copy is one logical line re-joined from a hard-wrapped PDF, starting at line 183
    assert lines == {(SXD, 183), (DL25, 290), (DN, 176)}
    dn = twelve[twelve["plan_a"] == DN]
    assert set(dn["task_a"]) == {"dong-nai-2024-ubnd-ttdn:II.6"}
    assert dn["text"].iloc[0].startswith("Thông tin toàn diện các vấn đề liên quan đến biển, đảo")  # original spelling


def test_passages_table(passages):
    assert list(passages.columns) == list(PASSAGE_COLUMNS)
    assert (passages["plan_a"] != passages["plan_b"]).all()
    assert passages["score"].between(0.8, 1.0).all()
    order = passages.sort_values(["plan_a", "line_a", "plan_b", "line_b"], kind="stable")
    assert order.index.tolist() == passages.index.tolist()
    # every pair is listed from both sides
    fwd = set(zip(passages["plan_a"], passages["line_a"], passages["plan_b"], passages["line_b"]))
    assert fwd == {(b, lb, a, la) for a, la, b, lb in fwd}


def test_containment_of_the_shorter_in_the_longer():
    longer = POINTS.replace("UNCLOS 1982", "Công ước Liên Hiệp quốc về Luật biển (UNCLOS 1982)") + (
        "; (6) Nâng cao nhận thức, trách nhiệm của các cấp, các ngành, chính quyền địa phương và ngư dân; (7) Hợp "
        "tác quốc tế và nghiên cứu khoa học về những lĩnh vực liên quan đến biển, đảo")
    truncated = "+ " + POINTS[:int(len(POINTS) * 0.7)]
    t = pd.DataFrame({"plan_id": ["a", "b"], "task_id": ["a:1", "b:1"], "text_lines": [[10], [20]],
                      "text": [longer, truncated]})
    sp = shared_passages(t)
    assert len(sp) == 2 and sp["score"].min() >= 0.8
    a, b = shingles(longer), shingles(truncated)
    assert len(a & b) / len(a | b) < 0.8  # Jaccard alone would miss it
    m = reuse_matrix(t)
    assert m.loc["b", "a"] == 1.0  # the truncated copy is wholly inside the longer one
    assert 0 < m.loc["a", "b"] < 1.0  # only part of the longer one is in the truncated copy


def test_reuse_matrix(corpus, matrix):
    ids = sorted(corpus.plans["plan_id"])
    assert list(matrix.index) == ids and list(matrix.columns) == ids
    assert (np.diag(matrix.to_numpy()) == 1.0).all()
    values = matrix.to_numpy()
    assert ((values >= 0) & (values <= 1)).all()
    assert matrix.loc[DN, SXD] > 0 and matrix.loc[DN, DL25] > 0
    assert matrix.loc[DL25, SXD] > 0.2  # the Đắk Lắk plans share whole sections
    assert matrix.attrs["threshold"] == 0.8 and matrix.attrs["min_chars"] == 120
    assert matrix.equals(reuse_matrix(corpus))


def test_reuse_matrix_ignores_short_lines_and_checks_threshold():
    t = pd.DataFrame({"plan_id": ["a", "b"], "task_id": ["a:1", "b:1"], "text_lines": [[1], [1]],
                      "text": ["- Thời gian thực hiện: Thường xuyên.", "- Thời gian thực hiện: Thường xuyên."]})
    m = reuse_matrix(t)
    assert np.isnan(m.loc["a", "b"]) and m.loc["a", "a"] == 1.0  # no paragraph long enough to compare
    assert shared_passages(t).empty
    with pytest.raises(ValueError):
        reuse_matrix(t, threshold=0)


def test_paragraph_lines_come_from_text_lines(corpus):
    paras = paragraphs(corpus)
    assert (paras["chars"] >= 120).all()
    row = paras[(paras["plan_id"] == SXD) & paras["text"].str.startswith("(1) Vị trí")]
    assert row["line"].tolist() == [183]


def test_strip_shared_and_coverage(corpus):
    stripped = strip_shared(corpus)
    assert stripped.attrs["removed"] >= 10
    assert len(stripped) == len(corpus.tasks)
    dn = stripped.set_index("task_id").loc["dong-nai-2024-ubnd-ttdn:II.6"]
    assert TWELVE not in dn["text"]
    assert len(dn["text"].split("\n")) == len(dn["text_lines"])
    assert "Thông tin, tuyên truyền tuyến biên giới trên đất liền" in dn["text"]  # province-specific line kept
    full = coverage(corpus, measure="text_share")
    own = coverage_without_boilerplate(corpus, measure="text_share")
    assert own.index.equals(full.index) and list(own.columns) == list(full.columns)
    assert own.loc[("Đồng Nai", 2024), "sea_islands"] < full.loc[("Đồng Nai", 2024), "sea_islands"]
    assert own.loc[("Gia Lai", 2025)].equals(full.loc[("Gia Lai", 2025)])  # nothing of Gia Lai is shared
    assert own.attrs["removed"] == stripped.attrs["removed"]
    tasks_share = coverage_without_boilerplate(corpus, themes=["border", "sea_islands"])
    assert list(tasks_share.columns) == ["border", "sea_islands"]


# --------------------------------------------------------------------------- issue 16 item 8: the text outside tasks

GL = "gia-lai-2025-ubnd-ttdn"
OBJECTIVE = ("tác động tiêu cực", "biên giới, lãnh thổ, dân chủ, nhân quyền, tôn giáo")


def _physical(path) -> list[str]:
    return Path(str(path)).read_text(encoding="utf-8").split("\n")


def _objective(passages: pd.DataFrame) -> pd.DataFrame:
    return passages[passages["text"].map(lambda t: all(w in t for w in OBJECTIVE))]


def test_sections_table_holds_the_text_outside_tasks(corpus):
    secs = corpus.sections
    assert list(secs.columns) == COLUMNS["sections"]
    assert set(secs["plan_id"]) == set(corpus.plans["plan_id"])  # every seed has a purpose section
    assert set(secs.loc[secs["kind"] == "purpose", "plan_id"]) == set(corpus.plans["plan_id"])
    for pid in corpus.plans["plan_id"]:  # no line is both a task's and a section's
        in_tasks = {ln for tl in corpus.tasks.loc[corpus.tasks["plan_id"] == pid, "text_lines"] for ln in tl}
        in_secs = {ln for tl in secs.loc[secs["plan_id"] == pid, "text_lines"] for ln in tl}
        assert in_secs and not in_tasks & in_secs, pid
    # provenance: each logical line's text begins on the physical line given for it, in original spelling
    for rec in secs.to_dict("records"):
        lines = _physical(rec["source_file"])
        for piece, ln in zip(rec["text"].split("\n"), rec["text_lines"]):
            assert piece.split()[0].strip("*") in lines[ln - 1], (rec["plan_id"], ln)
    gl = secs[(secs["plan_id"] == GL) & (secs["path"] == "I.1")].iloc[0]
    assert gl["kind"] == "purpose" and gl["title"] == "Mục tiêu" and 34 in gl["text_lines"]
    assert "Hạn chế tác động tiêu cực" in gl["text"]
    assert secs.loc[secs["plan_id"] == GL, "kind"].iloc[0] == "preamble"  # the 'Căn cứ …' lines come first
    assert set(corpus.select(provinces="Gia Lai").sections["plan_id"]) == {GL}


def test_section_rows_of_a_small_plan(tmp_path):
    from ttdn_analysis import load_corpus
    text = ("UBND TỈNH LÀO CAI\nSố: 12/KH-UBND\nLào Cai, ngày 02 tháng 01 năm 2025\nKẾ HOẠCH\n"
            "Thông tin đối ngoại năm 2025\nCăn cứ Nghị định số 72/2015/NĐ-CP ngày 07/9/2015 của Chính phủ;\n"
            "I. MỤC ĐÍCH, YÊU CẦU\n1. Mục đích\n- Quảng bá hình ảnh tỉnh.\n2. Yêu cầu\n- Bám sát chủ trương.\n"
            "II. NHIỆM VỤ\nTrong năm, tập trung các nội dung sau:\n1. Tập huấn\n- Cơ quan chủ trì: Sở Ngoại vụ.\n"
            "III. KINH PHÍ\nNgân sách tỉnh.\nTrên đây là Kế hoạch thông tin đối ngoại năm 2025./.\n")
    (tmp_path / "lao-cai-2025.txt").write_text(text, encoding="utf-8")
    c = load_corpus(tmp_path, cache=False)
    got = [(r["path"], r["kind"], r["line_start"], r["text_lines"]) for r in c.sections.to_dict("records")]
    assert got == [("", "preamble", 6, [6]), ("I", "purpose", 7, [7]), ("I.1", "purpose", 8, [8, 9]),
                   ("I.2", "purpose", 10, [10, 11]), ("II", "tasks", 12, [12, 13]), ("III", "budget", 16, [16, 17]),
                   ("", "closing", 18, [18])]
    assert c.tasks["path"].tolist() == ["II.1"]
    assert c.sections["province"].astype(str).unique().tolist() == ["Lào Cai"]


def test_shared_objective_of_the_purpose_sections(corpus, passages):
    # gia-lai-2025-ubnd-ttdn.txt:34 "Hạn chế tác động tiêu cực …" and dak-lak-2024-so-xay-dung-ttdn.txt:45 "Hạn chế và có
    # biện pháp xử lý đối với những tác động tiêu cực …" (hard-wrapped to line 55), both in "1. Mục đích/Mục tiêu"
    obj = _objective(passages)
    assert {(a, b) for a, b in zip(obj["plan_a"], obj["plan_b"])} == {(SXD, GL), (GL, SXD)}
    assert set(zip(obj["plan_a"], obj["line_a"], obj["line_b"])) == {(SXD, 45, 34), (GL, 34, 45)}
    assert set(obj["section_a"]) == set(obj["section_b"]) == {"purpose"}
    assert set(obj["path_a"]) == {"I.1"} and obj["task_a"].isna().all() and obj["task_b"].isna().all()
    assert (obj["score"] >= 0.8).all()
    for rec in obj.to_dict("records"):  # both plans' files and lines lead to the passage
        for side in "ab":
            line = _physical(rec[f"file_{side}"])[rec[f"line_{side}"] - 1]
            assert line.lstrip("- ").startswith("Hạn chế"), (rec[f"file_{side}"], line)
        assert rec["text"] in {" ".join(x.strip() for x in _physical(rec["file_a"])[44:55] if x.strip()),
                               _physical(rec["file_a"])[33].strip() + " " + _physical(rec["file_a"])[35].strip()}
    # the paraphrase of Đắk Lắk 2025 ('Phản bác những thông tin, luận điệu sai trái …') is not a copy
    assert not ((passages["plan_a"] == DL25) & (passages["line_a"] == 20)).any()


def test_task_text_alone_misses_the_objective(corpus):
    tasks_only = shared_passages(corpus, sections=())
    assert _objective(tasks_only).empty
    assert tasks_only["task_a"].notna().all() and tasks_only["task_b"].notna().all()
    purpose = shared_passages(corpus, sections="purpose")
    assert set(purpose.loc[purpose["task_a"].isna(), "section_a"]) == {"purpose"}
    assert len(_objective(purpose)) == 2
    with pytest.raises(ValueError, match=r"unknown section kind 'purpse'.*Did you mean 'purpose'"):
        shared_passages(corpus, sections="purpse")


def test_an_edited_word_costs_only_itself():
    # three single-word edits spread over a 50-word paragraph: 47 of 50 words still lie in shared 5-grams, while
    # only 31 of 46 shingles survive (the shingle count used before issue 16 item 8 missed such copies)
    text = ("Hạn chế tác động tiêu cực của những thông tin luận điệu sai trái xuyên tạc của các thế lực thù địch đặc "
            "biệt về các vấn đề biển đảo biên giới lãnh thổ dân chủ nhân quyền tôn giáo góp phần giữ vững ổn định "
            "chính trị xã hội")
    words = text.split(" ")
    edited = list(words)
    for i, w in ((6, "các"), (19, "mọi"), (32, "bảo")):
        edited[i] = w
    a, b = " ".join(words), " ".join(edited)
    assert len(shingles(a) & shingles(b)) / len(shingles(a)) < 0.8
    t = pd.DataFrame({"plan_id": ["a", "b"], "task_id": ["a:1", "b:1"], "text_lines": [[3], [9]], "text": [a, b]})
    sp = shared_passages(t)
    assert len(words) == 50 and sp["score"].tolist() == [0.94, 0.94]
    assert reuse_matrix(t).loc["a", "b"] == 1.0


def test_passages_carry_files_sections_and_paths(corpus, passages):
    files = dict(zip(corpus.plans["plan_id"], corpus.plans["source_file"]))
    for side in "ab":
        assert (passages[f"file_{side}"] == passages[f"plan_{side}"].map(files)).all()
        in_task = passages[f"task_{side}"].notna()
        assert (passages.loc[in_task, f"task_{side}"]
                == passages.loc[in_task, f"plan_{side}"] + ":" + passages.loc[in_task, f"path_{side}"]).all()
    assert {"preamble", "purpose", "tasks"} <= set(passages["section_a"])
    paras = paragraphs(corpus)
    assert paras["task_id"].isna().any() and list(paras.columns) == list(PARAGRAPH_COLUMNS)
    assert paras.equals(paras.sort_values(["plan_id", "line"], kind="stable").reset_index(drop=True))


def test_reuse_matrix_over_the_whole_text(corpus, matrix):
    assert matrix.attrs["sections"] == PART_KINDS
    tasks_only = reuse_matrix(corpus, sections=())
    assert tasks_only.attrs["sections"] == ()
    assert matrix.loc[GL, SXD] > tasks_only.loc[GL, SXD]  # the shared objective and the 'Căn cứ …' lines
    assert matrix.loc["dak-lak-2024-ubnd-143-kh-nq47", SXD] > 0 == tasks_only.loc["dak-lak-2024-ubnd-143-kh-nq47", SXD]
