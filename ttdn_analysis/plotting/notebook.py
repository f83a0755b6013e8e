"""Notebook display: escaped text, numbers, headings, sentences, HTML tables, and the offline plotly renderer."""
from __future__ import annotations

import hashlib
import html
import itertools
import json
import re
from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.io as pio
from plotly.io._base_renderers import NotebookRenderer

from ttdn_analysis.plotting.markup import _BIDI, _missing, esc, isolate

__all__ = ["RENDERER", "esc", "isolate", "number", "percent", "heading", "fill", "paragraph", "bullets", "html_table",
           "OfflineNotebookRenderer", "setup_plotly"]

#: Name under which :func:`setup_plotly` registers :class:`OfflineNotebookRenderer`.
RENDERER = "ttdn_offline"


def number(value: float, lang: str = "vi", digits: int = 2) -> str:
    """*value* with *digits* decimals, decimal comma in Vietnamese.

    Parameters
    ----------
    value : float
    lang : {"vi", "en"}, default "vi"
    digits : int, default 2

    Returns
    -------
    str

    Examples
    --------
    >>> number(0.256, "vi"), number(0.256, "en"), number(3, "vi", 0)
    ('0,26', '0.26', '3')
    """
    text = f"{float(value):.{digits}f}"
    return text.replace(".", ",") if lang == "vi" else text


def percent(value: float, lang: str = "vi") -> str:
    """*value* (a share) as a whole percentage.

    Parameters
    ----------
    value : float
        A share in [0, 1].
    lang : {"vi", "en"}, default "vi"
        (The same in both languages today.)

    Returns
    -------
    str

    Examples
    --------
    >>> percent(0.256), percent(1.0, "en")
    ('26%', '100%')
    """
    return f"{float(value) * 100:.0f}%"


def heading(text: str, level: int = 2) -> Any:
    """An HTML heading (text escaped) for ``IPython.display.display``.

    Parameters
    ----------
    text : str
    level : int, default 2

    Returns
    -------
    IPython.display.HTML

    Examples
    --------
    >>> heading("A <b>", 3).data
    '<h3>A &lt;b&gt;</h3>'
    """
    from IPython.display import HTML
    return HTML(f"<h{level}>{esc(text)}</h{level}>")


_BOLD = re.compile(r"\*\*(.+?)\*\*")


def fill(template: str, **values: Any) -> str:
    """HTML of a trusted sentence *template* with *values* filled in as escaped text.

    The template's own text is escaped too, then ``**…**`` in it becomes bold; values are escaped after that, so
    nothing a plan says is read as markup: no HTML, no markdown links or images, no bold.

    Parameters
    ----------
    template : str
        A sentence from ``labels.toml`` with ``{name}`` fields.
    **values
        The fields' values (any type; missing values give "").

    Returns
    -------
    str
        An HTML fragment.

    Examples
    --------
    >>> fill("**{a}** có {n} nhiệm vụ", a="Sở ![x](http://h/x.png) <b>", n=3)
    '<strong>Sở ![x](http://h/x.png) &lt;b&gt;</strong> có 3 nhiệm vụ'
    >>> fill("{a}", a="**[j](javascript:alert(1))**")
    '**[j](javascript:alert(1))**'
    """
    body = _BOLD.sub(r"<strong>\1</strong>", html.escape(template, quote=False))
    return body.format(**{k: isolate(v) for k, v in values.items()})


def paragraph(template: str, **values: Any) -> Any:
    """A paragraph (``IPython.display.HTML``) of :func:`fill`.

    Parameters
    ----------
    template : str
        A trusted sentence with ``{name}`` fields (``**…**`` is bold).
    **values
        The fields' values, escaped.

    Returns
    -------
    IPython.display.HTML

    Examples
    --------
    >>> paragraph("{n} <kế hoạch>", n=2).data
    '<p>2 &lt;kế hoạch&gt;</p>'
    """
    from IPython.display import HTML
    return HTML(f"<p>{fill(template, **values)}</p>")


def bullets(items: list[tuple[str, dict[str, Any]]]) -> Any:
    """A bulleted list (``IPython.display.HTML``), one item per (template, values) pair, each through :func:`fill`.

    Parameters
    ----------
    items : list of (str, dict)
        Templates and their values.

    Returns
    -------
    IPython.display.HTML

    Examples
    --------
    >>> bullets([("**{a}**", {"a": "x"}), ("{b}", {"b": "<y>"})]).data
    '<ul><li><strong>x</strong></li><li>&lt;y&gt;</li></ul>'
    """
    from IPython.display import HTML
    return HTML("<ul>" + "".join(f"<li>{fill(t, **v)}</li>" for t, v in items) + "</ul>")


