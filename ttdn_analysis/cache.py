"""The loader's cache: tables per plan, per plan's themes and per corpus, keyed by content and by the code and data
that made them.

One entry is one file (a ZIP of Arrow IPC streams, each compressed with zstd; no pickle): written to a temporary
name and renamed into place, so a crash or a full disk never leaves a half-written entry; checked on read (the
tables and columns of the current schema), so a stale or foreign entry is a miss and is rewritten; pruned
least-recently-used once the cache is above its size cap. Paths are never stored as the caller wrote them (see
:mod:`ttdn_analysis.corpus`).

The cache owns only what it wrote. Its folder carries a marker, ``CACHEDIR.TAG`` (the Cache Directory Tagging
Specification [1]_, so backup tools skip it too), written when the cache creates the folder; a folder that holds
files but no marker (a research folder named by mistake in ``TTDN_CACHE_DIR``) is never written to, trimmed or
cleared: the load goes on without the cache and says so (:class:`CacheWarning`). Clearing and trimming remove only
entry files of the cache's own naming (``v2/<area>/<xx>/<hex key>.zip`` and their temporary files). An entry
carries a signature member written by :func:`write_entry`; an entry without it (another program's ZIP, a
truncated or damaged file, an older layout) is a miss and is rewritten.

Settings: ``TTDN_CACHE_DIR`` (default ``~/.cache/ttdn_analysis``), ``TTDN_CACHE_MAX_MB`` (default 1024).

References
----------
.. [1] B. Ford, "Cache Directory Tagging Specification", https://bford.info/cachedir/
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import itertools
import json
import os
import re
import shutil
import stat
import tempfile
import time
import warnings
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from ttdn_analysis._version import __version__
from ttdn_analysis.schema import COLUMNS

__all__ = ["AREAS", "DEFAULT_MAX_MB", "MARKER", "CacheInfo", "CacheError", "CacheWarning", "Packed", "cache_dir",
           "read_packed", "cache_limit", "cache_problem", "is_cache", "open_cache", "entry_path", "read_arrow",
           "read_entry", "to_frame", "as_lists", "extension_dtypes", "write_entry", "cache_info", "clear_cache",
           "prune_cache", "OcrCache"]

#: What the cache holds: a plan's parse, a plan's theme tags, a corpus's tables, the ledger a corpus grows from
#: (:mod:`ttdn_analysis.loading.appending`), the findings of the checks across
#: a corpus's plans, the pages of a scan as OCR read them (keyed by the file's bytes, the OCR settings and engine).
AREAS = ("plans", "themes", "corpus", "ledger", "checks", "ocr")
#: Default size cap in MiB (``TTDN_CACHE_MAX_MB`` overrides it); 2,000 plans take about 90 MiB (bench/RESULTS.md).
DEFAULT_MAX_MB = 1024
_LAYOUT = "v2"  # the folder of this layout inside the cache folder; older layouts are removed by clear_cache
_SUFFIX = ".zip"
_STALE_TMP = 3600.0  # seconds after which a temporary file is debris of a crashed write
#: The marker at the cache folder's root (Cache Directory Tagging Specification: the signature line comes first).
MARKER = "CACHEDIR.TAG"
_MARKER_TEXT = ("Signature: 8a477f597d28d172789f06886806bc55\n"
                "# This file is a cache directory tag created by ttdn_analysis.\n"
                "# The folder is its cache of parsed plans: `ttdn cache clear` empties it, deleting it is safe.\n"
                "# For information about cache directory tags see https://bford.info/cachedir/\n")
_OWNER = "ttdn_analysis"
#: The member of every entry that says the cache wrote it (with the layout), checked on reading.
_SIGNATURE = "ttdn_entry.json"
_SIGNED = {"writer": _OWNER, "layout": _LAYOUT, "format": "arrow-stream-zstd"}
#: Each table of an entry: an Arrow IPC stream (its schema once, no footer, no pandas metadata: only the columns
#: pandas types that Arrow loses, under :data:`_DTYPES`), compressed as a whole with zstd, after 8 bytes (little
#: endian) of its uncompressed size. Compressing the whole stream rather than each column's buffers, and leaving
#: out the pandas metadata, makes a plan's entries less than half as large (issue 27).
_CODEC = ("zstd", 1)
_DTYPES = b"ttdn_dtypes"
# Names of the cache's own files inside v2/<area>/<xx>/: "<hex key>.zip" and "<hex key>.zip.<random>.tmp".
_OWN_SHARD = re.compile(r"[0-9a-f]{2}")
_OWN_ENTRY = re.compile(r"[0-9a-f]{2,64}\.zip")
_OWN_TMP = re.compile(r"[0-9a-f]{2,64}\.zip\.[A-Za-z0-9_]+\.tmp")


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
    return Path(d) if d else _default_root()


def _default_root() -> Path:
    return Path.home() / ".cache" / "ttdn_analysis"


def _message(code: str, path: Path, lang: str = "en", **fields: Any) -> str:
    from ttdn_analysis.labels import labels

    return labels(lang, "cli_errors")[code].format(path=path, marker=MARKER, **fields)


class CacheError(ValueError):
    """The cache folder cannot be cleared: it is a file, or a folder the cache did not create (no marker).

    ``code`` names the reason (a key of ``labels.toml``'s ``[cli_errors]``), ``path`` the folder;
    :meth:`message` gives the text in either language.
    """

    def __init__(self, code: str, path: Path) -> None:
        self.code, self.path = code, path
        super().__init__(_message(code, path))

    def message(self, lang: str = "en") -> str:
        """The reason in *lang* ("vi" or "en")."""
        return _message(self.code, self.path, lang)


class CacheWarning(UserWarning):
    """The cache folder cannot be used, so the plans are read without the cache; ``code`` and ``path`` as in
    :class:`CacheError`."""

    code: str = ""
    path: Path = Path()


def _warn(code: str, path: Path) -> None:
    w = CacheWarning(_message(code, path))
    w.code, w.path = code, path
    warnings.warn(w, stacklevel=3)


def is_cache(root: Path | None = None) -> bool:
    """Whether *root* (default :func:`cache_dir`) carries this cache's marker, i.e. the cache created it.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> is_cache(d), open_cache(d) == d, is_cache(d), (d / MARKER).is_file()
    (False, True, True, True)
    """
    root = root if root is not None else cache_dir()
    try:
        with open(root / MARKER, "rb") as fh:
            head = fh.read(512)
    except OSError:
        return False
    return not head or (head.startswith(_MARKER_TEXT[:43].encode()) and _OWNER.encode() in head)
    # an empty marker is one being written by another process (see _claim)


def cache_problem(root: Path | None = None) -> str | None:
    """Why *root* (default :func:`cache_dir`) cannot be the cache, or None when it can (nothing is changed).

    ``"cache_is_file"``: it is a file (or another non-folder); ``"cache_not_ours"``: a folder that holds files but
    no marker of this cache. A missing or empty folder can be the cache (it is created with its marker), and so can
    the default folder ``~/.cache/ttdn_analysis``, the project's own place.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> cache_problem(d), cache_problem(d / "new")
    (None, None)
    >>> (d / "thesis.docx").write_bytes(b"mine") and cache_problem(d), cache_problem(d / "thesis.docx")
    ('cache_not_ours', 'cache_is_file')
    """
    root = root if root is not None else cache_dir()
    if not os.path.lexists(root):
        return None
    if not root.is_dir():
        return "cache_is_file"
    if is_cache(root):
        return None
    try:
        with os.scandir(root) as it:
            empty = next(it, None) is None
    except OSError:
        return "cache_not_ours"
    if empty or os.path.normpath(os.path.abspath(root)) == os.path.normpath(_default_root()):
        return None
    return "cache_not_ours"


def _claim(root: Path) -> bool:
    """Make *root* the cache (the folder and its marker, the marker first) unless it is someone else's folder."""
    if is_cache(root):
        return True
    if cache_problem(root) is not None:
        return False
    try:
        root.mkdir(parents=True, exist_ok=True)
        fd = os.open(root / MARKER, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:  # another process claimed it a moment ago
        return is_cache(root)
    except OSError:
        return False
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(_MARKER_TEXT)
    return True


def open_cache(root: Path | None = None, warn: bool = True) -> Path | None:
    """The cache folder ready for use (created with its marker when missing or empty), or None when it cannot be.

    None, with a :class:`CacheWarning` saying why and what to do (unless ``warn=False``), when the folder is a file,
    a folder of someone else's files (no marker), or cannot be created; the load then goes on without the cache.

    Parameters
    ----------
    root : Path, optional
        Default :func:`cache_dir`.
    warn : bool, default True

    Returns
    -------
    Path or None

    Examples
    --------
    >>> import tempfile, warnings
    >>> d = Path(tempfile.mkdtemp())
    >>> open_cache(d / "cache") == d / "cache", sorted(p.name for p in (d / "cache").iterdir())
    (True, ['CACHEDIR.TAG'])
    >>> _ = (d / "notes.txt").write_text("mine")
    >>> with warnings.catch_warnings(record=True) as seen:
    ...     warnings.simplefilter("always")
    ...     got = open_cache(d)
    >>> got, [(w.category.__name__, w.message.code) for w in seen if w.category is CacheWarning]
    (None, [('CacheWarning', 'cache_not_ours')])
    """
    root = root if root is not None else cache_dir()
    code = cache_problem(root)
    if code is None and _claim(root):
        return root
    if warn:
        _warn(code or "cache_unwritable", root)
    return None


def _layout_root(path: Path) -> Path | None:
    """The cache folder of an entry path of this layout (``root/v2/<area>/<xx>/<key>.zip``), else None."""
    parts = path.parts
    if len(parts) >= 5 and parts[-4] == _LAYOUT and parts[-3] in AREAS:
        return path.parents[3]
    return None



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

    df = table.to_pandas(use_threads=False)  # see _ipc_options: no thread pool (a capped worker cannot start one)
    for f in table.schema:
        if pa.types.is_list(f.type) or pa.types.is_large_list(f.type):
            df[f.name] = pd.Series(as_lists(table.column(f.name)), index=df.index, dtype=object)
    for col, dtype in extension_dtypes(table).items():  # e.g. nullable Int64, which plain Arrow types lose
        if col in df.columns:
            df[col] = df[col].astype(dtype)
    return df


def as_lists(arr) -> list:
    """The Python lists of an Arrow list array (nested lists too; None for a null), as ``to_pylist`` gives them but
    built from the offsets and the flat values: many times faster for the line numbers of a corpus's tasks.

    Examples
    --------
    >>> import pyarrow as pa
    >>> a = pa.array([[[0, 7], [9, 3]], None, [], [[1, 2]]])
    >>> as_lists(a) == a.to_pylist(), as_lists(a.slice(1)) == a.slice(1).to_pylist()
    (True, True)
    >>> as_lists(pa.chunked_array([[[1, None]], [[2]]]))
    [[1, None], [2]]
    """
    import pyarrow as pa

    if isinstance(arr, pa.ChunkedArray):
        out: list = []
        for chunk in arr.chunks:
            out += as_lists(chunk)
        return out
    values = arr.values
    if pa.types.is_list(values.type) or pa.types.is_large_list(values.type):
        flat = as_lists(values)
    elif values.null_count or not (pa.types.is_integer(values.type) or pa.types.is_floating(values.type)):
        flat = values.to_pylist()
    else:
        flat = values.to_numpy(zero_copy_only=False).tolist()
    offsets = arr.offsets.to_numpy().tolist()
    if arr.null_count:
        valid = arr.is_valid().to_pylist()
        return [flat[a:b] if v else None for a, b, v in zip(offsets[:-1], offsets[1:], valid)]
    return [flat[a:b] for a, b in itertools.pairwise(offsets)]


def extension_dtypes(table) -> dict[str, str]:
    """The pandas dtypes of an Arrow table's columns that Arrow's own types lose (``Int64``, ``boolean``…), as
    :func:`write_entry` notes them in the table's metadata.

    Examples
    --------
    >>> import pyarrow as pa
    >>> extension_dtypes(pa.table({"x": [1]}).replace_schema_metadata({b"ttdn_dtypes": b'{"x": "Int64"}'}))
    {'x': 'Int64'}
    """
    raw = (table.schema.metadata or {}).get(_DTYPES)
    return dict(json.loads(raw)) if raw else {}


def _encode(df: pd.DataFrame) -> bytes:
    """One table of an entry: its Arrow IPC stream, zstd-compressed, after its size (see :data:`_CODEC`)."""
    import pyarrow as pa
    import pyarrow.ipc as ipc

    table = pa.Table.from_pandas(df, preserve_index=False, nthreads=1)
    lost = {str(c): str(df[c].dtype) for c in df.columns
            if isinstance(df[c].dtype, pd.api.extensions.ExtensionDtype)
            and not isinstance(df[c].dtype, pd.CategoricalDtype)}  # a categorical is an Arrow dictionary
    table = table.replace_schema_metadata({_DTYPES: json.dumps(lost).encode()} if lost else None)
    sink = pa.BufferOutputStream()
    with ipc.new_stream(sink, table.schema, options=ipc.IpcWriteOptions(use_threads=False)) as w:
        w.write_table(table)
    raw = sink.getvalue()
    return raw.size.to_bytes(8, "little") + pa.Codec(*_CODEC).compress(raw, asbytes=True)


def _decode(data: bytes, options):
    """The Arrow table of one member written by :func:`_encode`."""
    import pyarrow as pa
    import pyarrow.ipc as ipc

    size = int.from_bytes(data[:8], "little")
    raw = pa.Codec(_CODEC[0]).decompress(memoryview(data)[8:], decompressed_size=size)
    return ipc.open_stream(pa.BufferReader(raw), options=options).read_all()


def _ipc_options():
    import pyarrow.ipc as ipc

    # One thread: the tables are small, and Arrow's thread pool makes each read several times slower as soon as
    # the process runs a second thread (a Jupyter kernel, a process pool's manager).
    return ipc.IpcReadOptions(use_threads=False)


def read_arrow(path: Path, names: Sequence[str], columns: Mapping[str, Sequence[str]] = COLUMNS
               ) -> dict[str, Any] | None:
    """The tables *names* of the entry at *path* as Arrow tables, or None when it is absent, unreadable or not of
    this schema (see :func:`read_entry`). A hit marks the entry as recently used.

    An entry must carry the signature :func:`write_entry` adds and hold its tables stored, not deflated, in the ZIP (as
    written): another program's ZIP, an entry of another layout, a truncated or damaged file (the ZIP's checksums)
    are misses.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "e.zip"
    >>> _ = write_entry(p, {"problems": pd.DataFrame({"source_file": ["a"], "line": [1], "severity": ["info"],
    ...                                               "kind": ["skipped"], "message": ["m"], "page": [None]})})
    >>> read_arrow(p, ["problems"])["problems"].num_rows
    1
    """

    return _read_members(path, names, columns, packed=False)


class Packed:
    """One table of a cache entry kept as stored (compressed) until it is wanted: a plan's tables wait for the
    corpus's assembly in a fifth of the memory of the Arrow tables, and each is decoded once, when its table of the
    corpus is built. *values* sets whole columns as it is decoded (``source_file``: the file as this load names it).

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "e.zip"
    >>> _ = write_entry(p, {"problems": pd.DataFrame({"source_file": [""], "line": [1], "severity": ["info"],
    ...                                               "kind": ["skipped"], "message": ["m"], "page": [None]})})
    >>> x = read_packed(p, ["problems"])["problems"]
    >>> x.num_rows, x.with_values({"source_file": "a.txt"}).table().column("source_file").to_pylist()
    (1, ['a.txt'])
    """

    __slots__ = ("data", "num_rows", "values")

    def __init__(self, data: bytes, num_rows: int, values: Mapping[str, str] | None = None) -> None:
        self.data, self.num_rows, self.values = data, num_rows, dict(values or {})

    def with_values(self, values: Mapping[str, str]) -> Packed:
        """The same table with whole columns set to *values* once decoded."""
        return Packed(self.data, self.num_rows, {**self.values, **values})

    def table(self):
        """The Arrow table (the columns of ``values`` set)."""
        import pyarrow as pa

        table = _decode(self.data, _ipc_options())
        n = table.num_rows
        for col, value in self.values.items() if n else ():
            if col in table.column_names:
                table = table.set_column(table.schema.get_field_index(col), col,
                                         pa.repeat(pa.scalar(value, pa.string()), n))
        return table


def read_packed(path: Path, names: Sequence[str], columns: Mapping[str, Sequence[str]] = COLUMNS
                ) -> dict[str, Packed] | None:
    """The tables *names* of the entry at *path*, checked as :func:`read_arrow` checks them, but kept compressed
    (:class:`Packed`); None on a miss.

    Examples
    --------
    >>> read_packed(Path("/no/such/entry.zip"), ["plans"]) is None
    True
    """
    return _read_members(path, names, columns, packed=True)


def _read_members(path: Path, names: Sequence[str], columns: Mapping[str, Sequence[str]], packed: bool
                  ) -> dict[str, Any] | None:
    options = _ipc_options()
    try:
        with zipfile.ZipFile(path) as zf:
            members = {i.filename: i for i in zf.infolist()}
            if not all(f"{n}.arrow" in members for n in names) or _SIGNATURE not in members:
                return None
            if any(i.compress_type != zipfile.ZIP_STORED for i in members.values()):
                return None  # not written by write_entry (which stores): no decompression of a foreign member
            if json.loads(zf.read(_SIGNATURE)) != _SIGNED:
                return None
            tables = {}
            for n in names:
                data = zf.read(f"{n}.arrow")
                table = _decode(data, options)
                if table.column_names != list(columns[n]):
                    return None
                tables[n] = Packed(data, table.num_rows) if packed else table
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
    ...                                               "kind": ["skipped"], "message": ["m"], "page": [None]})})
    >>> read_entry(p, ["problems"])["problems"].kind.tolist(), read_entry(p, ["plans"])
    (['skipped'], None)
    """
    tables = read_arrow(path, names, columns)
    return None if tables is None else {n: to_frame(t) for n, t in tables.items()}


def write_entry(path: Path, tables: Mapping[str, pd.DataFrame]) -> bool:
    """Write *tables* as the entry at *path*, atomically; False (and no file) when it cannot be written.

    A read-only or full disk only costs speed: the load goes on without the cache. An entry path of the cache's
    layout (:func:`entry_path`) is written only into a cache folder (created with its marker when missing or
    empty), never into a folder of someone else's files.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> write_entry(entry_path("plans", "ab12", d / "c"), {}), is_cache(d / "c")
    (True, True)
    >>> _ = (d / "mine.txt").write_text("mine")
    >>> write_entry(entry_path("plans", "ab12", d), {}), (d / "v2").exists()
    (False, False)
    """
    root = _layout_root(path)
    if root is not None and not _claim(root):
        return False
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
            zf.writestr(_SIGNATURE, json.dumps(_SIGNED))
            for name, df in tables.items():
                zf.writestr(f"{name}.arrow", _encode(df))
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
    """What the cache holds: its folder, entries and bytes per area, older layouts' bytes, the size cap, and why the
    folder cannot be the cache (``problem``: a :func:`cache_problem` code, or None)."""

    path: Path
    entries: dict[str, int]
    bytes: dict[str, int]
    other_bytes: int
    limit: int
    problem: str | None = None

    @property
    def total(self) -> int:
        """Bytes of this layout's entries."""
        return sum(self.bytes.values())

    def __str__(self) -> str:
        from ttdn_analysis.ingest.limits import human_size

        lines = [f"cache folder: {self.path}"]
        if self.problem:
            lines.append(_message(self.problem, self.path))
        lines += [
                 f"size: {human_size(self.total)} of {human_size(self.limit)} (TTDN_CACHE_MAX_MB); least recently "
                 "used entries are removed above it"]
        lines += [f"  {a}: {self.entries[a]} entries, {human_size(self.bytes[a])}" for a in AREAS]
        if self.other_bytes:
            lines.append(f"  older cache layouts: {human_size(self.other_bytes)} (ttdn cache clear removes them)")
        return "\n".join(lines)


