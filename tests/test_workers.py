"""Worker processes: other processes, longest jobs first, stopped by Ctrl-C or a dead parent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.helpers import REPO
from workflow.workers import WorkerPool, run_jobs, usable_cores


def pid_of(job):
    return os.getpid()


def nap(job):
    """A job that takes a minute, saying when it starts."""
    os.write(1, f"job {job}\n".encode())  # one write: the two workers' lines do not mix
    time.sleep(60)


def test_jobs_run_in_other_processes_set_up_once():
    results = dict(run_jobs(pid_of, list(range(8)), workers=2, cost=lambda job: job))
    assert sorted(results) == list(range(8))
    assert os.getpid() not in results.values() and len(set(results.values())) <= 2


def test_one_worker_or_one_job_runs_here_in_order():
    assert list(run_jobs(pid_of, [3, 1, 2], workers=1, cost=lambda job: job)) == [
        (3, os.getpid()), (1, os.getpid()), (2, os.getpid())]
    assert list(run_jobs(pid_of, [5], workers=4, cost=lambda job: job)) == [(5, os.getpid())]


def test_the_most_costly_jobs_start_first():
    with WorkerPool(1) as pool:  # one worker: jobs finish in the order they were started
        done = [job for job, _ in run_jobs(pid_of, [1, 30, 5, 30, 12], workers=1,
                                           cost=lambda job: job, pool=pool)]
    assert done == [30, 30, 12, 5, 1]


def test_usable_cores_is_the_affinity_mask():
    assert usable_cores() == len(os.sched_getaffinity(0))


# A parent with two busy workers (each sleeping in a job); it prints "ready" once both run.
PARENT = """\
from tests.test_workers import nap
from workflow.workers import WorkerPool

with WorkerPool(2) as pool:
    for _ in pool.run(nap, [1, 2]):
        pass
"""


def group_members(group: int) -> list[int]:
    """The processes of a process group (the forkserver and the workers inherit it)."""
    members = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2:].split()
            if int(fields[2]) == group and fields[0] != "Z":
                members.append(int(entry.name))
    return members


def start_parent() -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    parent = subprocess.Popen([sys.executable, "-c", PARENT], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, start_new_session=True)
    assert sorted(parent.stdout.readline() for _ in range(2)) == ["job 1\n", "job 2\n"]
    assert len(group_members(parent.pid)) >= 4  # parent, fork server, two workers
    return parent


def wait_until_empty(group: int, seconds: float = 10) -> list[int]:
    deadline = time.monotonic() + seconds
    while group_members(group) and time.monotonic() < deadline:
        time.sleep(0.1)
    return group_members(group)


def test_ctrl_c_stops_the_workers_at_once():
    parent = start_parent()
    started = time.monotonic()
    os.killpg(parent.pid, signal.SIGINT)  # as a terminal does: to the whole group
    parent.wait(timeout=20)
    assert time.monotonic() - started < 10  # not after the 60 s jobs
    assert wait_until_empty(parent.pid) == []
    err = parent.stderr.read()
    assert err.count("Traceback") == 1 and "KeyboardInterrupt" in err  # the parent's only


def test_workers_of_a_killed_parent_end_too():
    parent = start_parent()
    os.kill(parent.pid, signal.SIGKILL)  # no chance to stop its workers
    parent.wait(timeout=20)
    assert wait_until_empty(parent.pid) == []


def test_without_semaphores_the_jobs_run_here(monkeypatch):
    """A container without /dev/shm has no POSIX semaphores: no pool, the work still done."""
    import workflow.workers as workers

    def refuse(*args, **kwargs):
        raise NotImplementedError("system provides too few semaphores")

    monkeypatch.setattr(workers, "ProcessPoolExecutor", refuse)
    assert list(run_jobs(pid_of, [1, 2], workers=2, cost=lambda job: job)) == [
        (1, os.getpid()), (2, os.getpid())]
