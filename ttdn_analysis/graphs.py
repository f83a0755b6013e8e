"""Agency networks from plan assignments: bipartite, co-assignment and lead→support graphs, metrics, export, figures."""
from __future__ import annotations

import html
import importlib
import math
import numbers
import warnings
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping
from itertools import combinations
from pathlib import Path
from typing import Any, Literal

import networkx as nx
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from scipy import stats

__all__ = [
    "AGENCY_TYPE_COLOURS",
    "AGENCY_TYPE_LABELS",
    "REQUIRED_ASSIGNMENT_COLUMNS",
    "REQUIRED_TASK_COLUMNS",
    "bipartite_graph",
    "coassignment_graph",
    "lead_support_graph",
    "slice_assignments",
    "harmonized",
    "centrality_table",
    "graph_summary",
    "compare_graphs",
    "central_absent",
    "to_gexf",
    "to_graphml",
    "edge_list",
    "write_edge_list",
    "spring_positions",
    "network_figure",
]

#: Columns every ``assignments`` frame must carry; the others of the loader contract are optional here.
REQUIRED_ASSIGNMENT_COLUMNS: tuple[str, ...] = ("task_id", "agency", "role")
#: Columns a ``tasks`` frame must carry to label agencies' task lists.
REQUIRED_TASK_COLUMNS: tuple[str, ...] = ("task_id", "path", "title")

_ROLES = ("lead", "support")
_WEIGHTS = ("count", "newman", "jaccard")

#: Fixed colour for each agency type (colour-blind-safe Okabe–Ito hues first); unlisted types are grey.
AGENCY_TYPE_COLOURS: dict[str, str] = {
    "state_department": "#0072B2",
    "party": "#D55E00",
    "media": "#009E73",
    "armed_forces_police": "#56B4E9",
    "mass_organisation": "#E69F00",
    "central": "#CC79A7",
    "central_agency": "#CC79A7",
    "state_government": "#332288",
    "district": "#F0E442",
    "collective": "#999999",
    "unknown": "#BBBBBB",
}

#: Display names of agency types, Vietnamese (``"vi"``) and English (``"en"``).
AGENCY_TYPE_LABELS: dict[str, dict[str, str]] = {
    "vi": {
        "state_department": "Sở, ban, ngành",
        "party": "Cơ quan Đảng",
        "media": "Cơ quan báo chí",
        "armed_forces_police": "Lực lượng vũ trang, công an",
        "mass_organisation": "Mặt trận, đoàn thể",
        "central": "Cơ quan Trung ương",
        "central_agency": "Cơ quan Trung ương",
        "state_government": "Ủy ban nhân dân",
        "district": "Cấp huyện, xã",
        "collective": "Nhóm cơ quan (tập thể)",
        "unknown": "Chưa phân loại",
    },
    "en": {
        "state_department": "State department",
        "party": "Party body",
        "media": "Media",
        "armed_forces_police": "Armed forces & police",
        "mass_organisation": "Mass organisation",
        "central": "Central agency",
        "central_agency": "Central agency",
        "state_government": "People's Committee",
        "district": "District / commune",
        "collective": "Collective (group of agencies)",
        "unknown": "Unclassified",
    },
}

_UI_LABELS: dict[str, dict[str, str]] = {
    "vi": {
        "type": "Loại",
        "n_tasks": "Số nhiệm vụ",
        "n_lead": "Chủ trì",
        "n_support": "Phối hợp",
        "weighted_degree": "Bậc có trọng số",
        "collective": "Nhóm cơ quan (tập thể)",
        "tasks": "Nhiệm vụ",
        "more": "… và {n} nhiệm vụ khác",
        "legend": "Loại cơ quan",
        "weight": "Trọng số",
        "count": "Số nhiệm vụ chung",
        "empty": "Không có dữ liệu",
    },
    "en": {
        "type": "Type",
        "n_tasks": "Tasks",
        "n_lead": "Lead",
        "n_support": "Support",
        "weighted_degree": "Weighted degree",
        "collective": "Collective (group of agencies)",
        "tasks": "Tasks",
        "more": "… and {n} more tasks",
        "legend": "Agency type",
        "weight": "Weight",
        "count": "Shared tasks",
        "empty": "No data",
    },
}

