"""The facts behind the reports' sentences: rankings, the networks' reading, what changed between plans.

Each function returns data (tables, or :class:`Sentence` objects: a template from ``labels.toml`` and display-ready
values); the notebooks only display them. Values are filled in as escaped text (:func:`~ttdn_analysis.plotting.fill`),
so a sentence stays inert whatever a plan, a manifest or a file name says.
"""
from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from ttdn_analysis.analysis.coverage import coverage
from ttdn_analysis.analysis.coverage_stats import compare_coverage, coverage_stats, coverage_units, describe_comparison
from ttdn_analysis.analysis.networks import coassignment_graph, graph_summary, lead_support_graph
from ttdn_analysis.corpus import Corpus
from ttdn_analysis.plotting.labels import check_lang, labels, plan_labels, theme_labels
from ttdn_analysis.plotting.notebook import fill, number, percent
from ttdn_analysis.registry.agencies import harmonize
from ttdn_analysis.registry.codebook import load_codebook
from ttdn_analysis.registry.lineage import name_on
from ttdn_analysis.schema import COMPARABLE_TASK_KINDS, task_kinds_of

__all__ = ["Sentence", "Sentences", "SUCCESSOR_DATE", "with_successor", "successor_notes", "province_networks",
           "network_groups", "network_summary", "plan_networks", "network_reading", "BriefFacts", "brief_facts",
           "brief_sentences", "plan_changes", "theme_changes", "MAX_CHANGES", "shown_changes", "change_sentences",
           "headline", "plan_caveats", "caveat_rules", "caveat_note"]

#: The date at which "the agency that carries this work now" is read from the lineage crosswalk.
SUCCESSOR_DATE = "2026-01-01"

_SUMMARY_COLUMNS = ["province", "nodes", "edges", "total_weight", "density", "components", "largest_component_share",
                    "communities", "modularity"]


@dataclass(frozen=True)
class Sentence:
    """A sentence template and the values to fill in; shows itself as a paragraph in a notebook.

    Examples
    --------
    >>> Sentence("**{a}** <x>", {"a": "[l](javascript:x)"}).html()
    '<strong>[l](javascript:x)</strong> &lt;x&gt;'
    """

    template: str
    values: dict[str, Any] = field(default_factory=dict)

    def html(self) -> str:
        """The sentence as an HTML fragment, values escaped."""
        return fill(self.template, **self.values)

    def _repr_html_(self) -> str:
        return f"<p>{self.html()}</p>"


@dataclass(frozen=True)
class Sentences:
    """Several sentences, shown as a bulleted list.

    Examples
    --------
    >>> Sentences([Sentence("{a}", {"a": 1}), Sentence("b")])._repr_html_()
    '<ul><li>1</li><li>b</li></ul>'
    """

    items: list[Sentence]

    def html(self) -> str:
        """The sentences as an HTML list, values escaped."""
        return "<ul>" + "".join(f"<li>{s.html()}</li>" for s in self.items) + "</ul>"

    def _repr_html_(self) -> str:
        return self.html()

    def __len__(self) -> int:
        return len(self.items)


def _successors(agencies: Iterable[str], province: str | None = None) -> dict[str, tuple[str, str]]:
    """name -> (successor on :data:`SUCCESSOR_DATE`, lineage status)."""
    names = sorted({a for a in agencies if isinstance(a, str) and a.strip()})
    if not names:
        return {}
    h = harmonize(pd.DataFrame({"agency": names, "province": province}), on=SUCCESSOR_DATE)
    return {r.agency: (r.successor, r.lineage_status) for r in h.itertuples(index=False)}


def with_successor(agencies: Iterable[str], lang: str = "vi", province: str | None = None) -> dict[str, str]:
    """Each agency's name as printed, with the agency that carries its work in 2026 beside it when it is another.

    Parameters
    ----------
    agencies : iterable of str
        Canonical agency names.
    lang : {"vi", "en"}, default "vi"
    province : str, optional
        The province whose plans name them (province-scoped lineage rows apply).

    Returns
    -------
    dict of str to str
        name -> display text (plain text; escape it for HTML), from
        :func:`~ttdn_analysis.registry.lineage.name_on` on :data:`SUCCESSOR_DATE`.

    Examples
    --------
    >>> with_successor(["Ban Tuyên giáo Tỉnh ủy", "Sở Y tế"], "en")
    {'Ban Tuyên giáo Tỉnh ủy': 'Ban Tuyên giáo Tỉnh ủy (now Ban Tuyên giáo và Dân vận Tỉnh ủy)', 'Sở Y tế': 'Sở Y tế'}
    """
    check_lang(lang)
    names = sorted({a for a in agencies if isinstance(a, str) and a.strip()})
    return {a: name_on(a, on=SUCCESSOR_DATE, province=province, lang=lang) for a in names}


def successor_notes(agencies: Iterable[str], lang: str = "vi", province: str | None = None) -> dict[str, str]:
    """name -> one line naming its 2026 successor, only for agencies whose work moved (for chart hovers).

    Parameters
    ----------
    agencies : iterable of str
    lang : {"vi", "en"}, default "vi"
    province : str, optional

    Returns
    -------
    dict of str to str

    Examples
    --------
    >>> successor_notes(["Sở Kế hoạch và Đầu tư", "Sở Y tế"])
    {'Sở Kế hoạch và Đầu tư': 'nay là Sở Tài chính'}
    """
    shown = with_successor(agencies, lang, province)
    return {a: text[len(a):].strip().removeprefix("(").removesuffix(")") for a, text in shown.items() if text != a}


def province_networks(corpus: Corpus) -> tuple[dict[str, nx.Graph], dict[str, nx.DiGraph]]:
    """Each province's co-assignment graph (with task lists for hovers) and lead → support graph.

    Parameters
    ----------
    corpus : Corpus

    Returns
    -------
    (dict, dict)
        province -> graph, provinces sorted.

    Examples
    --------
    >>> from ttdn_analysis import load_corpus
    >>> co, ls = province_networks(load_corpus([], cache=False))
    >>> co, ls
    ({}, {})
    """
    a = corpus.assignments
    provs = sorted(a["province"].dropna().unique().tolist())
    co = {p: coassignment_graph(a[a["province"] == p], tasks=corpus.tasks) for p in provs}
    ls = {p: lead_support_graph(a[a["province"] == p]) for p in provs}
    return co, ls


