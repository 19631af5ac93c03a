"""A worker process killed mid-build (issue 25): its jobs are run again, a job that kills
its worker every time is reported as lost, the rest are finished, and `build --jobs 2`
writes its dashboard without a traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import REPO, STATEMENT_EN, write_project
from workflow.workers import WorkerLost, WorkerPool, run_jobs


def square_or_die(job):
    """Job 'poison' kills its own process every time; ('once', marker) the first time."""
    if job == "poison":
        os.kill(os.getpid(), signal.SIGKILL)
    if isinstance(job, tuple):
        marker = Path(job[1])
        if not marker.exists():
            marker.write_text("killed once", encoding="utf-8")
            os.kill(os.getpid(), signal.SIGKILL)
        return "survived"
    time.sleep(0.05)
    return job * job


def test_a_job_that_kills_its_worker_is_lost_and_the_others_finish():
    jobs = [1, 2, "poison", 3, 4, 5]
    results = dict(run_jobs(square_or_die, jobs, 2, lambda job: 0,
                            lost=lambda job: f"lost {job}"))
    assert results == {1: 1, 2: 4, "poison": "lost poison", 3: 9, 4: 16, 5: 25}


def test_a_worker_killed_once_is_simply_run_again(tmp_path):
    once = ("once", str(tmp_path / "marker"))
    results = dict(run_jobs(square_or_die, [1, once, 2, 3], 2, lambda job: 0,
                            lost=lambda job: "lost"))
    assert results == {1: 1, once: "survived", 2: 4, 3: 9}


def test_without_a_lost_result_the_pool_says_which_job():
    with WorkerPool(2) as pool, pytest.raises(WorkerLost):
        list(pool.run(square_or_die, [1, "poison", 2]))


def parent_of(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def children(pid: int) -> list[int]:
    """Every descendant of `pid`, from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            parents.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def test_build_with_a_killed_worker_finishes_and_writes_the_dashboard(tmp_path):
    statements = {f"s{n}": STATEMENT_EN.replace("Solidarity", f"Solidarity {n}")
                  for n in range(12)}  # long enough that a worker is still busy on a quiet machine
    root = write_project(tmp_path / "project", statements,
                         '[tool.pamphlet]\nlanguages = ["en"]\n')
    build = subprocess.Popen([sys.executable, "-m", "workflow", "build", "--jobs", "2"],
                             cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    killed = None
    deadline = time.monotonic() + 120
    while killed is None and time.monotonic() < deadline and build.poll() is None:
        # the workers: grandchildren of the build (the fork server's children) that have
        # been running a little while
        server_children = [pid for pid in children(build.pid) if parent_of(pid) != build.pid]
        if len(server_children) >= 2:
            time.sleep(0.3)  # into its first job
            killed = server_children[0]
            try:
                os.kill(killed, signal.SIGKILL)
            except ProcessLookupError:
                killed = None
        else:
            time.sleep(0.1)
    out, err = build.communicate(timeout=300)
    assert killed is not None, "no worker was seen"
    assert "Traceback" not in err, err
    assert build.returncode == 0, err
    assert (root / "build" / "index.html").is_file()
    for slug in statements:
        assert (root / "build" / slug / f"{slug}.en.pdf").is_file()