_FALLBACK_COLOUR = "#BBBBBB"


# --------------------------------------------------------------------------- helpers


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
    line_key = [_sort_key(v) if not _is_missing(v) else (9, "") for v in df.get("line", pd.Series(None, index=df.index))]
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


# --------------------------------------------------------------------------- graphs


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


def coassignment_graph(
    assignments: pd.DataFrame,
    weight: Literal["count", "newman", "jaccard"] = "count",
    include_collectives: bool = False,
    tasks: pd.DataFrame | None = None,
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
    df = _prepare(assignments, include_collectives)
    G = nx.Graph(kind="coassignment", weight=weight, include_collectives=include_collectives)
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


# --------------------------------------------------------------------------- slicing


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
    province, year, plan_id, level : scalar or iterable, optional
        Keep rows whose column equals the value (or is in the iterable). ``None`` = no filter.

    Returns
    -------
    pandas.DataFrame
        A filtered copy with a fresh index.

    Raises
    ------
    ValueError
        A filter is given for a column the frame lacks.

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.DataFrame({"task_id": [1, 2, 3], "agency": "A", "role": "lead",
    ...                   "province": ["Đắk Lắk", "Gia Lai", "Đắk Lắk"], "year": [2024, 2025, 2025]})
    >>> slice_assignments(a, province="Đắk Lắk", year=[2025])["task_id"].tolist()
    [3]

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
        mask &= _value_mask(assignments[column], value)
    return assignments.loc[mask].reset_index(drop=True)


def harmonized(assignments: pd.DataFrame, on: Any) -> pd.DataFrame:
    """Replace each agency by its successor as of ``on`` (mergers, renamings), when lineage data exist.

    Parameters
    ----------
    assignments : pandas.DataFrame
        Loader ``assignments`` table.
    on : Any
        Reference point passed to ``ttdn_analysis.lineage.harmonize(df, on=on, column="agency")``
        (e.g. a date or year).

    Returns
    -------
    pandas.DataFrame
        A copy whose ``agency`` holds the successor (the original name where there is none), with
        the former name kept in ``agency_original``. If ``ttdn_analysis.lineage`` or its
        ``harmonize`` is unavailable, an unchanged copy is returned and a :class:`UserWarning` issued.

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.DataFrame({"task_id": [1], "agency": ["Sở A"], "role": ["lead"]})
    >>> harmonized(a, on=2025)["agency"].tolist()  # doctest: +SKIP
    ['Sở A mới']

    Notes
    -----
    The lineage module is imported lazily so that graphs work without it. After harmonisation two
    predecessors of one successor on the same task collapse into a single assignment in the graph
    builders (lead wins).

    See Also
    --------
    coassignment_graph, compare_graphs
    """
    _check_columns(assignments, ("agency",), "assignments")
    try:
        lineage = importlib.import_module("ttdn_analysis.lineage")
    except ModuleNotFoundError as exc:
        if exc.name not in ("ttdn_analysis.lineage",):
            raise
        lineage = None
    harmonize = getattr(lineage, "harmonize", None)
    if harmonize is None:
        warnings.warn(
            "ttdn_analysis.lineage.harmonize is not available; agencies left unchanged",
            UserWarning,
            stacklevel=2,
        )
        return assignments.copy()
    out = harmonize(assignments.copy(), on=on, column="agency")
    if not isinstance(out, pd.DataFrame) or "successor" not in out.columns:
        raise ValueError("lineage.harmonize must return a DataFrame with a 'successor' column")
    out = out.copy()
    successor = out["successor"]
    keep = successor.isna() | (successor.astype("string").str.strip().fillna("") == "")
    if "agency_original" not in out.columns:
        out["agency_original"] = out["agency"]
    out["agency"] = successor.where(~keep, out["agency"])
    return out.drop(columns="successor")


# --------------------------------------------------------------------------- metrics


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


# --------------------------------------------------------------------------- export


def _node_id(node: Any) -> Any:
    if isinstance(node, tuple):
        return ":".join(str(p) for p in node)
    return node


def _export_value(value: Any) -> Any:
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=_sort_key) if isinstance(value, (set, frozenset)) else value
        return "; ".join(str(v) for v in items)
    if isinstance(value, dict):
        return "; ".join(f"{k}={v}" for k, v in value.items())
    return _native(value)


