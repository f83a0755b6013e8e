"""Tests of ttdn_analysis.graphs on small synthetic assignment tables."""
from __future__ import annotations

import math
import random
import sys
from itertools import combinations

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from networkx.algorithms import bipartite as nxb

from ttdn_analysis.analysis import networks as g
from ttdn_analysis.io.graphs import edge_list, to_gexf, to_graphml, write_edge_list
from ttdn_analysis.plotting import network_figure, spring_positions

AGENCIES = {
    "Sở Ngoại vụ": "state_department",
    "Sở Văn hóa, Thể thao và Du lịch": "state_department",
    "Sở Thông tin và Truyền thông": "state_department",
    "Ban Tuyên giáo Tỉnh ủy": "party",
    "Báo Đắk Lắk": "media",
    "Đài Phát thanh - Truyền hình tỉnh": "media",
    "Công an tỉnh": "armed_forces_police",
    "Bộ Chỉ huy Quân sự tỉnh": "armed_forces_police",
    "Tỉnh Đoàn": "mass_organisation",
    "UBND các huyện, thị xã, thành phố": "district",
}
COLLECTIVES = ["Các sở, ban, ngành", "Các cơ quan, đơn vị liên quan"]


def synthetic_assignments(seed: int = 7, n_tasks: int = 40) -> pd.DataFrame:
    """Random-ish assignments with duplicates, collectives and several plans."""
    rng = random.Random(seed)
    names = sorted(AGENCIES)
    rows = []
    for i in range(n_tasks):
        plan = f"plan-{i % 3}"
        task = f"{plan}:t{i:02d}"
        k = rng.randint(1, 5)
        chosen = rng.sample(names, k)
        for j, agency in enumerate(chosen):
            rows.append({"task_id": task, "agency": agency, "role": "lead" if j == 0 else "support",
                             "is_collective": False, "agency_type": AGENCIES[agency]})
        if rng.random() < 0.4:
            rows.append({"task_id": task, "agency": rng.choice(COLLECTIVES), "role": "support",
                             "is_collective": True, "agency_type": "collective"})
        if rng.random() < 0.2:  # the same agency listed a second time on the task
            rows.append({"task_id": task, "agency": chosen[-1], "role": "support",
                             "is_collective": False, "agency_type": AGENCIES[chosen[-1]]})
    df = pd.DataFrame(rows)
    df["plan_id"] = df["task_id"].str.split(":").str[0]
    df["path"] = "II." + df["task_id"].str[-2:]
    df["agency_raw"] = df["agency"]
    df["line"] = np.arange(len(df)) + 10
    df["province"] = np.where(df["plan_id"] == "plan-0", "Gia Lai", "Đắk Lắk")
    df["year"] = np.where(df["plan_id"] == "plan-2", 2025, 2024)
    df["level"] = "province"
    df["source_file"] = df["plan_id"] + ".txt"
    # shuffle rows: results must not depend on row order
    return df.sample(frac=1.0, random_state=seed).reset_index(drop=True)


def tasks_for(assignments: pd.DataFrame) -> pd.DataFrame:
    t = assignments.drop_duplicates("task_id")[["plan_id", "task_id", "path"]].copy()
    t["title"] = "Tuyên truyền <script>alert(1)</script> & quảng bá " + t["task_id"]
    t["text"] = t["title"]
    return t.reset_index(drop=True)


def task_sets(df: pd.DataFrame, include_collectives: bool = False) -> dict[str, set[str]]:
    if not include_collectives:
        df = df[~df["is_collective"]]
    return {a: set(sub["task_id"]) for a, sub in df.groupby("agency")}


@pytest.fixture
def assignments() -> pd.DataFrame:
    return synthetic_assignments()


def edges_with_data(graph: nx.Graph) -> list:
    return [(u, v, dict(d)) for u, v, d in graph.edges(data=True)]


# --------------------------------------------------------------------------- weights


