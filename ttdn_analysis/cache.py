"""The per-file parse cache (Parquet), keyed by content and the code and data that parse it."""
from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ttdn_analysis._version import __version__


@lru_cache(maxsize=1)
def _fingerprint() -> str:
    """Hash of the code and data that parse a plan: a cache entry is valid only for the parser that made it.

    Covers ``text``, ``schema``, ``ingest/``, ``parse/`` and ``registry/`` (code and data) except the theme
    codebook: tagging is cached apart, keyed by the codebook, so editing ``themes.toml`` re-tags without
    re-parsing.
    """
    h = hashlib.sha256(__version__.encode())
    root = Path(__file__).parent
    files = [root / "text.py", root / "schema.py"]
    for sub in ("ingest", "parse", "registry"):
        files += sorted((root / sub).rglob("*.py")) + sorted((root / sub).rglob("data/*"))
    for p in files:
        if p.name in _NOT_PARSER:
            continue
        h.update(p.relative_to(root).as_posix().encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


#: Files under the parser's folders that do not change a parse (the codebook is tagging's; labels are UI text).
_NOT_PARSER = frozenset({"themes.toml", "labels.toml", "codebook.py"})


def _cache_dir() -> Path:
    d = os.environ.get("TTDN_CACHE_DIR")
    return Path(d) if d else Path.home() / ".cache" / "ttdn_analysis"


def _read_tables(cdir: Path, names: Sequence[str]) -> dict[str, pd.DataFrame] | None:
    """The tables *names* cached in *cdir* (Parquet, never pickle), or None when absent or unreadable."""
    if not all((cdir / f"{t}.parquet").is_file() for t in names):
        return None
    try:
        tables = {t: pd.read_parquet(cdir / f"{t}.parquet") for t in names}
    except Exception:
        return None
    if "tasks" in tables and len(tables["tasks"]):  # Parquet gives arrays back; the contract is lists of ints
        tables["tasks"]["text_lines"] = tables["tasks"]["text_lines"].map(lambda a: [int(x) for x in a])
    return tables


def _write_tables(cdir: Path, tables: dict[str, pd.DataFrame]) -> None:
    """Cache tables as Parquet; a read-only or full disk only costs speed."""
    try:
        cdir.mkdir(parents=True, exist_ok=True)
        for t, df in tables.items():
            df.to_parquet(cdir / f"{t}.parquet", index=False)
    except Exception:
        pass