def _export_ready(graph: nx.Graph) -> nx.Graph:
    """Copy whose attributes the GEXF/GraphML writers accept: lists joined by "; ", None dropped, tuple ids as text."""
    H = graph.__class__()
    for k, v in graph.graph.items():
        v = _export_value(v)
        if v is not None:
            H.graph[k] = v
    mapping = {n: _node_id(n) for n in graph.nodes}
    if len(set(mapping.values())) != len(mapping):
        raise ValueError("node identifiers collide after converting tuple nodes to text")
    for n, d in sorted(graph.nodes(data=True), key=lambda nd: _sort_key(nd[0])):
        attrs = {k: _export_value(v) for k, v in d.items()}
        H.add_node(mapping[n], **{k: v for k, v in attrs.items() if v is not None})
    for u, v, d in sorted(graph.edges(data=True), key=lambda e: (_sort_key(e[0]), _sort_key(e[1]))):
        attrs = {k: _export_value(x) for k, x in d.items()}
        H.add_edge(mapping[u], mapping[v], **{k: x for k, x in attrs.items() if x is not None})
    return H


def to_gexf(graph: nx.Graph, path: str | Path) -> Path:
    """Write ``graph`` as GEXF (Gephi) after making attributes writable.

    Parameters
    ----------
    graph : networkx.Graph
        Any graph from this module.
    path : str or pathlib.Path
        Output file.

    Returns
    -------
    pathlib.Path
        The path written.

    Examples
    --------
    >>> import pandas as pd, tempfile, os, networkx as nx
    >>> a = pd.DataFrame({"task_id": ["t1", "t1"], "agency": ["A", "B"], "role": ["lead", "support"]})
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = to_gexf(coassignment_graph(a), os.path.join(d, "g.gexf"))
    ...     nx.read_gexf(p).edges["A", "B"]["tasks"]
    't1'

    Notes
    -----
    List attributes (``tasks``, ``task_list``) become ``"; "``-joined strings, missing values are
    omitted and tuple nodes (``("task", id)``) become ``"task:id"``.

    See Also
    --------
    to_graphml, write_edge_list
    """
    path = Path(path)
    nx.write_gexf(_export_ready(graph), path)
    return path


def to_graphml(graph: nx.Graph, path: str | Path) -> Path:
    """Write ``graph`` as GraphML after making attributes writable.

    Parameters
    ----------
    graph : networkx.Graph
        Any graph from this module.
    path : str or pathlib.Path
        Output file.

    Returns
    -------
    pathlib.Path
        The path written.

    Examples
    --------
    >>> import pandas as pd, tempfile, os, networkx as nx
    >>> a = pd.DataFrame({"task_id": ["t1", "t1"], "agency": ["A", "B"], "role": ["lead", "support"]})
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = to_graphml(coassignment_graph(a), os.path.join(d, "g.graphml"))
    ...     nx.read_graphml(p).nodes["A"]["n_lead"]
    1

    Notes
    -----
    Same attribute conversion as :func:`to_gexf`.

    See Also
    --------
    to_gexf, write_edge_list
    """
    path = Path(path)
    nx.write_graphml(_export_ready(graph), path)
    return path


