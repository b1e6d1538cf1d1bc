"""The examples run and do what their docstrings say."""

from __future__ import annotations

import importlib.util
import itertools
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = REPO / "examples"
_fresh = itertools.count()


def load(name: str):
    """Import an example file as a fresh module (its module-level state is new)."""
    spec = importlib.util.spec_from_file_location(
        f"example_{name}_{next(_fresh)}", EXAMPLES / f"{name}.py"
    )
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    return example


def run_example(name: str) -> subprocess.CompletedProcess[str]:
    """Run an example file as a script from the repository root, as a reader would."""
    return subprocess.run(
        [sys.executable, str(EXAMPLES / f"{name}.py")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )


async def test_seed_system_runs_real_sql_fills_the_cache_and_notifies():
    example = load("seed_system")
    computation = await example.system.run()
    modules = example.system.modules
    assert example.system.errors == []
    assert len(modules["db"].statements) == 7  # the two malformed keys never reach SQL
    assert modules["api"].responses[0] == (
        "users/1",
        200,
        [{"id": 1, "name": "Ada Lovelace", "email": "ada@example.org"}],
    )
    assert ("users/9", 404, []) in modules["api"].responses
    assert sorted(modules["cache"].entries) == ["users/1", "users/2", "users/3"]
    hits = [e.payload["key"] for e in computation.events_by_name("CacheService.hit")]
    assert hits == ["users/1", "users/2"]
    assert modules["notifications"].sent == [
        "query orders/7 failed: no such table: orders",
        "query users failed: malformed key",
    ]
    # The pipe delivered results in the order the database produced them.
    results = [e.payload["key"] for e in computation.events_by_name("DatabaseService.result")]
    responses = [e.payload["key"] for e in computation.events_by_name("APIService.response")]
    assert responses == results


async def test_seed_system_binds_like_a_loader_would_and_is_deterministic():
    example = load("seed_system")
    runs = []
    for _ in range(2):
        system = example.MySystem.bind(
            api=example.FastAPIModule,
            db=example.PostgresModule,
            cache=example.RedisModule,
            notifications=example.SlackModule,
        )
        computation = await system.run()
        runs.append(
            [(e.id, e.name, sorted(c.id for c in computation.poset.causes(e))) for e in computation]
        )
    assert runs[0] == runs[1] and len(runs[0]) == 42


def test_seed_system_prints_a_readable_report():
    result = run_example("seed_system")
    assert result.returncode == 0, result.stderr
    assert "Computation: 42 events" in result.stdout
    assert "#alerts  query orders/7 failed: no such table: orders" in result.stdout
    assert "cache hits in round two: ['users/1', 'users/2']" in result.stdout


async def test_connection_kinds_shows_the_three_semantics_in_the_poset():
    example = load("connection_kinds")
    system = example.ConnectionKinds.bind(
        connect_source=example.JobSource,
        pipe_source=example.JobSource,
        agent_source=example.JobSource,
        connect_worker=example.JobWorker,
        pipe_worker=example.JobWorker,
        agent_worker=example.JobWorker,
    )
    computation = await system.run()

    def of(kind, name):
        return [e for e in computation.events_by_name(name) if e.source.startswith(kind)]

    # connect: each job leaves after the previous one is done, and is caused by it
    # (the return edge): the lane is one chain, job 1 -> done 1 -> job 2 -> ...
    assert [e.timestamp for e in of("connect", "Source.job")] == [0, 2, 3]
    lane = sorted(of("connect", "Source.job") + of("connect", "Worker.done"), key=computation.seq)
    assert [(e.name, e.payload["n"]) for e in lane] == [
        ("Source.job", 1), ("Worker.done", 1), ("Source.job", 2),
        ("Worker.done", 2), ("Source.job", 3), ("Worker.done", 3),
    ]
    for earlier, later in itertools.pairwise(lane):
        assert computation.poset.direct_causes(later) == (earlier,)
    # pipe: jobs leave at once; dones come in order, each caused by the previous one.
    assert [e.timestamp for e in of("pipe", "Source.job")] == [0, 0, 0]
    pipe_done = of("pipe", "Worker.done")
    assert [e.payload["n"] for e in pipe_done] == [1, 2, 3]
    assert computation.is_ancestor(pipe_done[0], pipe_done[1])
    # agent: worked on together; the quickest job is done first, independently.
    agent_done = of("agent", "Worker.done")
    assert [e.payload["n"] for e in agent_done] == [3, 2, 1]
    assert computation.are_independent(agent_done[0], agent_done[1])


def test_connection_kinds_prints_three_timelines():
    result = run_example("connection_kinds")
    assert result.returncode == 0, result.stderr
    assert "done in order 3 2 1; first two dones causally independent: True" in result.stdout
    assert "done in order 1 2 3; first two dones causally independent: False" in result.stdout
    # The connect lane is one chain: each job after the first is caused by a done.
    connect_lane = result.stdout.split("pipe:")[0]
    assert "job 2   caused by e10" in connect_lane and "done 1  caused by e1\n" in connect_lane


def test_nested_payments_prints_one_run_across_three_levels_and_its_abstract_reading():
    result = run_example("nested_payments")
    assert result.returncode == 0, result.stderr
    assert "e2   Ledger.posted      from payments.ledger   <- e1" in result.stdout
    assert "e4   Storefront.order   from front             <- e3" in result.stdout
    assert "a2 Bank.settled {'order': 'a'} <- ['a1'] from ['e2', 'e3']" in result.stdout
    assert "violation: every_payment_settled every payment is settled by the bank" in result.stdout
