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
from ttdn_analysis.io.csvfiles import write_csv
from ttdn_analysis.io.safety import atomic_path, xml_text
from ttdn_analysis.registry.agencies import harmonize

__all__ = ["GEXF_NS", "GEXF_VIZ_NS", "GEXF_TYPES", "LIST_SEPARATOR", "gexf_tree", "to_gexf", "to_graphml",
           "edge_list", "write_edge_list", "agency_network", "network_slug",
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


#: GEXF 1.2: the namespaces and the attribute types of the format (gexf.net, "GEXF 1.2draft Primer").
GEXF_NS = "http://www.gexf.net/1.2draft"
GEXF_VIZ_NS = "http://www.gexf.net/1.2draft/viz"
GEXF_TYPES = ("integer", "long", "double", "float", "boolean", "liststring", "string", "anyURI")
#: Separator of the items of a ``liststring`` value (Gephi splits on it); an item's own "|" is written "¦".
LIST_SEPARATOR = "|"


def _gexf_type(values: list[Any]) -> str:
    """The GEXF type of one attribute from all its values (mixed kinds are strings)."""
    kinds = set()
    for v in values:
        if isinstance(v, (list, tuple, set, frozenset, np.ndarray)):
            kinds.add("liststring")
        elif isinstance(v, (bool, np.bool_)):
            kinds.add("boolean")
        elif isinstance(v, (int, np.integer)):
            kinds.add("long" if abs(int(v)) >= 2**31 else "integer")
        elif isinstance(v, (float, np.floating)):
            kinds.add("double")
        else:
            kinds.add("string")
    if kinds <= {"integer", "long"} and kinds:
        return "long" if "long" in kinds else "integer"
    if kinds <= {"integer", "long", "double"} and kinds:
        return "double"
    return kinds.pop() if len(kinds) == 1 else "string"


def _gexf_value(v: Any, kind: str) -> str:
    if kind == "liststring":
        items = sorted(v, key=_sort_key) if isinstance(v, (set, frozenset)) else list(v)
        return LIST_SEPARATOR.join(str(xml_text(str(_native(x)))).replace(LIST_SEPARATOR, "¦") for x in items)
    if kind == "boolean":
        return "true" if bool(v) else "false"
    if kind in ("integer", "long"):
        return str(int(v))
    if kind == "double":
        return repr(float(v))
    return str(xml_text(str(_native(v))))


def _declare(elements: list[tuple[Any, dict]]) -> dict[str, tuple[str, str]]:
    """Attribute title -> (id, GEXF type) for the attributes of nodes or edges (in sorted order of title)."""
    values: dict[str, list[Any]] = {}
    for _, d in elements:
        for k, v in d.items():
            v = _native(v) if not isinstance(v, (list, tuple, set, frozenset, np.ndarray)) else v
            if v is None or k.startswith("_"):
                continue
            values.setdefault(str(k), []).append(v)
    return {k: (str(i), _gexf_type(values[k])) for i, k in enumerate(sorted(values))}


def _hex_rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _today() -> str:
    import os
    from datetime import UTC, datetime

    epoch = os.environ.get("SOURCE_DATE_EPOCH")  # reproducible files
    when = datetime.fromtimestamp(int(epoch), UTC) if epoch and epoch.isdigit() else datetime.now(UTC)
    return when.date().isoformat()


def gexf_tree(graph: nx.Graph, positions: bool = True) -> Any:
    """The GEXF 1.2 document of *graph* as an :mod:`xml.etree.ElementTree` element (see :func:`to_gexf`).

    Examples
    --------
    >>> g = nx.Graph()
    >>> g.add_node("A", agency_type="party", province=["Gia Lai"])
    >>> g.add_edge("A", "B", weight=2)
    >>> root = gexf_tree(g, positions=False)
    >>> root.get("version"), root.find("{http://www.gexf.net/1.2draft}graph").get("defaultedgetype")
    ('1.2', 'undirected')
    """
    import xml.etree.ElementTree as ET

    from ttdn_analysis._version import __version__
    from ttdn_analysis.plotting.palette import AGENCY_TYPE_COLOURS, FALLBACK_COLOUR

    g, v = f"{{{GEXF_NS}}}", f"{{{GEXF_VIZ_NS}}}"
    ET.register_namespace("", GEXF_NS)
    ET.register_namespace("viz", GEXF_VIZ_NS)
    mapping = _id_mapping(graph)
    nodes = [(mapping[n], d) for n, d in sorted(graph.nodes(data=True), key=lambda nd: _sort_key(nd[0]))]
    edges = [(mapping[a], mapping[b], d) for a, b, d in
             sorted(graph.edges(data=True), key=lambda e: (_sort_key(e[0]), _sort_key(e[1])))]
    root = ET.Element(f"{g}gexf", {"version": "1.2"})
    meta = ET.SubElement(root, f"{g}meta", {"lastmodifieddate": _today()})
    ET.SubElement(meta, f"{g}creator").text = f"ttdn_analysis {__version__}"
    scope = "; ".join(f"{xml_text(str(k))}: {_export_value(x)}" for k, x in sorted(graph.graph.items())
                      if _export_value(x) not in (None, ""))
    ET.SubElement(meta, f"{g}description").text = scope or "agency network"
    keys = [str(_native(graph.graph[k])) for k in ("province", "year") if _native(graph.graph.get(k)) is not None]
    if keys:
        ET.SubElement(meta, f"{g}keywords").text = ", ".join(xml_text(k) for k in keys)
    el = ET.SubElement(root, f"{g}graph", {"mode": "static",
                                            "defaultedgetype": "directed" if graph.is_directed() else "undirected"})
    node_attrs = _declare(nodes)
    edge_attrs = _declare([((a, b), {k: x for k, x in d.items() if k != "weight"}) for a, b, d in edges])
    for cls, declared in (("node", node_attrs), ("edge", edge_attrs)):
        if declared:
            block = ET.SubElement(el, f"{g}attributes", {"class": cls, "mode": "static"})
            for title, (aid, kind) in declared.items():
                ET.SubElement(block, f"{g}attribute", {"id": aid, "title": xml_text(title), "type": kind})
    wdeg = {mapping[n]: float(x) for n, x in graph.degree(weight="weight")}
    top = max(wdeg.values(), default=0.0)
    pos: dict[Any, tuple[float, float]] = {}
    if positions and graph.number_of_nodes():
        from ttdn_analysis.plotting.layout import spring_positions

        pos = {mapping[n]: p for n, p in spring_positions(graph).items()}
    nodes_el = ET.SubElement(el, f"{g}nodes")
    for nid, d in nodes:
        node = ET.SubElement(nodes_el, f"{g}node", {"id": str(nid), "label": str(nid)})
        _attvalues(node, d, node_attrs, g)
        colour = AGENCY_TYPE_COLOURS.get(str(d.get("agency_type", "unknown")), FALLBACK_COLOUR)
        red, green, blue = _hex_rgb(colour)
        ET.SubElement(node, f"{v}color", {"r": str(red), "g": str(green), "b": str(blue), "a": "1.0"})
        if nid in pos:
            ET.SubElement(node, f"{v}position", {"x": f"{pos[nid][0] * 1000:.2f}", "y": f"{pos[nid][1] * 1000:.2f}",
                                                 "z": "0.0"})
        size = 10.0 + 30.0 * (wdeg[nid] / top) ** 0.5 if top > 0 else 14.0
        ET.SubElement(node, f"{v}size", {"value": f"{size:.2f}"})
    edges_el = ET.SubElement(el, f"{g}edges")
    for i, (a, b, d) in enumerate(edges):
        attrs = {"id": str(i), "source": str(a), "target": str(b)}
        weight = _native(d.get("weight"))
        if isinstance(weight, (int, float)) and not isinstance(weight, bool):
            attrs["weight"] = repr(float(weight))
        edge = ET.SubElement(edges_el, f"{g}edge", attrs)
        _attvalues(edge, {k: x for k, x in d.items() if k != "weight"}, edge_attrs, g)
        if isinstance(weight, (int, float)) and not isinstance(weight, bool):
            ET.SubElement(edge, f"{v}thickness", {"value": f"{max(1.0, float(weight)):.2f}"})
    return root


def _attvalues(parent: Any, data: dict, declared: dict[str, tuple[str, str]], g: str) -> None:
    import xml.etree.ElementTree as ET

    values = []
    for title, (aid, kind) in declared.items():
        if title not in data:
            continue
        x = data[title]
        x = _native(x) if not isinstance(x, (list, tuple, set, frozenset, np.ndarray)) else x
        if x is None:
            continue
        if kind == "liststring" and not isinstance(x, (list, tuple, set, frozenset, np.ndarray)):
            x = [x]
        values.append((aid, _gexf_value(x, kind)))
    if values:
        block = ET.SubElement(parent, f"{g}attvalues")
        for aid, text in values:
            ET.SubElement(block, f"{g}attvalue", {"for": aid, "value": text})


def _id_mapping(graph: nx.Graph) -> dict[Any, str]:
    """Node -> its id in a file: text without characters XML forbids, unique (a "~2" suffix tells apart two that
    become equal)."""
    mapping: dict[Any, str] = {}
    used: set[str] = set()
    for n in sorted(graph.nodes, key=_sort_key):
        nid, i = str(_node_id(n)), 1
        while nid in used:
            i += 1
            nid = f"{_node_id(n)}~{i}"
        mapping[n] = nid
        used.add(nid)
    return mapping


def to_gexf(graph: nx.Graph, path: str | Path, positions: bool = True) -> Path:
    """Write ``graph`` as GEXF 1.2 (Gephi), with typed attributes, colours, sizes and a layout.

    Parameters
    ----------
    graph : networkx.Graph
        Any graph from this module.
    path : str or pathlib.Path
        Output file.
    positions : bool, default True
        Write each node's position (:func:`ttdn_analysis.plotting.layout.spring_positions`), so that Gephi opens
        the network laid out as the reports draw it.

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
    The file follows the GEXF 1.2 schema: ``<gexf version="1.2">`` in the ``1.2draft`` namespace, a ``<meta>``
    with the date, the creator (package and version) and what the network covers (the graph's own attributes:
    province, year, scope), one attribute declaration per node and edge attribute with its GEXF type — lists
    (provinces, years, plans, tasks) as ``liststring`` with items separated by ``|`` (a Gephi partition per item),
    counts as ``integer``, measures as ``double`` —, and for every node ``viz:color`` (its agency type's colour,
    as in the charts), ``viz:size`` (growing with its weighted degree, as in the charts) and ``viz:position``;
    edges carry their weight and ``viz:thickness``. Missing values are omitted; characters XML forbids are
    removed from names and values; the file is written under a temporary name and renamed when complete.

    See Also
    --------
    to_graphml, write_edge_list
    """
    import xml.etree.ElementTree as ET

    path = Path(path)
    tree = ET.ElementTree(gexf_tree(graph, positions=positions))
    ET.indent(tree, space="  ")
    with atomic_path(path) as tmp:
        tree.write(tmp, encoding="utf-8", xml_declaration=True)
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

    Names that a spreadsheet would read as a formula get a leading ``'`` (see :mod:`ttdn_analysis.io.safety`); a
    name holding a line break or a lone carriage return is quoted (:func:`ttdn_analysis.io.tables.write_csv`).

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
    return write_csv(edge_list(graph), path)


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
        plus node attributes ``province``, ``year`` and ``plans`` (lists: the provinces, years and plans that
        assign the agency) and ``successor`` (who carries the agency's work on *on*, from
        :func:`ttdn_analysis.registry.agencies.harmonize`; the agency itself when it continues), and edge
        attributes ``plans``, ``province`` and ``year`` (lists: the plans the shared tasks come from, and their
        provinces and years); ``tasks`` lists the shared task ids, which begin with their plan id.

    Examples
    --------
    >>> a = pd.DataFrame({"plan_id": ["p", "p"], "task_id": ["p:II.1", "p:II.1"], "province": "Gia Lai",
    ...                   "agency": ["Sở Thông tin và Truyền thông", "Sở Ngoại vụ"], "role": ["lead", "support"]})
    >>> g = agency_network(a)
    >>> g.nodes["Sở Thông tin và Truyền thông"]["successor"], g.nodes["Sở Ngoại vụ"]["province"]
    ('Sở Văn hóa, Thể thao và Du lịch', ['Gia Lai'])
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
    for col, attr in (("province", "province"), ("year", "year"), ("plan_id", "plans")):
        if col in kept.columns:
            for agency, values in kept.groupby("agency", sort=True, observed=True)[col]:
                g.nodes[agency][attr] = _listed(values)
    cols = ["agency"] + (["province"] if "province" in kept.columns else [])
    pairs = kept[cols].astype(object).drop_duplicates()
    succ = harmonize(pairs.reset_index(drop=True), on=on)
    for agency, names in succ.groupby("agency", sort=True)["successor"]:
        g.nodes[agency]["successor"] = _joined(names)
    if "plan_id" in kept.columns:
        plan_of: dict[Hashable, Any] = dict(zip(kept["task_id"], kept["plan_id"]))
        per_plan = kept.astype({"plan_id": object}).drop_duplicates("plan_id").set_index("plan_id")
        for _, _, d in g.edges(data=True):
            plans = sorted({str(plan_of[t]) for t in d.get("tasks", []) if t in plan_of})
            d["plans"] = plans
            for col in ("province", "year"):
                if col in per_plan.columns:
                    d[col] = _listed(per_plan.loc[[p for p in plans if p in per_plan.index], col])
    return g


def _listed(values: Any) -> list[Any]:
    """The distinct known values, sorted (numbers as numbers, text as text)."""
    items = {_native(v) for v in values if _native(v) is not None}
    return sorted(items, key=_sort_key)


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
