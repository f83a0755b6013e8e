"""Network export: GEXF, GraphML and an edge list that other tools read; the agency networks of a corpus, pooled
and per province and year, with the attributes a reader of the file needs."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Hashable
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from ttdn_analysis.analysis.networks import _native, _sort_key, coassignment_graph
from ttdn_analysis.io.safety import atomic_path, safe_frame, xml_text
from ttdn_analysis.registry.agencies import harmonize

__all__ = ["to_gexf", "to_graphml", "edge_list", "write_edge_list", "agency_network", "network_slug",
           "write_networks"]


def _node_id(node: Any) -> Any:
    if isinstance(node, tuple):
        return ":".join(str(p) for p in node)
    return xml_text(node)


def _export_value(value: Any) -> Any:
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=_sort_key) if isinstance(value, (set, frozenset)) else value
        return xml_text("; ".join(str(v) for v in items))
    if isinstance(value, dict):
        return xml_text("; ".join(f"{k}={v}" for k, v in value.items()))
    return xml_text(_native(value))


def _export_ready(graph: nx.Graph) -> nx.Graph:
    """Copy whose attributes the GEXF/GraphML writers accept: lists joined by "; ", None dropped, tuple ids as text,
    characters XML forbids removed (two ids that become equal are told apart by a "~2" suffix)."""
    H = graph.__class__()
    for k, v in graph.graph.items():
        v = _export_value(v)
        if v is not None:
            H.graph[xml_text(str(k))] = v
    mapping: dict[Any, Any] = {}
    used: set[Any] = set()
    for n in sorted(graph.nodes, key=_sort_key):
        nid, i = _node_id(n), 1
        while nid in used:
            i += 1
            nid = f"{_node_id(n)}~{i}"
        mapping[n] = nid
        used.add(nid)
    for n, d in sorted(graph.nodes(data=True), key=lambda nd: _sort_key(nd[0])):
        attrs = {xml_text(str(k)): _export_value(v) for k, v in d.items()}
        H.add_node(mapping[n], **{k: v for k, v in attrs.items() if v is not None})
    for u, v, d in sorted(graph.edges(data=True), key=lambda e: (_sort_key(e[0]), _sort_key(e[1]))):
        attrs = {xml_text(str(k)): _export_value(x) for k, x in d.items()}
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
    >>> from ttdn_analysis.analysis.networks import coassignment_graph
    >>> a = pd.DataFrame({"task_id": ["t1", "t1"], "agency": ["A", "B"], "role": ["lead", "support"]})
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = to_gexf(coassignment_graph(a), os.path.join(d, "g.gexf"))
    ...     nx.read_gexf(p).edges["A", "B"]["tasks"]
    't1'

    Notes
    -----
    List attributes (``tasks``, ``task_list``) become ``"; "``-joined strings, missing values are
    omitted and tuple nodes (``("task", id)``) become ``"task:id"``. Characters XML forbids are removed
    from names and values; the file is written under a temporary name and renamed when complete.

    See Also
    --------
    to_graphml, write_edge_list
    """
    path = Path(path)
    ready = _export_ready(graph)
    with atomic_path(path) as tmp:
        nx.write_gexf(ready, tmp)
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
    >>> from ttdn_analysis.analysis.networks import coassignment_graph
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
    ready = _export_ready(graph)
    with atomic_path(path) as tmp:
        nx.write_graphml(ready, tmp)
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
    >>> from ttdn_analysis.analysis.networks import coassignment_graph
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
    """Write :func:`edge_list` as CSV in UTF-8 with a byte-order mark (so that Excel reads Vietnamese).

    Names that a spreadsheet would read as a formula get a leading ``'`` (see :mod:`ttdn_analysis.io.safety`).

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
    >>> from ttdn_analysis.analysis.networks import coassignment_graph
    >>> a = pd.DataFrame({"task_id": ["t1", "t1"], "agency": ["Sở A", "Sở B"], "role": "support"})
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = write_edge_list(coassignment_graph(a), os.path.join(d, "e.csv"))
    ...     pd.read_csv(p, encoding="utf-8-sig").values.tolist()
    [['Sở A', 'Sở B', 1, 1]]

    See Also
    --------
    edge_list, to_gexf, to_graphml
    """
    path = Path(path)
    table = safe_frame(edge_list(graph))
    with atomic_path(path) as tmp:
        table.to_csv(tmp, index=False, encoding="utf-8-sig")
    return path