def html_table(df: pd.DataFrame, columns: Mapping[str, str] | None = None, max_rows: int | None = None,
               float_format: str = "{:.3f}") -> Any:
    """A DataFrame as an escaped HTML table (``to_html(escape=True)``), columns optionally renamed.

    Parameters
    ----------
    df : DataFrame
    columns : mapping, optional
        Column -> header; only these columns are shown, in this order.
    max_rows : int, optional
        Rows shown (the first ones).
    float_format : str, default "{:.3f}"

    Returns
    -------
    IPython.display.HTML
        A ``<table class="ttdn-table">``; list cells joined by ", ", missing values empty.

    Examples
    --------
    >>> t = html_table(pd.DataFrame({"a": ["<img src=x onerror=alert(1)>"]}))
    >>> "<img" in t.data, "&lt;img" in t.data
    (False, True)
    >>> "None" in html_table(pd.DataFrame({"a": [None, "x"]})).data
    False
    """
    from IPython.display import HTML
    d = df if max_rows is None else df.head(max_rows)
    if columns:
        d = d[[c for c in columns if c in d.columns]].rename(columns=dict(columns))
    d = d.copy()
    for c in d.columns:
        if pd.api.types.is_datetime64_any_dtype(d[c].dtype):  # a date, not a timestamp; missing is empty, not NaT
            d[c] = d[c].map(lambda v: "" if pd.isna(v) else (v.strftime("%Y-%m-%d") if v == v.normalize()
                                                             else v.isoformat(sep=" "))).astype(object)
        elif d[c].dtype == object or str(d[c].dtype).startswith(("Int", "string")):
            d[c] = d[c].map(lambda v: ", ".join(map(str, v)) if isinstance(v, (list, tuple))
                            else ("" if _missing(v) else v)).astype(object)
    body = d.to_html(escape=True, index=False, border=0, na_rep="", classes="ttdn-table",
                     float_format=lambda x: float_format.format(x))
    # valid HTML5 (no border attribute, headers scoped), text that cannot reorder its neighbours (bidi isolation)
    body = body.replace('<table border="0" class="dataframe ttdn-table">', '<table class="ttdn-table">')
    body = body.replace("<th>", '<th scope="col">').replace('<tr style="text-align: right;">', "<tr>")
    body = re.sub(r"<td>([^<]*)</td>", lambda m: _td(m.group(1)), body)
    return HTML(body)


#: A cell that is a number, a date or a range of them ("1.234,5", "29/01/2024", "2025-07-01", "78–108", "26%"):
#: kept on one line.
_NUMBER_CELL = re.compile(r"[−+-]?\d[\d.,:/–-]*%?")


def _td(escaped: str) -> str:
    """A table cell of escaped text: numbers and dates kept on one line, bidirectional text isolated."""
    text = escaped.strip()
    if _NUMBER_CELL.fullmatch(text):
        return f'<td class="ttdn-num">{escaped}</td>'
    return f"<td><bdi>{escaped}</bdi></td>" if _BIDI.search(html.unescape(escaped)) else f"<td>{escaped}</td>"


def _kernel_lang() -> str:
    """The report's language: the ``lang`` parameter of the notebook running in this kernel, else Vietnamese."""
    from ttdn_analysis.plotting.labels import LANGUAGES

    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:  # pragma: no cover - IPython comes with plotly's notebook renderer
        shell = None
    lang = shell.user_ns.get("lang") if shell is not None else None
    return lang if isinstance(lang, str) and lang in LANGUAGES else LANGUAGES[0]


class OfflineNotebookRenderer(NotebookRenderer):
    """plotly's ``"notebook"`` renderer without any network use, with stable element ids, each chart named and
    with its data table.

    Like ``"notebook"``, activating it displays plotly.js once (embedded, not from a CDN); each figure is then a
    small ``<div>`` and script. Unlike it, figures load no MathJax from a CDN, the mode bar carries no link to
    plotly.com, and their ``<div>`` ids are ``ttdn-fig-<n>-<hash of the figure>`` instead of random UUIDs, so the
    same notebook gives the same HTML. Each figure is a ``<figure>`` with a caption (its accessible name) and the
    chart's numbers as a table (:func:`ttdn_analysis.plotting.accessible.figure_html`), in the language of the
    notebook's ``lang`` parameter.
    """

    def __init__(self, height: int = 520) -> None:
        # no "Produced with Plotly" logo: it is a link to the web, and a report must not carry one
        super().__init__(connected=False, config={"displaylogo": False, "responsive": True})
        self.height = height
        self._counter = itertools.count(1)

    def to_mimebundle(self, fig_dict: dict) -> dict[str, str]:
        from plotly.io import to_html

        digest = hashlib.sha256(json.dumps(fig_dict, sort_keys=True, default=str).encode()).hexdigest()[:10]
        div_id = f"ttdn-fig-{next(self._counter)}-{digest}"
        out = to_html(fig_dict, config=self.config, include_plotlyjs=False, include_mathjax=False,
                      full_html=False, default_width="100%", default_height=self.height, validate=False,
                      div_id=div_id)
        from ttdn_analysis.plotting.accessible import figure_html

        return {"text/html": figure_html(fig_dict, out, f"{div_id}-figure", _kernel_lang())}


def setup_plotly() -> str:
    """Register :class:`OfflineNotebookRenderer` as ``"ttdn_offline"`` and return that name.

    Use as ``pio.renderers.default = plots.setup_plotly()``: the assignment activates the renderer, which
    embeds plotly.js in the output of that cell (once per notebook).

    Returns
    -------
    str

    Examples
    --------
    >>> setup_plotly()
    'ttdn_offline'
    """
    if RENDERER not in pio.renderers:
        pio.renderers[RENDERER] = OfflineNotebookRenderer()
    return RENDERER
