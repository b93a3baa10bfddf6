"""`dbt-parent-bound ARGS...`: run dbt so that it dies with the process that started it.

dagster-dbt starts dbt with subprocess.Popen and no way to run code in the child before it
execs. If the step's Python process is killed outright (SIGKILL, the OOM killer), dbt would
live on as an orphan that still holds the warehouse's lock and writes into it. Linux's
parent-death signal (prctl PR_SET_PDEATHSIG) kills this process when the thread that forked it
ends, and it survives execve: it is set here, then dbt replaces this interpreter under the
same pid. dagster-dbt forks dbt from the step's own thread, which then waits for dbt's output,
so that thread ends only when the step does.

A parent that dies between the reading of its pid and the setting of the signal is seen by
the pid changing, and dbt is then not started; one that dies while this interpreter
starts (about 20 ms, before its pid is read) leaves dbt unbound. Other systems have no
parent-death signal: dbt runs unbound there. Standard library only, nothing of the
project: this runs before every dbt command.
"""

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def main(argv: list[str]) -> None:
    parent = os.getppid()
    if sys.platform == "linux":
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
        if os.getppid() != parent:
            sys.exit(f"parent_bound: process {parent} that started {argv[0]} is gone; not starting it")
    os.execv(argv[0], argv)


def dbt() -> None:
    """The `dbt-parent-bound` command (pyproject.toml [project.scripts]): the dbt installed beside
    this interpreter, with this command's arguments; dagster-dbt runs it as its dbt executable.

    `--version` is answered here: dbt's own asks PyPI for the newest release first (a network
    request; 1.8 to 3.8 s measured, before a process's first dbt step), and dagster-dbt reads
    only the installed version from it."""
    if sys.argv[1:] == ["--version"]:
        from importlib.metadata import version

        print(f"Core:\n  - installed: {version('dbt-core')}")
        return
    main([os.path.join(os.path.dirname(sys.executable), "dbt"), *sys.argv[1:]])
