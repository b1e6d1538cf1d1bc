"""Running an exploration for a front end: the workers or the cluster it runs on, and
the counterexamples written as scripts.

``--workers N`` runs shards in N local processes (forked ready to work, see
:func:`local_pool`); ``--cluster ADDRESS`` sends them to a Dask
distributed cluster that already runs there, through its ``concurrent.futures``
executor (``Client.get_executor()``). Dask comes with the optional extra
``pyrapide[cluster]``, and is imported only here, only when asked for. The cluster's
workers must be able to import ``pyrapide`` and ``rapide_shell``; the architecture file
travels with the work (a worker that cannot read it at the same path loads a copy, so a
file that imports its own sibling modules needs them on the workers' path too).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import logging
import multiprocessing
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, replace
from multiprocessing import forkserver, resource_tracker
from pathlib import Path
from typing import Any, NoReturn

from pyrapide.core.atomic import AtomicWriter, WriteError, write_atomically
from pyrapide.exploration import Counterexample, ExplorationResult, ignore_interrupts
from pyrapide.exploration.jobs import INTERRUPTS
from rapide_shell.downloads import Downloads, write_file
from rapide_shell.explore_report import Written
from rapide_shell.exploring import (
    address_of,
    counterexample_lines,
    counterexample_paths,
    counterexample_text,
)
from rapide_shell.import_guard import ExitCalled
from rapide_shell.looks import counted
from rapide_shell.std_streams import escapes_written_out
from rapide_shell.unhandled import unraisable_told

CLUSTER_TIMEOUT = 10.0
"""Seconds to wait for a cluster's scheduler to answer before giving up."""

WORKERS_PER_CPU = 4
"""The most local worker processes an exploration starts for each CPU it may use."""


def too_many_workers(workers: int) -> str | None:
    """Why ``workers`` local worker processes are refused, as words to follow the count,
    or None when they are not: at most :data:`WORKERS_PER_CPU` for each CPU this process
    may use. The search keeps every CPU busy, so more would only wait their turn, each
    holding a system of its own; and the pool starts them all at once, so a count
    mistyped by a few digits would start that many processes."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not every system says which CPUs a process has
        cpus = os.cpu_count() or 1
    most = WORKERS_PER_CPU * cpus
    if workers <= most:
        return None
    return (
        f"at most {most} here ({WORKERS_PER_CPU} for each of the "
        f"{counted(cpus, 'CPU')} this process may use)"
    )


class ExploreSetupError(Exception):
    """The workers or the cluster cannot be had; ``str(error)`` is one line for the user."""


@dataclass
class Workers:
    """Where the shards run: ``executor`` (None: in this process) and about how many
    run at once (``width``); ``cluster`` is the cluster's address when there is one."""

    executor: Executor | None
    width: int
    cluster: str | None = None


@contextlib.contextmanager
def workers_for(
    workers: int, cluster: str | None, *, prepare: Callable[[], object] | None = None
) -> Iterator[Workers]:
    """The workers of ``--workers`` or ``--cluster``, shut down when the block ends
    (without waiting for a shard past the answer's end); ``prepare`` as
    :func:`local_pool` takes it. Raises ExploreSetupError."""
    if cluster is not None:
        with _cluster(cluster) as found:
            yield found
        return
    if workers <= 1:
        yield Workers(None, 1)
        return
    pool = local_pool(workers, prepare=prepare)
    try:
        yield Workers(pool, workers)
    finally:
        shut_down(pool)


WORKERS_GRACE = 2.0
"""Seconds the workers still in a shard as an exploration ends (one past the answer's
end, or one a stop left running: a shard takes about a quarter of a second) have to
finish it before they are ended."""


def shut_down(pool: ProcessPoolExecutor, grace: float = WORKERS_GRACE) -> None:
    """Shut ``pool`` down, the shards not started cancelled; a worker still in one after
    ``grace`` seconds is ended (SIGTERM, then SIGKILL). Waiting for it as long as it
    takes kept ``rapide explore`` (and a workbench quitting) waiting for ever on a
    schedule whose handler awaits what never comes, deaf to a second Ctrl-C, and a
    SIGTERM then left the workers running on their own. The pool's manager thread is
    waited for too, so that it is done before the interpreter's exit hooks run."""
    # The processes and the manager thread, read before shutdown() lets go of them (the
    # executor has no public way to end its workers before Python 3.14).
    processes = list((getattr(pool, "_processes", None) or {}).values())
    manager = getattr(pool, "_executor_manager_thread", None)
    pool.shutdown(wait=False, cancel_futures=True)
    deadline = time.monotonic() + grace
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
    for end in ("terminate", "kill"):
        stuck = [process for process in processes if process.is_alive()]
        for process in stuck:
            getattr(process, end)()
        for process in stuck:
            process.join(1.0)
    if manager is not None:
        manager.join(grace)


