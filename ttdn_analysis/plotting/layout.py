"""Deterministic positions for network drawings (each connected group laid out on its own)."""
from __future__ import annotations

import math
from typing import Any

import networkx as nx

from ttdn_analysis.analysis.networks import _sorted_copy

__all__ = ["spring_positions"]

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
