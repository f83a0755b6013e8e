"""The plans of a load across worker processes: a safe start method, a dead worker's plans retried alone, a worker
that overruns its file's time budget stopped, a progress bar on a terminal.

A worker that dies (killed for memory, a crash in a library) does not lose the load: the plans that were in flight
are retried one by one, each in a fresh process, and a plan that kills its process again gets a message instead of
tables. A worker still busy with one file well past the file's time budget (code that never returns to Python,
where the worker's own timer cannot interrupt it) is stopped; that file becomes ``too_slow``, the other plans in
flight are retried. When no worker process can start at all, the plans are read in the loading process, with a
warning.
"""
from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import sys
import time
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from ttdn_analysis.loading import budget
from ttdn_analysis.loading.worker import DIED, Failed, in_worker

__all__ = ["PARALLEL_FROM", "GRACE", "parse_all", "pool", "progress"]

#: Plans from which the load runs in worker processes.
PARALLEL_FROM = 40
#: Seconds past a file's time budget after which the loading process stops the worker that reads it.
GRACE = 10.0

_UNGUARDED = ("A script that loads many plans runs its loading code under `if __name__ == \"__main__\":`; a worker "
              "process imports the script, and without that line it would load the plans again itself.")


def _ping() -> bool:
    return True


def _capped(run: Callable[[Any], Any], job: Any) -> Any:
    """A worker's task: cap the worker's memory (once, at the job's budget), then *run* the job."""
    in_worker(getattr(job, "memory", None))
    return run(job)


def pool(n: int):
    """A process pool with a safe start method: forkserver on POSIX, spawn elsewhere (never fork in a process that
    may run threads, such as a Jupyter kernel).

    Examples
    --------
    >>> p = pool(1)
    >>> p.submit(_ping).result()
    True
    >>> p.shutdown()
    """
    from concurrent.futures import ProcessPoolExecutor

    method = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
    return ProcessPoolExecutor(max_workers=n, mp_context=mp.get_context(method))


def _stop_workers(ex) -> None:
    """Kill the pool's worker processes (the pool then reports itself broken)."""
    for p in list(getattr(ex, "_processes", {}).values()):
        with contextlib.suppress(OSError, AttributeError, ValueError):
            p.kill()


def _round(jobs: Sequence[Any], todo: deque, n: int, run: Callable, ping: bool = False,
           tick: Callable[[int], None] | None = None) -> tuple[dict[int, Any], list[int], bool]:
    """Run the jobs of *todo* (indexes; consumed) on *n* workers, at most *n* at a time.

    Returns the results by index, the jobs in flight when a worker died (empty when none did) and whether the pool
    worked at all (False when it could not start or died on the *ping*). A job that overran its time budget by
    :data:`GRACE` gets a ``too_slow`` :class:`~ttdn_analysis.loading.worker.Failed` result.
    """
    from concurrent.futures import FIRST_COMPLETED, wait
    from concurrent.futures.process import BrokenProcessPool

    done: dict[int, Any] = {}
    limit = max([s for s in (getattr(jobs[i], "seconds", None) for i in todo) if s is not None],
                default=budget.seconds_budget())
    try:
        ex = pool(n)
    except (OSError, ValueError, NotImplementedError):  # no processes here (a sandbox, no /dev/shm)
        return done, [], False
    try:
        if ping:
            try:
                ex.submit(_ping).result()
            except (BrokenProcessPool, OSError, RuntimeError):  # workers cannot start (e.g. an unguarded script)
                return done, [], False
        flying: dict[Any, int] = {}
        began: dict[Any, float] = {}
        while todo or flying:
            while todo and len(flying) < n:
                i = todo.popleft()
                try:
                    f = ex.submit(_capped, run, jobs[i])
                except BrokenProcessPool:
                    todo.appendleft(i)
                    break
                flying[f], began[f] = i, time.monotonic()
            finished, _ = wait(list(flying), timeout=GRACE / 2, return_when=FIRST_COMPLETED)
            now = time.monotonic()
            overran = [f for f in flying if f not in finished and now - began[f] > limit + GRACE]
            if overran:  # stuck where its own timer cannot reach: stop the workers; the others are retried
                for f in overran:
                    done[flying.pop(f)] = Failed("too_slow", budget.too_slow_message(limit))
                _stop_workers(ex)
            broken = False
            for f in finished:
                i = flying.pop(f)
                try:
                    done[i] = f.result()
                except BrokenProcessPool:
                    broken = True
                    flying[f] = i
                    continue
                if tick is not None:
                    tick(i)
            if broken or overran:
                lost = []
                for f, i in flying.items():
                    try:
                        done[i] = f.result(timeout=GRACE)  # finished just before the break
                    except Exception:  # noqa: BLE001 — BrokenProcessPool, CancelledError, a timeout: retried alone
                        lost.append(i)
                return done, sorted(lost), True
    finally:
        ex.shutdown(wait=True, cancel_futures=True)
    return done, [], True