def test_count_weights_equal_brute_force(assignments):
    G = g.coassignment_graph(assignments)
    sets = task_sets(assignments)
    expected = {}
    for u, v in combinations(sorted(sets), 2):
        shared = sets[u] & sets[v]
        if shared:
            expected[(u, v)] = shared
    got = {tuple(sorted((u, v))): d for u, v, d in G.edges(data=True)}
    assert set(got) == set(expected)
    assert len(expected) > 10  # the synthetic frame is not trivial
    for pair, shared in expected.items():
        assert got[pair]["weight"] == len(shared)
        assert got[pair]["count"] == len(shared)
        assert got[pair]["tasks"] == sorted(shared)
    assert set(G.nodes) == set(sets)


def test_node_attributes(assignments):
    G = g.coassignment_graph(assignments)
    dedup = assignments[~assignments["is_collective"]].copy()
    dedup["lead"] = dedup["role"] == "lead"
    per_task = dedup.groupby(["agency", "task_id"])["lead"].any().reset_index()
    for agency, sub in per_task.groupby("agency"):
        node = G.nodes[agency]
        assert node["n_tasks"] == len(sub)
        assert node["n_lead"] == int(sub["lead"].sum())
        assert node["n_support"] == len(sub) - int(sub["lead"].sum())
        assert node["agency_type"] == AGENCIES[agency]
        assert node["is_collective"] is False


def test_newman_weights_equal_networkx(assignments):
    G = g.coassignment_graph(assignments, weight="newman")
    B = g.bipartite_graph(assignments)
    agencies = [n for n, d in B.nodes(data=True) if d["bipartite"] == 1]
    P = nxb.collaboration_weighted_projected_graph(B, agencies)
    assert set(G.nodes) == set(P.nodes)
    assert {frozenset(e) for e in G.edges} == {frozenset(e) for e in P.edges}
    for u, v, w in P.edges(data="weight"):
        assert G.edges[u, v]["weight"] == pytest.approx(w, rel=1e-12)


def test_newman_single_agency_tasks_contribute_nothing():
    a = pd.DataFrame({"task_id": ["t1", "t1", "t2", "t3", "t3", "t3"],
                      "agency": ["A", "B", "A", "A", "B", "C"],
                      "role": ["lead", "support", "lead", "lead", "support", "support"]})
    G = g.coassignment_graph(a, weight="newman")
    assert G.edges["A", "B"]["weight"] == pytest.approx(1 / 1 + 1 / 2)
    assert G.edges["B", "C"]["weight"] == pytest.approx(0.5)
    assert G.nodes["A"]["n_tasks"] == 3


def test_jaccard_by_hand():
    a = pd.DataFrame({"task_id": ["t1", "t1", "t2", "t2", "t3", "t4", "t4"],
                      "agency": ["A", "B", "A", "B", "A", "B", "C"],
                      "role": "support"})
    G = g.coassignment_graph(a, weight="jaccard")
    # T(A) = {t1,t2,t3}, T(B) = {t1,t2,t4}, T(C) = {t4}
    assert G.edges["A", "B"]["weight"] == pytest.approx(2 / 4)
    assert G.edges["B", "C"]["weight"] == pytest.approx(1 / 3)
    assert not G.has_edge("A", "C")
    assert G.edges["A", "B"]["count"] == 2


def test_jaccard_matches_sets(assignments):
    G = g.coassignment_graph(assignments, weight="jaccard")
    sets = task_sets(assignments)
    for u, v, w in G.edges(data="weight"):
        assert w == pytest.approx(len(sets[u] & sets[v]) / len(sets[u] | sets[v]))


def test_duplicate_listing_lead_wins():
    a = pd.DataFrame({"task_id": ["t1", "t1", "t1"], "agency": ["A", "A", "B"],
                      "role": ["support", "lead", "support"], "line": [5, 9, 6]})
    G = g.coassignment_graph(a)
    assert G.nodes["A"]["n_tasks"] == 1 and G.nodes["A"]["n_lead"] == 1 and G.nodes["A"]["n_support"] == 0
    assert G.edges["A", "B"]["weight"] == 1
    B = g.bipartite_graph(a)
    assert B.edges[("task", "t1"), "A"]["role"] == "lead"
    assert B.edges[("task", "t1"), "A"]["line"] == 9


