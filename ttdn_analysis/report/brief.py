"""The facts behind the reports' sentences: rankings, the networks' reading, what changed between plans.

Each function returns data (tables, or :class:`Sentence` objects: a template from ``labels.toml`` and display-ready
values); the notebooks only display them. Values are filled in as escaped text (:func:`~ttdn_analysis.plotting.fill`),
so a sentence stays inert whatever a plan, a manifest or a file name says.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import pandas as pd

from ttdn_analysis.analysis.coverage import coverage
from ttdn_analysis.analysis.coverage_stats import compare_coverage, describe_comparison
from ttdn_analysis.analysis.networks import coassignment_graph, graph_summary, lead_support_graph
from ttdn_analysis.corpus import Corpus
from ttdn_analysis.plotting.labels import check_lang, labels, plan_labels, theme_labels
from ttdn_analysis.plotting.notebook import fill, number, percent
from ttdn_analysis.registry.agencies import harmonize
from ttdn_analysis.registry.codebook import load_codebook
from ttdn_analysis.registry.lineage import name_on

__all__ = ["Sentence", "Sentences", "SUCCESSOR_DATE", "with_successor", "successor_notes", "province_networks",
           "network_summary", "network_reading", "BriefFacts", "brief_facts", "brief_sentences", "plan_changes",
           "theme_changes", "change_sentences", "headline"]

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

    def _repr_html_(self) -> str:
        return "<ul>" + "".join(f"<li>{s.html()}</li>" for s in self.items) + "</ul>"

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


def network_summary(graphs: Mapping[str, nx.Graph]) -> pd.DataFrame:
    """One row of :func:`~ttdn_analysis.analysis.networks.graph_summary` figures per province.

    Parameters
    ----------
    graphs : mapping
        province -> graph.

    Returns
    -------
    DataFrame
        province, nodes, edges, total_weight, density, components, largest_component_share, communities,
        modularity.

    Examples
    --------
    >>> network_summary({"X": nx.Graph([("A", "B")])})[["province", "nodes", "edges", "density"]].values.tolist()
    [['X', 2, 1, 1.0]]
    """
    return pd.DataFrame([{"province": p, **graph_summary(g)} for p, g in graphs.items()], columns=_SUMMARY_COLUMNS)


def network_reading(summary: pd.DataFrame, centrality: Mapping[str, pd.DataFrame], comparison: pd.DataFrame,
                    absent: pd.DataFrame, lang: str = "vi") -> Sentences:
    """What differs between the provinces' networks, one sentence per fact (report 02).

    Parameters
    ----------
    summary : DataFrame
        :func:`network_summary`.
    centrality : mapping
        province -> :func:`~ttdn_analysis.analysis.networks.centrality_table` (most central first).
    comparison : DataFrame
        :func:`~ttdn_analysis.analysis.networks.compare_graphs` of the provinces' graphs.
    absent : DataFrame
        :func:`~ttdn_analysis.analysis.networks.central_absent`.
    lang : {"vi", "en"}, default "vi"

    Returns
    -------
    Sentences
        Largest and smallest network, densest and sparsest (with two provinces or more), the most central agency
        of each province (with its 2026 successor), the most and least similar pair and the number of central
        agencies absent elsewhere. Ties are broken by name, so the text is the same on every run.

    Examples
    --------
    >>> s = pd.DataFrame({"province": ["A", "B"], "nodes": [5, 3], "edges": [4, 2], "density": [0.4, 0.67]})
    >>> network_reading(s, {}, pd.DataFrame(), pd.DataFrame(), "en").items[0].html()[:70]
    '<strong>A</strong> has the largest network: 5 agencies, 4 links; the s'

    """
    T = labels(check_lang(lang), "reading")
    out: list[Sentence] = []
    if len(summary) > 1:
        by_size = summary.sort_values(["nodes", "edges", "province"], ascending=[False, False, True], kind="stable")
        big, small = by_size.iloc[0], by_size.iloc[-1]
        by_density = summary.sort_values(["density", "province"], ascending=[False, True], kind="stable")
        dense, sparse = by_density.iloc[0], by_density.iloc[-1]
        out.append(Sentence(T["size"], {"big": big.province, "big_n": big.nodes, "big_m": big.edges,
                                        "small": small.province, "small_n": small.nodes, "small_m": small.edges}))
        out.append(Sentence(T["density"], {"dense": dense.province, "dense_d": number(dense.density, lang),
                                           "sparse": sparse.province, "sparse_d": number(sparse.density, lang)}))
    tops = {p: str(t["agency"].iloc[0]) for p, t in centrality.items() if len(t)}
    if tops:
        shown = {p: with_successor([a], lang, p)[a] for p, a in tops.items()}
        out.append(Sentence(T["central"], {"central": "; ".join(f"{p}: {a}" for p, a in shown.items())}))
    if len(comparison):
        by_jac = comparison.sort_values(["node_jaccard", "label_a", "label_b"], ascending=[False, True, True],
                                        kind="stable")
        best, worst = by_jac.iloc[0], by_jac.iloc[-1]
        out.append(Sentence(T["pair"], {"pa": best.label_a, "pb": best.label_b, "shared": best.shared_nodes,
                                        "jac": number(best.node_jaccard, lang), "qa": worst.label_a,
                                        "qb": worst.label_b, "jac2": number(worst.node_jaccard, lang)}))
        out.append(Sentence(T["absent"], {"n_absent": len(absent)}))
    return Sentences(out)


@dataclass
class BriefFacts:
    """The tables behind the leadership brief (report 04), each sorted as it is shown."""

    #: one row per plan (:meth:`Corpus.summary`) with a readable ``plan`` name
    summary: pd.DataFrame
    #: plans by tasks, most first (ties by name)
    by_tasks: pd.DataFrame
    #: plans by agencies assigned, most first
    by_agencies: pd.DataFrame
    #: the ten agencies leading the most tasks (collectives left out): agency, tasks, plans
    top_leads: pd.DataFrame
    #: share of tasks per theme (columns: theme labels) by plan (rows: plan names), so no plans of different
    #: kinds are pooled
    coverage: pd.DataFrame
    #: network density per province, densest first
    density: pd.DataFrame
    n_tasks: int = 0
    n_agencies: int = 0


def brief_facts(corpus: Corpus, lang: str = "vi") -> BriefFacts:
    """The tables behind the leadership brief.

    Parameters
    ----------
    corpus : Corpus
    lang : {"vi", "en"}, default "vi"
        Language of the theme labels (columns of ``coverage``).

    Returns
    -------
    BriefFacts

    Examples
    --------
    >>> from ttdn_analysis import load_corpus
    >>> f = brief_facts(load_corpus([], cache=False))
    >>> len(f.summary), len(f.top_leads), f.n_tasks
    (0, 0, 0)
    """
    summary = corpus.summary()
    summary["plan"] = summary["plan_id"].map(plan_labels(corpus.plans)).astype(object)
    by_tasks = summary.sort_values(["tasks", "plan"], ascending=[False, True], kind="stable").reset_index(drop=True)
    by_agencies = summary.sort_values(["agencies", "plan"], ascending=[False, True], kind="stable")
    a = corpus.assignments
    leads = a[(a["role"] == "lead") & ~a["is_collective"].astype(bool)]
    top = (leads.groupby("agency").agg(tasks=("task_id", "nunique"), plans=("plan_id", "nunique")).reset_index()
           .sort_values(["tasks", "plans", "agency"], ascending=[False, False, True], kind="stable").head(10)
           .reset_index(drop=True))
    names = plan_labels(corpus.plans)
    cov = (coverage(corpus, by="plan_id", measure="task_share").rename(columns=theme_labels(lang),
                                                                        index=names)
           if len(corpus.task_themes) else pd.DataFrame())
    co, _ = province_networks(corpus)
    density = network_summary(co)[["province", "density"]]
    density = density.sort_values(["density", "province"], ascending=[False, True], kind="stable")
    return BriefFacts(summary=summary, by_tasks=by_tasks, by_agencies=by_agencies.reset_index(drop=True),
                      top_leads=top, coverage=cov, density=density.reset_index(drop=True),
                      n_tasks=len(corpus.tasks), n_agencies=int(a["agency"].nunique()))


def brief_sentences(facts: BriefFacts, lang: str = "vi") -> dict[str, Sentence]:
    """The brief's sentences: ``intro``, ``tasks``, ``agencies``, ``lead``, ``themes``, ``density``.

    A sentence whose table is empty is left out; with one plan (or one province) the one-item forms are used.

    Parameters
    ----------
    facts : BriefFacts
    lang : {"vi", "en"}, default "vi"

    Returns
    -------
    dict of str to Sentence

    Examples
    --------
    >>> from ttdn_analysis import load_corpus
    >>> brief_sentences(brief_facts(load_corpus([], cache=False)), "en")
    {}
    """
    T = labels(check_lang(lang), "brief")
    s, out = facts.summary, {}
    if len(s):
        out["intro"] = Sentence(T["intro"], {
            "n_plans": len(s), "n_prov": s["province"].nunique(),
            "provs": ", ".join(sorted(s["province"].dropna().unique())),
            "years": ", ".join(str(y) for y in sorted(s["year"].dropna().unique())),
            "n_tasks": facts.n_tasks, "n_agencies": facts.n_agencies})
        top, low = facts.by_tasks.iloc[0], facts.by_tasks.iloc[-1]
        out["tasks"] = Sentence(T["tasks"] if len(s) > 1 else T["tasks_one"],
                                {"top": top.plan, "top_n": top.tasks, "low": low.plan, "low_n": low.tasks})
        top = facts.by_agencies.iloc[0]
        out["agencies"] = Sentence(T["agencies"] if len(s) > 1 else T["agencies_one"],
                                   {"avg": number(s["agencies"].mean(), lang, 0), "top": top.plan,
                                    "top_n": top.agencies})
    if len(facts.top_leads):
        first = facts.top_leads.iloc[0]
        out["lead"] = Sentence(T["lead"], {"agency": with_successor([first.agency], lang)[first.agency],
                                           "n": first.tasks, "k": first.plans})
    if len(facts.coverage) and len(facts.coverage.columns):
        cells = facts.coverage.rename_axis(index="plan", columns="theme").stack().rename("share").reset_index()
        best = cells.sort_values("share", ascending=False, kind="stable").iloc[0]
        out["themes"] = Sentence(T["themes"], {"theme": best["theme"], "share": percent(best["share"], lang),
                                               "group": best["plan"]})
    if len(facts.density):
        dense, sparse = facts.density.iloc[0], facts.density.iloc[-1]
        out["density"] = Sentence(T["density"] if len(facts.density) > 1 else T["density_one"],
                                  {"dense": dense.province, "dense_d": number(dense.density, lang),
                                   "sparse": sparse.province, "sparse_d": number(sparse.density, lang)})
    return out


def plan_changes(corpus: Corpus) -> pd.DataFrame:
    """What changed between each province's consecutive plans of the same kind, level and issuer.

    Lead agencies are compared by the agency that carries their work in 2026 (:data:`SUCCESSOR_DATE`), so a
    renamed or merged agency is not counted as a new lead.

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
    leads = a[(a["role"] == "lead") & ~a["is_collective"].astype(bool)]
    rows = []
    for key, group in plans.groupby(keys, sort=True, dropna=False):
        ids, years = group["plan_id"].tolist(), [int(y) for y in group["year"]]
        for i in range(1, len(ids)):
            if years[i] != years[i - 1] + 1:
                continue
            pa, pb = ids[i - 1], ids[i]
            la, lb = leads[leads["plan_id"] == pa]["agency"], leads[leads["plan_id"] == pb]["agency"]
            succ = _successors([*la, *lb], str(key[0]))
            now_a = {succ[x][0]: x for x in sorted(set(la))}
            now_b = {succ[x][0]: x for x in sorted(set(lb))}
            rows.append({
                **dict(zip(keys, key)), "plan_a": pa, "plan_b": pb, "year_a": years[i - 1], "year_b": years[i],
                "tasks_a": int((corpus.tasks["plan_id"] == pa).sum()),
                "tasks_b": int((corpus.tasks["plan_id"] == pb).sum()),
                "agencies_a": int(a[a["plan_id"] == pa]["agency"].nunique()),
                "agencies_b": int(a[a["plan_id"] == pb]["agency"].nunique()),
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
            for r in changes.itertuples(index=False)}


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
        One list per pair: tasks and agencies, new and dropped leads (with their 2026 names), then one sentence
        per core theme from :func:`~ttdn_analysis.analysis.coverage_stats.describe_comparison` (the shares, the
        interval of the difference and whether it is distinguishable from noise).

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
    for r in changes.itertuples(index=False):
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
        severity), and the brief's sentences on the top lead agency, the most covered theme and density.

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
    return rows, [sentences[k] for k in ("lead", "themes", "density") if k in sentences]
