"""Worker processes for CPU-bound jobs: each set up once, fed the longest jobs first, all
stopped at once on Ctrl-C."""

from __future__ import annotations

import logging
import multiprocessing
import os
import select
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())


def usable_cores() -> int:
    """The cores this process may run on (its affinity mask, as `taskset` or a container
    sets it), not every core of the machine."""
    count = getattr(os, "process_cpu_count", None)  # Python 3.13+
    if count is not None:
        return count() or 1
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _exit_with(parent: int) -> None:
    """End this worker as soon as `parent` has ended, however it ended."""
    try:
        descriptor = os.pidfd_open(parent)  # Linux: readable once the process has exited
    except (AttributeError, OSError):
        descriptor = None
    if descriptor is not None:
        select.select([descriptor], [], [])
    else:
        while True:
            try:
                os.kill(parent, 0)
            except ProcessLookupError:
                break
            except PermissionError:
                pass
            time.sleep(1)
    os._exit(1)


def _start_worker(parent: int, setup: Callable[[], None] | None) -> None:
    # Ctrl-C reaches the whole process group: the parent handles it and stops the workers,
    # which must not each print a traceback from the middle of a job.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A parent killed with SIGKILL cannot stop its workers, and they would wait for jobs
    # forever (they hold their job queue open themselves, and keep the fork server alive).
    threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()
    if setup is not None:
        setup()


class WorkerLost(Exception):
    """A job's worker process died each time the job ran, even alone."""


class WorkerPool:
    """`workers` processes that each run `setup` once, then any number of job lists.

    Processes come from a fork server (a clean process started once, with `preload`
    imported), never by forking the caller itself: the caller may have threads (a progress
    bar, a file watcher) whose locks a forked child would inherit, held.
    """

    def __init__(self, workers: int, setup: Callable[[], None] | None = None,
                 preload: tuple[str, ...] = ()):
        self.workers = workers
        self._setup = setup
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(list(preload))
        self._context = context
        self._executor = self._start()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.workers, mp_context=self._context,
                                   initializer=_start_worker,
                                   initargs=(os.getpid(), self._setup))

    def run(self, function: Callable[[Any], Any], jobs: Iterable[Any],
            lost: Callable[[Any], Any] | None = None, _round: int = 0
            ) -> Iterator[tuple[Any, Any]]:
        """(job, function(job)) as each finishes, jobs started in the order given.

        A worker that dies (`kill -9`, the out-of-memory killer) takes the pool down with
        every job then unfinished: those are run again in a fresh pool; the ones lost a
        second time each alone, and a job that kills its worker even alone is given
        `lost(job)` as its result (or WorkerLost is raised without `lost`). If the caller
        stops early (an exception, Ctrl-C, closing the iterator), every worker is stopped
        at once and the jobs not finished are dropped.
        """
        pending = {self._executor.submit(function, job): (number, job)
                   for number, job in enumerate(jobs)}
        broken: list[tuple[int, Any]] = []
        try:
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                # jobs that ended together come in the order they were started
                for future in sorted(done, key=lambda f: pending[f][0]):
                    number, job = pending.pop(future)
                    try:
                        result = future.result()
                    except BrokenProcessPool:
                        broken.append((number, job))
                        continue
                    yield job, result
        except BaseException:
            self.stop()
            raise
        if not broken:
            return
        again = [job for _, job in sorted(broken, key=lambda item: item[0])]
        self._executor.shutdown(wait=True)
        self._executor = self._start()
        if _round == 0:
            log.warning("a worker process ended abruptly: %d unfinished job(s) run again",
                        len(again))
            yield from self.run(function, again, lost, 1)
        elif _round == 1 and len(again) > 1:  # which one is it? each alone
            for job in again:
                yield from self.run(function, [job], lost, 2)
        else:
            for job in again:
                if lost is None:
                    raise WorkerLost(job)
                yield job, lost(job)

    def stop(self) -> None:
        """Kill the workers now, mid-job: what they were making is simply not written."""
        terminate = getattr(self._executor, "terminate_workers", None)  # Python 3.14+
        if terminate is not None:
            terminate()
            return
        # Before 3.14 the executor has no public way to stop a busy worker; its processes
        # are forgotten by shutdown(), so they are taken first.
        processes = list((getattr(self._executor, "_processes", None) or {}).values())
        self._executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        for process in processes:
            process.join()

    def close(self) -> None:
        self._executor.shutdown(wait=True)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, kind, error, trace) -> None:
        if kind is None:
            self.close()
        else:
            self.stop()


def run_jobs(function: Callable[[Any], Any], jobs: list[Any], workers: int,
             cost: Callable[[Any], float], setup: Callable[[], None] | None = None,
             pool: WorkerPool | None = None, preload: tuple[str, ...] = (),
             lost: Callable[[Any], Any] | None = None) -> Iterator[tuple[Any, Any]]:
    """(job, function(job)) for every job, as each finishes.

    With one worker, or one job, in this process, in the order given (no start-up cost).
    Otherwise in `pool` or in a pool made for these jobs, the most costly first: the
    longest jobs then end together instead of one running alone at the end. `lost(job)`:
    the result of a job whose worker process died each time it ran (WorkerPool.run).
    """
    if pool is None and (workers <= 1 or len(jobs) <= 1):
        if setup is not None and jobs:
            setup()
        for job in jobs:
            yield job, function(job)
        return
    ordered = sorted(jobs, key=cost, reverse=True)  # stable: equal costs keep their order
    if pool is not None:
        yield from pool.run(function, ordered, lost)
        return
    try:
        own = WorkerPool(min(workers, len(jobs)), setup, preload)
    except (OSError, NotImplementedError) as error:  # no POSIX semaphores (no /dev/shm)
        log.warning("no worker processes (%s): rendering in this process", error)
        yield from run_jobs(function, jobs, 1, cost, setup)
        return
    with own:
        yield from own.run(function, ordered, lost)