def parse_all(jobs: Sequence[Any], workers: int | None, run: Callable[[Any], Any],
              names: Callable[[Any], str] | None = None) -> list:
    """Results of *run* for every job, in order: across processes when there are many (cached plans are cheap).

    *names* gives the progress bar the name of a job's file.
    """
    n = workers if workers is not None else min(os.cpu_count() or 1, 4)
    if n <= 1 or len(jobs) < PARALLEL_FROM:
        return [run(j) for j in progress(jobs, len(jobs), names)]
    if getattr(mp.current_process(), "_inheriting", False):  # a worker is importing a script without a main guard
        raise RuntimeError(_UNGUARDED)
    out: dict[int, Any] = {}
    todo = deque(range(len(jobs)))
    first = True
    bar = _tqdm(len(jobs))

    def tick(i: int) -> None:
        if bar is not None:
            if names is not None:
                bar.set_postfix_str(Path(names(jobs[i])).name[:40], refresh=False)
            bar.update(1)

    while todo:
        done, lost, usable = _round(jobs, todo, n, run, ping=first, tick=tick)
        if not usable and first:
            warnings.warn(f"worker processes could not start, so the {len(jobs)} plans are read in this process "
                          f"(slower). {_UNGUARDED}", RuntimeWarning, stacklevel=3)
            named = (lambda i: names(jobs[i])) if names is not None else None
            out.update({i: run(jobs[i]) for i in progress(list(todo), len(todo), named)})
            break
        first = False
        out.update(done)
        for i in lost:  # each plan that was in flight when a worker died, alone
            alone, again, _ = _round(jobs, deque([i]), 1, run, tick=tick)
            out[i] = alone[i] if i in alone and not again else DIED
    if bar is not None:
        bar.close()
    return [out.get(i, DIED) for i in range(len(jobs))]


def _shows_progress() -> bool:
    """Whether a progress bar is wanted: ``TTDN_PROGRESS`` 0/1 decides; else on a terminal, or in a notebook."""
    setting = os.environ.get("TTDN_PROGRESS", "").strip()
    if setting in ("0", "1"):
        return setting == "1"
    try:
        if sys.stderr.isatty():
            return True
    except (AttributeError, ValueError):  # no stderr, or a closed one
        return False
    return "ipykernel" in sys.modules  # a Jupyter kernel: tqdm.auto draws its widget


def _tqdm(total: int):
    if total <= 20 or not _shows_progress():
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm(total=total, desc="plans", unit="plan", leave=False)


def progress(it: Iterable[Any], total: int, names: Callable[[Any], str] | None = None) -> Iterator[Any]:
    """*it*, with a progress bar naming the file being read when there are more than 20 and stderr is a terminal
    or the process a Jupyter kernel (tqdm; in a notebook its widget); silent otherwise. ``TTDN_PROGRESS=0`` turns it
    off (a report build's kernels), ``TTDN_PROGRESS=1`` on.

    Examples
    --------
    >>> list(progress(range(3), 3))
    [0, 1, 2]
    """
    bar = _tqdm(total)
    if bar is None:
        yield from it
        return
    try:
        for x in it:
            if names is not None:
                bar.set_postfix_str(Path(names(x)).name[:40], refresh=False)
            yield x
            bar.update(1)
    finally:
        bar.close()