def edge_list(graph: nx.Graph) -> pd.DataFrame:
    """Edges as a table: ``source``, ``target``, ``weight``, ``count``.

    Parameters
    ----------
    graph : networkx.Graph
        Any graph; missing ``weight`` is 1 and missing ``count`` is NaN.

    Returns
    -------
    pandas.DataFrame
        Sorted by weight descending, then source and target. For undirected graphs ``source`` is
        the smaller name of the pair.

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.DataFrame({"task_id": [1, 1, 2, 2, 2], "agency": ["B", "A", "A", "B", "C"],
    ...                   "role": "support"})
    >>> edge_list(coassignment_graph(a)).values.tolist()
    [['A', 'B', 2, 2], ['A', 'C', 1, 1], ['B', 'C', 1, 1]]

    See Also
    --------
    write_edge_list
    """
    rows = []
    for u, v, d in graph.edges(data=True):
        if not graph.is_directed() and _sort_key(v) < _sort_key(u):
            u, v = v, u
        rows.append({
            "source": u,
            "target": v,
            "weight": _native(d.get("weight", 1)),
            "count": _native(d.get("count", np.nan)),
        })
    rows.sort(key=lambda r: (-float(r["weight"]), _sort_key(r["source"]), _sort_key(r["target"])))
    return pd.DataFrame(rows, columns=["source", "target", "weight", "count"])


