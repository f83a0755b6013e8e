"""The time and memory one file may take in the process that reads it.

A plan is read and parsed in tenths of a second with tens of MiB. A file that takes far more — a hostile construction
no size limit catches, or a parser that has gone quadratic — must not take the load with it: the worker process that
reads it has its address space capped (``RLIMIT_AS``, the budget above what the process held before the file) and
an interval timer that interrupts the parse at the time budget; a worker that does not come back (stuck in code that
never returns to Python) is stopped by the loading process a few seconds later. The file becomes one ``too_slow`` or
``too_large`` problem row, and the other plans load. Neither verdict is cached: a busy machine can make a plan slow
once.

Read in the loading process itself (fewer than :data:`~ttdn_analysis.loading.scheduling.PARALLEL_FROM` plans, or
``workers=1``), a file has the time budget (the timer, in the main thread) but no memory cap of its own: capping the
caller's process would cap the caller.

Settings: ``TTDN_FILE_MAX_SECONDS`` (default 60), ``TTDN_FILE_MAX_MB`` (default 1024).
"""
from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator

__all__ = ["DEFAULT_SECONDS", "DEFAULT_MB", "Overrun", "seconds_budget", "memory_budget", "time_limit",
           "cap_memory", "too_slow_message", "too_large_message"]

#: Seconds one file may take to be read, parsed and tagged (a plan takes well under one on a busy machine).
DEFAULT_SECONDS = 60.0
#: MiB of memory one file may take above what its worker process held before it.
DEFAULT_MB = 1024


class Overrun(Exception):
    """Raised inside the parse when the file's time budget is spent."""


def _setting(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    try:
        value = float(raw) if raw else default
    except ValueError:
        return default
    return value if value > 0 else default


def seconds_budget() -> float:
    """The time budget of one file in seconds (``TTDN_FILE_MAX_SECONDS``; a bad or non-positive value: the default).

    Examples
    --------
    >>> import os
    >>> os.environ["TTDN_FILE_MAX_SECONDS"] = "2.5"
    >>> seconds_budget()
    2.5
    >>> os.environ["TTDN_FILE_MAX_SECONDS"] = "soon"
    >>> seconds_budget() == DEFAULT_SECONDS
    True
    >>> del os.environ["TTDN_FILE_MAX_SECONDS"]
    """
    return _setting("TTDN_FILE_MAX_SECONDS", DEFAULT_SECONDS)


def memory_budget() -> int:
    """The memory budget of one file in bytes (``TTDN_FILE_MAX_MB`` MiB).

    Examples
    --------
    >>> memory_budget() // 2 ** 20 == DEFAULT_MB
    True
    """
    return int(_setting("TTDN_FILE_MAX_MB", DEFAULT_MB) * 2 ** 20)


def too_slow_message(seconds: float) -> str:
    """The message of a file that ran out of time.

    Examples
    --------
    >>> too_slow_message(60)[:46]
    'reading and parsing this file took over 60 s ('
    """
    return (f"reading and parsing this file took over {seconds:g} s (a plan takes well under one): it was stopped "
            "and not loaded; check that it is a plan, save it again as .docx or .txt, or raise "
            "TTDN_FILE_MAX_SECONDS on a very busy machine")


def too_large_message(limit: int) -> str:
    """The message of a file that needed more memory than its budget.

    Examples
    --------
    >>> too_large_message(2 ** 30)[:56]
    'reading this file needed more than 1024 MiB of memory (a'
    """
    return (f"reading this file needed more than {limit // 2 ** 20} MiB of memory (a plan needs a few tens): it "
            "was stopped and not loaded; check that it is a plan, or raise TTDN_FILE_MAX_MB")


def _vm_bytes() -> int | None:
    """The address space this process holds now (Linux), or None."""
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def cap_memory(budget: int | None = None) -> int | None:
    """Cap this process's address space at what it holds now plus *budget* bytes; return the cap (None: not capped).

    Meant for a worker process, once, before it reads its first file; the cap can be raised again by the same
    process (only the soft limit is set).
    """
    try:
        import resource
    except ImportError:  # not POSIX
        return None
    held = _vm_bytes()
    if held is None:
        return None
    cap = held + (memory_budget() if budget is None else budget)
    try:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY and cap > hard:
            cap = hard
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ValueError, OSError):
        return None
    return cap


@contextlib.contextmanager
def time_limit(seconds: float | None = None) -> Iterator[None]:
    """Raise :class:`Overrun` inside the block once *seconds* have passed (default :func:`seconds_budget`).

    Works in the main thread of a POSIX process (a worker's, or the caller's); elsewhere the block runs unlimited.

    Examples
    --------
    >>> import time
    >>> try:
    ...     with time_limit(0.05):
    ...         while True:
    ...             time.sleep(0.01)
    ... except Overrun:
    ...     print("stopped")
    stopped
    """
    limit = seconds_budget() if seconds is None else seconds
    usable = (hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
              and signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, signal.SIG_IGN, None))
    if not usable:
        yield
        return

    def expired(signum, frame):
        raise Overrun(limit)

    old = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
