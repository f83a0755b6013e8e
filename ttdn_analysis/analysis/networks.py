"""Agency networks: bipartite, co-assignment and lead → support graphs, their metrics and comparison."""
from __future__ import annotations

import math
import numbers
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from itertools import combinations
from typing import Any, Literal

import networkx as nx
import numpy as np
import pandas as pd
from scipy import stats

from ttdn_analysis.analysis.names import unknown_name
from ttdn_analysis.registry.agencies import harmonize
from ttdn_analysis.registry.provinces import canonical_province
from ttdn_analysis.schema import COMPARABLE_TASK_KINDS, TASK_KINDS, task_kinds_of

__all__ = ["REQUIRED_ASSIGNMENT_COLUMNS", "REQUIRED_TASK_COLUMNS", "bipartite_graph", "coassignment_graph",
           "lead_support_graph", "slice_assignments", "harmonized", "merged_nodes", "centrality_table",
           "graph_summary", "compare_graphs", "central_absent"]

#: Columns every ``assignments`` frame must carry; the others of the loader contract are optional here.
REQUIRED_ASSIGNMENT_COLUMNS: tuple[str, ...] = ("task_id", "agency", "role")


#: Columns a ``tasks`` frame must carry to label agencies' task lists.
REQUIRED_TASK_COLUMNS: tuple[str, ...] = ("task_id", "path", "title")


_ROLES = ("lead", "support")


_WEIGHTS = ("count", "newman", "jaccard")