def network_groups(corpus: Corpus) -> pd.DataFrame:
    """What each province's network pools: its plans, and the one kind, level and year they share, if any.

    Two provinces' networks are compared only when both pool the same number of plans of one kind, level and year
    (``peer`` equal and not None, ``plans`` equal); a province that pools plans of different kinds, levels or
    years (``peer`` None) is compared with none.

    Parameters
    ----------
    corpus : Corpus

    Returns
    -------
    DataFrame
        province, plans (count), peer ((kind, level, year) or None), composition (tuple of (kind, level, year,
        count) per kind of plan it pools), sorted by province.

    Examples
    --------
    >>> from ttdn_analysis import load_corpus
    >>> network_groups(load_corpus([], cache=False)).columns.tolist()
    ['province', 'plans', 'peer', 'composition']
    """
    rows = []
    plans = corpus.plans
    for prov in sorted(plans["province"].dropna().astype(str).unique()):
        own = plans[plans["province"].astype(str) == prov]
        keys = [_peer_key(k, lv, y) for k, lv, y in zip(own.get("kind", [None] * len(own)), own["level"],
                                                          own["year"])]
        counted: dict[tuple[str, str, int] | None, int] = {}
        for k in keys:
            counted[k] = counted.get(k, 0) + 1
        comp = tuple(sorted(((k[0], k[1], k[2], n) if k else ("", "", 0, n) for k, n in counted.items())))
        peer = keys[0] if len(set(keys)) == 1 else None
        rows.append({"province": prov, "plans": len(own), "peer": peer, "composition": comp})
    return pd.DataFrame(rows, columns=["province", "plans", "peer", "composition"])


def network_summary(graphs: Mapping[str, nx.Graph], corpus: Corpus | None = None) -> pd.DataFrame:
    """One row of :func:`~ttdn_analysis.analysis.networks.graph_summary` figures per province.

    Parameters
    ----------
    graphs : mapping
        province -> graph.
    corpus : Corpus, optional
        The corpus the graphs were built from: adds what each network pools (:func:`network_groups`: plans,
        peer, composition), which :func:`network_reading` needs to compare provinces at all.

    Returns
    -------
    DataFrame
        province, nodes, edges, total_weight, density, components, largest_component_share, communities,
        modularity (and plans, peer, composition with ``corpus``).

    Examples
    --------
    >>> network_summary({"X": nx.Graph([("A", "B")])})[["province", "nodes", "edges", "density"]].values.tolist()
    [['X', 2, 1, 1.0]]
    """
    out = pd.DataFrame([{"province": p, **graph_summary(g)} for p, g in graphs.items()], columns=_SUMMARY_COLUMNS)
    if corpus is not None:
        out = out.merge(network_groups(corpus), on="province", how="left")
    return out


def plan_networks(corpus: Corpus) -> pd.DataFrame:
    """Each plan's own co-assignment network (the plan's task list, never a pool of plans), for comparisons.

    Parameters
    ----------
    corpus : Corpus

    Returns
    -------
    DataFrame
        One row per plan: plan_id, plan (readable name with its caveat mark), province, year, kind, level, peer
        ((kind, level, year) or None), nodes, edges, density; sorted by name.

    Examples
    --------
    >>> from ttdn_analysis import load_corpus
    >>> plan_networks(load_corpus([], cache=False)).columns.tolist()[:4]
    ['plan_id', 'plan', 'province', 'year']
    """
    unit = COMPARABLE_TASK_KINDS
    a = corpus.assignments
    a = a[task_kinds_of(a).isin(unit).to_numpy()] if len(a) else a
    caveats = plan_caveats(corpus)
    mark = dict(zip(caveats["plan_id"], caveats["mark"]))
    names = plan_labels(corpus.plans)
    plans = corpus.plans
    summary = pd.DataFrame({
        "plan_id": plans["plan_id"], "plan": [names[p] + (f" {mark[p]}" if p in mark else "")
                                               for p in plans["plan_id"]],
        "province": plans["province"], "year": plans["year"], "kind": plans.get("kind"), "level": plans["level"],
        "peer": [_peer_key(k, lv, y) for k, lv, y in zip(plans.get("kind", [None] * len(plans)), plans["level"],
                                                          plans["year"])],
        "mark": [mark.get(p, "") for p in plans["plan_id"]]})
    out = _plan_density(corpus, a, summary)
    return out.drop(columns="mark").sort_values("plan", kind="stable").reset_index(drop=True)


def _composition(comp: Iterable[tuple[str, str, int, int]], T: Mapping[str, str], L: Mapping[str, str]) -> str:
    """ "3 kế hoạch (kế hoạch hằng năm cấp sở 2024; …)" from :func:`network_groups`' composition."""
    comp = list(comp)
    kinds = "; ".join((f"{n} × " if n > 1 else "") + (f"{L.get(f'kind_{k}', k)} {L.get(f'level_{lv}', lv)} {y}"
                                                      if k else "?") for k, lv, y, n in comp)
    return T["pooled"].format(n=sum(n for *_, n in comp), kinds=kinds)