WARM_MODULES = ("rapide_shell.exploring",)
"""What the fork server imports once for the workers forked from it (with it,
everything a job needs)."""


def local_pool(
    workers: int, *, prepare: Callable[[], object] | None = None, quiet: bool = False
) -> ProcessPoolExecutor:
    """``workers`` local worker processes, deaf to Ctrl-C (the coordinator handles it);
    ``quiet`` ones (see :func:`quiet_worker`) for an exploration in the background.

    In a process with no other thread (``rapide explore``) on Linux they are forked
    from this one at once, after ``prepare()`` ran (see
    :func:`pyrapide.exploration.jobs.prepare`): they start with everything imported, the
    file loaded and the System built, at no cost of their own. Elsewhere (the workbench,
    whose threads must not leak into a fork) they are forked from a server process that
    imported :data:`WARM_MODULES` once, kept for this process's later explorations;
    where neither can be had, they are spawned fresh.
    """
    methods = multiprocessing.get_all_start_methods()
    forking = (
        sys.platform == "linux" and "fork" in methods and threading.active_count() == 1
    )
    context: multiprocessing.context.BaseContext
    if forking:
        if prepare is not None:
            prepare()
        context = multiprocessing.get_context("fork")
    elif "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(list(WARM_MODULES))
    else:
        context = multiprocessing.get_context("spawn")
    # The server and the pool's queues start multiprocessing's resource tracker, which
    # is handed the process's stderr; under a TUI, sys.stderr is a capture with no file
    # descriptor.
    with contextlib.redirect_stderr(sys.__stderr__):
        if context.get_start_method() == "forkserver":
            with _deaf_to_ctrl_c():
                forkserver.ensure_running()
        elif not forking:
            resource_tracker.ensure_running()
        pool = ProcessPoolExecutor(
            workers, mp_context=context, initializer=quiet_worker if quiet else worker
        )
        if forking:
            # Fork them all now, while this is the only thread (the pool's own thread
            # and a progress display come next). What is here already is frozen out of
            # their collections, which would otherwise copy every page they touch.
            gc.freeze()
            pool.submit(int)
            gc.unfreeze()
    return pool


@contextlib.contextmanager
def _deaf_to_ctrl_c() -> Iterator[None]:
    """The interrupts (Ctrl-C, SIGTERM, SIGHUP: :data:`INTERRUPTS`) ignored for the
    block, which starts the fork server. A process started then keeps ignoring them (an
    ignored signal stays ignored across exec, where a handler does not), and the fork
    server hands that on to every worker it forks: what the terminal sends the front
    end's whole process group (Ctrl-C in the REPL while no prompt shows, the hangup of
    a terminal closed) never reaches a worker in the moment before its initializer
    makes it deaf, where it would break the pool. Off the main thread, where they
    cannot be set, nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {number: signal.getsignal(number) for number in INTERRUPTS}
    for number in previous:
        signal.signal(number, signal.SIG_IGN)
    try:
        yield
    finally:
        for number, handler in previous.items():
            if handler is not None:
                signal.signal(number, handler)


def worker() -> None:
    """A worker process's start: deaf to Ctrl-C (see
    :func:`pyrapide.exploration.jobs.ignore_interrupts`), and ``os._exit`` called by the
    architecture's code in a schedule refused, as it is in the workbench's own process
    (an :class:`~rapide_shell.import_guard.ExitCalled` error, reported as any the code
    raises): a worker ended by it broke the whole pool, and the exploration stopped on
    an internal error."""
    ignore_interrupts()
    real_exit = os._exit

    def refuse_in_a_run(code: Any = 0) -> NoReturn:
        # A job runs its schedules in an event loop; the worker's own exit, once the
        # pool closes, is called outside any, and goes ahead.
        if asyncio_running():
            raise ExitCalled(code)
        real_exit(code)

    os._exit = refuse_in_a_run  # type: ignore[assignment]
    # What the code writes there, and the errors Python can only ignore, are said as in
    # the command's own process: escape sequences written out, one line an error.
    _FOR_THE_WORKERS_LIFE.enter_context(escapes_written_out())
    _FOR_THE_WORKERS_LIFE.enter_context(unraisable_told())


_FOR_THE_WORKERS_LIFE = contextlib.ExitStack()
"""What :func:`worker` sets up, kept until the worker process ends."""


def asyncio_running() -> bool:
    """Whether an asyncio event loop runs in this thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def quiet_worker() -> None:
    """A background exploration's worker: deaf to Ctrl-C, and what the file's own code
    prints there (the same lines again in every schedule) is dropped, where it would be
    written over the REPL's prompt or the TUI's screen."""
    worker()
    nowhere = os.open(os.devnull, os.O_WRONLY)
    os.dup2(nowhere, 1)
    os.dup2(nowhere, 2)
    os.close(nowhere)


