"""Table export: the corpus tables as CSV, Parquet or one Excel workbook, and the pooled co-assignment network."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ttdn_analysis.analysis.networks import coassignment_graph
from ttdn_analysis.corpus import Corpus
from ttdn_analysis.io.graphs import to_gexf, to_graphml, write_edge_list
from ttdn_analysis.schema import TABLES

__all__ = ["FORMATS", "export_corpus"]

#: Table formats :func:`export_corpus` writes.
FORMATS = ("csv", "parquet", "xlsx")


def _flat(df: pd.DataFrame) -> pd.DataFrame:
    """List cells (e.g. ``text_lines``) as comma-separated text, for formats without lists."""
    out = df.copy()
    for col in out.columns:
        if out[col].map(lambda v: isinstance(v, (list, tuple))).any():
            out[col] = out[col].map(lambda v: ", ".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
    return out


def export_corpus(corpus: Corpus, out: str | Path, fmt: str = "xlsx") -> list[Path]:
    """Write every table of *corpus* and the pooled co-assignment network into folder *out*.

    Parameters
    ----------
    corpus : Corpus
        A loaded corpus.
    out : str or Path
        Output folder (created when missing).
    fmt : {"csv", "parquet", "xlsx"}
        Table format: one file per table, or one workbook with a sheet per table. Default ``"xlsx"``.

    Returns
    -------
    list of Path
        Every file written, in order.

    Examples
    --------
    >>> import tempfile
    >>> from ttdn_analysis import load_corpus
    >>> paths = export_corpus(load_corpus([], cache=False), tempfile.mkdtemp(), "csv")
    >>> [p.name for p in paths][:2]
    ['plans.csv', 'tasks.csv']
    """
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}, got {fmt!r}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    tables = {t: getattr(corpus, t) for t in TABLES}
    if fmt == "xlsx":
        path = out / "ttdn_tables.xlsx"
        with pd.ExcelWriter(path) as xw:
            for name, df in tables.items():
                _flat(df).to_excel(xw, sheet_name=name, index=False)
        written.append(path)
    else:
        for name, df in tables.items():
            path = out / f"{name}.{fmt}"
            if fmt == "csv":
                _flat(df).to_csv(path, index=False)
            else:
                df.to_parquet(path, index=False)
            written.append(path)
    if len(corpus.assignments):  # the pooled co-assignment network for Gephi and other tools
        g = coassignment_graph(corpus.assignments, weight="count", tasks=corpus.tasks)
        written += [to_gexf(g, out / "coassignment.gexf"), to_graphml(g, out / "coassignment.graphml"),
                    write_edge_list(g, out / "coassignment_edges.csv")]
    return written
