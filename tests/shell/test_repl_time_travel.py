"""Going back, branching and switching in ``rapide repl``, in a pseudo-terminal (pexpect)."""

from __future__ import annotations

from pathlib import Path

from rapide_shell.address import Address
from tests.shell.cli_process import REPO, run_rapide
from tests.shell.test_repl import FIXTURES, User


def test_back_branches_and_switch_in_the_repl(tmp_path: Path) -> None:
    user = User(FIXTURES / "shop.py", tmp_path)
    try:
        user.sees("[quiet]>")
        user.enters("inject Web.order item=apple")
        user.enters("run")
        user.sees("[quiet]>")
        user.enters("back 2")
        user.sees("at step ")
        user.sees("[paused")
        user.enters("back 999")
        user.sees("error: back 999: you are at step ")
        user.enters("inject Web.order item=pear")
        user.sees('injected ')
        user.enters("branches")
        user.sees("main  steps 0 to ")
        user.sees("* b2  leaves main after step ")
        user.types("swi\t")
        user.sees("switch")
        user.types("ma\t")
        user.sees("main")
        user.enters("")
        user.sees("(the last) of main")
        user.sees("[quiet]>")
        user.enters("switch nowhere")
        user.sees("error: no branch 'nowhere' (branches: main, b2)")
        user.enters("history 2")
        user.sees("main: steps 0 to ")
        user.enters("quit")
        # `back 999` (line 4) and `switch nowhere` (line 8) were errors, said as met.
        assert user.leaves() == 2
        user.sees("rapide: exit status 2: 2 command errors (lines 4 and 8)")
    finally:
        if user.child.isalive():
            user.child.terminate(force=True)


def test_the_repl_opens_at_an_address(tmp_path: Path) -> None:
    address = Address(0, ("inject Web.order {\"item\": \"fig\"}", "step")).to_text()
    user = User(FIXTURES / "shop.py", tmp_path, "--at", address)
    try:
        user.sees("at step 2 (the last) of main (0 steps retraced, 2 made anew)")
        user.sees("[paused")
        user.enters("where")
        user.sees(address)
        # What to type elsewhere names the file as given, not only its name.
        user.sees("--at` it")
        said = " ".join(user.screen.split())  # however the terminal wrapped it
        assert f"`rapide shell {FIXTURES / 'shop.py'} --at` it" in said
        user.enters("quit")
        assert user.leaves() == 0
    finally:
        if user.child.isalive():
            user.child.terminate(force=True)


def test_going_back_and_forth_says_the_problems_standing_where_it_arrives(
    tmp_path: Path,
) -> None:
    # The lost update's failing step, as `rapide explore` names it: a constraint is
    # violated there, by the step that recorded e5, and not one step before.
    address = Address(0, (
        'inject Teller.deposit {"amount": 50}',
        'inject Teller.deposit {"amount": 25, "clears_in": 1}',
        "step 4",
        "step #2",
    )).to_text()
    violated = "constraint violated: no_lost_update: two updates were worked out"
    user = User(REPO / "examples" / "lost_update.py", tmp_path, "--at", address)
    try:
        user.sees("at step 7 (the last) of main (0 steps retraced, 7 made anew)")
        user.sees(violated)
        user.sees("[paused")
        user.enters("back")
        user.sees("at step 6 of 7 on main")
        user.sees("[paused")
        assert "violated" not in user.screen.split("at step 6 of 7 on main")[1]
        user.enters("forward")
        user.sees("at step 7 (the last) of main")
        user.sees(violated)
        user.sees("(events e3, e5)")
        user.enters("quit")
        assert user.leaves() == 0
    finally:
        if user.child.isalive():
            user.child.terminate(force=True)


def test_a_step_at_the_end_of_a_quiet_branch_says_it_once() -> None:
    lessons = REPO / "examples" / "lessons"
    result = run_rapide("run", lessons / "05_choices.py", "--script", "-",
                        stdin="run\nback\nforward\nstep\n")
    assert result.returncode == 0, result.stderr
    said = result.stdout.split("> step\n")[1].splitlines()
    assert said[:2] == ["nothing to step", "quiet: nothing pending, nothing in flight"]