def test_invalid_input():
    with pytest.raises(ValueError, match="missing required column"):
        g.coassignment_graph(pd.DataFrame({"task_id": [1], "agency": ["A"]}))
    with pytest.raises(ValueError, match="weight must be one of"):
        g.coassignment_graph(pd.DataFrame({"task_id": [1], "agency": ["A"], "role": ["lead"]}), weight="cosine")
    with pytest.raises(ValueError, match="role"):
        g.coassignment_graph(pd.DataFrame({"task_id": [1], "agency": ["A"], "role": ["boss"]}))
    with pytest.raises(ValueError, match="tasks is missing"):
        g.coassignment_graph(pd.DataFrame({"task_id": [1], "agency": ["A"], "role": ["lead"]}),
                             tasks=pd.DataFrame({"task_id": [1]}))
    with pytest.raises(TypeError):
        g.coassignment_graph([("t", "A", "lead")])


def test_optional_columns_absent():
    a = pd.DataFrame({"task_id": [1, 1], "agency": ["A", "B"], "role": ["lead", "support"]})
    G = g.coassignment_graph(a)
    assert G.nodes["A"]["agency_type"] == "unknown"
    assert G.nodes["A"]["is_collective"] is False
    B = g.bipartite_graph(a)
    assert B.nodes[("task", 1)]["province"] is None


# --------------------------------------------------------------------------- collectives, bipartite, directed


def test_collectives_excluded_by_default_included_on_request(assignments):
    assert assignments["is_collective"].any()
    default = g.coassignment_graph(assignments)
    assert not any(c in default for c in COLLECTIVES)
    assert not any(d["is_collective"] for _, d in default.nodes(data=True))
    with_coll = g.coassignment_graph(assignments, include_collectives=True)
    present = set(assignments.loc[assignments["is_collective"], "agency"])
    assert present <= set(with_coll.nodes)
    for c in present:
        assert with_coll.nodes[c]["is_collective"] is True
        assert with_coll.nodes[c]["agency_type"] == "collective"
    sets = task_sets(assignments, include_collectives=True)
    for u, v, d in with_coll.edges(data=True):
        assert d["count"] == len(sets[u] & sets[v])
    assert not any(c in g.bipartite_graph(assignments) for c in COLLECTIVES)
    assert present <= set(g.lead_support_graph(assignments, include_collectives=True).nodes)


def test_bipartite_graph(assignments):
    B = g.bipartite_graph(assignments)
    tasks = [n for n, d in B.nodes(data=True) if d["bipartite"] == 0]
    agencies = [n for n, d in B.nodes(data=True) if d["bipartite"] == 1]
    assert nx.is_bipartite(B)
    assert all(isinstance(t, tuple) and t[0] == "task" for t in tasks)
    assert set(agencies) == set(task_sets(assignments))
    t = tasks[0]
    row = assignments[assignments["task_id"] == t[1]].iloc[0]
    assert B.nodes[t]["plan_id"] == row["plan_id"]
    assert B.nodes[t]["province"] == row["province"]
    assert B.nodes[t]["year"] == row["year"]
    for _, _a, d in B.edges(tasks[0], data=True):
        assert d["role"] in ("lead", "support") and d["plan_id"] == row["plan_id"]
        assert isinstance(d["line"], int)


def test_lead_support_edges():
    a = pd.DataFrame({
        "task_id": ["t1", "t1", "t1", "t2", "t2", "t3", "t3", "t3"],
        "agency": ["A", "B", "C", "A", "B", "B", "A", "X"],
        "role": ["lead", "support", "support", "lead", "support", "lead", "support", "lead"],
    })
    D = g.lead_support_graph(a)
    assert D.is_directed()
    assert sorted((u, v, d["weight"], tuple(d["tasks"])) for u, v, d in D.edges(data=True)) == [
        ("A", "B", 2, ("t1", "t2")),
        ("A", "C", 1, ("t1",)),
        ("B", "A", 1, ("t3",)),
        ("X", "A", 1, ("t3",)),
    ]
    assert not D.has_edge("B", "C")  # both supporters: no arc
    assert not D.has_edge("B", "X") and not D.has_edge("X", "B")  # co-leads: no arc


