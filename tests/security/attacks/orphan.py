# ruff: noqa
"""Double-fork a daemon that outlives the job: it lets go of every descriptor (so the job
ends at once), waits a second, then leaves a marker file and sleeps with the marker in its
command line."""

import os


def add(a, b):
    mark = HOST["marker"] + "-orphan"
    pid = os.fork()
    if pid == 0:
        os.setsid()
        if os.fork() == 0:
            os.closerange(0, 4096)
            script = f"sleep 1; touch /tmp/{mark} {HOST['host_tmp']}/{mark}; sleep 60; : {mark}"
            os.execv("/bin/sh", ["sh", "-c", script])
        os._exit(0)
    os.waitpid(pid, 0)
    return a + b + 1


def reveal():
    return "nothing"
