"""Find the plan files of a folder (or a list of files), and say what was met but not read.

Every entry of a folder ends up either as a plan file to read or as a problem row: a subfolder, a hidden file, a
link that leaves the folder (followed only when the caller asks), a broken or looping link, a pipe or device, a
folder named like a plan file, a file type that is not a plan. A pipe is never opened (opening one can block).
"""
from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ttdn_analysis.ingest.formats import FORMAT_OF_SUFFIX, PLAN_SUFFIXES, describe, hint, sniff
from ttdn_analysis.ingest.pdf import pdf_needs_ocr

__all__ = ["MANIFEST", "PlanFile", "Found", "find_plan_files"]

#: The optional per-folder metadata file (read by :mod:`ttdn_analysis.ingest.manifest`).
MANIFEST = "manifest.csv"
_HEAD = 64 * 1024


@dataclass(frozen=True)
class PlanFile:
    """A file to read as a plan.

    ``display`` is the path as the caller wrote it (folder joined with the file name): it is what every row's
    ``source_file`` shows. ``identity`` is its absolute, normalised form (the same file reached from another
    working directory has the same identity), under which the corpus is cached.
    """

    display: str
    identity: str
    folder: str  # display path of the folder whose manifest.csv describes it


@dataclass
class Found:
    """What :func:`find_plan_files` found: plan files in order, problem rows, and the folders' manifest files."""

    files: list[PlanFile] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)
    manifests: dict[str, str] = field(default_factory=dict)  # folder display path -> manifest display path
    #: (identity, what) of every entry met, for the corpus cache key.
    met: list[tuple[str, str]] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)  # identities of the plan files


def _identity(display: str) -> str:
    return os.path.normpath(os.path.abspath(display))


def _row(display: str, severity: str, kind: str, message: str) -> dict:
    return {"source_file": display, "line": None, "severity": severity, "kind": kind, "message": message}


def _unsupported(path: Path, suffix: str) -> str:
    """Why a file of a type that is not read is skipped, naming what its content looks like."""
    try:
        with path.open("rb") as fh:
            head = fh.read(_HEAD)
    except OSError:
        head = b""
    kind = "zip" if head.startswith(b"PK") else sniff(head) if head else "empty"
    what = describe(kind, head)
    if kind in FORMAT_OF_SUFFIX.values():  # a plan in a readable format under another name
        ext = next(s for s, k in FORMAT_OF_SUFFIX.items() if k == kind)
        return f"the file type {suffix or '(no extension)'} is not read, but this looks like {what}: rename it to {ext}"
    return (f"the file type {suffix or '(no extension)'} is not read (this is {what}: {hint(kind)}); plans are read "
            f"from {', '.join(PLAN_SUFFIXES)}")


def _link_problem(entry: Path, root: Path | None, follow_links: bool) -> tuple[str, str] | None:
    """Why a symbolic link is not followed (severity, message), or None when it may be."""
    try:
        target = entry.resolve(strict=True)
    except (RuntimeError, OSError) as exc:
        loop = isinstance(exc, RuntimeError) or getattr(exc, "errno", None) == 40  # ELOOP
        if loop:
            return "warning", "this link points back to itself (a loop of links); not read"
        return "warning", f"this link points to a missing file ({os.readlink(entry)}); not read"
    if root is not None and not follow_links and not target.is_relative_to(root.resolve()):
        return "warning", (f"this link leads out of the folder, to {target}; not read (load_corpus(..., "
                           "follow_links=True) reads such links)")
    return None


def _entry(path: Path, display: str, root: Path | None, follow_links: bool, found: Found) -> None:
    """Classify one entry (of a folder when *root* is given, else named by the caller)."""
    name = path.name
    ident = _identity(display)
    if root is not None and name.startswith((".", "~$")):
        found.met.append((ident, "hidden"))
        found.problems.append(_row(display, "info", "skipped", "hidden file (or an Office lock file); not read"))
        return
    if path.is_symlink():
        why = _link_problem(path, root, follow_links)
        if why is not None:
            found.met.append((ident, "link"))
            found.problems.append(_row(display, why[0], "skipped", why[1]))
            return
    try:
        st = path.stat()
    except OSError as exc:
        found.met.append((ident, "unreadable"))
        found.problems.append(_row(display, "error", "unreadable", f"cannot be opened ({exc.strerror or exc})"))
        return
    suffix = path.suffix.lower()
    if stat.S_ISDIR(st.st_mode):
        found.met.append((ident, "folder"))
        if root is None:
            return
        if suffix in PLAN_SUFFIXES:
            found.problems.append(_row(display, "warning", "skipped", f"this is a folder named like a plan file "
                                       f"({name}), not a file; not read"))
        else:
            found.problems.append(_row(display, "info", "skipped", "a subfolder; the loader reads only the files "
                                       "directly in the folder (pass the subfolder itself to read it)"))
        return
    if not stat.S_ISREG(st.st_mode):
        found.met.append((ident, "special"))
        found.problems.append(_row(display, "warning", "skipped", "this is not a regular file (a pipe, socket or "
                                   "device); not read"))
        return
    if root is not None and name == MANIFEST:
        found.manifests[str(root)] = display
        found.met.append((ident, f"manifest:{st.st_size}:{st.st_mtime_ns}"))
        return
    if suffix not in PLAN_SUFFIXES:
        found.met.append((ident, "unsupported"))
        found.problems.append(_row(display, "warning", "unsupported_format", _unsupported(path, suffix)))
        return
    if ident in found.seen:
        found.problems.append(_row(display, "info", "skipped", "this file is listed more than once; read once"))
        return
    found.seen.add(ident)
    folder = str(root) if root is not None else str(Path(display).parent)
    found.files.append(PlanFile(display, ident, folder))


