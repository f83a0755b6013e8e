"""What a chart is without its drawing: an accessible name and a data table.

Every chart of the reports is written as a ``<figure>`` whose ``<figcaption>`` names it (screen readers announce
the figure by it) and which holds, after the plotly drawing, the chart's numbers as an HTML table in an open
``<details>`` element: shown when JavaScript is off (the drawing is then hidden), in print and to screen readers,
and folded away by a click. The table is read from the figure itself (bars: one row per category, one column per
series; heatmap: its rows and columns with the printed cell values; any chart may carry its own table in
``layout.meta["table"]``, as the network chart does), so it always shows what the drawing shows.

Text from plans is HTML-escaped, and isolated (``<bdi>``) when it carries right-to-left letters or bidirectional
controls (U+202E …), so it cannot reorder the text around it.
"""
from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from ttdn_analysis.plotting.labels import check_lang, labels
from ttdn_analysis.plotting.markup import esc, isolate

__all__ = ["chart_name", "chart_table", "table_html", "figure_html"]

_TAG = re.compile(r"<[^>]*>")


def _plain(text: Any) -> str:
    """Plotly's HTML-ish text (``<br>``, ``<b>``, entities) as plain text."""
    if text is None:
        return ""
    if isinstance(text, Mapping):
        text = text.get("text", "")
    body = re.sub(r"<br\s*/?>", " · ", str(text), flags=re.I)
    return " ".join(html.unescape(_TAG.sub("", body)).split()).strip(" ·")


def _number(value: Any, lang: str, percent: bool = False) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return _plain(value)
    if percent:
        text = f"{float(value) * 100:.0f}%"
    elif float(value).is_integer():
        text = f"{int(value)}"
    else:
        text = f"{float(value):.3f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "vi" else text


def chart_name(fig: Mapping[str, Any], lang: str = "vi") -> str:
    """The accessible name of a chart: its title, else what its series are.

    Parameters
    ----------
    fig : mapping
        A plotly figure as a dict (``fig.to_dict()``).
    lang : {"vi", "en"}, default "vi"

    Returns
    -------
    str
        Plain text (the HTML export may put the heading the chart stands under in front of it).

    Examples
    --------
    >>> chart_name({"layout": {"title": {"text": "Tasks &amp; plans<br><sup>2 undated</sup>"}}, "data": []})
    'Tasks & plans · 2 undated'
    >>> chart_name({"layout": {}, "data": [{"type": "bar", "name": "Tasks"}, {"type": "bar", "name": "Agencies"}]},
    ...            "en")
    'Chart: Tasks, Agencies'
    """
    title = _plain(fig.get("layout", {}).get("title"))
    if title:
        return title
    names = [_plain(t.get("name")) for t in fig.get("data", []) if t.get("showlegend", True) is not False]
    names = [n for n in dict.fromkeys(names) if n]
    if not names:
        zlabel = [_plain((t.get("colorbar") or {}).get("title")) for t in fig.get("data", [])]
        names = [z for z in zlabel if z]
    chart = labels(check_lang(lang), "charts")["chart"]
    return f"{chart}: {', '.join(names)}" if names else chart


def _axis_title(layout: Mapping[str, Any], axis: str) -> str:
    return _plain((layout.get(axis) or {}).get("title"))


def chart_table(fig: Mapping[str, Any], lang: str = "vi") -> tuple[list[str], list[list[str]]]:
    """The numbers a chart draws, as column headers and rows of text.

    Parameters
    ----------
    fig : mapping
        A plotly figure as a dict.
    lang : {"vi", "en"}, default "vi"
        Decimal comma in Vietnamese; headers from ``labels.toml`` (section ``charts``).

    Returns
    -------
    (list of str, list of list of str)
        ``layout.meta["table"]`` when the chart carries one (``{"columns": [...], "rows": [[...], ...]}``); else,
        for bars, one row per category (in the chart's order) and one column per series; for a heatmap, its rows
        and columns with the values it prints; for other traces, one row per point with its series and its text.
        Values on a percent axis are percentages.

    Examples
    --------
    >>> fig = {"layout": {}, "data": [
    ...     {"type": "bar", "name": "Tasks", "x": ["A", "B"], "y": [3, 1.5]},
    ...     {"type": "bar", "name": "Agencies", "x": ["A"], "y": [2]}]}
    >>> chart_table(fig, "vi")
    (['Nhóm', 'Tasks', 'Agencies'], [['A', '3', '2'], ['B', '1,5', '']])
    >>> chart_table({"layout": {}, "data": [{"type": "heatmap", "x": ["border"], "y": ["Gia Lai"],
    ...              "z": [[0.5]], "text": [["50%"]]}]}, "en")
    (['Category', 'border'], [['Gia Lai', '50%']])
    """
    ui = labels(check_lang(lang), "charts")
    layout = fig.get("layout", {}) or {}
    data = list(fig.get("data", []) or [])
    meta = layout.get("meta")
    if isinstance(meta, Mapping) and isinstance(meta.get("table"), Mapping):
        table = meta["table"]
        return [str(c) for c in table.get("columns", [])], [[_cell(v, lang) for v in r] for r in table.get("rows", [])]
    heat = [t for t in data if t.get("type") == "heatmap"]
    if heat:
        t = heat[0]
        xs, ys = list(t.get("x") or []), list(t.get("y") or [])
        z, text = t.get("z") or [], t.get("text")
        rows = []
        for i, y in enumerate(ys):
            cells = [(_plain(text[i][j]) if text is not None else _number(z[i][j], lang)) for j in range(len(xs))]
            rows.append([_plain(y), *cells])
        return [_axis_title(layout, "yaxis") or ui["category"], *[_plain(x) for x in xs]], rows
    bars = [t for t in data if t.get("type") == "bar"]
    if bars:
        horizontal = bars[0].get("orientation") == "h"
        cat_key, val_key = ("y", "x") if horizontal else ("x", "y")
        value_axis = layout.get("xaxis" if horizontal else "yaxis") or {}
        percent = str(value_axis.get("tickformat", "")).endswith("%")
        categories: dict[str, None] = {}
        series = []
        for t in bars:
            cats = [_plain(c) for c in (t.get(cat_key) or [])]
            if t.get("base") is not None:  # a timeline bar: its text says start and end
                values = [_plain(h) for h in (t.get("hovertext") or [""] * len(cats))]
            else:
                values = [_number(v, lang, percent) for v in (t.get(val_key) or [])]
            categories.update(dict.fromkeys(cats))
            series.append((_plain(t.get("name")) or ui["value"], dict(zip(cats, values))))
        columns = [_axis_title(layout, "yaxis" if horizontal else "xaxis") or ui["category"],
                   *[name for name, _ in series]]
        return columns, [[c, *[values.get(c, "") for _, values in series]] for c in categories]
    rows = []
    for t in data:
        if t.get("hoverinfo") == "skip":
            continue
        texts = t.get("hovertext") or t.get("text")
        if isinstance(texts, str) or texts is None:
            continue
        rows += [[_plain(t.get("name")), _plain(x)] for x in texts]
    return [ui["series"], ui["value"]], rows


