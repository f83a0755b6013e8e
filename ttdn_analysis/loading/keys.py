"""What the loader's cache entries are keyed by: content, ids, manifest rows, and the code and data that made them.

A plan's parse is keyed by :func:`parse_key`; its theme rows by the same key, each theme carrying the fingerprint of
its definition (:func:`theme_fingerprints`), so that a codebook edit re-tags only the changed themes; its checks of
one plan and its shingles by :func:`plan_checks_key`; a whole corpus by :func:`corpus_key`.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import ttdn_analysis.checks as _checks_module
import ttdn_analysis.registry.codebook as _codebook_module
import ttdn_analysis.tagging as _tagging_module
from ttdn_analysis.cache import _fingerprint
from ttdn_analysis.registry.codebook import Codebook

__all__ = ["Job", "parse_key", "plan_checks_key", "theme_fingerprints", "corpus_key", "code_hash", "loader_code"]


@dataclass(frozen=True)
class Job:
    """One plan to load: everything a worker process needs (it reads no environment of its own).

    Examples
    --------
    >>> Job("d/plan.txt", "plan", (), None).plan_id
    'plan'
    """

    path: str  # as the caller names it; rows show it
    plan_id: str
    manifest: tuple[tuple[str, str], ...]
    cache: Path | None  # the cache folder, or None for no cache
    spill: Path | None = None  # without the cache: the load's own folder of per-plan tables, removed at its end
    seconds: float | None = None  # the file's time budget (None: budget.seconds_budget() where it runs)
    memory: int | None = None  # the file's memory budget in bytes, in a worker (None: budget.memory_budget())


def parse_key(digest: str, job: Job) -> str:
    """Key of a plan's parse: its content, its id, its manifest row and the parser's code and data.

    Examples
    --------
    >>> k = parse_key("ab" * 32, Job("d/plan.txt", "plan", (), None))
    >>> len(k), k == parse_key("ab" * 32, Job("other/plan.txt", "plan", (), None))
    (32, True)
    """
    return hashlib.sha256(f"{digest}|{job.plan_id}|{job.manifest}|{_fingerprint()}".encode()).hexdigest()[:32]


def plan_checks_key(key: str) -> str:
    """Key of one plan's own checks and shingles: its parse key and the checks' code.

    Examples
    --------
    >>> len(plan_checks_key("0" * 32)), plan_checks_key("0" * 32) != "0" * 32
    (32, True)
    """
    return hashlib.sha256(f"{key}|{code_hash(_checks_module.__file__)}".encode()).hexdigest()[:32]


@lru_cache(maxsize=1)
def _tagging_code() -> str:
    """Hash of the code that tags (the tagging and codebook modules)."""
    h = hashlib.sha256()
    for mod in (_tagging_module, _codebook_module):
        h.update(Path(str(mod.__file__)).read_bytes())
    return h.hexdigest()


def theme_fingerprints(codebook: Codebook) -> dict[str, str]:
    """A fingerprint per theme: its definition, the codebook's focus rule and the tagging code.

    A theme's rows depend on nothing else (not on the other themes), so a plan's cached rows of a theme stay valid
    while its fingerprint does; the codebook's version is only a label, rewritten on the rows.

    Examples
    --------
    >>> from ttdn_analysis.registry.codebook import load_codebook
    >>> fp = theme_fingerprints(load_codebook())
    >>> len(fp) == len(load_codebook().themes), len(fp["border"])
    (True, 16)
    """
    base = f"{_tagging_code()}|{codebook.focus!r}"
    return {t.key: hashlib.sha256(f"{base}|{t!r}".encode()).hexdigest()[:16] for t in codebook.themes}


@lru_cache(maxsize=16)
def code_hash(path: str | None) -> str:
    """Hash of one source file's bytes.

    Examples
    --------
    >>> len(code_hash(__file__))
    16
    """
    return hashlib.sha256(Path(str(path)).read_bytes()).hexdigest()[:16]


@lru_cache(maxsize=1)
def loader_code() -> str:
    """Hash of the code that puts a corpus together and checks it: this package, ``corpus.py`` and ``checks.py``.

    Examples
    --------
    >>> len(loader_code())
    16
    """
    here = Path(__file__).parent
    files = [*sorted(here.glob("*.py")), here.parent / "corpus.py", Path(str(_checks_module.__file__))]
    return hashlib.sha256("|".join(code_hash(str(f)) for f in files).encode()).hexdigest()[:16]


def corpus_key(met: Sequence[tuple[str, str]], jobs: Sequence[Job], digests: Sequence[str | None],
               follow_links: bool, tagging: str) -> str:
    """Key of a corpus: the code and codebook, every entry met in the folders, each plan's content, id, manifest.

    The code: the parser's (:func:`~ttdn_analysis.cache._fingerprint`), the tagger's (*tagging*, the
    fingerprint of the codebook and tagging code), and the modules that put the corpus together and check it
    (:func:`loader_code`).

    Examples
    --------
    >>> jobs = [Job("d/plan.txt", "plan", (), None)]
    >>> a = corpus_key([], jobs, ["ab"], False, "t")
    >>> a == corpus_key([], jobs, ["ab"], False, "t"), a == corpus_key([], jobs, ["cd"], False, "t")
    (True, False)
    """
    h = hashlib.sha256(f"{_fingerprint()}|{tagging}|{loader_code()}|{follow_links}".encode())
    for ident, what in met:
        h.update(f"{ident}|{what}\n".encode())
    for j, digest in zip(jobs, digests):
        if digest is None:  # too large or unreadable: its size and time stand for it (it is refused unread)
            try:
                st = os.stat(j.path)
                digest = f"{st.st_size}:{st.st_mtime_ns}"
            except OSError:
                digest = "-"
        h.update(f"{os.path.abspath(j.path)}|{j.plan_id}|{j.manifest}|{digest}\n".encode())
    return h.hexdigest()[:32]
