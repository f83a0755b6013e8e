"""Coverage a researcher can defend (intervals, tests, words) and text statistics on one document-term matrix."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from ttdn_analysis import themes
from ttdn_analysis.analysis import textstats
from ttdn_analysis.analysis.coverage_stats import (
    PooledPlansWarning,
    compare_coverage,
    coverage_stats,
    coverage_units,
    describe_comparison,
    describe_pooling,
)

DL24 = {"province": "Đắk Lắk", "year": 2024}
DL25 = {"province": "Đắk Lắk", "year": 2025}
CORE = ["border", "sea_islands", "human_rights"]


def _toy(n_a=18, x_a=3, n_b=21, x_b=5, plans_a=1):
    """Two groups of tasks, x of n mentioning the border; group a split over *plans_a* plans."""
    rows, tags = [], []
    for g, n, x, year in (("a", n_a, x_a, 2024), ("b", n_b, x_b, 2025)):
        for i in range(n):
            plan = f"{g}{i % plans_a if g == 'a' else 0}"
            tid = f"{plan}:II.{i}"
            rows.append({"plan_id": plan, "task_id": tid, "path": f"II.{i}", "year": year, "province": "X",
                         "level": "province", "text": "Một câu. Câu thứ hai."})
            if i < x:
                tags.append({"plan_id": plan, "task_id": tid, "theme": "border", "focus": "central", "sentences": 1})
    return {"tasks": pd.DataFrame(rows), "task_themes": pd.DataFrame(tags)}


def test_coverage_stats_columns_counts_and_pooling_warning(corpus):
    with pytest.warns(PooledPlansWarning, match="Đắk Lắk 2024"):  # every task, as the issue counted them
        s = coverage_stats(corpus, themes=CORE, task_kinds=None, method="bootstrap")
    assert list(s.columns) == ["province", "year", "theme", "tasks_with_theme", "tasks", "share", "ci_low", "ci_high",
                               "plans", "kinds"]
    dl = s[(s["province"] == "Đắk Lắk")].set_index(["year", "theme"])
    # the issue's numbers: border 3/18 -> 5/21, human rights 2/18 -> 4/21
    assert dl.loc[(2024, "border"), ["tasks_with_theme", "tasks"]].tolist() == [3, 18]
    assert dl.loc[(2025, "border"), ["tasks_with_theme", "tasks"]].tolist() == [5, 21]
    assert dl.loc[(2025, "human_rights"), "tasks_with_theme"] == 4
    assert dl.loc[(2024, "border"), "kinds"] == "annual (department) + implementation (province)"
    assert (s["ci_low"] <= s["share"]).all() and (s["share"] <= s["ci_high"]).all()
    assert ((s["ci_high"] - s["ci_low"]) > 0.1).any()  # a few dozen tasks: wide intervals
    assert s.attrs["unit"] == "task" and s.attrs["n_boot"] == 2000


def test_coverage_stats_is_deterministic_and_group_streams_are_independent(corpus):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PooledPlansWarning)
        a = coverage_stats(corpus, themes=CORE, n_boot=500, method="bootstrap")
        b = coverage_stats(corpus, themes=CORE, n_boot=500, method="bootstrap")
        other = coverage_stats(corpus, themes=CORE, n_boot=500, seed=1, method="bootstrap")
        alone = coverage_stats(corpus.select(provinces="Gia Lai"), themes=CORE, n_boot=500, method="bootstrap")
    pd.testing.assert_frame_equal(a, b)
    assert not a[["ci_low", "ci_high"]].equals(other[["ci_low", "ci_high"]])
    gl = a[a["province"] == "Gia Lai"].reset_index(drop=True)
    pd.testing.assert_frame_equal(gl, alone.reset_index(drop=True), check_dtype=False)


def test_bootstrap_interval_close_to_binomial_for_one_plan():
    """One plan of 200 tasks, 60 with the theme: the percentile interval is near the normal-approximation one."""
    toy = _toy(n_a=200, x_a=60, n_b=10, x_b=1)
    s = coverage_stats(toy, by="year", themes=["border"], n_boot=4000, method="bootstrap")
    s = s.set_index("year").loc[2024]
    se = np.sqrt(0.3 * 0.7 / 200)
    assert s["share"] == 0.3
    assert abs(s["ci_low"] - (0.3 - 1.96 * se)) < 0.015 and abs(s["ci_high"] - (0.3 + 1.96 * se)) < 0.015


def test_exact_method_does_not_collapse_at_zero():
    toy = _toy(n_a=20, x_a=0)
    boot = coverage_stats(toy, by="year", themes=["border"], n_boot=500, method="bootstrap")
    boot = boot.set_index("year").loc[2024]
    exact = coverage_stats(toy, by="year", themes=["border"]).set_index("year").loc[2024]  # the default
    assert boot["ci_high"] == 0.0
    assert exact["ci_low"] == 0.0 and exact["ci_high"] == pytest.approx(1 - 0.025 ** (1 / 20), abs=1e-4)
    with pytest.raises(ValueError):
        coverage_stats(toy, unit="sentence", method="exact")


def test_small_counts_get_an_interval_that_never_reaches_zero_when_the_count_is_positive():
    """Issue 25 item 4: the bootstrap interval of 2/23 reached 0%; the exact one is about 1.1-28%."""
    toy = _toy(n_a=23, x_a=2)
    table = coverage_stats(toy, by="year", themes=["border"])
    assert table.attrs["method"] == "exact"
    s = table.set_index("year").loc[2024]
    assert s["ci_low"] == pytest.approx(0.0107, abs=2e-4) and s["ci_high"] == pytest.approx(0.2804, abs=2e-4)
    boot = coverage_stats(toy, by="year", themes=["border"], method="bootstrap").set_index("year").loc[2024]
    assert boot["ci_low"] == 0.0  # the defect the default avoids
    wilson = coverage_stats(toy, by="year", themes=["border"], method="wilson").set_index("year").loc[2024]
    assert 0.02 < wilson["ci_low"] < s["share"] < wilson["ci_high"] < 0.28
    for n, x in ((5, 1), (12, 1), (40, 3), (200, 1)):
        low = coverage_stats(_toy(n_a=n, x_a=x), by="year", themes=["border"]).set_index("year").loc[2024, "ci_low"]
        assert low > 0, (n, x)
    with pytest.raises(ValueError, match="wilson"):
        coverage_stats(toy, method="normal")


def test_the_default_unit_is_the_plans_task_list_the_same_in_every_plan(corpus):
    """Issue 25 item 3: the agencies' duty blocks of TỔ CHỨC THỰC HIỆN (14 of Gia Lai's 23 tasks, none in Đắk Lắk
    2025) are not counted unless asked for."""
    kinds = corpus.tasks.groupby("plan_id")["task_kind"].agg(lambda k: sorted(set(k)))
    assert kinds["gia-lai-2025-ubnd-ttdn"] == ["body_task", "duty_block"]
    assert kinds["dak-lak-2025-ubnd-ttdn"] == ["body_task"]
    s = coverage_stats(corpus, by="plan_id", themes=["border"]).set_index("plan_id")
    body = corpus.tasks[corpus.tasks["task_kind"].isin(["body_task", "appendix_row"])].groupby("plan_id").size()
    assert s["tasks"].to_dict() == body.to_dict()
    assert s.loc["gia-lai-2025-ubnd-ttdn", "tasks"] == 9
    assert s.attrs["task_kinds"] == ("body_task", "appendix_row")
    every = coverage_stats(corpus, by="plan_id", themes=["border"], task_kinds=None).set_index("plan_id")
    assert every.loc["gia-lai-2025-ubnd-ttdn", "tasks"] == 23 and every.attrs["task_kinds"] is None
    assert set(corpus.assignments["task_kind"]) <= {"body_task", "duty_block", "appendix_row"}
    with pytest.raises(ValueError, match="task_kinds"):
        coverage_units(corpus, task_kinds=["chapter"])


def test_units_item_and_sentence():
    tasks = pd.DataFrame({"plan_id": "p", "task_id": ["p:II.7.a", "p:II.7.b", "p:II.7.c", "p:III"],
                          "path": ["II.7.a", "II.7.b", "II.7.c", "III"], "year": 2025,
                          "text": ["Biên giới. Câu hai. Câu ba.", "Biên giới.", "Tập huấn.",
                                   "Nội dung.\n- Đơn vị chủ trì: Sở Y tế"]})
    tt = pd.DataFrame({"plan_id": "p", "task_id": ["p:II.7.a", "p:II.7.b"], "theme": "border",
                       "focus": ["central", "mentioned"], "sentences": [1, 1]})
    c = {"tasks": tasks, "task_themes": tt}
    items = coverage_units(c, unit="item", themes=["border"])
    assert items[["unit_id", "n", "border"]].values.tolist() == [["II.7", 1, 1], ["III", 1, 0]]
    sent = coverage_units(c, unit="sentence", themes=["border"])
    assert sent["n"].tolist() == [3, 1, 1, 1]  # the field line is not a content sentence
    assert sent["border"].tolist() == [1, 1, 0, 0]
    central = coverage_units(c, themes=["border"], focus="central")
    assert central["border"].tolist() == [1, 0, 0, 0]
    st = coverage_stats(c, by="year", unit="sentence", themes=["border"], n_boot=200)
    assert st[["sentences_with_theme", "sentences", "share"]].values.tolist() == [[2, 6, round(2 / 6, 4)]]


def test_compare_coverage_fisher_on_the_issue_example(corpus):
    with pytest.warns(PooledPlansWarning):
        c = compare_coverage(corpus, a=DL24, b=DL25, themes=CORE, task_kinds=None)
    row = c.set_index("theme").loc["border"]
    assert [row["with_a"], row["n_a"], row["with_b"], row["n_b"]] == [3, 18, 5, 21]
    assert row["p_value"] == pytest.approx(stats.fisher_exact([[3, 15], [5, 16]])[1], abs=1e-4)
    assert 0.6 < row["p_value"] < 0.8 and row["test"] == "fisher_exact"
    assert not c["distinguishable"].any()
    assert (c["ci_low"] < 0).all() and (c["ci_high"] > 0).all()  # every interval of the difference spans zero
    assert np.allclose(c["diff"], c["share_b"] - c["share_a"], atol=1e-4)
    assert (c["p_holm"] >= c["p_value"]).all()


def test_compare_detects_a_real_difference_and_holds_the_seed():
    toy = _toy(n_a=40, x_a=2, n_b=40, x_b=30, plans_a=2)
    c1 = compare_coverage(toy, {"year": 2024}, {"year": 2025}, themes=["border"])
    c2 = compare_coverage(toy, {"year": 2024}, {"year": 2025}, themes=["border"])
    pd.testing.assert_frame_equal(c1, c2)
    assert bool(c1["distinguishable"].iloc[0]) and c1["ci_low"].iloc[0] > 0
    en = describe_comparison(c1, lang="en")[0]
    assert "higher by 70 points" in en and "beyond noise" in en and "Fisher's exact test" in en
    vi = describe_comparison(c1, lang="vi")[0]
    assert vi.startswith("Biên giới: 2/40 nhiệm vụ (5%) ở 2024, 30/40 (75%) ở 2025") and "cao hơn 70" in vi


def test_compare_sentence_unit_uses_a_permutation_test(corpus):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PooledPlansWarning)
        c = compare_coverage(corpus, a=DL24, b=DL25, unit="sentence", themes=CORE, n_boot=500)
    assert set(c["test"]) == {"permutation"}
    assert ((c["p_value"] > 0) & (c["p_value"] <= 1)).all()
    with pytest.raises(ValueError, match="overlap"):
        compare_coverage(corpus, a={"province": "Đắk Lắk"}, b=DL25, themes=CORE)
    with pytest.raises(ValueError, match="no unit matches"):
        compare_coverage(corpus, a={"province": "Hà Nội"}, b=DL25, themes=CORE)


def test_describe_in_both_languages(corpus):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PooledPlansWarning)
        c = compare_coverage(corpus, a=DL24, b=DL25, themes=CORE, task_kinds=None)
        s = coverage_stats(corpus, themes=CORE)
    vi = describe_comparison(c, lang="vi")
    en = describe_comparison(c, lang="en")
    assert len(vi) == len(en) == 3
    assert vi[0].startswith("Biên giới: 3/18 nhiệm vụ (17%) ở Đắk Lắk 2024, 5/21 (24%) ở Đắk Lắk 2025")
    assert "không phân biệt được với dao động ngẫu nhiên" in vi[0] and "p = 0,70" in vi[0]
    assert "not distinguishable from noise" in en[0] and "p = 0.70" in en[0] and "Holm" in en[0]
    assert describe_pooling(s, lang="vi") == [
        "Đắk Lắk 2024 gộp 2 kế hoạch khác loại: kế hoạch hằng năm (cấp sở) + kế hoạch triển khai (cấp tỉnh); tỷ lệ "
        "của nhóm này không mô tả một kế hoạch duy nhất."]
    with pytest.raises(ValueError):
        describe_comparison(c, lang="fr")


def test_groups_by_merged_province_and_kind(corpus):
    with pytest.warns(PooledPlansWarning, match="department"):  # kind alone still pools the two levels
        s = coverage_stats(corpus, by=("merged_province", "kind"), themes=["border"], n_boot=200)
    assert set(s["kind"]) == {"annual", "implementation"}
    assert set(s["merged_province"]) == {"Đắk Lắk", "Gia Lai", "Đồng Nai"}


# ---------------------------------------------------------------------------------------------------------------
# Document-term matrix and keyness

def test_dfm_tokenises_once_and_keyness_runs_on_it(corpus, monkeypatch):
    m = themes.dfm(corpus)
    assert m.counts.shape == (len(corpus.tasks), len(m.terms))
    assert list(m.terms) == sorted(m.terms)
    calls = []
    monkeypatch.setattr(textstats, "_segment", lambda t: calls.append(t) or "")
    for p in ("Gia Lai", "Đồng Nai", "Đắk Lắk"):
        themes.keyness(m, {"province": p})
    themes.topic_view(m)
    assert calls == []  # no statistic segments text again


def test_keyness_without_place_names_or_stop_words(corpus):
    m = themes.dfm(corpus)
    places = {"gia lai", "đắk lắk", "đồng nai", "kon tum", "bình phước", "ủy ban", "kh", "ubnd"}
    for p in ("Gia Lai", "Đồng Nai", "Đắk Lắk"):
        k = themes.keyness(m, {"province": p}, top=50)
        assert not set(k["term"]) & places, (p, sorted(set(k["term"]) & places))
        assert (k["target_freq"] + k["reference_freq"] >= 5).all()
        assert k["p_value"].between(0, 1).all() and (k["p_bonferroni"] >= k["p_value"]).all()
    dl = themes.keyness(m, {"province": "Đắk Lắk"}, top=10).set_index("term")
    assert "campuchia" in dl.index and dl.loc["campuchia", "direction"] == "target"


def test_keyness_p_value_matches_the_chi_square_of_g2():
    tasks = pd.DataFrame({"g": ["a"] * 3 + ["b"] * 3, "text": ["biên giới biên giới tập huấn"] * 3
                          + ["biển đảo tập huấn tập huấn"] * 3})
    k = themes.keyness(tasks, {"g": "a"}, min_count=1, correction="none").set_index("term")
    g2 = abs(k.loc["biên giới", "g2"])
    assert k.loc["biên giới", "p_value"] == pytest.approx(stats.chi2.sf(g2, 1), abs=1e-6)
    corrected = themes.keyness(tasks, {"g": "a"}, min_count=1).set_index("term")
    assert abs(corrected.loc["biên giới", "g2"]) < g2  # Williams' correction shrinks G²
    assert themes.keyness(tasks, {"g": "a"}, min_count=100).empty


def test_point_coverage_warns_when_a_group_pools_kinds(corpus):
    with pytest.warns(PooledPlansWarning, match="Đắk Lắk 2024"):
        table = themes.coverage(corpus, themes=CORE)
    assert table.attrs["pooled"] == {"Đắk Lắk 2024": "annual (department) + implementation (province)"}
    with warnings.catch_warnings():
        warnings.simplefilter("error", PooledPlansWarning)
        by_plan = themes.coverage(corpus, by="plan_id", themes=CORE)  # one plan per group: nothing pooled
    assert by_plan.attrs["pooled"] == {}
