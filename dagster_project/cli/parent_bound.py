"""`python parent_bound.py PROGRAM ARGS...`: run PROGRAM so that it dies with the process that started it.

dagster-dbt starts dbt with subprocess.Popen and no way to run code in the child before it
execs. If the step's Python process is killed outright (SIGKILL, the OOM killer), dbt would
live on as an orphan that still holds the warehouse's lock and writes into it. Linux's
parent-death signal (prctl PR_SET_PDEATHSIG) kills this process when the thread that forked it
ends, and it survives execve: it is set here, then PROGRAM replaces this interpreter under the
same pid. dagster-dbt forks dbt from the step's own thread, which then waits for dbt's output,
so that thread ends only when the step does.

A parent that dies between the reading of its pid and the setting of the signal is seen by
the pid changing, and PROGRAM is then not started; one that dies while this interpreter
starts (about 20 ms, before its pid is read) leaves PROGRAM unbound. Other systems have no
parent-death signal: PROGRAM runs unbound there. Standard library only, nothing of the
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


if __name__ == "__main__":
    main(sys.argv[1:])
