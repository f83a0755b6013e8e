"""The leadership brief compares like with like (issue 25 items 1-4): the unit is the plan, plans are set side by
side only with plans of the same kind, level and year, every sentence names what it rests on and the function that
computes it, a difference is stated only when the test holds, caveats travel with the numbers, named agencies and
collectives are counted apart, and agency names come from the one lineage resolver, province rows first."""
from __future__ import annotations

import importlib
import re

import pandas as pd
import pytest

from ttdn_analysis.corpus import Corpus
from ttdn_analysis.report import brief
from ttdn_analysis.schema import COLUMNS

BASIS = re.compile(r"\((?:căn cứ: (\d+) kế hoạch, năm ([\d, ]+); hàm|based on (\d+) plan\(s\), ([\d, ]+); "
                   r"function) ([\w.]+)\)")
SUPERLATIVES = ("nhiều nhất", "ít nhất", "cao nhất", "thấp nhất", "the most", "the fewest", "highest", "lowest")


def _table(name: str, rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame([{c: r.get(c) for c in COLUMNS[name]} for r in rows], columns=COLUMNS[name])


def _plan(pid: str, province: str, year: int, kind: str = "annual", level: str = "province") -> dict:
    return {"plan_id": pid, "province": province, "year": year, "issuer": f"UBND tỉnh {province}", "level": level,
            "kind": kind, "source_file": f"{pid}.txt"}


def _tasks(pid: str, n: int, province: str, year: int, section: str = "tasks", start: int = 1) -> list[dict]:
    return [{"plan_id": pid, "task_id": f"{pid}:{i}", "path": f"II.{i}", "title": f"t{i}", "text": f"t{i}",
             "province": province, "year": year, "section": section} for i in range(start, start + n)]


def _assign(pid: str, i: int, agency: str, role: str = "lead", province: str = "X", year: int = 2025,
            collective: bool = False, section: str = "tasks") -> dict:
    return {"plan_id": pid, "task_id": f"{pid}:{i}", "path": f"II.{i}", "agency": agency, "role": role,
            "is_collective": collective, "agency_type": "state_department", "province": province, "year": year,
            "task_kind": "duty_block" if section == "implementation" else "body_task"}


def _corpus(plans, tasks, assignments, themes=(), problems=()) -> Corpus:
    return Corpus(plans=_table("plans", plans), tasks=_table("tasks", tasks),
                  assignments=_table("assignments", assignments), task_themes=_table("task_themes", list(themes)),
                  problems=_table("problems", list(problems)), citations=_table("citations", []))


def _border(pid: str, ids) -> list[dict]:
    return [{"plan_id": pid, "task_id": f"{pid}:{i}", "theme": "border", "focus": "central", "sentences": 1}
            for i in ids]


def _sentences(said) -> list[brief.Sentence]:
    out = []
    for v in said.values():
        out += v.items if isinstance(v, brief.Sentences) else [v]
    return out


# --------------------------------------------------------------------------- the seeds

@pytest.fixture(scope="module")
def seeds(corpus):
    facts = brief.brief_facts(corpus, "vi", n_boot=300)
    return facts, brief.brief_sentences(facts, "vi")


def test_the_unit_is_the_plan_and_density_is_never_pooled(corpus, seeds):
    facts, said = seeds
    assert len(facts.density) == len(corpus.plans) == len(facts.summary)  # one network per plan, not per province
    dl25 = facts.density.set_index("plan_id").loc["dak-lak-2025-ubnd-ttdn"]
    assert dl25["nodes"] == 17 and dl25["density"] == pytest.approx(0.235, abs=1e-3)  # the 0.235
    assert facts.unit == ("body_task", "appendix_row")
    gl = facts.summary.set_index("plan_id").loc["gia-lai-2025-ubnd-ttdn"]
    assert gl["tasks"] == 9 and gl["duty_blocks"] == 14  # 14 of Gia Lai's 23 items are agency blocks
    assert "14" not in said["unit"].html() and "29 khối nhiệm vụ" in said["unit"].html()


def test_comparisons_only_within_one_kind_level_and_year(corpus, seeds):
    """The brief built from the seeds states no comparison between plans of different kinds or years."""
    facts, said = seeds
    assert facts.peers == {("annual", "province", 2025): ["gia-lai-2025-ubnd-ttdn", "dak-lak-2025-ubnd-ttdn"]}
    names = dict(zip(facts.summary["plan_id"], facts.summary["plan"]))
    peer_of = dict(zip(facts.summary["plan_id"], facts.summary["peer"]))
    for s in _sentences(said):
        text = s.html()
        if not any(w in text for w in SUPERLATIVES) or s.template == labels_brief("lead") or "chắc chắn" in text:
            continue  # no comparison between plans (the lead agency counts tasks; themes_top describes one plan)
        named = [pid for pid, n in names.items() if n in text]
        assert len({peer_of[p] for p in named}) == 1 and len(named) >= 2, text
    alone = said["tasks"].items[-1].html()
    assert alone.startswith("Các kế hoạch không có kế hoạch cùng loại") and not any(w in alone for w in SUPERLATIVES)
    # the defect: a pooled Đắk Lắk set against Đồng Nai
    assert not any("Đồng Nai" in s.html() and "Gia Lai" in s.html() for s in _sentences(said)
                   if "mật độ" in s.html().lower())


def labels_brief(key: str) -> str:
    from ttdn_analysis.labels import labels
    return labels("vi", "brief")[key]


def test_every_sentence_names_its_basis_and_a_function_that_exists(seeds):
    facts, said = seeds
    plain = {"intro", "unit", "caveats", "themes_none"}
    checked = 0
    for key, v in said.items():
        if key in plain:
            continue
        for s in (v.items if isinstance(v, brief.Sentences) else [v]):
            m = BASIS.search(s.html())
            assert m, (key, s.html())
            module, _, name = m.group(5).rpartition(".")
            assert hasattr(importlib.import_module(f"ttdn_analysis.{module}"), name), m.group(5)
            n, years = int(m.group(1)), m.group(2)
            assert n >= 1 and re.fullmatch(r"\d{4}(, \d{4})*", years)
            checked += 1
    assert checked >= 6
    en = brief.brief_sentences(facts, "en")
    assert BASIS.search(en["lead"].html()).group(5) == "report.brief.brief_facts"


def test_caveats_are_listed_first_and_marked_everywhere(seeds):
    facts, said = seeds
    assert facts.caveats[["plan_id", "mark", "caveats"]].values.tolist() == [
        ["dak-lak-2024-ubnd-143-kh-nq47", "¹", ("numbering_gap",)], ["dak-lak-2025-ubnd-ttdn", "²", ("numbering_gap",)]]
    assert list(said)[:3] == ["intro", "unit", "caveats"]
    assert "6 chỗ số thứ tự các mục bị nhảy" in said["caveats"].html()
    marked = facts.summary.set_index("plan_id")["plan"]
    assert marked["dak-lak-2024-ubnd-143-kh-nq47"].endswith(" ¹") and marked["gia-lai-2025-ubnd-ttdn"][-1] not in "¹²"
    assert "Đắk Lắk 2025 · UBND tỉnh Đắk Lắk ²" in list(facts.coverage.index)
    assert set(facts.density["mark"]) == {"", "¹", "²"}
    assert "Đắk Lắk 2025 · UBND tỉnh Đắk Lắk ²" in said["tasks"].html()  # the sentence carries the mark too
    note = brief.caveat_note(facts, ["dak-lak-2025-ubnd-ttdn", "gia-lai-2025-ubnd-ttdn"], "vi")
    assert note.html().startswith("Lưu ý: ² Đắk Lắk 2025") and "¹" not in note.html()
    assert brief.caveat_note(facts, ["gia-lai-2025-ubnd-ttdn"], "vi") is None


def test_named_agencies_and_collectives_are_counted_apart(corpus, seeds):
    facts, _ = seeds
    a = corpus.assignments[corpus.assignments["task_kind"].isin(facts.unit)]
    for r in facts.summary.itertuples(index=False):
        own = a[a["plan_id"] == r.plan_id]
        assert r.agencies == own.loc[~own["is_collective"].astype(bool), "agency"].nunique()
        assert r.collectives == own.loc[own["is_collective"].astype(bool), "agency"].nunique()
    gl = facts.summary.set_index("plan_id").loc["gia-lai-2025-ubnd-ttdn"]
    assert gl["collectives"] == 4  # "các sở, ban, ngành" and the like: not agencies
    assert facts.n_collectives > 0 and "nhóm cơ quan" in brief.brief_sentences(facts)["intro"].html()


# --------------------------------------------------------------------------- built for the test

def test_a_difference_is_said_only_when_the_test_holds():
    plans = [_plan("a", "X", 2025), _plan("b", "Y", 2025), _plan("c", "Z", 2024)]
    tasks = _tasks("a", 20, "X", 2025) + _tasks("b", 20, "Y", 2025) + _tasks("c", 20, "Z", 2024)
    themes = _border("a", range(1, 3)) + _border("b", range(1, 19)) + _border("c", range(1, 21))
    c = _corpus(plans, tasks, [], themes)
    said = brief.brief_sentences(brief.brief_facts(c, "en", n_boot=300), "en")
    text = said["themes"].html()
    assert "Land border: 2 of 20 tasks (10%) in X 2025" in text and "beyond noise" in text
    assert "Z 2024" not in text  # another year: never set against them, though its share is 100%
    close = _border("a", range(1, 5)) + _border("b", range(1, 7))
    said = brief.brief_sentences(brief.brief_facts(_corpus(plans[:2], tasks[:40], [], close), "en", n_boot=300),
                                 "en")
    text = said["themes"].html()
    assert "the data cannot tell which plan mentions more often: Land border" in text and "beyond noise" not in text


def test_a_large_peer_group_is_not_compared_pair_by_pair_and_its_lists_are_cut():
    """Issue 27: at scale a group of one kind, level and year holds many plans; the brief says so in one sentence
    instead of comparing every pair (n² comparisons, each a bootstrap), and a list in a sentence stops at
    MAX_LISTED plans with how many more."""
    n = max(brief.MAX_PAIRWISE, brief.MAX_LISTED) + 3
    names = [f"P{i:02d}" for i in range(n)]
    plans = [_plan(p.lower(), p, 2025) for p in names]
    tasks = [t for p in names for t in _tasks(p.lower(), 10, p, 2025)]
    themes = [t for i, p in enumerate(names) for t in _border(p.lower(), range(1, 2 + i % 5))]
    assigns = [_assign(p.lower(), 1, ag, "lead" if ag == "A" else "support", p) for p in names for ag in ("A", "B")]
    facts = brief.brief_facts(_corpus(plans, tasks, assigns, themes), "en", n_boot=100)
    assert facts.comparisons == {}
    said = brief.brief_sentences(facts, "en")
    assert f"holds {n} plans, too many to compare pair by pair" in said["themes"].html()
    density = said["density"].html()
    assert f"and {n - brief.MAX_LISTED} more plans" in density and density.count("(2 agencies)") == brief.MAX_LISTED
    small = brief.brief_facts(_corpus(plans[:3], tasks[:30], assigns[:6], themes[:6]), "en", n_boot=100)
    assert len(small.comparisons) == 3  # a small group: every pair, as before


def test_no_peers_no_comparison():
    plans = [_plan("a", "X", 2025), _plan("b", "X", 2024, kind="implementation")]
    c = _corpus(plans, _tasks("a", 3, "X", 2025) + _tasks("b", 5, "X", 2024), [],
                _border("a", [1]) + _border("b", [1, 2]))
    said = brief.brief_sentences(brief.brief_facts(c, "en", n_boot=300), "en")
    assert said["themes"].html().startswith("No two plans are of the same kind, level and year")
    assert "agencies" not in said and "density" not in said
    assert not any(w in said["tasks"].html() for w in SUPERLATIVES)


def test_duty_blocks_are_not_the_unit():
    plans = [_plan("a", "X", 2025), _plan("b", "Y", 2025)]
    tasks = _tasks("a", 4, "X", 2025) + _tasks("a", 10, "X", 2025, "implementation", start=5) \
        + _tasks("b", 6, "Y", 2025)
    facts = brief.brief_facts(_corpus(plans, tasks, []), "en", n_boot=300)
    assert facts.summary.set_index("plan_id")[["tasks", "duty_blocks"]].values.tolist() == [[4, 10], [6, 0]]
    said = brief.brief_sentences(facts, "en")
    assert "the plan Y 2025 · UBND tỉnh Y ² has the most tasks (6)" in said["tasks"].html()
    assert set(facts.caveats["caveats"]) == {("low_lead_share",)}  # no assignments here: no task has a lead


def test_low_lead_share_unread_tables_and_ocr_raise_caveats():
    plans = [_plan("a", "X", 2025), _plan("b", "Y", 2025), _plan("c", "Z", 2025)]
    tasks = _tasks("a", 10, "X", 2025) + _tasks("b", 4, "Y", 2025) + _tasks("c", 3, "Z", 2025)
    assignments = [_assign("a", i, "Sở Y tế") for i in range(1, 8)] + [_assign("b", i, "Sở Y tế", province="Y")
                                                                       for i in range(1, 5)] \
        + [_assign("c", i, "Sở Y tế", province="Z") for i in range(1, 4)]
    problems = [{"source_file": "b.txt", "line": 3, "severity": "warning", "kind": "unread_table", "message": "x"},
                {"source_file": "c.txt", "line": 5, "severity": "warning", "kind": "ocr_low_confidence",
                 "message": "y"}]
    facts = brief.brief_facts(_corpus(plans, tasks, assignments, problems=problems), "en", n_boot=300)
    got = {r.plan_id: (r.mark, r.caveats, r.counts) for r in facts.caveats.itertuples(index=False)}
    assert got == {"a": ("¹", ("low_lead_share",), (70,)), "b": ("²", ("unread_table",), (1,)),
                   "c": ("³", ("ocr_low_confidence",), (1,))}
    assert brief.caveat_rules()["lead_share_below"] == 0.8  # the threshold is data, not code
    said = brief.brief_sentences(facts, "en")
    assert "¹ X 2025 · UBND tỉnh X: only 70% of the tasks name a lead agency." in said["caveats"].html()


def test_lineage_labels_from_the_one_resolver_province_rows_first():
    """The brief said 'nay có thể là …, chưa được xác nhận' for Báo tỉnh where report 02 (and lineage.csv for Gia
    Lai) says 'nay là'."""
    plans = [_plan("a", "Gia Lai", 2025)]
    c = _corpus(plans, _tasks("a", 2, "Gia Lai", 2025),
                [_assign("a", 1, "Báo tỉnh", province="Gia Lai"), _assign("a", 2, "Báo tỉnh", province="Gia Lai")])
    facts = brief.brief_facts(c, "vi", n_boot=300)
    shown = facts.top_leads.set_index("agency").loc["Báo tỉnh", "name"]
    assert shown == brief.with_successor(["Báo tỉnh"], "vi", "Gia Lai")["Báo tỉnh"]  # what report 02 shows
    assert "nay là" in shown and "chưa được xác nhận" not in shown
    assert "nay là" in brief.brief_sentences(facts, "vi")["lead"].html()


def test_the_highest_share_is_the_surest_one_with_its_interval():
    """A plan of 2 tasks with one mention (50%, 1-99%) does not beat 8 of 20 (40%, 19-64%)."""
    plans = [_plan("a", "X", 2025), _plan("b", "Y", 2025)]
    c = _corpus(plans, _tasks("a", 2, "X", 2025) + _tasks("b", 20, "Y", 2025), [],
                _border("a", [1]) + _border("b", range(1, 9)))
    said = brief.brief_sentences(brief.brief_facts(c, "en", n_boot=300), "en")
    assert "8 of 20 tasks of the plan Y 2025" in said["themes_top"].html()
    assert "95% interval 19% to 64%" in said["themes_top"].html()
    assert said["themes_top"].html().startswith("Among the annual provincial plans of 2025:")


def test_the_surest_share_is_never_ranked_across_kinds_or_years():
    """The highest share picks a winner: only among plans of one kind, level and year (none here)."""
    plans = [_plan("a", "X", 2025), _plan("b", "Y", 2024), _plan("c", "Z", 2025, level="department")]
    c = _corpus(plans, _tasks("a", 2, "X", 2025) + _tasks("b", 20, "Y", 2024) + _tasks("c", 5, "Z", 2025), [],
                _border("a", [1]) + _border("b", range(1, 9)) + _border("c", [1, 2]))
    facts = brief.brief_facts(c, "en", n_boot=300)
    assert facts.top_themes == {} and facts.top_theme == {}
    assert "themes_top" not in brief.brief_sentences(facts, "en")
    _, said = brief.headline(c, "en", facts)
    assert all("surely" not in s.html() for s in said)


def test_seed_brief_ranks_the_surest_share_within_its_group(seeds):
    facts, said = seeds
    assert list(facts.top_themes) == [("annual", "province", 2025)]
    assert facts.top_theme["plan_id"] in facts.peers[("annual", "province", 2025)]
    assert said["themes_top"].html().startswith("Trong các kế hoạch hằng năm cấp tỉnh năm 2025:")
    assert "Đồng Nai" not in said["themes_top"].html()  # 2024: not ranked against the 2025 plans


# --------------------------------------------------------------------------- report 02: networks, like with like


@pytest.fixture(scope="module")
def seed_reading(corpus):
    from ttdn_analysis import graphs
    co, _ = brief.province_networks(corpus)
    summ = brief.network_summary(co, corpus)
    cent = {p: graphs.centrality_table(g, seed=42).head(10) for p, g in co.items()}
    cmp = graphs.compare_graphs(co)
    absent = graphs.central_absent(co, top=10)
    return summ, {lang: brief.network_reading(summ, cent, cmp, absent, lang, plans=brief.plan_networks(corpus))
                  for lang in ("vi", "en")}


def test_seed_networks_say_what_they_pool(seed_reading):
    summ, _ = seed_reading
    by = summ.set_index("province")
    assert by.loc["Đắk Lắk", "plans"] == 3 and by.loc["Đắk Lắk", "peer"] is None  # two kinds, two levels, two years
    assert by.loc["Gia Lai", "peer"] == ("annual", "province", 2025)
    assert by.loc["Đồng Nai", "peer"] == ("annual", "province", 2024)


def test_report_02_compares_no_province_networks_that_are_not_alike(seed_reading):
    """The issue's sentence ("densest in Đồng Nai (0.19), sparsest in Gia Lai") set a pooled Đắk Lắk and two single
    plans of different years side by side: now the reading says the data cannot tell, and compares plans."""
    _, reading = seed_reading
    from ttdn_analysis.labels import labels
    central = labels("vi", "reading")["central"]  # each province's own most central agency: no comparison
    vi = [s.html() for s in reading["vi"].items]
    provinces = ("Đắk Lắk", "Đồng Nai", "Gia Lai")
    for text in (s.html() for s in reading["vi"].items if s.template != central):
        if any(w in text for w in SUPERLATIVES + ("giống nhau nhất", "lớn nhất")):
            assert sum(p in text for p in provinces) < 2, text
    cannot = [t for t in vi if "Dữ liệu không cho biết" in t]
    assert len(cannot) == 1 and all(p in cannot[0] for p in provinces) and "3 kế hoạch" in cannot[0]
    per_plan = [t for t in vi if t.startswith("Từng kế hoạch trong các kế hoạch hằng năm cấp tỉnh năm 2025")]
    assert len(per_plan) == 1
    assert "Gia Lai 2025" in per_plan[0] and "Đắk Lắk 2025" in per_plan[0] and "Đồng Nai" not in per_plan[0]
    assert "mật độ 0,24" in per_plan[0] and "mật độ 0,67" in per_plan[0]  # Đắk Lắk 2025 alone: 0.235
    m = BASIS.search(per_plan[0])
    assert m and m.group(1) == "2" and m.group(5) == "report.brief.plan_networks"
    en = [s.html() for s in reading["en"].items]
    assert any("The data cannot tell which province’s network is larger or denser" in t for t in en)
    assert not any("has the largest network" in t for t in en)


def _two_province_summary(plans_a: int, peer_b) -> pd.DataFrame:
    return pd.DataFrame({"province": ["A", "B"], "nodes": [5, 3], "edges": [4, 2], "density": [0.4, 0.67],
                         "plans": [plans_a, 1], "peer": [("annual", "province", 2025), peer_b],
                         "composition": [(("annual", "province", 2025, plans_a),), (("annual", "province", 2025, 1),)]})


def test_province_networks_are_compared_only_when_alike():
    empty = pd.DataFrame()
    alike = brief.network_reading(_two_province_summary(1, ("annual", "province", 2025)), {}, empty, empty, "en")
    texts = [s.html() for s in alike.items]
    assert texts[0].startswith("<strong>A</strong> has the largest network")
    assert "highest in <strong>B</strong>" in texts[1] and "Compared within the annual provincial plans of 2025" in texts[1]
    assert not any("cannot tell" in t for t in texts)
    for summary in (_two_province_summary(2, ("annual", "province", 2025)),  # a pool of two against one plan
                    _two_province_summary(1, ("annual", "province", 2024)),  # another year
                    _two_province_summary(1, ("annual", "department", 2025)),  # another level
                    _two_province_summary(1, None),  # a pool of different kinds
                    _two_province_summary(1, ("annual", "province", 2025)).drop(columns=["peer"])):  # unknown
        texts = [s.html() for s in brief.network_reading(summary, {}, empty, empty, "en").items]
        assert not any("largest" in t or "highest" in t for t in texts), texts
        assert any("The data cannot tell" in t for t in texts)


def test_the_brief_describes_the_latest_pairs_of_plans_and_says_how_many_more():
    """Issue 27: a national corpus holds thousands of pairs of consecutive plans; the brief describes the latest
    MAX_CHANGES of them (compared theme by theme) and one sentence says how many it leaves out."""
    from ttdn_analysis.report.brief import MAX_CHANGES, change_sentences, shown_changes
    n = MAX_CHANGES + 5
    ch = pd.DataFrame([{"province": f"P{i % 3}", "plan_a": f"a{i}", "plan_b": f"b{i}", "year_a": 2000 + i,
                        "year_b": 2001 + i, "tasks_a": 1, "tasks_b": 2, "agencies_a": 1, "agencies_b": 1,
                        "leads_added": ["Sở Ngoại vụ"] if i % 2 else [], "leads_dropped": []} for i in range(n)])
    shown = shown_changes(ch)
    assert len(shown) == MAX_CHANGES and shown["year_b"].min() == 2001 + n - MAX_CHANGES
    assert shown.index.is_monotonic_increasing  # the order of plan_changes kept
    said = change_sentences(ch, {}, "en")
    assert len(said) == MAX_CHANGES + 1
    last = said[-1].items[0].html()
    assert f"{MAX_CHANGES} latest pairs" in last and f"{n - MAX_CHANGES} more pairs" in last
    assert str(2001 + n - MAX_CHANGES) in last
    assert len(change_sentences(ch.head(MAX_CHANGES), {}, "vi")) == MAX_CHANGES  # nothing left out: no sentence
    assert "còn 5 cặp khác" in change_sentences(ch, {}, "vi")[-1].items[0].html()


def test_a_large_group_of_plans_side_by_side_is_listed_in_part():
    """The plans of one kind, level and year set side by side in report 02: at most MAX_LISTED of them, then how
    many more (a national corpus holds hundreds of commune plans of one year)."""
    from ttdn_analysis.report.brief import MAX_LISTED, network_reading
    n = MAX_LISTED + 8
    plans = pd.DataFrame({"plan": [f"Plan {i:02d}" for i in range(n)], "peer": [("annual", "commune", 2026)] * n,
                          "nodes": [5] * n, "edges": [4] * n, "density": [i / 100 for i in range(n)]})
    summary = pd.DataFrame({"province": ["A"], "nodes": [5], "edges": [4], "density": [0.4], "plans": [n],
                            "peer": [None], "composition": [()]})
    said = [s.html() for s in network_reading(summary, {}, pd.DataFrame(), pd.DataFrame(), "en", plans=plans).items]
    side = [s for s in said if "Plan 19" in s]
    assert len(side) == 1 and "and 8 more plans" in side[0]
    assert "Plan 07" not in side[0]  # the densest first: plans 19 … 08 shown, the 8 sparsest counted