def _cell(value: Any, lang: str) -> str:
    return _number(value, lang) if isinstance(value, (int, float)) and not isinstance(value, bool) else _plain(value)


_NUMERIC = re.compile(r"[−+-]?\d[\d.,:/]*%?")


def table_html(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """An HTML data table of plain-text cells: escaped, isolated, numbers kept on one line.

    Examples
    --------
    >>> table_html(["Tỉnh", "n"], [["Gia Lai", "3"]])  # doctest: +NORMALIZE_WHITESPACE
    '<table class="ttdn-table ttdn-chart-table"><thead><tr><th scope="col">Tỉnh</th><th scope="col">n</th></tr>\
</thead><tbody><tr><th scope="row">Gia Lai</th><td class="ttdn-num">3</td></tr></tbody></table>'
    """
    head = "".join(f'<th scope="col">{isolate(c)}</th>' for c in columns)
    body = []
    for row in rows:
        cells = []
        for i, v in enumerate(row):
            if i == 0:
                cells.append(f'<th scope="row">{isolate(v)}</th>')
            elif _NUMERIC.fullmatch(str(v)):
                cells.append(f'<td class="ttdn-num">{esc(v)}</td>')
            else:
                cells.append(f"<td>{isolate(v)}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (f'<table class="ttdn-table ttdn-chart-table"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>")


def figure_html(fig: Mapping[str, Any], plot: str, figure_id: str, lang: str = "vi") -> str:
    """A chart as a named ``<figure>``: caption, the drawing (*plot*, plotly's HTML) and its data table.

    Parameters
    ----------
    fig : mapping
        The figure as a dict (for the name and the table).
    plot : str
        The drawing's HTML (plotly's ``<div>`` and ``<script>``).
    figure_id : str
        Unique id of the figure in the page (the caption's id derives from it).
    lang : {"vi", "en"}, default "vi"

    Returns
    -------
    str
        ``<figure class="ttdn-chart">``; a chart without a title is marked ``data-untitled``, so that the page
        assembly can name it by the heading above it.

    Examples
    --------
    >>> page = figure_html({"layout": {"title": {"text": "T"}}, "data": [{"type": "bar", "x": ["a"], "y": [1]}]},
    ...                    "<div></div>", "f1", "en")
    >>> '<figcaption id="f1-caption" class="ttdn-chart-caption">T</figcaption>' in page
    True
    >>> '<details class="ttdn-chart-data" open><summary>Data of the chart</summary>' in page
    True
    """
    ui = labels(check_lang(lang), "charts")
    titled = bool(_plain((fig.get("layout", {}) or {}).get("title")))
    columns, rows = chart_table(fig, lang)
    table = table_html(columns, rows) if rows else ""
    marker = "" if titled else " data-untitled"
    data = (f'<details class="ttdn-chart-data" open><summary>{esc(ui["data"])}</summary>{table}</details>'
            if table else "")
    return (f'<figure class="ttdn-chart" id="{esc(figure_id)}" aria-labelledby="{esc(figure_id)}-caption"{marker}>'
            f'<figcaption id="{esc(figure_id)}-caption" class="ttdn-chart-caption">'
            f"{isolate(chart_name(fig, lang))}</figcaption>"
            f'<div class="ttdn-chart-drawing">{plot}</div>{data}</figure>')