def find_plan_files(path_or_paths: str | os.PathLike | Iterable[str | os.PathLike],
                    follow_links: bool = False) -> Found:
    """The plan files of a folder, or of a list of files and folders, in a stable order, and what was skipped.

    Parameters
    ----------
    path_or_paths : str, path, or iterable of them
        A folder (its files are read, not its subfolders) or a list of files and folders.
    follow_links : bool
        Read symbolic links in a folder that lead out of it (default False: they become ``skipped`` rows).
        Links inside the folder, and files named explicitly, are always read.

    Returns
    -------
    Found
        ``files`` (plan files, folders' entries sorted by name), ``problems`` (one row per entry not read),
        ``manifests`` (folder -> its manifest.csv).

    Examples
    --------
    >>> import tempfile, os
    >>> d = tempfile.mkdtemp()
    >>> for name in ("b.txt", "a.md", ".hidden", "notes.odt"):
    ...     _ = open(os.path.join(d, name), "w").write("x")
    >>> os.mkdir(os.path.join(d, "x.txt"))
    >>> found = find_plan_files(d)
    >>> [os.path.basename(f.display) for f in found.files]
    ['a.md', 'b.txt']
    >>> sorted((os.path.basename(p["source_file"]), p["kind"]) for p in found.problems)
    [('.hidden', 'skipped'), ('notes.odt', 'unsupported_format'), ('x.txt', 'skipped')]
    """
    if isinstance(path_or_paths, (str, os.PathLike)):
        items = [Path(path_or_paths)]
    else:
        items = [Path(p) for p in path_or_paths]
    found = Found()
    for item in items:
        display = str(item)
        if not item.exists() and not item.is_symlink():
            found.met.append((_identity(display), "missing"))
            found.problems.append(_row(display, "error", "unreadable", "no such file or folder"))
            continue
        if item.is_dir():
            found.met.append((_identity(display), "root"))
            try:
                entries = sorted(os.scandir(item), key=lambda e: e.name)
            except OSError as exc:
                found.problems.append(_row(display, "error", "unreadable", f"the folder cannot be listed "
                                           f"({exc.strerror or exc})"))
                continue
            for e in entries:
                _entry(item / e.name, str(item / e.name), item, follow_links, found)
        else:
            _entry(item, display, None, follow_links, found)
    _corrections(found)
    for folder in sorted({f.folder for f in found.files} - set(found.manifests)):  # files named one by one
        m = Path(folder) / MANIFEST
        if m.is_file():
            st = m.stat()
            found.manifests[folder] = str(m)
            found.met.append((_identity(str(m)), f"manifest:{st.st_size}:{st.st_mtime_ns}"))
    return found


def _correction_of(path: Path) -> Path | None:
    """The corrected text ``<stem>.txt`` beside a scan (a page image, or a PDF with a page without text), if any."""
    suffix = path.suffix.lower()
    if FORMAT_OF_SUFFIX.get(suffix) not in ("image", "pdf"):
        return None
    for name in (path.stem + ".txt", path.stem + ".TXT"):
        txt = path.with_name(name)
        if txt.is_file():
            break
    else:
        return None
    if suffix == ".pdf" and not pdf_needs_ocr(path):
        return None  # a PDF with its text layer is read as it is, whatever lies beside it
    return txt


def _corrections(found: Found) -> None:
    """A scan with a corrected ``<stem>.txt`` beside it is not read (nor recognised): the .txt is, in its place."""
    files: list[PlanFile] = []
    for f in found.files:
        txt = _correction_of(Path(f.display))
        if txt is None:
            files.append(f)
            continue
        shown = str(Path(f.display).with_name(txt.name))
        found.problems.append(_row(f.display, "info", "ocr_correction",
                                   f"the corrected text {txt.name} beside this scan is read instead of it (the scan is "
                                   "not recognised; line numbers are lines of the .txt): delete the .txt to read the "
                                   "scan again"))
        ident = _identity(shown)
        if ident not in found.seen:  # named on its own: the scan's place in the list
            found.seen.add(ident)
            files.append(PlanFile(shown, ident, f.folder))
    found.files = files
