"""The loader's cache: tables per plan, per plan's themes and per corpus, keyed by content and by the code and data
that made them.

One entry is one file (a ZIP of Arrow IPC tables, no pickle): written to a temporary name and renamed into place,
so a crash or a full disk never leaves a half-written entry; checked on read (the tables and columns of the
current schema), so a stale or foreign entry is a miss and is rewritten; pruned least-recently-used once the cache
is above its size cap. Paths are never stored as the caller wrote them (see :mod:`ttdn_analysis.corpus`).

Settings: ``TTDN_CACHE_DIR`` (default ``~/.cache/ttdn_analysis``), ``TTDN_CACHE_MAX_MB`` (default 1024).
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import tempfile
import time
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from ttdn_analysis._version import __version__
from ttdn_analysis.schema import COLUMNS

__all__ = ["AREAS", "DEFAULT_MAX_MB", "CacheInfo", "cache_dir", "cache_limit", "entry_path", "read_arrow",
           "read_entry", "to_frame", "write_entry", "cache_info", "clear_cache", "prune_cache"]

#: What the cache holds: a plan's parse, a plan's theme tags, a corpus's tables, the findings of the checks across
#: a corpus's plans.
AREAS = ("plans", "themes", "corpus", "checks")
#: Default size cap in MiB (``TTDN_CACHE_MAX_MB`` overrides it); 2,000 plans take about 200 MiB.
DEFAULT_MAX_MB = 1024
_LAYOUT = "v2"  # the folder of this layout inside the cache folder; older layouts are removed by clear_cache
_SUFFIX = ".zip"
_STALE_TMP = 3600.0  # seconds after which a temporary file is debris of a crashed write


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


def cache_dir() -> Path:
    """The cache folder: ``$TTDN_CACHE_DIR``, else ``~/.cache/ttdn_analysis``.

    Examples
    --------
    >>> import os
    >>> os.environ["TTDN_CACHE_DIR"] = "/tmp/ttdn-doc-cache"
    >>> str(cache_dir())
    '/tmp/ttdn-doc-cache'
    """
    d = os.environ.get("TTDN_CACHE_DIR")
    return Path(d) if d else Path.home() / ".cache" / "ttdn_analysis"



def cache_limit() -> int:
    """The size cap in bytes: ``$TTDN_CACHE_MAX_MB`` MiB (default :data:`DEFAULT_MAX_MB`).

    Examples
    --------
    >>> import os
    >>> os.environ["TTDN_CACHE_MAX_MB"] = "50"
    >>> cache_limit() // 2 ** 20
    50
    >>> del os.environ["TTDN_CACHE_MAX_MB"]
    """
    raw = os.environ.get("TTDN_CACHE_MAX_MB", "")
    try:
        mb = float(raw) if raw.strip() else DEFAULT_MAX_MB
    except ValueError:
        mb = DEFAULT_MAX_MB
    return int(max(mb, 0) * 2 ** 20)


def entry_path(area: str, key: str, root: Path | None = None) -> Path:
    """Where the entry *key* of *area* (one of :data:`AREAS`) lives.

    Examples
    --------
    >>> entry_path("plans", "ab12cd", Path("/c")).as_posix()
    '/c/v2/plans/ab/ab12cd.zip'
    """
    if area not in AREAS:
        raise ValueError(f"area must be one of {AREAS}, got {area!r}")
    return (root if root is not None else cache_dir()) / _LAYOUT / area / key[:2] / f"{key}{_SUFFIX}"


def to_frame(table) -> pd.DataFrame:
    """A DataFrame of an Arrow table; list columns come back as Python lists (as the parser writes them).

    Examples
    --------
    >>> import pyarrow as pa
    >>> to_frame(pa.table({"line": [3], "text_lines": [[3, 4]]})).text_lines.iloc[0]
    [3, 4]
    """
    import pyarrow as pa

    df = table.to_pandas()
    for f in table.schema:
        if pa.types.is_list(f.type) or pa.types.is_large_list(f.type):
            df[f.name] = pd.Series(table.column(f.name).to_pylist(), index=df.index, dtype=object)
    return df


def _ipc_options():
    import pyarrow.ipc as ipc

    # One thread: the tables are small, and Arrow's thread pool makes each read several times slower as soon as
    # the process runs a second thread (a Jupyter kernel, a process pool's manager).
    return ipc.IpcReadOptions(use_threads=False)


def read_arrow(path: Path, names: Sequence[str], columns: Mapping[str, Sequence[str]] = COLUMNS
               ) -> dict[str, Any] | None:
    """The tables *names* of the entry at *path* as Arrow tables, or None when it is absent, unreadable or not of
    this schema (see :func:`read_entry`). A hit marks the entry as recently used.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "e.zip"
    >>> _ = write_entry(p, {"problems": pd.DataFrame({"source_file": ["a"], "line": [1], "severity": ["info"],
    ...                                               "kind": ["skipped"], "message": ["m"]})})
    >>> read_arrow(p, ["problems"])["problems"].num_rows
    1
    """
    import pyarrow as pa
    import pyarrow.ipc as ipc

    options = _ipc_options()
    try:
        with zipfile.ZipFile(path) as zf:
            members = set(zf.namelist())
            if not all(f"{n}.arrow" in members for n in names):
                return None
            tables = {}
            for n in names:
                table = ipc.open_file(pa.BufferReader(zf.read(f"{n}.arrow")), options=options).read_all()
                if table.column_names != list(columns[n]):
                    return None
                tables[n] = table
    except Exception:  # noqa: BLE001 — absent, truncated, foreign or corrupt (any error of zip or Arrow): a miss
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # least recently used is pruned first
    return tables


def read_entry(path: Path, names: Sequence[str], columns: Mapping[str, Sequence[str]] = COLUMNS
               ) -> dict[str, pd.DataFrame] | None:
    """The tables *names* of the entry at *path*, or None when it is absent, unreadable or not of this schema.

    A table is valid when its columns are exactly ``columns[name]`` (by default ``schema.COLUMNS[name]``); anything
    else is a miss, and the caller rewrites the entry. A hit marks the entry as recently used.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "e.zip"
    >>> _ = write_entry(p, {"problems": pd.DataFrame({"source_file": ["a"], "line": [1], "severity": ["info"],
    ...                                               "kind": ["skipped"], "message": ["m"]})})
    >>> read_entry(p, ["problems"])["problems"].kind.tolist(), read_entry(p, ["plans"])
    (['skipped'], None)
    """
    tables = read_arrow(path, names, columns)
    return None if tables is None else {n: to_frame(t) for n, t in tables.items()}


def write_entry(path: Path, tables: Mapping[str, pd.DataFrame]) -> bool:
    """Write *tables* as the entry at *path*, atomically; False (and no file) when it cannot be written.

    A read-only or full disk only costs speed: the load goes on without the cache.
    """
    import pyarrow as pa
    import pyarrow.ipc as ipc

    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
            for name, df in tables.items():
                table = pa.Table.from_pandas(df, preserve_index=False, nthreads=1)
                sink = pa.BufferOutputStream()
                options = ipc.IpcWriteOptions(compression="lz4", use_threads=False)  # see _ipc_options
                with ipc.new_file(sink, table.schema, options=options) as w:
                    w.write_table(table)
                zf.writestr(f"{name}.arrow", sink.getvalue().to_pybytes())
        fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(buf.getvalue())
        os.replace(tmp, path)
        return True
    except Exception:  # noqa: BLE001 — a full or read-only disk, or a table Arrow cannot hold: no entry, no error
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        return False


@dataclass(frozen=True)
class CacheInfo:
    """What the cache holds: its folder, entries and bytes per area, older layouts' bytes, and the size cap."""

    path: Path
    entries: dict[str, int]
    bytes: dict[str, int]
    other_bytes: int
    limit: int

    @property
    def total(self) -> int:
        """Bytes of this layout's entries."""
        return sum(self.bytes.values())

    def __str__(self) -> str:
        from ttdn_analysis.ingest.limits import human_size

        lines = [f"cache folder: {self.path}",
                 f"size: {human_size(self.total)} of {human_size(self.limit)} (TTDN_CACHE_MAX_MB); least recently "
                 "used entries are removed above it"]
        lines += [f"  {a}: {self.entries[a]} entries, {human_size(self.bytes[a])}" for a in AREAS]
        if self.other_bytes:
            lines.append(f"  older cache layouts: {human_size(self.other_bytes)} (ttdn cache clear removes them)")
        return "\n".join(lines)


