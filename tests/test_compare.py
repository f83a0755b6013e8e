"""Tests for ttdn_analysis.compare: the twelve-point sea-and-islands passage, the reuse matrix, boilerplate removal."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ttdn_analysis.analysis.reuse import (PASSAGE_COLUMNS, coverage_without_boilerplate, paragraphs, reuse_matrix, shared_passages, shingles, strip_shared)
from ttdn_analysis.analysis.coverage import coverage

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
