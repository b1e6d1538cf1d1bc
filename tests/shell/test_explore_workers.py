"""``--workers``' processes: forked ready to work from ``rapide explore``, from a server
that imported the modules once where the process has other threads."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import textwrap
import time

import pytest

from pyrapide.exploration import ExploreOptions
from pyrapide.exploration.jobs import Work, runner_for
from pyrapide.runtime import System
from rapide_shell.explore_run import workers_for
from tests.pyrapide.exploration import parts
from tests.shell.cli_process import REPO

BUILT_IN: list[int] = []
"""The processes that built a System of :func:`counted_race`."""


def counted_race() -> System:
    """The race system, noting where it was built."""
    BUILT_IN.append(os.getpid())
    return parts.race()


def where_built(work: Work) -> tuple[int, int, list[int]]:
    """A worker's job: its process, its parent, and where the Systems it has were built."""
    runner_for(work)
    return os.getpid(), os.getppid(), list(BUILT_IN)


PROBE = textwrap.dedent(
    """
    import json, os, sys, threading
    from pyrapide.exploration import ExploreOptions, prepare
    from pyrapide.exploration.jobs import Work
    from rapide_shell.explore_run import local_pool
    from tests.pyrapide.exploration import parts
    from tests.shell.test_explore_workers import counted_race, where_built

    if sys.argv[1] == "threaded":
        threading.Thread(target=threading.Event().wait, daemon=True).start()
    scenario, options = parts.three_notes(), ExploreOptions()
    pool = local_pool(2, prepare=lambda: prepare(counted_race, scenario, options))
    pid, parent, built = pool.submit(where_built, Work(counted_race, scenario, options)).result()
    pool.shutdown()
    print(json.dumps({"me": os.getpid(), "worker": pid, "parent": parent, "built": built}))
    """
)


def probe(mode: str) -> dict:
    done = subprocess.run([sys.executable, "-c", PROBE, mode], capture_output=True, text=True,
                          cwd=REPO, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.skipif(sys.platform != "linux", reason="workers are forked from the process on Linux")
def test_workers_forked_from_rapide_explore_start_with_the_system_it_built() -> None:
    found = probe("alone")
    assert found["parent"] == found["me"]
    assert found["built"] == [found["me"]]  # built once, here, before the fork; not again


@pytest.mark.slow
def test_with_another_thread_running_the_workers_fork_from_a_server_instead() -> None:
    found = probe("threaded")
    assert found["parent"] != found["me"]  # not forked from a process with threads
    assert found["built"] == [found["worker"]]


def test_the_explorer_takes_over_the_runner_prepared_for_its_workers() -> None:
    from pyrapide.exploration import prepare
    from pyrapide.exploration.jobs import take_prepared

    scenario, options = parts.three_notes(), ExploreOptions()
    prepare(counted_race, scenario, options)
    work = Work(counted_race, scenario, options)
    assert take_prepared(work) is not None
    assert take_prepared(work) is None  # this thread keeps it no longer


@pytest.mark.slow
def test_leaving_a_cluster_with_work_still_out_says_nothing(caplog) -> None:
    # What a Ctrl-C leaves: shards still out, some ending, as the exploration leaves the
    # cluster. Closed under them, Dask's executor logged each one's end as an error,
    # with its traceback, under the report on the user's terminal.
    distributed = pytest.importorskip("distributed")
    caplog.set_level(logging.WARNING)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        for _ in range(5):
            with workers_for(1, cluster.scheduler_address) as workers:
                assert workers.executor is not None
                for n in range(300):
                    workers.executor.submit(time.sleep, n % 5 / 1000)
                time.sleep(0.05)
    assert [record.getMessage() for record in caplog.records
            if record.name.startswith(("tornado", "distributed.client"))] == []