def _scan(path: str | Path) -> list[os.DirEntry]:
    try:
        with os.scandir(path) as it:
            return list(it)
    except OSError:  # gone, unreadable or not a folder: nothing of the cache's there
        return []


def _entries(root: Path) -> list[tuple[Path, str, os.stat_result]]:
    """The cache's own files (entries and temporary files of its naming, nothing else) with area and status."""
    out = []
    for area in AREAS:
        base = root / _LAYOUT / area
        if base.is_symlink() or not base.is_dir():
            continue
        for sub in _scan(base):
            if not _OWN_SHARD.fullmatch(sub.name) or not sub.is_dir(follow_symlinks=False):
                continue
            for e in _scan(sub.path):
                if not e.name.startswith(sub.name) or not (_OWN_ENTRY.fullmatch(e.name) or
                                                           _OWN_TMP.fullmatch(e.name)):
                    continue
                try:
                    st = e.stat(follow_symlinks=False)
                except OSError:
                    continue
                if stat.S_ISREG(st.st_mode):  # never a link, a folder or a device of that name
                    out.append((Path(e.path), area, st))
    return out


def _legacy(root: Path) -> list[Path]:
    """Folders of the older cache layouts (Parquet folders named by a 32-hex key, and their themes/corpus), only in
    a folder the cache marked as its own."""
    if not root.is_dir() or not is_cache(root):
        return []
    out = []
    for e in _scan(root):
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
    """Entries and bytes of the cache, per area (none in a folder that is not a cache: see ``problem``).

    Examples
    --------
    >>> import tempfile
    >>> info = cache_info(Path(tempfile.mkdtemp()))
    >>> info.entries, info.total
    ({'plans': 0, 'themes': 0, 'corpus': 0, 'ledger': 0, 'checks': 0, 'ocr': 0}, 0)
    """
    root = root if root is not None else cache_dir()
    entries = dict.fromkeys(AREAS, 0)
    size = dict.fromkeys(AREAS, 0)
    problem = cache_problem(root)
    for p, area, st in _entries(root) if problem is None else ():
        if p.name.endswith(_SUFFIX):
            entries[area] += 1
        size[area] += st.st_size
    other = sum(_tree_bytes(p) for p in _legacy(root))
    return CacheInfo(root, entries, size, other, cache_limit(), problem)