def _entries(root: Path) -> list[tuple[Path, str, os.stat_result]]:
    out = []
    for area in AREAS:
        base = root / _LAYOUT / area
        if not base.is_dir():
            continue
        for sub in os.scandir(base):
            if not sub.is_dir(follow_symlinks=False):
                continue
            for e in os.scandir(sub.path):
                try:
                    out.append((Path(e.path), area, e.stat(follow_symlinks=False)))
                except OSError:
                    continue
    return out


def _legacy(root: Path) -> list[Path]:
    """Folders of the older cache layouts (Parquet folders named by a 32-hex key, and their themes/corpus)."""
    if not root.is_dir():
        return []
    out = []
    for e in os.scandir(root):
        name = e.name
        if e.is_dir(follow_symlinks=False) and (
                name in ("themes", "corpus") or (len(name) == 32 and all(c in "0123456789abcdef" for c in name))):
            out.append(Path(e.path))
    return out


def _tree_bytes(p: Path) -> int:
    total = 0
    for dirpath, _, files in os.walk(p):
        for f in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(dirpath, f)).st_size
    return total


def cache_info(root: Path | None = None) -> CacheInfo:
    """Entries and bytes of the cache, per area.

    Examples
    --------
    >>> import tempfile
    >>> info = cache_info(Path(tempfile.mkdtemp()))
    >>> info.entries, info.total
    ({'plans': 0, 'themes': 0, 'corpus': 0, 'checks': 0}, 0)
    """
    root = root if root is not None else cache_dir()
    entries = dict.fromkeys(AREAS, 0)
    size = dict.fromkeys(AREAS, 0)
    for p, area, st in _entries(root):
        if p.name.endswith(_SUFFIX):
            entries[area] += 1
        size[area] += st.st_size
    other = sum(_tree_bytes(p) for p in _legacy(root))
    return CacheInfo(root, entries, size, other, cache_limit())