def test_lead_support_matches_brute_force(assignments):
    D = g.lead_support_graph(assignments)
    df = assignments[~assignments["is_collective"]]
    lead = {(t, a) for t, a, r in zip(df.task_id, df.agency, df.role) if r == "lead"}
    expected: dict[tuple[str, str], int] = {}
    for t, sub in df.groupby("task_id"):
        ags = set(sub["agency"])
        leads = {a for a in ags if (t, a) in lead}
        for u in leads:
            for v in ags - leads:
                expected[(u, v)] = expected.get((u, v), 0) + 1
    assert {(u, v): w for u, v, w in D.edges(data="weight")} == expected


# --------------------------------------------------------------------------- determinism


def test_same_input_same_graph_layout_and_communities(assignments):
    shuffled = assignments.sample(frac=1.0, random_state=99).reset_index(drop=True)
    for weight in ("count", "newman", "jaccard"):
        g1 = g.coassignment_graph(assignments, weight=weight)
        g2 = g.coassignment_graph(shuffled, weight=weight)
        assert list(g1.nodes(data=True)) == list(g2.nodes(data=True))
        assert edges_with_data(g1) == edges_with_data(g2)
    G = g.coassignment_graph(assignments)
    assert spring_positions(G) == spring_positions(g.coassignment_graph(shuffled))
    assert spring_positions(G, seed=1) != spring_positions(G, seed=2)
    t1, t2 = g.centrality_table(G), g.centrality_table(g.coassignment_graph(assignments))
    pd.testing.assert_frame_equal(t1, t2)
    f1, f2 = network_figure(G), network_figure(g.coassignment_graph(shuffled))
    assert f1.to_json() == f2.to_json()


def test_node_and_edge_insertion_sorted(assignments):
    G = g.coassignment_graph(assignments)
    assert list(G.nodes) == sorted(G.nodes)
    assert all(u < v for u, v in G.edges)
    assert all(d["tasks"] == sorted(d["tasks"]) for _, _, d in G.edges(data=True))


# --------------------------------------------------------------------------- metrics


def test_centrality_table_values():
    # star A–B, A–C, A–D with weights 3,1,1 and a separate pair E–F
    a = pd.DataFrame({
        "task_id": ["1", "1", "2", "2", "3", "3", "4", "4", "5", "5", "6", "6"],
        "agency": ["A", "B", "A", "B", "A", "B", "A", "C", "A", "D", "E", "F"],
        "role": "support",
        "agency_type": ["party", "media"] * 6,
    })
    G = g.coassignment_graph(a)
    t = g.centrality_table(G).set_index("agency")
    assert list(t.index) == ["A", "B", "C", "D", "E", "F"]
    assert t.loc["A", "degree"] == 3 and t.loc["A", "weighted_degree"] == 5
    assert t.loc["A", "degree_centrality"] == pytest.approx(3 / 5)
    assert t.loc["A", "betweenness"] == pytest.approx(nx.betweenness_centrality(G)["A"])
    assert t.loc["B", "betweenness"] == 0
    # eigenvector per component: E–F pair gets 1/sqrt(2) each
    assert t.loc["E", "eigenvector"] == pytest.approx(1 / math.sqrt(2))
    star = G.subgraph(["A", "B", "C", "D"])
    ref = nx.eigenvector_centrality_numpy(star, weight="weight")
    for n in "ABCD":
        assert t.loc[n, "eigenvector"] == pytest.approx(ref[n], abs=1e-9)
    assert t.loc["A", "community"] == t.loc["B", "community"]
    assert t.loc["E", "community"] == t.loc["F", "community"] != t.loc["A", "community"]
    assert t.loc["A", "n_tasks"] == 5 and t.loc["A", "agency_type"] == "party"
    assert set(t.columns) >= {"n_lead", "n_support"}