def network_slug(province: Any, year: Any) -> str:
    """ASCII file-name part for a province and year ("Đắk Lắk", 2025 → ``"dak-lak_2025"``).

    Examples
    --------
    >>> network_slug("Đắk Lắk", 2025), network_slug("Bà Rịa - Vũng Tàu", 2024), network_slug(None, None)
    ('dak-lak_2025', 'ba-ria-vung-tau_2024', 'unknown_unknown')
    """
    def part(v: Any) -> str:
        if v is None or _native(v) is None:
            return "unknown"
        text = str(_native(v)).replace("đ", "d").replace("Đ", "D")
        text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
        return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "unknown"
    return f"{part(province)}_{part(year)}"


def _joined(values: Any) -> str | None:
    items = sorted({str(_native(v)) for v in values if _native(v) is not None})
    return "; ".join(items) if items else None


def agency_network(assignments: pd.DataFrame, tasks: pd.DataFrame | None = None,
                   on: str = "2026-01-01") -> nx.Graph:
    """The co-assignment network of agencies, with the attributes an exported file carries.

    Parameters
    ----------
    assignments : DataFrame
        The corpus ``assignments`` table (or a slice of it): plan_id, task_id, agency, role; province, agency_type
        and is_collective when present.
    tasks : DataFrame, optional
        The ``tasks`` table (task_id, title): each agency gets a ``task_list`` of ``"task_id — title"`` strings.
    on : str
        Date of the 2025 restructuring map for the ``successor`` attribute. Default ``"2026-01-01"``.

    Returns
    -------
    networkx.Graph
        :func:`~ttdn_analysis.analysis.networks.coassignment_graph` with ``weight="count"`` (collectives left out),
        plus node attributes ``province`` (the provinces whose plans assign the agency, ``"; "``-joined) and
        ``successor`` (who carries the agency's work on *on*, from
        :func:`ttdn_analysis.registry.agencies.harmonize`; the agency itself when it continues), and edge
        attributes ``plans`` (the plans the shared tasks come from); ``tasks`` lists the shared task ids, which
        begin with their plan id.

    Examples
    --------
    >>> a = pd.DataFrame({"plan_id": ["p", "p"], "task_id": ["p:II.1", "p:II.1"], "province": "Gia Lai",
    ...                   "agency": ["Sở Thông tin và Truyền thông", "Sở Ngoại vụ"], "role": ["lead", "support"]})
    >>> g = agency_network(a)
    >>> g.nodes["Sở Thông tin và Truyền thông"]["successor"], g.nodes["Sở Ngoại vụ"]["province"]
    ('Sở Văn hóa, Thể thao và Du lịch', 'Gia Lai')
    >>> g.edges["Sở Ngoại vụ", "Sở Thông tin và Truyền thông"]["plans"]
    ['p']
    """
    labelled = None
    if tasks is not None and len(tasks):
        # the task list names each task by its id, which begins with its plan id
        labelled = tasks.assign(path=tasks["task_id"])
    g = coassignment_graph(assignments, weight="count", tasks=labelled)
    g.graph["successor_on"] = on
    if g.number_of_nodes() == 0:
        return g
    kept = assignments[assignments["agency"].isin(list(g.nodes))]
    if "province" in kept.columns:
        for agency, provs in kept.groupby("agency", sort=True, observed=True)["province"]:
            g.nodes[agency]["province"] = _joined(provs)
    cols = ["agency"] + (["province"] if "province" in kept.columns else [])
    pairs = kept[cols].astype(object).drop_duplicates()
    succ = harmonize(pairs.reset_index(drop=True), on=on)
    for agency, names in succ.groupby("agency", sort=True)["successor"]:
        g.nodes[agency]["successor"] = _joined(names)
    if "plan_id" in kept.columns:
        plan_of: dict[Hashable, Any] = dict(zip(kept["task_id"], kept["plan_id"]))
        for _, _, d in g.edges(data=True):
            d["plans"] = sorted({str(plan_of[t]) for t in d.get("tasks", []) if t in plan_of})
    return g