@contextlib.contextmanager
def _cluster(address: str) -> Iterator[Workers]:
    try:
        from distributed import Client
    except ImportError:
        raise ExploreSetupError(
            "--cluster needs Dask distributed, which is not installed: "
            "pip install 'pyrapide[cluster]'"
        ) from None
    try:
        _check_address(address)
        client: Any = Client(address, timeout=CLUSTER_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as error:
        raise ExploreSetupError(f"cannot reach the cluster at {address}: {error}") from None
    executor = None
    try:
        # Jobs sent to a cluster with no worker would wait for one for ever, unsaid.
        try:
            client.wait_for_workers(1, timeout=CLUSTER_TIMEOUT)
        except TimeoutError:
            raise ExploreSetupError(
                f"the cluster at {address} has no worker: none came in "
                f"{CLUSTER_TIMEOUT:g} s (start some with dask worker ADDRESS)"
            ) from None
        width = max(1, sum(client.nthreads().values()))
        executor = client.get_executor(pure=False)
        yield Workers(executor, width, address)
    finally:
        # Shards still out after a Ctrl-C are cancelled, not waited for. Dask's executor
        # then logs each one's end (cancelled, or its connection closed under it) as an
        # error with its traceback, through tornado: nothing the user need read.
        with _logger_off("tornado.application"):
            if executor is not None:
                executor.shutdown(wait=False)
            client.close()


@contextlib.contextmanager
def _logger_off(name: str) -> Iterator[None]:
    """The logger ``name`` says nothing while the block runs."""
    logger = logging.getLogger(name)
    was = logger.disabled
    logger.disabled = True
    try:
        yield
    finally:
        logger.disabled = was


def out_refusal(
    out: Path, *, file: str, script: str, force: bool = False, all_failures: bool = False,
    named: bool = True,
) -> str | None:
    """Why counterexamples cannot be written to ``out`` (None: they can), in one line:
    it is the architecture file or the scenario script, or :func:`write_counterexamples`
    would be refused there. With ``all_failures``, the further names it may write
    (``out``-2, ``out``-3, ...) that are there already are asked the same. Asked before
    exploring, so that no search runs for an answer that cannot be kept, or that would
    replace the files it was made from. ``named``: ``out`` was named with ``--out``;
    else it is the place beside the script, and the line says how to choose another."""
    for path in [out, *(_further_names(out) if all_failures else ())]:
        for given, described in ((file, "the architecture file"), (script, "the scenario script")):
            with contextlib.suppress(OSError):
                if path.exists() and path.samefile(given):
                    if path == out:
                        return f"--out {out} is {described}: a counterexample would replace it"
                    return (
                        f"--out {out}: with --all-failures a further counterexample goes to "
                        f"{path}, which is {described}: it would replace it"
                    )
        try:
            AtomicWriter(path, force=force).discard()
        except WriteError as error:
            if named:
                return f"--out: {cannot_write(error, '--force')}"
            return (f"{cannot_write(error, '--force')} (a counterexample goes beside the "
                    "script; --out FILE puts it elsewhere)")
    return None


def _further_names(out: Path) -> list[Path]:
    """What is there already under the names :func:`counterexample_paths` gives after
    ``out`` (``out``-2, ``out``-3, ...), in their order. How many of them a search
    writes is known only once it has ended."""
    pattern = re.compile(rf"{re.escape(out.stem)}-([1-9][0-9]*){re.escape(out.suffix)}")
    try:
        names = os.listdir(out.parent)
    except OSError:  # no folder: the refusal of out itself says so
        return []
    numbered = sorted(
        (int(found[1]), name) for name in names
        if (found := pattern.fullmatch(name)) is not None and int(found[1]) >= 2
    )
    return [out.with_name(name) for _, name in numbered]


def cannot_write(error: WriteError, forcing: str | None) -> str:
    """``cannot write PATH: why``, saying that ``forcing`` (an option, if the front end
    has one) would replace what is there when it would."""
    hint = f"; {forcing} replaces it" if forcing is not None and error.forceable else ""
    return f"cannot write {error.path}: {error.reason}{hint}"


def _check_address(address: str) -> None:
    """Raises ValueError for an address with no host and port a client could reach. A
    Client made with one fails half-started, and then spends 20 s failing to close as
    it is collected, saying so in a traceback."""
    from distributed.comm.addressing import get_address_host_port, parse_address
    from distributed.security import Security

    try:
        _, port = get_address_host_port(address)
    except ValueError as error:
        if "invalid literal for int()" not in str(error):
            raise
        # Dask's int() of what follows the last ':' said "invalid literal for int()
        # with base 10: 'y'", Python's words, not what to write.
        port_text = address.rpartition(":")[2]
        raise ValueError(
            f"its port {port_text!r} is not a whole number (HOST:PORT, like "
            "tcp://10.0.0.5:8786)"
        ) from None
    if not 0 < port < 1 << 16:
        raise ValueError(f"port {port} is not a port (1 to 65535)")
    scheme, _ = parse_address(address)
    if scheme in ("tls", "wss") and Security().get_connection_args("client")["ssl_context"] is None:
        raise ValueError(
            f"a {scheme}:// address needs the TLS settings of Dask's configuration "
            "(distributed.comm.tls), and there are none"
        )


def write_counterexamples(
    result: ExplorationResult,
    *,
    file: str,
    script: str,
    out: Path,
    force: bool = False,
    forcing: str | None = None,
    downloads: Downloads | None = None,
) -> tuple[list[Written], list[str]]:
    """Write each counterexample of ``result`` (``out``, then ``out``-2, ...); the files
    written, and one line for each that could not be (naming ``forcing``, the front
    end's option for ``force``, where it would have been written with it). Failures
    that shrink to the same script share one file, whose header says how many it
    stands for: the later ones are listed with ``same_as`` the first's number. With
    ``downloads`` (a browser's workbench) each is sent there instead, and listed by
    where it went (see :func:`~rapide_shell.downloads.write_file`)."""
    written: list[Written] = []
    problems: list[str] = []
    strategy = str(result.options.strategy)
    scripts = [tuple(counterexample_lines(example.shrunk)) for example in result.counterexamples]
    alike: dict[tuple[str, ...], list[Counterexample]] = {}  # a shrunk script -> its failures
    for example, lines in zip(result.counterexamples, scripts, strict=True):
        alike.setdefault(lines, []).append(example)
    # A shrunk script -> the place of its first failure in `written` (None: not written).
    first_of: dict[tuple[str, ...], int | None] = {}
    files = 0
    for example, lines in zip(result.counterexamples, scripts, strict=True):
        if lines in first_of:
            first = first_of[lines]
            if first is not None:
                written.append(replace(written[first], example=example, same_as=first + 1))
            continue
        path = counterexample_paths(out, files + 1)[-1]
        text = counterexample_text(example, file=file, script=script, out=str(path),
                                   strategy=strategy, alike=alike[lines][1:])
        try:
            where = write_file(
                downloads, path, functools.partial(write_atomically, chunks=text, force=force)
            )
        except WriteError as error:
            problems.append(cannot_write(error, forcing))  # once for all that share it
            first_of[lines] = None
            continue
        files += 1
        first_of[lines] = len(written)
        written.append(_written(example, where, lines))
    return written, problems


def _written(example: Counterexample, path: str, lines: tuple[str, ...]) -> Written:
    return Written(example, path, lines, address_of(example.shrunk).to_text())