def test_betweenness_uses_inverse_weight():
    # A–B–C path with heavy ties vs a direct light A–C tie: shortest weighted path goes via B
    G = nx.Graph()
    G.add_edge("A", "B", weight=10)
    G.add_edge("B", "C", weight=10)
    G.add_edge("A", "C", weight=1)
    t = g.centrality_table(G).set_index("agency")
    assert t.loc["B", "betweenness"] == pytest.approx(1.0)


def test_communities_numbered_by_size():
    G = nx.Graph()
    G.add_edges_from([("x1", "x2"), ("x2", "x3"), ("x1", "x3")], weight=1)
    G.add_edges_from([("a", "b")], weight=1)
    G.add_edges_from([("c", "d")], weight=1)
    t = g.centrality_table(G).set_index("agency")
    assert t.loc["x1", "community"] == 0
    assert t.loc["a", "community"] == 1 and t.loc["c", "community"] == 2


def test_graph_summary():
    a = pd.DataFrame({"task_id": ["t1", "t1", "t2", "t2", "t3"], "agency": ["A", "B", "C", "D", "E"],
                      "role": "support"})
    s = g.graph_summary(g.coassignment_graph(a))
    assert s["nodes"] == 5 and s["edges"] == 2
    assert s["components"] == 3
    assert s["largest_component_share"] == pytest.approx(2 / 5)
    assert s["density"] == pytest.approx(2 / 10)
    assert s["modularity"] == pytest.approx(0.5)
    empty = g.graph_summary(nx.Graph())
    assert empty["nodes"] == 0 and math.isnan(empty["modularity"])


def test_centrality_directed_and_empty(assignments):
    t = g.centrality_table(g.lead_support_graph(assignments))
    assert len(t) == len(task_sets(assignments))
    assert g.centrality_table(nx.Graph()).empty


# --------------------------------------------------------------------------- comparison


def test_compare_graphs_values():
    g1 = nx.Graph()
    g1.add_weighted_edges_from([("A", "B", 3), ("B", "C", 1), ("C", "D", 1), ("D", "E", 1)])
    g2 = nx.Graph()
    g2.add_weighted_edges_from([("A", "B", 1), ("B", "C", 2), ("C", "D", 5), ("D", "F", 1)])
    g3 = nx.Graph([("A", "Z")])
    out = g.compare_graphs({"one": g1, "two": g2, "three": g3})
    assert list(zip(out.label_a, out.label_b)) == [("one", "two"), ("one", "three"), ("two", "three")]
    r = out.iloc[0]
    assert (r.shared_nodes, r.only_a, r.only_b) == (4, 1, 1)
    assert r.node_jaccard == pytest.approx(4 / 6)
    assert r.shared_edges == 3
    assert r.edge_jaccard == pytest.approx(3 / 5)
    # weighted degrees over A,B,C,D: g1 = 3,4,2,2 ; g2 = 1,3,7,6
    from scipy.stats import spearmanr
    assert r.spearman == pytest.approx(spearmanr([3, 4, 2, 2], [1, 3, 7, 6]).statistic)
    assert r.spearman < 0
    r3 = out.iloc[1]
    assert r3.shared_nodes == 1 and math.isnan(r3.spearman)


def test_compare_directed_edges_are_arcs():
    d1 = nx.DiGraph([("A", "B")])
    d2 = nx.DiGraph([("B", "A")])
    assert g.compare_graphs({"a": d1, "b": d2}).iloc[0].shared_edges == 0


def test_central_absent():
    g1 = nx.Graph()
    g1.add_weighted_edges_from([("A", "B", 5), ("A", "C", 4), ("D", "E", 1)])
    g2 = nx.Graph()
    g2.add_weighted_edges_from([("B", "C", 1), ("D", "E", 1)])
    out = g.central_absent({"p": g1, "q": g2}, top=2)
    assert out[["agency", "central_in", "absent_from", "rank"]].values.tolist() == [["A", "p", "q", 1]]
    out3 = g.central_absent({"p": g1, "q": g2}, top=10)
    assert set(out3["agency"]) == {"A"}
    assert (out3["central_in"] == "p").all()  # every node of q is also in p
    assert g.central_absent({"q": g2, "p": g1}, top=1)["central_in"].tolist() == ["p"]
    assert g.central_absent({"p": g1}, top=3).empty
    with pytest.raises(ValueError):
        g.central_absent({"p": g1}, top=0)