def network_reading(summary: pd.DataFrame, centrality: Mapping[str, pd.DataFrame], comparison: pd.DataFrame,
                    absent: pd.DataFrame, lang: str = "vi", plans: pd.DataFrame | None = None) -> Sentences:
    """What differs between the networks, one sentence per fact, like compared with like (report 02).

    Parameters
    ----------
    summary : DataFrame
        :func:`network_summary` (with its ``corpus``: provinces are compared only when their networks pool the same
        number of plans of one kind, level and year; without the ``peer`` column, none are).
    centrality : mapping
        province -> :func:`~ttdn_analysis.analysis.networks.centrality_table` (most central first).
    comparison : DataFrame
        :func:`~ttdn_analysis.analysis.networks.compare_graphs` of the provinces' graphs.
    absent : DataFrame
        :func:`~ttdn_analysis.analysis.networks.central_absent`.
    lang : {"vi", "en"}, default "vi"
    plans : DataFrame, optional
        :func:`plan_networks`: the plans of one kind, level and year are set side by side, one network per plan.

    Returns
    -------
    Sentences
        Within each group of comparable provinces: largest and smallest network, densest and sparsest, the most
        and least similar pair, the central agencies absent elsewhere. Provinces outside such a group: one sentence
        naming what each network pools and that the data cannot tell which is larger or denser. The most central
        agency of each province (with its 2026 successor). With ``plans``: the plans of each group of one kind,
        level and year, side by side. Each comparison names what it rests on and the function that computes it.
        Ties are broken by name, so the text is the same on every run.

    Examples
    --------
    >>> s = pd.DataFrame({"province": ["A", "B"], "nodes": [5, 3], "edges": [4, 2], "density": [0.4, 0.67],
    ...                   "plans": [1, 1], "peer": [("annual", "province", 2025)] * 2,
    ...                   "composition": [(("annual", "province", 2025, 1),)] * 2})
    >>> network_reading(s, {}, pd.DataFrame(), pd.DataFrame(), "en").items[0].html()[:70]
    '<strong>A</strong> has the largest network: 5 agencies, 4 links; the s'
    >>> s["peer"] = [("annual", "province", 2025), ("annual", "province", 2024)]
    >>> network_reading(s, {}, pd.DataFrame(), pd.DataFrame(), "en").items[0].html()[:60]
    'The provinces’ networks below are not compared with one anot'
    """
    T = labels(check_lang(lang), "reading")
    B, L = labels(lang, "brief"), labels(lang, "caveats")
    out: list[Sentence] = []
    has_peer = "peer" in summary.columns and "plans" in summary.columns
    groups: dict[tuple[Any, ...], list[str]] = {}
    for r in summary.itertuples(index=False):
        if has_peer and r.peer is not None:
            groups.setdefault((r.peer, int(r.plans)), []).append(str(r.province))
    groups = {k: v for k, v in sorted(groups.items(), key=lambda kv: str(kv[0])) if len(v) > 1}
    alike = {p for v in groups.values() for p in v}
    similar: list[Sentence] = []
    for (peer, n_plans), provs in groups.items():
        g = summary[summary["province"].astype(str).isin(provs)]
        basis = B["basis"].format(n=n_plans * len(provs), years=peer[2], func="report.brief.network_summary")
        by_size = g.sort_values(["nodes", "edges", "province"], ascending=[False, False, True], kind="stable")
        big, small = by_size.iloc[0], by_size.iloc[-1]
        by_density = g.sort_values(["density", "province"], ascending=[False, True], kind="stable")
        dense, sparse = by_density.iloc[0], by_density.iloc[-1]
        out.append(Sentence(T["size"], {"big": big.province, "big_n": big.nodes, "big_m": big.edges,
                                        "small": small.province, "small_n": small.nodes, "small_m": small.edges}))
        out.append(Sentence(T["density"] + " " + T["group_basis"], {
            "dense": dense.province, "dense_d": number(dense.density, lang), "sparse": sparse.province,
            "sparse_d": number(sparse.density, lang), "group": _peer_name(peer, L), "basis": basis}))
        pairs = comparison[comparison["label_a"].astype(str).isin(provs)
                           & comparison["label_b"].astype(str).isin(provs)] if len(comparison) else comparison
        if len(pairs):
            by_jac = pairs.sort_values(["node_jaccard", "label_a", "label_b"], ascending=[False, True, True],
                                       kind="stable")
            best, worst = by_jac.iloc[0], by_jac.iloc[-1]
            similar.append(Sentence(T["pair"], {"pa": best.label_a, "pb": best.label_b, "shared": best.shared_nodes,
                                                "jac": number(best.node_jaccard, lang), "qa": worst.label_a,
                                                "qb": worst.label_b, "jac2": number(worst.node_jaccard, lang)}))
            own = absent.iloc[:0]
            if len(absent) and {"central_in", "absent_from"} <= set(absent.columns):
                own = absent[absent["central_in"].astype(str).isin(provs)
                             & absent["absent_from"].astype(str).isin(provs)]
            similar.append(Sentence(T["absent"], {"n_absent": len(own)}))
    rest = summary[~summary["province"].astype(str).isin(alike)]
    if len(summary) > 1 and len(rest):
        what = "; ".join(
            f"{r.province}: " + (_composition(r.composition, T, L) if has_peer else "?")
            for r in rest.sort_values("province", kind="stable").itertuples(index=False))
        out.append(Sentence(T["not_comparable"], {"groups": what}))
    tops = {p: str(t["agency"].iloc[0]) for p, t in centrality.items() if len(t)}
    if tops:
        shown = {p: with_successor([a], lang, p)[a] for p, a in tops.items()}
        out.append(Sentence(T["central"], {"central": "; ".join(f"{p}: {a}" for p, a in shown.items())}))
    out += similar
    if plans is not None and len(plans):
        by_peer: dict[tuple[str, str, int], list[Any]] = {}
        for r in plans.itertuples(index=False):
            if r.peer is not None:
                by_peer.setdefault(r.peer, []).append(r)
        for peer, rows in sorted(by_peer.items()):
            if len(rows) < 2:
                continue
            rows = sorted(rows, key=lambda r: (-r.density, str(r.plan)))
            values = _listed([f"{r.plan}: {r.nodes} {B['nodes']}, {r.edges} {T['links']}, "
                              f"{T['density_word']} {number(r.density, lang)}" for r in rows], B)
            out.append(Sentence(T["plan_group"], {
                "group": _peer_name(peer, L), "values": values,
                "basis": B["basis"].format(n=len(rows), years=peer[2], func="report.brief.plan_networks")}))
    return Sentences(out)


#: Superscript marks of the plans that carry a caveat, in the order of the caveat list.
_MARKS = "¹²³⁴⁵⁶⁷⁸⁹"


@lru_cache(maxsize=1)
def caveat_rules() -> dict[str, Any]:
    """The rules of :func:`plan_caveats`, from ``ttdn_analysis/report/caveats.toml``.

    Examples
    --------
    >>> rules = caveat_rules()
    >>> rules["lead_share_below"], [c["key"] for c in rules["caveat"]][:2]
    (0.8, ['numbering_gap', 'ocr_low_confidence'])
    """
    with resources.files("ttdn_analysis.report").joinpath("caveats.toml").open("rb") as fh:
        return tomllib.load(fh)


def _mark(i: int) -> str:
    """The i-th caveat mark: ¹ … ⁹, then ⁽¹⁰⁾ …"""
    if i < len(_MARKS):
        return _MARKS[i]
    return "⁽" + "".join(_MARKS[int(d) - 1] if d != "0" else "⁰" for d in str(i + 1)) + "⁾"