def write_edge_list(graph: nx.Graph, path: str | Path) -> Path:
    """Write :func:`edge_list` as UTF-8 CSV.

    Parameters
    ----------
    graph : networkx.Graph
        Any graph.
    path : str or pathlib.Path
        Output file.

    Returns
    -------
    pathlib.Path
        The path written.

    Examples
    --------
    >>> import pandas as pd, tempfile, os
    >>> a = pd.DataFrame({"task_id": ["t1", "t1"], "agency": ["Sở A", "Sở B"], "role": "support"})
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = write_edge_list(coassignment_graph(a), os.path.join(d, "e.csv"))
    ...     pd.read_csv(p).values.tolist()
    [['Sở A', 'Sở B', 1, 1]]

    See Also
    --------
    edge_list, to_gexf, to_graphml
    """
    path = Path(path)
    edge_list(graph).to_csv(path, index=False, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- figure


def spring_positions(graph: nx.Graph, seed: int = 42) -> dict[Any, tuple[float, float]]:
    """Deterministic force-directed layout (Fruchterman–Reingold, weighted) of ``graph``.

    Parameters
    ----------
    graph : networkx.Graph
        Any graph; nodes are re-inserted in sorted order first so the result does not depend on
        how the graph was built.
    seed : int, default 42
        Seed of the initial positions.

    Returns
    -------
    dict
        node → ``(x, y)``.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.Graph([("A", "B"), ("B", "C")])
    >>> spring_positions(g) == spring_positions(nx.Graph([("C", "B"), ("B", "A")]))
    True

    References
    ----------
    .. [1] T. M. J. Fruchterman, E. M. Reingold, "Graph drawing by force-directed placement",
       Software: Practice and Experience 21(11), 1129–1164 (1991).

    See Also
    --------
    network_figure
    """
    H = _sorted_copy(graph)
    if H.number_of_nodes() == 0:
        return {}
    # Each connected group of agencies is laid out on its own (log-damped weights so heavy pairs do not collapse
    # into a knot): the largest in the middle, the smaller groups on a row beneath it, then agencies with no
    # partner on a last row; so a few stray pairs cannot shrink the main network to a dot.
    comps = sorted((sorted(c, key=str) for c in nx.connected_components(H.to_undirected()) if len(c) > 1),
                   key=lambda c: (-len(c), str(c[0])))
    isolates = sorted((n for n in H.nodes if H.degree(n) == 0), key=str)
    out: dict[Any, tuple[float, float]] = {}
    row_x = -1.0
    for i, comp in enumerate(comps):
        C = _sorted_copy(H.subgraph(comp))  # a subgraph view iterates its node *set*: re-sort
        for _, _, d in C.edges(data=True):
            d["_layout_w"] = math.log1p(abs(float(d.get("weight", 1.0) or 0.0)))
        pos = nx.spring_layout(C, seed=seed, weight="_layout_w", k=2.0 / math.sqrt(len(comp)), iterations=300)
        if i == 0:
            out.update({n: (float(p[0]), float(p[1])) for n, p in pos.items()})
            continue
        scale = 0.12 + 0.06 * math.sqrt(len(comp))
        for n, p in pos.items():
            out[n] = (row_x + scale + float(p[0]) * scale, -1.45 + float(p[1]) * scale)
        row_x += 2 * scale + 0.15
    for i, n in enumerate(isolates):
        x = -1.0 + 2.0 * (i + 0.5) / len(isolates) if len(isolates) > 1 else 0.0
        out[n] = (x, -1.9 if out else 0.0)
    return out


def _weight_bins(weights: list[float], n_bins: int = 4) -> list[tuple[float, float]]:
    lo, hi = min(weights), max(weights)
    if math.isclose(lo, hi):
        return [(lo, hi)]
    edges = np.linspace(lo, hi, n_bins + 1)
    return [(float(edges[i]), float(edges[i + 1])) for i in range(n_bins)]


def _bin_index(w: float, bins: list[tuple[float, float]]) -> int:
    for i, (_, hi) in enumerate(bins):
        if w <= hi or i == len(bins) - 1:
            return i
    return len(bins) - 1


def _hover(node: Any, data: Mapping[str, Any], wdeg: float, lang: str, max_tasks: int) -> str:
    ui = _UI_LABELS[lang]
    type_labels = AGENCY_TYPE_LABELS[lang]
    agency_type = str(data.get("agency_type", "unknown"))
    lines = [f"<b>{html.escape(str(_node_id(node)))}</b>"]
    lines.append(f"{ui['type']}: {html.escape(type_labels.get(agency_type, agency_type))}")
    if data.get("is_collective"):
        lines.append(html.escape(ui["collective"]))
    counts = [f"{ui[k]}: {data[k]}" for k in ("n_tasks", "n_lead", "n_support") if k in data]
    if counts:
        lines.append(html.escape(" · ".join(counts)))
    lines.append(f"{html.escape(ui['weighted_degree'])}: {wdeg:g}")
    task_list = data.get("task_list")
    if isinstance(task_list, str):
        task_list = [t for t in task_list.split("; ") if t]
    if task_list:
        lines.append(f"{html.escape(ui['tasks'])}:")
        for item in list(task_list)[:max_tasks]:
            text = str(item)
            if len(text) > 120:
                text = text[:119] + "…"
            lines.append("• " + html.escape(text))
        if len(task_list) > max_tasks:
            lines.append(html.escape(ui["more"].format(n=len(task_list) - max_tasks)))
    return "<br>".join(lines)


def network_figure(
    graph: nx.Graph,
    title: str = "",
    seed: int = 42,
    lang: Literal["vi", "en"] = "vi",
    *,
    max_hover_tasks: int = 15,
) -> go.Figure:
    """Interactive plotly drawing of an agency graph.

    Parameters
    ----------
    graph : networkx.Graph
        Usually from :func:`coassignment_graph` (with ``tasks=`` for task lists in the hover).
    title : str, default ""
        Figure title (escaped).
    seed : int, default 42
        Layout seed (:func:`spring_positions`).
    lang : {"vi", "en"}, default "vi"
        Language of legend, type names and hover labels.
    max_hover_tasks : int, default 15
        Tasks listed in a node's hover before "… and N more".

    Returns
    -------
    plotly.graph_objects.Figure
        Edge traces (one per weight-width bin, plus invisible midpoints carrying edge hovers) and one
        node trace per agency type (the legend). Node size grows with the square root of weighted
        degree; colour from :data:`AGENCY_TYPE_COLOURS`; collectives drawn as diamonds with a thick
        dark-grey outline.

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.DataFrame({"task_id": ["t1", "t1"], "agency": ["A", "<script>x</script>"],
    ...                   "role": "support", "agency_type": ["party", "media"]})
    >>> fig = network_figure(coassignment_graph(a), lang="en")
    >>> [t.name for t in fig.data if t.mode == "markers" and t.showlegend]
    ['Party body', 'Media']
    >>> any("<script>" in h for t in fig.data for h in (t.hovertext or ()))
    False

    Notes
    -----
    All text taken from plans (agency names, task paths and titles) and the title pass through
    :func:`html.escape`, since plotly renders hover text as HTML. Plotly markers cannot have dashed
    outlines, so collectives are set apart by symbol and outline colour/width.

    See Also
    --------
    spring_positions, coassignment_graph
    """
    if lang not in _UI_LABELS:
        raise ValueError(f"lang must be 'vi' or 'en', got {lang!r}")
    ui = _UI_LABELS[lang]
    type_labels = AGENCY_TYPE_LABELS[lang]
    G = _sorted_copy(graph)
    pos = spring_positions(G, seed=seed)
    fig = go.Figure()
    fig.update_layout(
        title=html.escape(title) if title else None,
        showlegend=True,
        legend_title_text=ui["legend"],
        hovermode="closest",
        template="plotly_white",
        xaxis={"visible": False},
        yaxis={"visible": False, "scaleanchor": "x"},
        margin={"l": 10, "r": 10, "t": 50 if title else 10, "b": 10},
    )
    if G.number_of_nodes() == 0:
        fig.add_annotation(text=ui["empty"], showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
        return fig

    edges = [(u, v, float(d.get("weight", 1.0)), d) for u, v, d in G.edges(data=True)]
    arrow = " → " if G.is_directed() else " — "
    if edges:
        bins = _weight_bins([w for _, _, w, _ in edges])
        widths = np.linspace(0.8, 6.0, len(bins)) if len(bins) > 1 else [1.5]
        grouped: dict[int, list[tuple[Any, Any, float, dict]]] = defaultdict(list)
        for e in edges:
            grouped[_bin_index(e[2], bins)].append(e)
        for i in sorted(grouped):
            xs: list[float | None] = []
            ys: list[float | None] = []
            for u, v, _, _ in grouped[i]:
                xs += [pos[u][0], pos[v][0], None]
                ys += [pos[u][1], pos[v][1], None]
            lo, hi = bins[i]
            fig.add_trace(go.Scatter(
                x=xs, y=ys, mode="lines", hoverinfo="skip", showlegend=False,
                name=f"{ui['weight']} {lo:.3g}–{hi:.3g}",
                line={"width": float(widths[i]), "color": "rgba(110,110,110,0.45)"},
            ))
        mid_text = []
        for u, v, w, d in edges:
            text = f"{html.escape(str(_node_id(u)))}{arrow}{html.escape(str(_node_id(v)))}<br>{ui['weight']}: {w:.3g}"
            if "count" in d:
                text += f"<br>{html.escape(ui['count'])}: {d['count']}"
            mid_text.append(text)
        fig.add_trace(go.Scatter(
            x=[(pos[u][0] + pos[v][0]) / 2 for u, v, _, _ in edges],
            y=[(pos[u][1] + pos[v][1]) / 2 for u, v, _, _ in edges],
            mode="markers", showlegend=False, name=ui["weight"],
            marker={"size": 6, "opacity": 0}, hoverinfo="text", hovertext=mid_text,
        ))

    wdeg = _weighted_degree(G)
    max_w = max(wdeg.values()) if wdeg else 0.0
    order = {t: i for i, t in enumerate(AGENCY_TYPE_COLOURS)}
    by_type: dict[str, list[Any]] = defaultdict(list)
    for n, d in G.nodes(data=True):
        by_type[str(d.get("agency_type", "unknown"))].append(n)
    for agency_type in sorted(by_type, key=lambda t: (order.get(t, len(order)), t)):
        nodes = by_type[agency_type]
        collective = [bool(G.nodes[n].get("is_collective", False)) for n in nodes]
        sizes = [10.0 + 30.0 * math.sqrt(wdeg[n] / max_w) if max_w > 0 else 14.0 for n in nodes]
        fig.add_trace(go.Scatter(
            x=[pos[n][0] for n in nodes],
            y=[pos[n][1] for n in nodes],
            mode="markers",
            name=html.escape(type_labels.get(agency_type, agency_type)),
            legendgroup=agency_type,
            showlegend=True,
            hoverinfo="text",
            hovertext=[_hover(n, G.nodes[n], wdeg[n], lang, max_hover_tasks) for n in nodes],
            marker={
                "size": sizes,
                "color": AGENCY_TYPE_COLOURS.get(agency_type, _FALLBACK_COLOUR),
                "symbol": ["diamond" if c else "circle" for c in collective],
                "line": {
                    "color": ["#444444" if c else "#FFFFFF" for c in collective],
                    "width": [3.0 if c else 1.0 for c in collective],
                },
                "opacity": 0.9,
            },
        ))
    return fig