# --------------------------------------------------------------------------- slicing, harmonisation


def test_slice_assignments(assignments):
    s = g.slice_assignments(assignments, province="Đắk Lắk", year=2025)
    assert set(s["plan_id"]) == {"plan-2"}
    assert len(g.slice_assignments(assignments, plan_id=["plan-0", "plan-1"])) == (
        assignments["plan_id"].isin(["plan-0", "plan-1"]).sum())
    assert len(g.slice_assignments(assignments)) == len(assignments)
    with pytest.raises(ValueError):
        g.slice_assignments(assignments.drop(columns="level"), level="province")


def test_slice_province_ignores_case_and_diacritics(assignments):
    # issue 13 item 9: slice_assignments(province="Dak Lak") returned nothing
    exact = g.slice_assignments(assignments, province="Đắk Lắk")
    assert len(exact) > 0
    for spelling in ("Dak Lak", "dak lak", "ĐẮK LẮK", "Tỉnh Đắk Lắk", "Đăk Lăk"):
        pd.testing.assert_frame_equal(g.slice_assignments(assignments, province=spelling), exact)
    both = g.slice_assignments(assignments, province=["dak lak", "Gia Lai"])
    assert set(both["province"]) == {"Đắk Lắk", "Gia Lai"} and len(both) == len(
        assignments[assignments["province"].isin(["Đắk Lắk", "Gia Lai"])])
    assert g.slice_assignments(assignments, province="Dak Lak", year="2025").equals(
        g.slice_assignments(assignments, province="Đắk Lắk", year=2025))
    # a real province without plans here is an empty answer, not an error
    assert g.slice_assignments(assignments, province="Hà Nội").empty
    # typed tables (categorical province, nullable year) slice the same way
    typed = assignments.astype({"province": "category", "year": "Int64"})
    assert len(g.slice_assignments(typed, province="dak lak", year="2025")) == len(
        g.slice_assignments(assignments, province="Đắk Lắk", year=2025))


def test_slice_unknown_province_lists_the_provinces(assignments):
    with pytest.raises(ValueError, match=r"unknown province 'Dak Lac'.*Did you mean 'Đắk Lắk'.*Valid: .*Gia Lai"):
        g.slice_assignments(assignments, province="Dak Lac")
    with pytest.raises(ValueError, match="unknown province 'Atlantis'"):
        g.slice_assignments(assignments, province=["Gia Lai", "Atlantis"])


def test_harmonized_uses_lineage(monkeypatch):
    def harmonize(df, on):
        assert on == 2025
        df = df.copy()
        df["successor"] = df["agency"].map({"Sở Thông tin và Truyền thông": "Sở Khoa học và Công nghệ"})
        return df

    monkeypatch.setattr(g, "harmonize", harmonize)
    a = pd.DataFrame({"task_id": ["t1", "t1", "t1"],
                      "agency": ["Sở Thông tin và Truyền thông", "Sở Khoa học và Công nghệ", "Sở Ngoại vụ"],
                      "role": ["lead", "support", "support"]})
    h = g.harmonized(a, on=2025)
    assert h["agency"].tolist() == ["Sở Khoa học và Công nghệ", "Sở Khoa học và Công nghệ", "Sở Ngoại vụ"]
    assert h["agency_original"].tolist() == a["agency"].tolist()
    assert "successor" not in h.columns
    G = g.coassignment_graph(h)
    assert sorted(G.nodes) == ["Sở Khoa học và Công nghệ", "Sở Ngoại vụ"]
    assert G.nodes["Sở Khoa học và Công nghệ"]["n_lead"] == 1


# --------------------------------------------------------------------------- export