def clear_cache(root: Path | None = None) -> int:
    """Remove every entry of the cache (this layout and older ones); return the bytes freed.

    Only the cache's own files go: entries and temporary files of its naming under a folder that carries its
    marker (the marker stays). A folder without the marker is not touched.

    Raises
    ------
    CacheError
        When *root* is a file, or a folder of files without the cache's marker (``code`` says which).

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = write_entry(entry_path("plans", "abcd", d), {})
    >>> (d / "notes.txt").write_text("mine") and clear_cache(d) > 0, (d / "notes.txt").exists()
    (True, True)
    >>> sorted(p.name for p in d.iterdir())
    ['CACHEDIR.TAG', 'notes.txt']
    >>> clear_cache(d / "notes.txt")
    Traceback (most recent call last):
    ...
    ttdn_analysis.cache.CacheError: TTDN_CACHE_DIR names a file, not a folder: ...
    """
    root = root if root is not None else cache_dir()
    if not os.path.lexists(root):
        return 0
    problem = cache_problem(root)
    if problem is None and not is_cache(root):
        return 0  # an empty folder, or the default one before the cache marked it: nothing of the cache's
    if problem is not None:
        raise CacheError(problem, root)
    freed = 0
    for p, _, st in _entries(root):
        with contextlib.suppress(OSError):
            p.unlink()
            freed += st.st_size
    for p in _legacy(root):
        freed += _tree_bytes(p)
        _remove_tree(p)
    _remove_empty(root / _LAYOUT)
    return freed


