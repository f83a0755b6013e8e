"""Network export: GEXF, GraphML and an edge list that other tools read."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from ttdn_analysis.analysis.networks import _native, _sort_key

__all__ = ["to_gexf", "to_graphml", "edge_list", "write_edge_list"]

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
    >>> from ttdn_analysis.analysis.networks import coassignment_graph
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
    >>> from ttdn_analysis.analysis.networks import coassignment_graph
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