def test_exports_round_trip(assignments, tmp_path):
    G = g.coassignment_graph(assignments, weight="newman", tasks=tasks_for(assignments))
    gexf = to_gexf(G, tmp_path / "g.gexf")
    graphml = to_graphml(G, tmp_path / "g.graphml")
    csv = write_edge_list(G, tmp_path / "e.csv")
    for reread, sep in ((nx.read_gexf(gexf), "|"), (nx.read_graphml(graphml), "; ")):  # GEXF lists: liststring
        assert set(reread.nodes) == set(G.nodes)
        assert {frozenset(e) for e in reread.edges} == {frozenset(e) for e in G.edges}
        u, v, d = next(iter(G.edges(data=True)))
        assert float(reread.edges[u, v]["weight"]) == pytest.approx(d["weight"])
        assert reread.edges[u, v]["tasks"] == sep.join(d["tasks"])
        n = next(iter(G.nodes))
        assert sep in reread.nodes[n]["task_list"] or G.nodes[n]["n_tasks"] == 1
    e = pd.read_csv(csv)
    assert list(e.columns) == ["source", "target", "weight", "count"]
    pd.testing.assert_frame_equal(e, edge_list(G), check_dtype=False)
    assert len(e) == G.number_of_edges()
    assert (e["source"] < e["target"]).all()
    assert e["weight"].is_monotonic_decreasing


def test_bipartite_export(assignments, tmp_path):
    B = g.bipartite_graph(assignments)
    reread = nx.read_graphml(to_graphml(B, tmp_path / "b.graphml"))
    assert any(n.startswith("task:") for n in reread.nodes)
    assert reread.number_of_edges() == B.number_of_edges()
    assert nx.read_gexf(to_gexf(B, tmp_path / "b.gexf")).number_of_nodes() == B.number_of_nodes()


def test_edge_list_sorted():
    G = nx.Graph()
    G.add_edge("C", "A", weight=1, count=1)
    G.add_edge("B", "A", weight=2, count=2)
    G.add_edge("C", "B", weight=1, count=1)
    assert edge_list(G).values.tolist() == [["A", "B", 2, 2], ["A", "C", 1, 1], ["B", "C", 1, 1]]


# --------------------------------------------------------------------------- figure


def test_network_figure(assignments):
    t = tasks_for(assignments)
    G = g.coassignment_graph(assignments, include_collectives=True, tasks=t)
    fig = network_figure(G, title="Mạng <b>phối hợp</b>")
    assert len(fig.data) > 2
    node_traces = [tr for tr in fig.data if tr.mode == "markers" and tr.showlegend]
    hovers = [h for tr in fig.data for h in (tr.hovertext or ())]
    assert hovers and not any("<script>" in h for h in hovers)
    assert any("&lt;script&gt;" in h for h in hovers)
    assert any("Số nhiệm vụ" in h for h in hovers)  # Vietnamese by default
    names = {tr.name for tr in node_traces}
    assert "Nhóm cơ quan (tập thể)" in names and "Cơ quan báo chí" in names
    coll = next(tr for tr in node_traces if tr.name == "Nhóm cơ quan (tập thể)")
    assert set(coll.marker.symbol) == {"diamond"}
    other = next(tr for tr in node_traces if tr.name == "Cơ quan báo chí")
    assert set(other.marker.symbol) == {"circle"}
    n_nodes = sum(len(tr.x) for tr in node_traces)
    assert n_nodes == G.number_of_nodes()
    edge_traces = [tr for tr in fig.data if tr.mode == "lines"]
    assert 1 <= len(edge_traces) <= 4
    widths = [tr.line.width for tr in edge_traces]
    assert widths == sorted(widths)
    assert "<b>" not in fig.layout.title.text
    en = network_figure(G, lang="en")
    assert any("Tasks" in h for tr in en.data for h in (tr.hovertext or ()))
    assert "Media" in {tr.name for tr in en.data}
    with pytest.raises(ValueError):
        network_figure(G, lang="fr")


def test_network_figure_empty_and_directed(assignments):
    assert len(network_figure(nx.Graph()).data) == 0
    fig = network_figure(g.lead_support_graph(assignments), lang="en")
    assert any(" → " in h for tr in fig.data for h in (tr.hovertext or ()))