def plan_caveats(corpus: Corpus, summary: pd.DataFrame | None = None) -> pd.DataFrame:
    """The plans whose numbers need a caveat, with a mark each and the reasons (rules in ``caveats.toml``).

    Parameters
    ----------
    corpus : Corpus
    summary : DataFrame, optional
        :meth:`Corpus.summary` when already computed (for the lead share).

    Returns
    -------
    DataFrame
        One row per plan with at least one caveat, in the order of the plans table: ``plan_id``, ``mark``
        (¹, ², …), ``caveats`` (tuple of keys: ``numbering_gap``, ``ocr_low_confidence``, ``unread_table``,
        ``low_lead_share``) and ``counts`` (tuple: problem rows or flagged tasks for each key; the lead share in
        percent for ``low_lead_share``).

    Examples
    --------
    >>> from ttdn_analysis import load_corpus
    >>> plan_caveats(load_corpus([], cache=False)).columns.tolist()
    ['plan_id', 'mark', 'caveats', 'counts']
    """
    rules = caveat_rules()
    plans = corpus.plans
    summary = corpus.summary() if summary is None else summary
    file_of = dict(zip(plans["source_file"].astype(str), plans["plan_id"]))
    probs = corpus.problems
    kinds = probs["kind"].astype(str) if len(probs) else pd.Series(dtype=object)
    rows: list[dict[str, Any]] = []
    lead = dict(zip(summary["plan_id"], summary["lead_share"])) if len(summary) else {}
    for pid in plans["plan_id"]:
        found: list[tuple[str, int]] = []
        for rule in rules["caveat"]:
            key = rule["key"]
            if key == "low_lead_share":
                share = lead.get(pid)
                if share is not None and share == share and share < rules["lead_share_below"]:
                    found.append((key, round(100 * float(share))))
                continue
            n = 0
            if rule.get("problem_kind") and len(probs):
                own = probs["source_file"].astype(str).map(file_of) == pid
                n = int((own & (kinds == rule["problem_kind"])).sum())
            flag = rule.get("task_flag")
            if not n and flag and flag in corpus.tasks.columns:
                t = corpus.tasks
                n = int(t.loc[t["plan_id"] == pid, flag].astype(object).eq(True).sum())
            if n:
                found.append((key, n))
        if found:
            rows.append({"plan_id": pid, "mark": _mark(len(rows)), "caveats": tuple(k for k, _ in found),
                         "counts": tuple(n for _, n in found)})
    return pd.DataFrame(rows, columns=["plan_id", "mark", "caveats", "counts"])


def _peer_key(kind: Any, level: Any, year: Any) -> tuple[str, str, int] | None:
    """Plans are compared only with plans of the same kind, level and year (None: comparable with none)."""
    if any(v is None or (isinstance(v, float) and v != v) or v is pd.NA or v == "" for v in (kind, level, year)):
        return None
    return str(kind), str(level), int(year)


@dataclass
class BriefFacts:
    """The tables behind the leadership brief (report 04), each sorted as it is shown.

    The unit is the plan: every row is one plan, and plans are set side by side only with plans of the same kind,
    level and year (``peer``). Tasks are the plan's task list (:data:`~ttdn_analysis.schema.COMPARABLE_TASK_KINDS`:
    body tasks and appendix rows, the unit every plan has), not the agencies' duty blocks of TỔ CHỨC THỰC HIỆN.
    """

    #: one row per plan: plan_id, plan (readable name with its caveat mark), province, year, kind, level, peer,
    #: tasks (of the unit), duty_blocks, assignments, agencies (named agencies), collectives, lead_share,
    #: problems, mark
    summary: pd.DataFrame
    #: plans by tasks, most first (ties by name)
    by_tasks: pd.DataFrame
    #: plans by named agencies, most first
    by_agencies: pd.DataFrame
    #: the ten agencies leading the most tasks (collectives left out): agency, name (with its 2026 successor, from
    #: the province's own lineage rows when all its plans are of one province), tasks, plans, provinces
    top_leads: pd.DataFrame
    #: share of tasks per theme (columns: theme labels) by plan (rows: plan names with their marks)
    coverage: pd.DataFrame
    #: one row per plan: plan_id, plan, province, year, kind, level, peer, nodes, edges, density, mark
    density: pd.DataFrame
    #: the plans with a caveat (:func:`plan_caveats`), with their readable names
    caveats: pd.DataFrame
    #: peer -> plan_ids (sorted by name), only groups of two plans or more
    peers: dict[tuple[str, str, int], list[str]] = field(default_factory=dict)
    #: (plan_a, plan_b) -> compare_coverage of the core themes, for plans of one peer group
    comparisons: dict[tuple[str, str], pd.DataFrame] = field(default_factory=dict)
    #: the task kinds counted
    unit: tuple[str, ...] = COMPARABLE_TASK_KINDS
    #: peer -> the core theme and plan of that group whose share is most surely high (highest lower bound of its
    #: exact interval): plan_id, theme, with, n, share, ci_low, ci_high; only groups of :attr:`peers` (a plan is
    #: never ranked against plans of another kind, level or year)
    top_themes: dict[tuple[str, str, int], dict[str, Any]] = field(default_factory=dict)
    #: the first of :attr:`top_themes` (empty without a group of two plans or more)
    top_theme: dict[str, Any] = field(default_factory=dict)
    n_tasks: int = 0
    n_agencies: int = 0
    n_collectives: int = 0