def _sort_key(value: Any) -> tuple[int, Any]:
    """Total order over mixed node / task identifiers: numbers numerically, tuples by parts, the rest as text."""
    if isinstance(value, bool):
        return (1, str(value))
    if isinstance(value, numbers.Real):
        return (0, float(value))
    if isinstance(value, tuple):
        return (2, tuple(_sort_key(v) for v in value))
    return (1, str(value))


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _native(value: Any) -> Any:
    """Numpy / pandas scalars → Python scalars, missing → None."""
    if _is_missing(value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def _check_columns(frame: Any, required: Iterable[str], name: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{name} is missing required column(s) {missing}; columns present: {list(frame.columns)}"
        )


def _prepare(assignments: pd.DataFrame, include_collectives: bool) -> pd.DataFrame:
    """Validate and clean ``assignments``: defaults for optional columns, one row per (task, agency), lead first."""
    _check_columns(assignments, REQUIRED_ASSIGNMENT_COLUMNS, "assignments")
    df = assignments.copy()
    if df["task_id"].isna().any():
        raise ValueError("assignments.task_id contains missing values")
    agency = df["agency"].astype("string").str.strip()
    keep = agency.notna().to_numpy() & (agency.fillna("") != "").to_numpy()
    df = df.loc[keep].copy()
    df["agency"] = agency.to_numpy()[keep].astype(str)
    role = df["role"].astype("string").str.strip().str.lower()
    bad = sorted(set(role.dropna()) - set(_ROLES)) + (["<missing>"] if role.isna().any() else [])
    if bad:
        raise ValueError(f"assignments.role must be 'lead' or 'support'; found {bad}")
    df["role"] = role.astype(str)
    if "agency_type" not in df.columns:
        df["agency_type"] = "unknown"
    df["agency_type"] = [("unknown" if _is_missing(t) or str(t).strip() == "" else str(t)) for t in df["agency_type"]]
    if "is_collective" not in df.columns:
        df["is_collective"] = False
    df["is_collective"] = [False if _is_missing(v) else bool(v) for v in df["is_collective"]]
    if not include_collectives:
        df = df.loc[~df["is_collective"].to_numpy(dtype=bool)]
    df = df.assign(
        _task_key=[_sort_key(t) for t in df["task_id"]],
        _role_rank=(df["role"] != "lead").astype(int),
    )
    lines = df.get("line", pd.Series(None, index=df.index))
    line_key = [_sort_key(v) if not _is_missing(v) else (9, "") for v in lines]
    df = df.assign(_line_key=line_key)
    df = df.sort_values(["_task_key", "agency", "_role_rank", "_line_key"], kind="mergesort")
    df = df.drop_duplicates(["task_id", "agency"], keep="first")
    return df.drop(columns=["_task_key", "_role_rank", "_line_key"]).reset_index(drop=True)


def _memberships(df: pd.DataFrame) -> dict[Hashable, dict[str, str]]:
    """task_id → {agency: role}, tasks and agencies in sorted order."""
    out: dict[Hashable, dict[str, str]] = {}
    for task, agency, role in zip(df["task_id"], df["agency"], df["role"]):
        out.setdefault(task, {})[agency] = role
    return {t: dict(sorted(out[t].items())) for t in sorted(out, key=_sort_key)}


def _agency_attributes(df: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Per-agency node attributes: agency_type (most frequent known type), is_collective, task counts."""
    attrs: dict[str, dict[str, Any]] = {}
    for agency, sub in df.groupby("agency", sort=True):
        counts = Counter(t for t in sub["agency_type"] if t != "unknown")
        agency_type = (
            sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] if counts else "unknown"
        )
        attrs[str(agency)] = {
            "agency_type": agency_type,
            "is_collective": bool(any(sub["is_collective"])),
            "n_tasks": int(sub["task_id"].nunique()),
            "n_lead": int((sub["role"] == "lead").sum()),
            "n_support": int((sub["role"] == "support").sum()),
        }
    return attrs


def _task_labels(tasks: pd.DataFrame) -> dict[Hashable, str]:
    _check_columns(tasks, REQUIRED_TASK_COLUMNS, "tasks")
    labels: dict[Hashable, str] = {}
    for task, path, title in zip(tasks["task_id"], tasks["path"], tasks["title"]):
        parts = [str(p).strip() for p in (path, title) if not _is_missing(p) and str(p).strip()]
        labels.setdefault(task, " — ".join(parts) if parts else str(task))
    return labels


def _add_agency_nodes(
    graph: nx.Graph,
    df: pd.DataFrame,
    tasks: pd.DataFrame | None = None,
) -> dict[str, dict[str, Any]]:
    attrs = _agency_attributes(df)
    if tasks is not None:
        labels = _task_labels(tasks)
        paths = dict(zip(df["task_id"], df["path"])) if "path" in df.columns else {}
        for agency, sub in df.groupby("agency", sort=True):
            items = []
            for t in sub["task_id"]:
                fallback = paths.get(t)
                items.append(labels.get(t, str(fallback) if not _is_missing(fallback) else str(t)))
            attrs[str(agency)]["task_list"] = sorted(set(items))
    for agency in sorted(attrs):
        graph.add_node(agency, **attrs[agency])
    return attrs


def _undirected(graph: nx.Graph) -> nx.Graph:
    """Undirected view with weights of antiparallel arcs summed; sorted node/edge insertion."""
    H = nx.Graph()
    H.add_nodes_from(sorted(graph.nodes(data=True), key=lambda nd: _sort_key(nd[0])))
    acc: dict[tuple[Any, Any], float] = defaultdict(float)
    for u, v, w in graph.edges(data="weight", default=1.0):
        a, b = sorted((u, v), key=_sort_key)
        acc[(a, b)] += float(w)
    for (a, b) in sorted(acc, key=lambda e: (_sort_key(e[0]), _sort_key(e[1]))):
        H.add_edge(a, b, weight=acc[(a, b)])
    return H


def _sorted_copy(graph: nx.Graph) -> nx.Graph:
    """Same graph rebuilt with nodes and edges inserted in sorted order (layouts and Louvain depend on order)."""
    H = graph.__class__()
    H.graph.update(graph.graph)
    H.add_nodes_from(sorted(graph.nodes(data=True), key=lambda nd: _sort_key(nd[0])))
    edges = graph.edges(data=True)
    if not graph.is_directed():  # one orientation per edge, whatever order the source graph iterates in
        edges = [(u, v, d) if _sort_key(u) <= _sort_key(v) else (v, u, d) for u, v, d in edges]
    H.add_edges_from(sorted(edges, key=lambda e: (_sort_key(e[0]), _sort_key(e[1]))))
    return H


def _weighted_degree(graph: nx.Graph) -> dict[Any, float]:
    return {n: float(d) for n, d in graph.degree(weight="weight")}


def _top_nodes(graph: nx.Graph, top: int) -> list[Any]:
    wd = _weighted_degree(graph)
    return sorted(wd, key=lambda n: (-wd[n], _sort_key(n)))[:top]


def _communities(graph: nx.Graph, seed: int) -> list[list[Any]]:
    """Louvain communities of the undirected graph, ordered by size desc then smallest member."""
    H = _undirected(graph) if graph.is_directed() else _sorted_copy(graph)
    if H.number_of_nodes() == 0:
        return []
    comms = nx.community.louvain_communities(H, weight="weight", seed=seed)
    members = [sorted(c, key=_sort_key) for c in comms]
    return sorted(members, key=lambda c: (-len(c), _sort_key(c[0])))


def _eigenvector_by_component(graph: nx.Graph) -> dict[Any, float]:
    """Weighted eigenvector centrality computed in each connected component with a dense symmetric solver."""
    H = _undirected(graph) if graph.is_directed() else graph
    out: dict[Any, float] = {}
    for comp in nx.connected_components(H):
        nodes = sorted(comp, key=_sort_key)
        if len(nodes) == 1:
            out[nodes[0]] = 0.0
            continue
        A = nx.to_numpy_array(H, nodelist=nodes, weight="weight", dtype=float)
        _, vecs = np.linalg.eigh(A)
        x = np.abs(vecs[:, -1])
        x = x / np.linalg.norm(x)
        out.update({n: float(v) for n, v in zip(nodes, x)})
    return out


def bipartite_graph(assignments: pd.DataFrame, include_collectives: bool = False) -> nx.Graph:
    """Two-mode graph of tasks and the agencies assigned to them.

    Parameters
    ----------
    assignments : pandas.DataFrame
        Loader ``assignments`` table; needs ``task_id``, ``agency`` and ``role``. Optional columns
        (``plan_id``, ``path``, ``province``, ``year``, ``line``, ``agency_type``, ``is_collective``)
        become attributes when present.
    include_collectives : bool, default False
        Keep collective assignees ("các sở, ban, ngành…"). Dropped by default.

    Returns
    -------
    networkx.Graph
        Task nodes ``("task", task_id)`` with ``bipartite=0`` and ``plan_id``, ``path``, ``province``,
        ``year``; agency nodes (the agency name) with ``bipartite=1``, ``agency_type``,
        ``is_collective``, ``n_tasks``, ``n_lead``, ``n_support``. Edges carry ``role`` (``"lead"``
        wins when an agency is listed twice on one task), ``plan_id`` and ``line``.

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.DataFrame({"task_id": ["t1", "t1", "t1"], "agency": ["Sở A", "Sở B", "Sở A"],
    ...                   "role": ["support", "support", "lead"], "plan_id": "p", "line": [3, 4, 5]})
    >>> B = bipartite_graph(a)
    >>> sorted(B.nodes, key=str)
    [('task', 't1'), 'Sở A', 'Sở B']
    >>> B.edges[("task", "t1"), "Sở A"]["role"], B.edges[("task", "t1"), "Sở A"]["line"]
    ('lead', 5)

    See Also
    --------
    coassignment_graph : its one-mode projection onto agencies.
    """
    df = _prepare(assignments, include_collectives)
    B = nx.Graph(kind="bipartite", include_collectives=include_collectives)
    meta_cols = [c for c in ("plan_id", "path", "province", "year") if c in df.columns]
    task_rows = df.drop_duplicates("task_id", keep="first")
    task_meta = {
        t: {c: _native(row[c]) for c in meta_cols}
        for t, (_, row) in zip(task_rows["task_id"], task_rows.iterrows())
    }
    for task in sorted(task_meta, key=_sort_key):
        meta = {c: task_meta[task].get(c) for c in ("plan_id", "path", "province", "year")}
        B.add_node(("task", task), bipartite=0, task_id=_native(task), **meta)
    attrs = _agency_attributes(df)
    for agency in sorted(attrs):
        B.add_node(agency, bipartite=1, **attrs[agency])
    plan = df["plan_id"] if "plan_id" in df.columns else pd.Series(None, index=df.index)
    line = df["line"] if "line" in df.columns else pd.Series(None, index=df.index)
    for task, agency, role, p, ln in zip(df["task_id"], df["agency"], df["role"], plan, line):
        B.add_edge(("task", task), agency, role=role, plan_id=_native(p), line=_native(ln))
    return B


def _of_kinds(assignments: pd.DataFrame, task_kinds: Sequence[str] | None) -> pd.DataFrame:
    """The assignments of tasks of *task_kinds* (all of them for None)."""
    if task_kinds is None or not isinstance(assignments, pd.DataFrame) or not len(assignments):
        return assignments
    unknown = sorted(set(task_kinds) - set(TASK_KINDS))
    if unknown:
        raise ValueError(f"task_kinds must be among {tuple(TASK_KINDS)}, got {unknown}")
    return assignments[task_kinds_of(assignments).isin(list(task_kinds)).to_numpy()]


def coassignment_graph(
    assignments: pd.DataFrame,
    weight: Literal["count", "newman", "jaccard"] = "count",
    include_collectives: bool = False,
    tasks: pd.DataFrame | None = None,
    task_kinds: Sequence[str] | None = COMPARABLE_TASK_KINDS,
) -> nx.Graph:
    """Agency–agency graph: two agencies are linked when they are assigned to the same task.

    Parameters
    ----------
    assignments : pandas.DataFrame
        Loader ``assignments`` table; needs ``task_id``, ``agency`` and ``role``.
    weight : {"count", "newman", "jaccard"}, default "count"
        Edge ``weight``: number of shared tasks; Newman's collaboration weight
        :math:`\\sum_k 1/(n_k-1)` over shared tasks :math:`k` with :math:`n_k` agencies; or the
        Jaccard index :math:`|T(u)\\cap T(v)|/|T(u)\\cup T(v)|` of the two agencies' task sets.
    include_collectives : bool, default False
        Keep collective assignees. Dropped by default.
    tasks : pandas.DataFrame, optional
        Loader ``tasks`` table (``task_id``, ``path``, ``title``). When given, each agency node gets a
        ``task_list`` attribute of sorted ``"path — title"`` strings (used for hover text).
    task_kinds : sequence of str or None, default :data:`~ttdn_analysis.schema.COMPARABLE_TASK_KINDS`
        Which tasks link agencies (``assignments.task_kind``): by default the plan's task list (body tasks and
        appendix rows), the unit every plan has, not the agencies' duty blocks of TỔ CHỨC THỰC HIỆN, which only
        some plans write. None: every task. Recorded as the graph attribute ``task_kinds``.

    Returns
    -------
    networkx.Graph
        One node per agency (also agencies without partners) with ``agency_type``,
        ``is_collective``, ``n_tasks``, ``n_lead``, ``n_support`` (and ``task_list``); edges with
        ``weight``, ``count`` (shared tasks) and ``tasks`` (sorted shared task ids).

    Raises
    ------
    ValueError
        Unknown ``weight``, missing columns, or roles other than ``"lead"``/``"support"``.

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.DataFrame({"task_id": ["t1", "t1", "t1", "t2", "t2"],
    ...                   "agency": ["A", "B", "C", "A", "B"],
    ...                   "role": ["lead", "support", "support", "lead", "support"]})
    >>> G = coassignment_graph(a)
    >>> G.edges["A", "B"]["weight"], G.edges["A", "B"]["tasks"]
    (2, ['t1', 't2'])
    >>> coassignment_graph(a, weight="newman").edges["A", "B"]["weight"]
    1.5
    >>> round(coassignment_graph(a, weight="jaccard").edges["A", "C"]["weight"], 3)
    0.5

    Notes
    -----
    An agency listed several times on one task counts once. With ``"newman"``, :math:`n_k` counts
    the agencies kept in the graph (without collectives unless ``include_collectives``), matching
    :func:`networkx.algorithms.bipartite.collaboration_weighted_projected_graph` on
    :func:`bipartite_graph`; tasks with one agency contribute nothing. Summation uses
    :func:`math.fsum` over sorted tasks so weights do not depend on row order.

    References
    ----------
    .. [1] M. E. J. Newman, "Scientific collaboration networks. II. Shortest paths, weighted
       networks, and centrality", Phys. Rev. E 64, 016132 (2001).
    .. [2] P. Jaccard, "The distribution of the flora in the alpine zone", New Phytologist 11(2),
       37–50 (1912).

    See Also
    --------
    bipartite_graph, lead_support_graph, centrality_table
    """
    if weight not in _WEIGHTS:
        raise ValueError(f"weight must be one of {_WEIGHTS}, got {weight!r}")
    df = _prepare(_of_kinds(assignments, task_kinds), include_collectives)
    G = nx.Graph(kind="coassignment", weight=weight, include_collectives=include_collectives,
                 task_kinds=list(task_kinds) if task_kinds is not None else None)
    attrs = _add_agency_nodes(G, df, tasks)
    members = _memberships(df)
    shared: dict[tuple[str, str], list[Hashable]] = defaultdict(list)
    size: dict[Hashable, int] = {}
    for task, roles in members.items():
        size[task] = len(roles)
        for u, v in combinations(roles, 2):  # roles keys are sorted, so u < v
            shared[(u, v)].append(task)
    for (u, v) in sorted(shared):
        task_ids = sorted(shared[(u, v)], key=_sort_key)
        count = len(task_ids)
        if weight == "count":
            w: float = count
        elif weight == "newman":
            w = math.fsum(1.0 / (size[t] - 1) for t in task_ids)
        else:
            w = count / (attrs[u]["n_tasks"] + attrs[v]["n_tasks"] - count)
        G.add_edge(u, v, weight=w, count=count, tasks=[_native(t) for t in task_ids])
    return G


def lead_support_graph(assignments: pd.DataFrame, include_collectives: bool = False) -> nx.DiGraph:
    """Directed graph lead → support: who leads tasks on which others support.

    Parameters
    ----------
    assignments : pandas.DataFrame
        Loader ``assignments`` table; needs ``task_id``, ``agency`` and ``role``.
    include_collectives : bool, default False
        Keep collective assignees. Dropped by default.

    Returns
    -------
    networkx.DiGraph
        Agency nodes as in :func:`coassignment_graph`; an arc ``lead → support`` for every task on
        which the first leads and the second supports, with ``weight`` = ``count`` = number of such
        tasks and ``tasks`` = their sorted ids.

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.DataFrame({"task_id": ["t1", "t1", "t1", "t2", "t2"],
    ...                   "agency": ["A", "B", "C", "B", "C"],
    ...                   "role": ["lead", "support", "support", "lead", "support"]})
    >>> D = lead_support_graph(a)
    >>> sorted(D.edges(data="weight"))
    [('A', 'B', 1), ('A', 'C', 1), ('B', 'C', 1)]

    Notes
    -----
    Tasks with several leads give an arc from every lead to every supporting agency; co-leads are
    not linked to each other.

    See Also
    --------
    coassignment_graph : the undirected co-assignment graph.
    """
    df = _prepare(assignments, include_collectives)
    D = nx.DiGraph(kind="lead_support", include_collectives=include_collectives)
    _add_agency_nodes(D, df)
    arcs: dict[tuple[str, str], list[Hashable]] = defaultdict(list)
    for task, roles in _memberships(df).items():
        leads = [a for a, r in roles.items() if r == "lead"]
        supports = [a for a, r in roles.items() if r == "support"]
        for lead in leads:
            for sup in supports:
                arcs[(lead, sup)].append(task)
    for (u, v) in sorted(arcs):
        task_ids = sorted(arcs[(u, v)], key=_sort_key)
        D.add_edge(u, v, weight=len(task_ids), count=len(task_ids), tasks=[_native(t) for t in task_ids])
    return D


def _value_mask(series: pd.Series, value: Any) -> np.ndarray:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        return (series == value).to_numpy(dtype=bool)
    return series.isin(list(value)).to_numpy(dtype=bool)


def slice_assignments(
    assignments: pd.DataFrame,
    province: Any = None,
    year: Any = None,
    plan_id: Any = None,
    level: Any = None,
) -> pd.DataFrame:
    """Rows of ``assignments`` matching every filter given (a value or a list of values).

    Parameters
    ----------
    assignments : pandas.DataFrame
        Loader ``assignments`` table.
    province : str or iterable of str, optional
        Province name(s) in any form :func:`~ttdn_analysis.registry.provinces.canonical_province` knows: case,
        tone-mark style, accents and a "Tỉnh"/"TP." prefix do not matter (``"Dak Lak"`` = ``"Đắk Lắk"``).
    year : int or iterable, optional
        Year(s); ``"2025"`` is the same as ``2025``.
    plan_id, level : scalar or iterable, optional
        Keep rows whose column equals the value (or is in the iterable). ``None`` = no filter.

    Returns
    -------
    pandas.DataFrame
        A filtered copy with a fresh index. A known province without plans in the table gives no rows.

    Raises
    ------
    ValueError
        A filter is given for a column the frame lacks, or a province name that names no province (the message
        lists the provinces of the table).

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.DataFrame({"task_id": [1, 2, 3], "agency": "A", "role": "lead",
    ...                   "province": ["Đắk Lắk", "Gia Lai", "Đắk Lắk"], "year": [2024, 2025, 2025]})
    >>> slice_assignments(a, province="Đắk Lắk", year=[2025])["task_id"].tolist()
    [3]
    >>> slice_assignments(a, province="dak lak", year="2024")["task_id"].tolist()
    [1]
    >>> slice_assignments(a, province="Dak Lac")
    Traceback (most recent call last):
    ...
    ValueError: unknown province 'Dak Lac' in this table. Did you mean 'Đắk Lắk'? Valid: Gia Lai, Đắk Lắk

    See Also
    --------
    coassignment_graph : build a graph from the slice.
    """
    if not isinstance(assignments, pd.DataFrame):
        raise TypeError(f"assignments must be a pandas DataFrame, got {type(assignments).__name__}")
    mask = np.ones(len(assignments), dtype=bool)
    for column, value in (("province", province), ("year", year), ("plan_id", plan_id), ("level", level)):
        if value is None:
            continue
        if column not in assignments.columns:
            raise ValueError(f"cannot filter on {column!r}: assignments has no such column")
        if column == "province":
            mask &= _province_mask(assignments[column], value)
        elif column == "year":
            mask &= _value_mask(assignments[column], _years(value))
        else:
            mask &= _value_mask(assignments[column], value)
    return assignments.loc[mask].reset_index(drop=True)


def _as_values(value: Any) -> list[Any]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        return [value]
    return list(value)


def _years(value: Any) -> list[Any]:
    """Years as integers where they are written as digits ("2025" → 2025)."""
    return [int(v) if isinstance(v, str) and v.strip().isdigit() else v for v in _as_values(value)]


def _province_mask(series: pd.Series, value: Any) -> np.ndarray:
    """Rows whose province is one of *value*, both sides read by ``canonical_province``."""
    present = list(pd.unique(series.dropna()))
    canon = {p: canonical_province(str(p)) or str(p) for p in present}
    wanted = set()
    for v in _as_values(value):
        c = canonical_province(v) if isinstance(v, str) else None
        if c is None:
            raise unknown_name("province", v, sorted(set(canon.values())), "in this table")
        wanted.add(c)
    return series.map(lambda p: canon.get(p) in wanted if isinstance(p, str) else False).to_numpy(dtype=bool)


def harmonized(assignments: pd.DataFrame, on: Any = "2026-01-01") -> pd.DataFrame:
    """Replace each agency by its successor on a date (2025 mergers and renamings), for networks across years.

    Parameters
    ----------
    assignments : pandas.DataFrame
        Loader ``assignments`` table (a ``province`` column selects province-scoped crosswalk rows).
    on : str
        ISO date passed to :func:`ttdn_analysis.agencies.harmonize`. Default ``"2026-01-01"``.

    Returns
    -------
    pandas.DataFrame
        A copy whose ``agency`` holds the successor, with the printed-era name in ``agency_original`` and how
        sure the mapping is in ``lineage_status`` (``continues``, ``confirmed``, ``unconfirmed``, ``unknown``:
        an agency outside the registry keeps its name, flagged ``unknown``). ``attrs["merged_nodes"]`` maps
        each node that now stands for other names to those names; :func:`merged_nodes` gives the same as a
        table.

    Notes
    -----
    Two predecessors of one successor on the same task collapse into a single assignment in the graph
    builders (lead wins), so degree and centrality of a merged node can change for that reason alone: read
    :func:`merged_nodes` beside any comparison of harmonised networks.

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.DataFrame({"task_id": [1, 1, 2], "role": ["lead", "support", "lead"],
    ...                   "agency": ["Ban Tuyên giáo Tỉnh ủy", "Ban Dân vận Tỉnh ủy", "Sở Y tế"]})
    >>> h = harmonized(a, on="2026-01-01")
    >>> h[["agency", "lineage_status"]].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['Ban Tuyên giáo và Dân vận Tỉnh ủy', 'confirmed'], ['Ban Tuyên giáo và Dân vận Tỉnh ủy', 'confirmed'],
     ['Sở Y tế', 'continues']]
    >>> h.attrs["merged_nodes"]
    {'Ban Tuyên giáo và Dân vận Tỉnh ủy': ['Ban Dân vận Tỉnh ủy', 'Ban Tuyên giáo Tỉnh ủy']}

    See Also
    --------
    merged_nodes, coassignment_graph, compare_graphs
    """
    _check_columns(assignments, ("agency",), "assignments")
    out = harmonize(assignments.copy(), on=on)
    if not isinstance(out, pd.DataFrame) or "successor" not in out.columns:
        raise ValueError("agencies.harmonize must return a DataFrame with a 'successor' column")
    out = out.copy()
    successor = out["successor"]
    keep = successor.isna() | (successor.astype("string").str.strip().fillna("") == "")
    if "agency_original" not in out.columns:
        out["agency_original"] = out["agency"]
    out["agency"] = successor.where(~keep, out["agency"])
    out = out.drop(columns=[c for c in ("successor", "successors", "lineage_source") if c in out.columns])
    table = merged_nodes(out)
    out.attrs["merged_nodes"] = {r.agency: r.former.split("; ") for r in table.itertuples() if r.n_former > 1}
    return out


def merged_nodes(harmonized_assignments: pd.DataFrame) -> pd.DataFrame:
    """The nodes of a harmonised network that stand for another name, or for several.

    Parameters
    ----------
    harmonized_assignments : pandas.DataFrame
        The output of :func:`harmonized` (columns ``agency``, ``agency_original``, optionally
        ``lineage_status``).

    Returns
    -------
    pandas.DataFrame
        One row per relabelled node, sorted by agency: ``agency`` (the node), ``former`` (the printed names it
        stands for, "; "-joined, sorted), ``n_former``, ``change`` (``"merged"`` when it stands for two or more
        names, ``"renamed"`` for one other name) and ``lineage_status`` (the statuses of its rows, "; "-joined).

    Examples
    --------
    >>> import pandas as pd
    >>> h = harmonized(pd.DataFrame({"task_id": [1, 2], "role": "lead",
    ...                              "agency": ["Sở Kế hoạch và Đầu tư", "Sở Tài chính"]}))
    >>> merged_nodes(h)[["agency", "former", "change"]].values.tolist()
    [['Sở Tài chính', 'Sở Kế hoạch và Đầu tư; Sở Tài chính', 'merged']]
    """
    _check_columns(harmonized_assignments, ("agency", "agency_original"), "harmonized_assignments")
    df = harmonized_assignments
    status = df["lineage_status"] if "lineage_status" in df.columns else pd.Series("", index=df.index)
    rows = []
    for agency, sub in df.assign(_status=status).groupby("agency", sort=True):
        former = sorted({str(x) for x in sub["agency_original"] if not _is_missing(x)})
        if former == [str(agency)] or not former:
            continue
        statuses = sorted({str(x) for x in sub["_status"] if not _is_missing(x) and str(x)})
        rows.append({"agency": str(agency), "former": "; ".join(former), "n_former": len(former),
                     "change": "merged" if len(former) > 1 else "renamed", "lineage_status": "; ".join(statuses)})
    return pd.DataFrame(rows, columns=["agency", "former", "n_former", "change", "lineage_status"])


def centrality_table(graph: nx.Graph, seed: int = 42) -> pd.DataFrame:
    """One row per agency with degree, betweenness, eigenvector centrality and Louvain community.

    Parameters
    ----------
    graph : networkx.Graph
        Typically from :func:`coassignment_graph` (edge ``weight``; missing weights count as 1).
        A directed graph is accepted: degrees are in + out, betweenness follows arcs, eigenvector
        centrality and communities use the undirected graph with antiparallel weights summed.
    seed : int, default 42
        Seed for Louvain.

    Returns
    -------
    pandas.DataFrame
        Columns ``agency``, ``degree``, ``weighted_degree``, ``degree_centrality`` (degree/(n−1)),
        ``betweenness`` (normalised, shortest paths with distance = 1/weight), ``eigenvector``
        (weighted), ``community`` (0 = largest; ties by smallest member), ``n_tasks``, ``n_lead``,
        ``n_support``, ``agency_type``; sorted by weighted degree descending, then name.

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.DataFrame({"task_id": ["t1", "t1", "t2", "t2", "t3", "t3"],
    ...                   "agency": ["A", "B", "A", "C", "A", "D"], "role": "support"})
    >>> t = centrality_table(coassignment_graph(a))
    >>> print(t[["agency", "degree", "weighted_degree", "betweenness", "community"]].to_string(index=False))
    agency  degree  weighted_degree  betweenness  community
         A       3              3.0          1.0          0
         B       1              1.0          0.0          0
         C       1              1.0          0.0          0
         D       1              1.0          0.0          0

    Notes
    -----
    Eigenvector centrality is the leading eigenvector of the weighted adjacency matrix computed
    separately in every connected component (dense :func:`numpy.linalg.eigh`, Euclidean norm 1 per
    component, isolated nodes 0). This is deterministic and always converges, unlike power
    iteration on a disconnected graph; values are comparable within a component. Betweenness
    treats strong ties as short (distance 1/weight) following [1]_ and [2]_ and uses Brandes'
    algorithm [3]_. Communities: Louvain [4]_ via
    :func:`networkx.community.louvain_communities` with ``weight="weight"`` and ``seed``.

    References
    ----------
    .. [1] M. E. J. Newman, "Scientific collaboration networks. II. Shortest paths, weighted
       networks, and centrality", Phys. Rev. E 64, 016132 (2001).
    .. [2] T. Opsahl, F. Agneessens, J. Skvoretz, "Node centrality in weighted networks:
       Generalizing degree and shortest paths", Social Networks 32(3), 245–251 (2010).
    .. [3] U. Brandes, "A faster algorithm for betweenness centrality", J. Math. Sociol. 25(2),
       163–177 (2001).
    .. [4] V. D. Blondel, J.-L. Guillaume, R. Lambiotte, E. Lefebvre, "Fast unfolding of
       communities in large networks", J. Stat. Mech. P10008 (2008).
    .. [5] P. Bonacich, "Power and centrality: A family of measures", Am. J. Sociol. 92(5),
       1170–1182 (1987).

    See Also
    --------
    graph_summary : graph-level figures.
    """
    columns = [
        "agency", "degree", "weighted_degree", "degree_centrality", "betweenness", "eigenvector",
        "community", "n_tasks", "n_lead", "n_support", "agency_type",
    ]
    if graph.number_of_nodes() == 0:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    G = _sorted_copy(graph)
    for _, _, d in G.edges(data=True):
        w = float(d.get("weight", 1.0))
        d["weight"] = w
        d["_distance"] = 1.0 / w if w > 0 else math.inf
    degree = dict(G.degree())
    wdeg = _weighted_degree(G)
    dcent = nx.degree_centrality(G)
    between = nx.betweenness_centrality(G, weight="_distance", normalized=True)
    eig = _eigenvector_by_component(G)
    community = {n: i for i, members in enumerate(_communities(G, seed)) for n in members}
    rows = []
    for n, data in G.nodes(data=True):
        rows.append({
            "agency": n,
            "degree": int(degree[n]),
            "weighted_degree": wdeg[n],
            "degree_centrality": float(dcent[n]),
            "betweenness": float(between[n]),
            "eigenvector": eig[n],
            "community": int(community[n]),
            "n_tasks": data.get("n_tasks", np.nan),
            "n_lead": data.get("n_lead", np.nan),
            "n_support": data.get("n_support", np.nan),
            "agency_type": data.get("agency_type", "unknown"),
        })
    rows.sort(key=lambda r: (-r["weighted_degree"], _sort_key(r["agency"])))
    return pd.DataFrame(rows, columns=columns)


def graph_summary(graph: nx.Graph, seed: int = 42) -> dict[str, Any]:
    """Graph-level figures: size, density, components, Louvain communities and modularity.

    Parameters
    ----------
    graph : networkx.Graph
        Any (di)graph; components are weak components for directed graphs.
    seed : int, default 42
        Seed for Louvain.

    Returns
    -------
    dict
        ``nodes``, ``edges``, ``total_weight``, ``density``, ``components``,
        ``largest_component_share`` (nodes in the largest component / all nodes),
        ``communities`` and ``modularity`` (weighted, of the Louvain partition; NaN without edges).

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.DataFrame({"task_id": ["t1", "t1", "t2", "t2"], "agency": ["A", "B", "C", "D"],
    ...                   "role": "support"})
    >>> s = graph_summary(coassignment_graph(a))
    >>> s["nodes"], s["edges"], s["components"], s["largest_component_share"], s["modularity"]
    (4, 2, 2, 0.5, 0.5)

    References
    ----------
    .. [1] M. E. J. Newman, M. Girvan, "Finding and evaluating community structure in networks",
       Phys. Rev. E 69, 026113 (2004).

    See Also
    --------
    centrality_table : node-level figures.
    """
    n = graph.number_of_nodes()
    m = graph.number_of_edges()
    total_weight = float(sum(float(w) for _, _, w in graph.edges(data="weight", default=1.0)))
    if graph.is_directed():
        comps = list(nx.weakly_connected_components(graph))
    else:
        comps = list(nx.connected_components(graph))
    communities = _communities(graph, seed)
    modularity = math.nan
    if m > 0 and total_weight > 0:
        H = _undirected(graph) if graph.is_directed() else graph
        modularity = float(nx.community.modularity(H, communities, weight="weight"))
    return {
        "nodes": n,
        "edges": m,
        "total_weight": total_weight,
        "density": float(nx.density(graph)) if n > 1 else 0.0,
        "components": len(comps),
        "largest_component_share": (max(len(c) for c in comps) / n) if n else math.nan,
        "communities": len(communities),
        "modularity": modularity,
    }


def _edge_keys(graph: nx.Graph) -> set[Any]:
    if graph.is_directed():
        return {(u, v) for u, v in graph.edges()}
    return {frozenset((u, v)) for u, v in graph.edges()}


def compare_graphs(graphs: Mapping[str, nx.Graph]) -> pd.DataFrame:
    """Pairwise overlap of graphs (e.g. provinces, years, before/after harmonisation).

    Parameters
    ----------
    graphs : mapping of str to networkx.Graph
        Labelled graphs; pairs follow the mapping's order.

    Returns
    -------
    pandas.DataFrame
        One row per unordered pair: ``label_a``, ``label_b``, ``shared_nodes``, ``only_a``,
        ``only_b``, ``node_jaccard``, ``shared_edges``, ``edge_jaccard`` and ``spearman`` — the
        Spearman rank correlation of weighted degree over shared nodes (NaN with fewer than three
        shared nodes or constant degrees).

    Examples
    --------
    >>> import networkx as nx
    >>> g1 = nx.Graph([("A", "B"), ("B", "C")]); g2 = nx.Graph([("A", "B"), ("C", "D")])
    >>> row = compare_graphs({"x": g1, "y": g2}).iloc[0]
    >>> int(row.shared_nodes), int(row.only_b), float(row.node_jaccard), int(row.shared_edges)
    (3, 1, 0.75, 1)
    >>> round(float(row.edge_jaccard), 3)
    0.333

    Notes
    -----
    Edges are compared as unordered pairs for undirected graphs and as arcs for directed ones.

    See Also
    --------
    central_absent : central agencies missing from another graph.
    """
    labels = list(graphs)
    rows = []
    for a, b in combinations(labels, 2):
        ga, gb = graphs[a], graphs[b]
        na, nb = set(ga.nodes), set(gb.nodes)
        ea, eb = _edge_keys(ga), _edge_keys(gb)
        shared = sorted(na & nb, key=_sort_key)
        rho = math.nan
        if len(shared) >= 3:
            da, db = _weighted_degree(ga), _weighted_degree(gb)
            x = [da[n] for n in shared]
            y = [db[n] for n in shared]
            if len(set(x)) > 1 and len(set(y)) > 1:
                rho = float(stats.spearmanr(x, y).statistic)
        rows.append({
            "label_a": a,
            "label_b": b,
            "shared_nodes": len(shared),
            "only_a": len(na - nb),
            "only_b": len(nb - na),
            "node_jaccard": len(shared) / len(na | nb) if (na | nb) else math.nan,
            "shared_edges": len(ea & eb),
            "edge_jaccard": len(ea & eb) / len(ea | eb) if (ea | eb) else math.nan,
            "spearman": rho,
        })
    columns = ["label_a", "label_b", "shared_nodes", "only_a", "only_b", "node_jaccard",
               "shared_edges", "edge_jaccard", "spearman"]
    return pd.DataFrame(rows, columns=columns)


def central_absent(graphs: Mapping[str, nx.Graph], top: int = 10) -> pd.DataFrame:
    """Agencies among the ``top`` by weighted degree in one graph that are absent from another.

    Parameters
    ----------
    graphs : mapping of str to networkx.Graph
        Labelled graphs.
    top : int, default 10
        Size of the top list (ties broken by name).

    Returns
    -------
    pandas.DataFrame
        Columns ``agency``, ``central_in``, ``rank`` (1 = highest), ``weighted_degree``,
        ``agency_type``, ``absent_from``; ordered by the mapping's order, then rank.

    Examples
    --------
    >>> import networkx as nx
    >>> g1 = nx.Graph([("A", "B"), ("A", "C")]); g2 = nx.Graph([("B", "C")])
    >>> central_absent({"x": g1, "y": g2}, top=1)[["agency", "central_in", "absent_from"]].values.tolist()
    [['A', 'x', 'y']]

    See Also
    --------
    compare_graphs, centrality_table
    """
    if top < 1:
        raise ValueError(f"top must be a positive integer, got {top}")
    rows = []
    for a, ga in graphs.items():
        wd = _weighted_degree(ga)
        for rank, node in enumerate(_top_nodes(ga, top), start=1):
            for b, gb in graphs.items():
                if b == a or node in gb:
                    continue
                rows.append({
                    "agency": node,
                    "central_in": a,
                    "rank": rank,
                    "weighted_degree": wd[node],
                    "agency_type": ga.nodes[node].get("agency_type", "unknown"),
                    "absent_from": b,
                })
    columns = ["agency", "central_in", "rank", "weighted_degree", "agency_type", "absent_from"]
    return pd.DataFrame(rows, columns=columns)