def test_network_figure_escapes_agency_names():
    a = pd.DataFrame({"task_id": ["t1", "t1", "t2", "t2"],
                      "agency": ["<script>alert('x')</script>", "Sở A & B", "Sở A & B", "Sở C"],
                      "role": ["lead", "support", "lead", "support"],
                      "agency_type": ["media", "state_department", "state_department", "mystery"]})
    tasks = pd.DataFrame({"task_id": ["t1", "t2"], "path": ["I.1", "I.2"],
                          "title": ["<img src=x onerror=alert(1)>", "Quảng bá"]})
    fig = network_figure(g.coassignment_graph(a, tasks=tasks), title="<script>t</script>")
    hovers = [h for tr in fig.data for h in (tr.hovertext or ())]
    assert len(hovers) == 3 + 2  # three nodes, two edge midpoints
    assert not any("<script" in h or "<img" in h for h in hovers)
    assert any("&lt;script&gt;" in h for h in hovers) and any("&lt;img" in h for h in hovers)
    assert any("Sở A &amp; B" in h for h in hovers)
    assert "<script" not in fig.layout.title.text
    colours = {tr.name: tr.marker.color for tr in fig.data if tr.mode == "markers" and tr.showlegend}
    assert colours["mystery"] == "#BBBBBB"  # unlisted type: grey, own legend entry


def test_harmonized_with_the_real_lineage():
    from ttdn_analysis.registry.agencies import harmonize
    a = pd.DataFrame({"task_id": ["t1", "t1"], "agency": ["Sở Thông tin và Truyền thông", "Sở Ngoại vụ"],
                      "role": ["lead", "support"], "province": "Đắk Lắk"})
    expected = harmonize(a.copy(), on="2026-01-01")["successor"]
    h = g.harmonized(a, on="2026-01-01")
    assert h["agency"].tolist() == [s if isinstance(s, str) and s else o for s, o in zip(expected, a["agency"])]
    assert h["agency"].iloc[0] != "Sở Thông tin và Truyền thông"  # the department was merged away in 2025
    assert h["agency_original"].tolist() == a["agency"].tolist()


def test_layout_and_communities_do_not_depend_on_the_hash_seed(tmp_path):
    """Python salts string hashes per process; sets of agency names must never decide an order."""
    import subprocess
    script = (
        "import json, sys\n"
        "import pandas as pd\n"
        "from ttdn_analysis import graphs\n"
        "from ttdn_analysis.plotting import network_figure, spring_positions\n"
        "rows = [(t, a, 'lead' if i == 0 else 'support') for t, ags in [\n"
        "    ('t1', ['Sở Công Thương', 'Bộ Công Thương']), ('t2', ['Sở Ngoại vụ', 'Công an tỉnh', 'Báo tỉnh']),\n"
        "    ('t3', ['Công an tỉnh', 'Sở Ngoại vụ']), ('t4', ['Sở Tài chính', 'Sở Y tế']), ('t5', ['Báo tỉnh', 'Sở Nội vụ']),\n"
        "    ('t6', ['Tỉnh đoàn', 'Hội Nông dân tỉnh']), ('t7', ['Sở Tư pháp', 'Thanh tra tỉnh'])]\n"
        "    for i, a in enumerate(ags)]\n"
        "df = pd.DataFrame(rows, columns=['task_id', 'agency', 'role']).assign(plan_id='p', is_collective=False)\n"
        "g = graphs.coassignment_graph(df)\n"
        "pos = spring_positions(g)\n"
        "ct = graphs.centrality_table(g)\n"
        "print(json.dumps([sorted((k, [round(x, 9) for x in v]) for k, v in pos.items()),\n"
        "                  ct.to_dict('records'), network_figure(g).to_json()]))\n"
    )
    outs = set()
    for seed in ("1", "2", "3", "4", "5", "6", "7", "8"):
        env = {**__import__("os").environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
        outs.add(out.stdout)
    assert len(outs) == 1