def brief_facts(corpus: Corpus, lang: str = "vi", n_boot: int = 2000) -> BriefFacts:
    """The tables behind the leadership brief, one plan per row, like compared with like.

    Parameters
    ----------
    corpus : Corpus
    lang : {"vi", "en"}, default "vi"
        Language of the theme labels and agency names.
    n_boot : int, default 2000
        Bootstrap replicates of the intervals of differences (:func:`compare_coverage`).

    Returns
    -------
    BriefFacts

    Examples
    --------
    >>> from ttdn_analysis import load_corpus
    >>> f = brief_facts(load_corpus([], cache=False))
    >>> len(f.summary), len(f.top_leads), f.n_tasks, f.unit
    (0, 0, 0, ('body_task', 'appendix_row'))
    """
    check_lang(lang)
    unit = COMPARABLE_TASK_KINDS
    tasks = corpus.tasks[task_kinds_of(corpus.tasks).isin(unit).to_numpy()]
    a = corpus.assignments
    a = a[task_kinds_of(a).isin(unit).to_numpy()] if len(a) else a
    base = corpus.summary()
    caveats = plan_caveats(corpus, base)
    mark = dict(zip(caveats["plan_id"], caveats["mark"]))
    names = {k: v + (f" {mark[k]}" if k in mark else "") for k, v in plan_labels(corpus.plans).items()}
    plans = corpus.plans.set_index("plan_id")
    rows = []
    collective = a["is_collective"].fillna(False).astype(bool) if len(a) else pd.Series(dtype=bool)
    of_plan = _by_plan(a)
    n_tasks = tasks["plan_id"].astype(object).value_counts().to_dict() if len(tasks) else {}
    for r in base.itertuples(index=False):
        own = of_plan.get(r.plan_id, a.iloc[:0])
        coll = collective[own.index] if len(own) else pd.Series(dtype=bool)
        p = plans.loc[r.plan_id]
        rows.append({"plan_id": r.plan_id, "plan": names[r.plan_id], "province": r.province, "year": r.year,
                     "kind": p.get("kind"), "level": r.level, "peer": _peer_key(p.get("kind"), r.level, r.year),
                     "tasks": int(n_tasks.get(r.plan_id, 0)),
                     "duty_blocks": int(r.tasks) - int(n_tasks.get(r.plan_id, 0)),
                     "assignments": len(own), "agencies": int(own.loc[~coll, "agency"].nunique()),
                     "collectives": int(own.loc[coll, "agency"].nunique()), "lead_share": r.lead_share,
                     "problems": r.problems, "mark": mark.get(r.plan_id, "")})
    summary = pd.DataFrame(rows, columns=["plan_id", "plan", "province", "year", "kind", "level", "peer", "tasks",
                                          "duty_blocks", "assignments", "agencies", "collectives", "lead_share",
                                          "problems", "mark"])
    by_tasks = summary.sort_values(["tasks", "plan"], ascending=[False, True], kind="stable").reset_index(drop=True)
    by_agencies = summary.sort_values(["agencies", "plan"], ascending=[False, True], kind="stable")
    leads = a[(a["role"] == "lead") & ~collective] if len(a) else a
    top = (leads.groupby("agency").agg(tasks=("task_id", "nunique"), plans=("plan_id", "nunique"),
                                       provinces=("province", lambda v: tuple(sorted(set(map(str, v.dropna()))))))
           .reset_index().sort_values(["tasks", "plans", "agency"], ascending=[False, False, True], kind="stable")
           .head(10).reset_index(drop=True)) if len(leads) else pd.DataFrame(columns=["agency", "tasks", "plans",
                                                                                      "provinces"])
    top.insert(1, "name", [_successor_name(ag, prov, lang) for ag, prov in zip(top["agency"], top["provinces"])])
    cov = pd.DataFrame()
    if len(corpus.task_themes) and len(tasks):
        cov = coverage(corpus, by="plan_id", measure="task_share", task_kinds=unit, warn=False)
        cov = cov.rename(columns=theme_labels(lang), index=names)
    density = _plan_density(corpus, a, summary)
    peers: dict[tuple[str, str, int], list[str]] = {}
    for r in summary.sort_values("plan", kind="stable").itertuples(index=False):
        if r.peer is not None and r.tasks:
            peers.setdefault(r.peer, []).append(r.plan_id)
    peers = {k: v for k, v in sorted(peers.items()) if len(v) > 1}
    core = list(load_codebook().core_keys)
    comparisons = {}
    compared = {k: v for k, v in peers.items() if len(v) <= MAX_PAIRWISE}
    if len(corpus.task_themes) and compared:
        units = coverage_units(corpus, themes=core, task_kinds=unit)  # once, for every pair
        for ids in compared.values():
            for i, pa in enumerate(ids):
                for pb in ids[i + 1:]:
                    comparisons[(pa, pb)] = compare_coverage(corpus, {"plan_id": pa}, {"plan_id": pb}, themes=core,
                                                             n_boot=n_boot, warn=False, task_kinds=unit,
                                                             units=units)
    top_themes: dict[tuple[str, str, int], dict[str, Any]] = {}
    if len(corpus.task_themes) and len(tasks) and peers:
        st = coverage_stats(corpus, by="plan_id", themes=core, warn=False, task_kinds=unit)
        st = st[st["tasks"] > 0]
        for peer, ids in peers.items():
            own = st[st["plan_id"].isin(ids)]
            if not len(own):
                continue
            # the share most surely high: the highest lower bound of the interval, not the highest share (a plan
            # of two tasks with one mention has 50%, and an interval from 1% to 99%)
            best = own.sort_values(["ci_low", "share", "plan_id", "theme"], ascending=[False, False, True, True],
                                   kind="stable").iloc[0]
            top_themes[peer] = {"plan_id": best["plan_id"], "theme": best["theme"],
                                "with": int(best["tasks_with_theme"]), "n": int(best["tasks"]),
                                "share": float(best["share"]), "ci_low": float(best["ci_low"]),
                                "ci_high": float(best["ci_high"])}
    top_theme = next(iter(top_themes.values()), {})
    shown_caveats = caveats.assign(plan=caveats["plan_id"].map(plan_labels(corpus.plans)))
    return BriefFacts(summary=summary, by_tasks=by_tasks, by_agencies=by_agencies.reset_index(drop=True),
                      top_leads=top, coverage=cov, density=density, caveats=shown_caveats, peers=peers,
                      comparisons=comparisons, unit=unit, top_themes=top_themes, top_theme=top_theme,
                      n_tasks=len(tasks),
                      n_agencies=int(a.loc[~collective, "agency"].nunique()) if len(a) else 0,
                      n_collectives=int(a.loc[collective, "agency"].nunique()) if len(a) else 0)


def _successor_name(agency: str, provinces: Iterable[str], lang: str) -> str:
    """An agency's name with its 2026 successor as the lineage of its plans' provinces has it (province rows first):
    one label when every province gives the same one, else the printed name and a note that it differs."""
    shown = {with_successor([agency], lang, p)[agency] for p in provinces} or {with_successor([agency], lang)[agency]}
    if len(shown) == 1:
        return shown.pop()
    return labels(lang, "brief")["successor_varies"].format(name=agency)


#: Plans of one peer group compared pair by pair in the brief at most (a larger group's pairs are too many to read;
#: its plans' coverage is in the Themes report). Lists in a sentence show at most MAX_LISTED plans.
MAX_PAIRWISE = 4
MAX_LISTED = 12


def _listed(items: list[str], T: Mapping[str, str]) -> str:
    """Items joined for a sentence; beyond :data:`MAX_LISTED`, the first ones and how many more."""
    if len(items) <= MAX_LISTED:
        return "; ".join(items)
    return "; ".join(items[:MAX_LISTED]) + "; " + T["and_more"].format(n=len(items) - MAX_LISTED)