def clear_cache(root: Path | None = None) -> int:
    """Remove every entry of the cache (this layout and older ones); return the bytes freed.

    Only the cache's own folders are removed, never other files in the cache folder.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = write_entry(entry_path("plans", "abcd", d), {})
    >>> (d / "notes.txt").write_text("mine") and clear_cache(d) > 0, (d / "notes.txt").exists()
    (True, True)
    """
    root = root if root is not None else cache_dir()
    info = cache_info(root)
    for p in [root / _LAYOUT, *_legacy(root)]:
        shutil.rmtree(p, ignore_errors=True)
    return info.total + info.other_bytes


def prune_cache(root: Path | None = None, limit: int | None = None) -> int:
    """Remove least-recently-used entries until the cache is within 90 % of *limit*; return how many went.

    Debris of interrupted writes (temporary files older than an hour) is removed too.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> df = pd.DataFrame({"x": range(1000)})
    >>> for k in ("aa1", "aa2", "aa3"):
    ...     _ = write_entry(entry_path("plans", k, d), {"t": df})
    >>> prune_cache(d, limit=cache_info(d).total // 2), cache_info(d).entries["plans"]
    (2, 1)
    """
    root = root if root is not None else cache_dir()
    limit = cache_limit() if limit is None else limit
    now = time.time()
    entries = []
    removed = 0
    for p, _, st in _entries(root):
        if p.name.endswith(".tmp"):
            if now - st.st_mtime > _STALE_TMP:
                with contextlib.suppress(OSError):
                    p.unlink()
            continue
        entries.append((st.st_mtime, p.as_posix(), p, st.st_size))
    total = sum(e[3] for e in entries)
    if total <= limit:
        return 0
    for _, _, p, size in sorted(entries):  # oldest use first; the path breaks ties, so the order is stable
        if total <= 0.9 * limit:
            break
        try:
            p.unlink()
            total -= size
            removed += 1
        except OSError:
            pass
    return removed