def _remove_tree(p: Path) -> None:
    """Remove an older layout's folder (rmtree does not follow links out of it)."""
    shutil.rmtree(p, ignore_errors=True)


def _remove_empty(base: Path) -> None:
    """Remove the layout's folders that are left empty (deepest first); a folder with anything else in it stays."""
    for area in AREAS:
        for sub in _scan(base / area):
            if _OWN_SHARD.fullmatch(sub.name) and sub.is_dir(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    os.rmdir(sub.path)
        with contextlib.suppress(OSError):
            os.rmdir(base / area)
    with contextlib.suppress(OSError):
        os.rmdir(base)


def prune_cache(root: Path | None = None, limit: int | None = None) -> int:
    """Remove least-recently-used entries until the cache is within 90 % of *limit*; return how many went.

    Debris of interrupted writes (temporary files older than an hour) is removed too. Only the cache's own files
    under a folder with its marker are ever removed (see :func:`clear_cache`).

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
    if not is_cache(root):
        return 0  # never trim a folder the cache did not create
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


#: The table of an ``ocr`` entry: one row per recognised line (see :mod:`ttdn_analysis.ingest.ocr`).
_OCR_TABLE = {"ocr_lines": ["page", "text", "conf", "words", "confs"]}


class OcrCache:
    """The ``ocr`` area of the cache folder *root* as the store OCR reads and keeps recognised pages in
    (:class:`ttdn_analysis.ingest.ocr.OcrStore`): an unchanged scan is never recognised twice.

    Examples
    --------
    >>> import tempfile
    >>> from ttdn_analysis.ingest.ocr import OcrLine, OcrWord
    >>> store = OcrCache(Path(tempfile.mkdtemp()))
    >>> store.save("ab12", [OcrLine(1, "Sở Y tế", 91.0, (OcrWord("Sở", 95), OcrWord("Y", 88), OcrWord("tế", 90)))])
    >>> store.load("ab12")[0].words[1], store.load("cd34")
    (OcrWord(text='Y', conf=88.0), None)
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    def load(self, key: str) -> list | None:
        """The lines stored under *key*, or None (absent, damaged, or of another layout)."""
        from ttdn_analysis.ingest.ocr import rows_to_lines

        tables = read_entry(entry_path("ocr", key, self.root), list(_OCR_TABLE), _OCR_TABLE)
        return None if tables is None else rows_to_lines(tables["ocr_lines"])

    def save(self, key: str, lines: list) -> None:
        """Keep *lines* under *key* (a full or read-only disk only costs the next run's time)."""
        from ttdn_analysis.ingest.ocr import lines_to_rows

        frame = pd.DataFrame(lines_to_rows(lines), columns=_OCR_TABLE["ocr_lines"])
        frame["conf"] = frame["conf"].astype("float64")
        write_entry(entry_path("ocr", key, self.root), {"ocr_lines": frame})