def _equals(series: pd.Series, value: Any) -> np.ndarray:
    """Rows equal to *value* (None: the missing ones), as a boolean array."""
    values = series.astype(object).map(_native)
    return (values.isna() if value is None else values == value).to_numpy(dtype=bool)


def write_networks(assignments: pd.DataFrame, out: str | Path, tasks: pd.DataFrame | None = None,
                   on: str = "2026-01-01") -> list[Path]:
    """Write the agency network of all plans and of each province and year as GEXF and GraphML.

    Parameters
    ----------
    assignments : DataFrame
        The corpus ``assignments`` table (province and year columns give the slices).
    out : str or Path
        Folder. The pooled network goes to ``coassignment.gexf``, ``coassignment.graphml`` and
        ``coassignment_edges.csv``; each province and year to ``networks/coassignment_<province>_<year>.gexf`` and
        ``.graphml`` (ASCII names, see :func:`network_slug`).
    tasks : DataFrame, optional
        The ``tasks`` table, for the agencies' task lists.
    on : str
        Date of the ``successor`` attribute. Default ``"2026-01-01"``.

    Returns
    -------
    list of Path
        Every file written, pooled first, then the slices sorted by province name (as text) and year. Nothing
        when there are no assignments.

    See Also
    --------
    agency_network : the attributes of the networks.

    Examples
    --------
    >>> import tempfile
    >>> a = pd.DataFrame({"plan_id": ["p", "p", "q", "q"], "task_id": ["p:1", "p:1", "q:1", "q:1"],
    ...                   "agency": ["Sở Ngoại vụ", "Công an tỉnh"] * 2, "role": ["lead", "support"] * 2,
    ...                   "province": ["Gia Lai", "Gia Lai", "Đắk Lắk", "Đắk Lắk"], "year": [2025, 2025, 2024, 2024]})
    >>> d = Path(tempfile.mkdtemp())
    >>> [p.relative_to(d).as_posix() for p in write_networks(a, d)]  # doctest: +NORMALIZE_WHITESPACE
    ['coassignment.gexf', 'coassignment.graphml', 'coassignment_edges.csv',
     'networks/coassignment_gia-lai_2025.gexf', 'networks/coassignment_gia-lai_2025.graphml',
     'networks/coassignment_dak-lak_2024.gexf', 'networks/coassignment_dak-lak_2024.graphml']
    """
    out = Path(out)
    if assignments is None or not len(assignments):
        return []
    pooled = agency_network(assignments, tasks, on)
    pooled.graph["scope"] = "all plans"
    written = [to_gexf(pooled, out / "coassignment.gexf"), to_graphml(pooled, out / "coassignment.graphml"),
               write_edge_list(pooled, out / "coassignment_edges.csv")]
    if not {"province", "year"} <= set(assignments.columns):
        return written
    keys = assignments[["province", "year"]].astype(object).drop_duplicates()
    slices = sorted(((_native(p), _native(y)) for p, y in keys.itertuples(index=False)),
                    key=lambda k: (_sort_key(k[0] or ""), _sort_key(k[1] if k[1] is not None else -1)))
    for province, year in slices:
        mask = _equals(assignments["province"], province) & _equals(assignments["year"], year)
        g = agency_network(assignments[mask], tasks, on)
        g.graph.update({"scope": "province and year", "province": province, "year": year})
        stem = out / "networks" / f"coassignment_{network_slug(province, year)}"
        written += [to_gexf(g, stem.with_suffix(".gexf")), to_graphml(g, stem.with_suffix(".graphml"))]
    return written