def _by_plan(df: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The rows of each plan (one pass over the table, not one per plan)."""
    if not len(df):
        return {}
    return {str(k): g for k, g in df.groupby(df["plan_id"].astype(object), sort=False)}


def _plan_density(corpus: Corpus, a: pd.DataFrame, summary: pd.DataFrame) -> pd.DataFrame:
    """Each plan's co-assignment network: nodes, edges and density (one plan per network, never a pool)."""
    rows = []
    of_plan = _by_plan(a)
    for r in summary.itertuples(index=False):
        own = of_plan.get(r.plan_id, a.iloc[:0])
        g = coassignment_graph(own, task_kinds=None) if len(own) else nx.Graph()
        fig = graph_summary(g)
        rows.append({"plan_id": r.plan_id, "plan": r.plan, "province": r.province, "year": r.year, "kind": r.kind,
                     "level": r.level, "peer": r.peer, "nodes": fig["nodes"], "edges": fig["edges"],
                     "density": fig["density"], "mark": r.mark})
    out = pd.DataFrame(rows, columns=["plan_id", "plan", "province", "year", "kind", "level", "peer", "nodes", "edges",
                                      "density", "mark"])
    return out.sort_values(["density", "plan"], ascending=[False, True], kind="stable").reset_index(drop=True)


def _years(values: Iterable[Any]) -> str:
    return ", ".join(str(int(y)) for y in sorted({int(y) for y in values if y is not None and y == y}))


def _basis(T: Mapping[str, str], plans: pd.DataFrame, func: str) -> str:
    """What a sentence rests on: "(n kế hoạch, năm …; brief.brief_facts)"."""
    return T["basis"].format(n=len(plans), years=_years(plans["year"]), func=func)


def _peer_name(peer: tuple[str, str, int], L: Mapping[str, str]) -> str:
    kind, level, year = peer
    return L["peer"].format(kind=L.get(f"kind_{kind}", kind), level=L.get(f"level_{level}", level), year=year)


def brief_sentences(facts: BriefFacts, lang: str = "vi") -> dict[str, Sentence | Sentences]:
    """The brief's sentences, each naming what it rests on and the function that computes it.

    Keys: ``intro``, ``unit``, ``caveats`` (the plans with a caveat, listed before any figure), ``tasks`` and
    ``agencies`` (plans compared only within a group of one kind, level and year; the others listed without a
    comparison), ``lead``, ``themes_top`` (one plan's highest share, with its interval), ``themes`` (comparisons
    of plans of one group: a difference is said only when Fisher's test after Holm's adjustment holds, otherwise
    that the data cannot tell), ``density`` (per group). A sentence whose table is empty is left out.

    Parameters
    ----------
    facts : BriefFacts
    lang : {"vi", "en"}, default "vi"

    Returns
    -------
    dict of str to Sentence or Sentences

    Examples
    --------
    >>> from ttdn_analysis import load_corpus
    >>> brief_sentences(brief_facts(load_corpus([], cache=False)), "en")
    {}
    """
    T, L = labels(check_lang(lang), "brief"), labels(lang, "caveats")
    s = facts.summary
    out: dict[str, Sentence | Sentences] = {}
    if not len(s):
        return {}
    out["intro"] = Sentence(T["intro"], {
        "n_plans": len(s), "n_prov": s["province"].nunique(),
        "provs": ", ".join(sorted(s["province"].dropna().astype(str).unique())), "years": _years(s["year"]),
        "n_tasks": facts.n_tasks, "n_agencies": facts.n_agencies, "n_coll": facts.n_collectives})
    out["unit"] = Sentence(T["unit"], {"n_blocks": int(s["duty_blocks"].sum())})
    if len(facts.caveats):
        items = []
        for r in facts.caveats.itertuples(index=False):
            why = "; ".join(L[k].format(n=n) for k, n in zip(r.caveats, r.counts))
            items.append(Sentence(T["caveat"], {"mark": r.mark, "plan": r.plan, "why": why}))
        out["caveats"] = Sentences(items)
    grouped = {pid: peer for peer, ids in facts.peers.items() for pid in ids}
    alone = s[~s["plan_id"].isin(list(grouped))]
    task_items, agency_items, density_items = [], [], []
    many: list[Sentence] = []
    for peer, ids in facts.peers.items():
        g = s[s["plan_id"].isin(ids)]
        name = _peer_name(peer, L)
        basis = _basis(T, g, "report.brief.brief_facts")
        by = g.sort_values(["tasks", "plan"], ascending=[False, True], kind="stable")
        task_items.append(Sentence(T["tasks"], {"group": name, "top": by.iloc[0].plan, "top_n": by.iloc[0].tasks,
                                                "low": by.iloc[-1].plan, "low_n": by.iloc[-1].tasks,
                                                "basis": basis}))
        by = g.sort_values(["agencies", "plan"], ascending=[False, True], kind="stable")
        agency_items.append(Sentence(T["agencies"], {
            "group": name, "top": by.iloc[0].plan, "top_n": by.iloc[0].agencies, "top_c": by.iloc[0].collectives,
            "low": by.iloc[-1].plan, "low_n": by.iloc[-1].agencies, "low_c": by.iloc[-1].collectives,
            "basis": basis}))
        d = facts.density[facts.density["plan_id"].isin(ids)]
        shown = [f"{r.plan}: {number(r.density, lang)} ({r.nodes} {T['nodes']})" for r in d.itertuples(index=False)]
        density_items.append(Sentence(T["density"], {
            "group": name, "values": _listed(shown, T), "basis": _basis(T, d, "analysis.networks.graph_summary")}))
        if len(ids) > MAX_PAIRWISE:
            many.append(Sentence(T["too_many_pairs"], {"group": name, "n": len(ids), "basis": basis}))
    if len(alone):
        listed = _listed([f"{r.plan}: {r.tasks} {T['tasks_word']}, {r.agencies} {T['agencies_word']}"
                          + (f" + {r.collectives} {T['collectives_word']}" if r.collectives else "")
                          for r in alone.sort_values("plan", kind="stable").itertuples(index=False)], T)
        task_items.append(Sentence(T["alone"], {"plans": listed,
                                                "basis": _basis(T, alone, "report.brief.brief_facts")}))
    out["tasks"] = Sentences(task_items)
    if agency_items:
        out["agencies"] = Sentences(agency_items)
    if len(facts.top_leads):
        first = facts.top_leads.iloc[0]
        out["lead"] = Sentence(T["lead"], {"agency": first["name"], "n": first.tasks, "k": first.plans,
                                           "basis": _basis(T, s, "report.brief.brief_facts")})
    top_items = []
    for peer, tt in facts.top_themes.items():
        row = s[s["plan_id"] == tt["plan_id"]]
        top_items.append(Sentence(T["in_group"] + " " + T["themes_top"], {
            "group": _peer_name(peer, L), "theme": theme_labels(lang).get(tt["theme"], tt["theme"]),
            "plan": row.iloc[0].plan, "with": tt["with"], "n": tt["n"], "share": percent(tt["share"], lang),
            "low": percent(tt["ci_low"], lang), "high": percent(tt["ci_high"], lang),
            "basis": _basis(T, s[s["plan_id"].isin(facts.peers[peer])], "analysis.coverage_stats.coverage_stats")}))
    if top_items:
        out["themes_top"] = top_items[0] if len(top_items) == 1 else Sentences(top_items)
    if facts.comparisons:
        items = []
        for (pa, pb), table in facts.comparisons.items():
            na, nb = s.set_index("plan_id").loc[pa], s.set_index("plan_id").loc[pb]
            both = s[s["plan_id"].isin([pa, pb])]
            basis = _basis(T, both, "analysis.coverage_stats.compare_coverage")
            held = table[table["distinguishable"]]
            for text in describe_comparison(held, lang, names=(na.plan, nb.plan)) if len(held) else []:
                items.append(Sentence("{text} {basis}", {"text": text, "basis": basis}))
            if len(held) < len(table):
                rest = table[~table["distinguishable"]]
                items.append(Sentence(T["cannot_tell"], {
                    "a": na.plan, "b": nb.plan, "n_a": int(table["n_a"].iloc[0]), "n_b": int(table["n_b"].iloc[0]),
                    "themes": ", ".join(theme_labels(lang).get(t, t) for t in rest["theme"]), "basis": basis}))
        out["themes"] = Sentences(items + many)
    elif many:
        out["themes"] = Sentences(many)
    elif len(s) > 1:
        out["themes"] = Sentence(T["themes_none"])
    if density_items:
        out["density"] = Sentences(density_items)
    return out


def caveat_note(facts: BriefFacts, plans: Iterable[str] | None = None, lang: str = "vi") -> Sentence | None:
    """The footnote under a chart or table: the marks of the plans it shows that carry a caveat.

    Parameters
    ----------
    facts : BriefFacts
    plans : iterable of str, optional
        plan_ids the chart shows; default every plan.
    lang : {"vi", "en"}, default "vi"

    Returns
    -------
    Sentence or None
        None when no plan shown has a caveat.

    Examples
    --------
    >>> from ttdn_analysis import load_corpus
    >>> caveat_note(brief_facts(load_corpus([], cache=False))) is None
    True
    """
    T, L = labels(check_lang(lang), "brief"), labels(lang, "caveats")
    shown = set(facts.summary["plan_id"]) if plans is None else set(plans)
    c = facts.caveats[facts.caveats["plan_id"].isin(list(shown))]
    if not len(c):
        return None
    parts = ["{} {}: {}".format(r.mark, r.plan, "; ".join(L[k].format(n=n) for k, n in zip(r.caveats, r.counts)))
             for r in c.itertuples(index=False)]
    return Sentence(T["footnote"], {"notes": " · ".join(parts)})


def plan_changes(corpus: Corpus) -> pd.DataFrame:
    """What changed between each province's consecutive plans of the same kind, level and issuer.

    Lead agencies are compared by the agency that carries their work in 2026 (:data:`SUCCESSOR_DATE`), so a
    renamed or merged agency is not counted as a new lead. Tasks and assignments are those of the plan's task list
    (:data:`~ttdn_analysis.schema.COMPARABLE_TASK_KINDS`), as everywhere in the brief.

    Parameters
    ----------
    corpus : Corpus

    Returns
    -------
    DataFrame
        One row per pair of plans, sorted by province and year: ``province``, ``kind``, ``level``, ``issuer``,
        ``plan_a``, ``plan_b``, ``year_a``, ``year_b``, ``tasks_a``, ``tasks_b``, ``agencies_a``, ``agencies_b``,
        ``leads_added`` and ``leads_dropped`` (sorted lists of agency names as printed in the plan that has them).

    Examples
    --------
    >>> from ttdn_analysis import load_corpus
    >>> plan_changes(load_corpus([], cache=False)).columns.tolist()[:4]
    ['province', 'kind', 'level', 'issuer']
    """
    keys = ["province", "kind", "level", "issuer"]
    columns = [*keys, "plan_a", "plan_b", "year_a", "year_b", "tasks_a", "tasks_b", "agencies_a", "agencies_b",
               "leads_added", "leads_dropped"]
    plans = corpus.plans.dropna(subset=["province", "year"]).astype(dict.fromkeys(keys, object))
    plans = plans.sort_values([*keys, "year", "plan_id"], kind="stable", na_position="last")
    a = corpus.assignments
    a = a[task_kinds_of(a).isin(COMPARABLE_TASK_KINDS).to_numpy()] if len(a) else a
    tasks = corpus.tasks[task_kinds_of(corpus.tasks).isin(COMPARABLE_TASK_KINDS).to_numpy()]
    leads = a[(a["role"] == "lead") & ~a["is_collective"].astype(bool)]
    # each plan's counts and leads taken in one pass over the tables (not one scan per pair)
    n_tasks = tasks["plan_id"].astype(object).value_counts().to_dict() if len(tasks) else {}
    n_agencies = a.groupby(a["plan_id"].astype(object))["agency"].nunique().to_dict() if len(a) else {}
    lead_of = {p: g["agency"].tolist() for p, g in _by_plan(leads).items()}
    rows = []
    for key, group in plans.groupby(keys, sort=True, dropna=False):
        ids, years = group["plan_id"].tolist(), [int(y) for y in group["year"]]
        for i in range(1, len(ids)):
            if years[i] != years[i - 1] + 1:
                continue
            pa, pb = ids[i - 1], ids[i]
            la, lb = lead_of.get(str(pa), []), lead_of.get(str(pb), [])
            succ = _successors([*la, *lb], str(key[0]))
            now_a = {succ[x][0]: x for x in sorted(set(la))}
            now_b = {succ[x][0]: x for x in sorted(set(lb))}
            rows.append({
                **dict(zip(keys, key)), "plan_a": pa, "plan_b": pb, "year_a": years[i - 1], "year_b": years[i],
                "tasks_a": int(n_tasks.get(pa, 0)), "tasks_b": int(n_tasks.get(pb, 0)),
                "agencies_a": int(n_agencies.get(pa, 0)), "agencies_b": int(n_agencies.get(pb, 0)),
                "leads_added": sorted(now_b[k] for k in set(now_b) - set(now_a)),
                "leads_dropped": sorted(now_a[k] for k in set(now_a) - set(now_b)),
            })
    return pd.DataFrame(rows, columns=columns)


def theme_changes(corpus: Corpus, changes: pd.DataFrame, n_boot: int = 2000) -> dict[tuple[str, str], pd.DataFrame]:
    """The core themes' shares of tasks in both plans of every pair of :func:`plan_changes`, compared.

    Parameters
    ----------
    corpus : Corpus
    changes : DataFrame
        :func:`plan_changes`.
    n_boot : int, default 2000
        Bootstrap replicates of the interval of each difference.

    Returns
    -------
    dict
        (plan_a, plan_b) -> :func:`~ttdn_analysis.analysis.coverage_stats.compare_coverage` of the two plans:
        shares, the difference with its 95% interval, Fisher's exact test and whether the difference is
        distinguishable from noise after Holm's adjustment.

    Examples
    --------
    >>> from ttdn_analysis import load_corpus
    >>> c = load_corpus([], cache=False)
    >>> theme_changes(c, plan_changes(c))
    {}
    """
    core = list(load_codebook().core_keys)
    return {(r.plan_a, r.plan_b): compare_coverage(corpus, {"plan_id": r.plan_a}, {"plan_id": r.plan_b},
                                                   themes=core, n_boot=n_boot)
            for r in shown_changes(changes).itertuples(index=False)}


#: Pairs of consecutive plans the brief describes: the latest ones (by the later plan's year); one sentence says
#: how many more there are.
MAX_CHANGES = 12


def shown_changes(changes: pd.DataFrame) -> pd.DataFrame:
    """The pairs of :func:`plan_changes` that the brief describes: all of them up to :data:`MAX_CHANGES`, else the
    latest (by the later plan's year, then province), in the order of *changes*.

    Examples
    --------
    >>> ch = pd.DataFrame({"province": ["A"] * 20, "year_b": list(range(2001, 2021))})
    >>> shown_changes(ch)["year_b"].tolist() == list(range(2009, 2021))
    True
    """
    if len(changes) <= MAX_CHANGES:
        return changes
    latest = changes.assign(_pos=np.arange(len(changes))).sort_values(
        ["year_b", "province", "_pos"], ascending=[False, True, True], kind="stable").head(MAX_CHANGES)
    return changes.iloc[np.sort(latest["_pos"].to_numpy())]


def change_sentences(changes: pd.DataFrame, themes: Mapping[tuple[str, str], pd.DataFrame],
                     lang: str = "vi") -> list[Sentences]:
    """For each pair of consecutive plans, the sentences saying what changed.

    Parameters
    ----------
    changes : DataFrame
        :func:`plan_changes`.
    themes : mapping
        :func:`theme_changes`.
    lang : {"vi", "en"}, default "vi"

    Returns
    -------
    list of Sentences
        One list per pair of :func:`shown_changes`: tasks and agencies, new and dropped leads (with their 2026
        names), then one sentence per core theme from
        :func:`~ttdn_analysis.analysis.coverage_stats.describe_comparison` (the shares, the interval of the
        difference and whether it is distinguishable from noise); then, when there are more pairs than
        :data:`MAX_CHANGES`, one sentence saying how many are not described.

    Examples
    --------
    >>> ch = pd.DataFrame([{"province": "X", "plan_a": "a", "plan_b": "b", "year_a": 2024, "year_b": 2025,
    ...                     "tasks_a": 10, "tasks_b": 12, "agencies_a": 5, "agencies_b": 5,
    ...                     "leads_added": ["Sở <A>"], "leads_dropped": []}])
    >>> [s.html() for s in change_sentences(ch, {}, "en")[0].items]  # doctest: +NORMALIZE_WHITESPACE
    ['<strong>X</strong>, plan 2024 → 2025: 10 → 12 tasks (+2); 5 → 5 agencies assigned.',
     'New lead agencies: Sở &lt;A&gt;.']
    """
    T = labels(check_lang(lang), "changes")
    out = []
    described = shown_changes(changes)
    for r in described.itertuples(index=False):
        items = [Sentence(T["pair"], {"province": r.province, "year_a": r.year_a, "year_b": r.year_b,
                                      "tasks_a": r.tasks_a, "tasks_b": r.tasks_b,
                                      "delta": f"{r.tasks_b - r.tasks_a:+d}", "agencies_a": r.agencies_a,
                                      "agencies_b": r.agencies_b})]
        for names, key in ((r.leads_added, "leads_added"), (r.leads_dropped, "leads_dropped")):
            if names:
                shown = with_successor(names, lang, r.province)
                items.append(Sentence(T[key], {"agencies": "; ".join(shown[x] for x in names)}))
        if not r.leads_added and not r.leads_dropped:
            items.append(Sentence(T["leads_same"]))
        table = themes.get((r.plan_a, r.plan_b))
        if table is not None and len(table):
            said = describe_comparison(table, lang, names=(str(r.year_a), str(r.year_b)))
            items += [Sentence("{text}", {"text": text}) for text in said]
        out.append(Sentences(items))
    if len(described) < len(changes):
        out.append(Sentences([Sentence(T["more"], {"shown": len(described), "n": len(changes) - len(described),
                                                   "year": int(described["year_b"].min())})]))
    return out


def headline(corpus: Corpus, lang: str = "vi", facts: BriefFacts | None = None
             ) -> tuple[list[tuple[str, str]], list[Sentence]]:
    """The headline figures and sentences of the index page.

    Parameters
    ----------
    corpus : Corpus
    lang : {"vi", "en"}, default "vi"
    facts : BriefFacts, optional
        :func:`brief_facts` of the corpus, when already computed.

    Returns
    -------
    (list of (str, str), list of Sentence)
        (label, value) pairs in plain text (plans, provinces, years, tasks, assignments, agencies, problems by
        severity), and the brief's sentences on the top lead agency and the highest share of a core theme in one
        plan (with its interval and its plan's caveat mark).

    Examples
    --------
    >>> from ttdn_analysis import load_corpus
    >>> rows, sentences = headline(load_corpus([], cache=False), "en")
    >>> rows[:2], sentences
    ([('Plans', '0'), ('Province', '')], [])
    """
    L = labels(check_lang(lang))
    p = corpus.plans
    counts = corpus.problems["severity"].value_counts()
    rows = [
        (L["n_plans"], str(len(p))),
        (L["province"], ", ".join(sorted(p["province"].dropna().astype(str).unique()))),
        (L["year"], ", ".join(str(y) for y in sorted(p["year"].dropna().unique()))),
        (L["tasks"], str(len(corpus.tasks))),
        (L["assignments"], str(len(corpus.assignments))),
        (L["distinct_agencies"], str(corpus.assignments["agency"].nunique())),
        (L["problems"], ", ".join(f"{L['severity_' + k]}: {counts[k]}" for k in ("error", "warning", "info")
                                  if k in counts) or "0"),
    ]
    if not len(p):
        return rows, []
    sentences = brief_sentences(facts or brief_facts(corpus, lang), lang)
    said = [sentences.get(k) for k in ("lead", "themes_top")]
    return rows, [x.items[0] if isinstance(x, Sentences) else x for x in said
                  if isinstance(x, Sentence) or (isinstance(x, Sentences) and len(x))]
