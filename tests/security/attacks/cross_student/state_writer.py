# ruff: noqa
"""Leave state behind for the next student graded by the same warm worker: files in /tmp and
in our own folder, module and interpreter globals, environment variables, a daemon (with
the marker in its command line) and another holding an abstract unix socket, SysV shared
memory and message queues, a POSIX message queue. Then solve `add` honestly."""

import builtins
import ctypes
import os
import socket
import sys
import time
import types

MARK = HOST["marker"]
libc = ctypes.CDLL(None, use_errno=True)
IPC_CREAT = 0o1000
KEY = 0x48415253

with open(f"/tmp/{MARK}-tmp", "w") as handle:
    handle.write(MARK)
with open(f"{MARK}-cwd", "w") as handle:
    handle.write(MARK)
builtins.harness_state = MARK
sys.modules["harness_state"] = types.ModuleType("harness_state")
os.environ["HARNESS_STATE"] = MARK

libc.shmget.restype = ctypes.c_int
libc.shmat.restype = ctypes.c_void_p
segment = libc.shmget(KEY, 4096, IPC_CREAT | 0o666)
if segment >= 0:
    address = libc.shmat(segment, None, 0)
    ctypes.memmove(address, MARK.encode(), len(MARK))
libc.msgget(KEY, IPC_CREAT | 0o666)
queue = libc.mq_open(f"/{MARK}".encode(), os.O_CREAT | os.O_RDWR, 0o666, None)
if queue >= 0:
    libc.mq_send(queue, MARK.encode(), len(MARK), 0)


def daemon(body):
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            os.closerange(0, 4096)
            body()
        os._exit(0)
    os.wait()


def sleeper():
    os.execv("/bin/sh", ["sh", "-c", f"sleep 60; : {MARK}"])


def listener():
    server = socket.socket(socket.AF_UNIX)
    server.bind("\0" + MARK)
    server.listen(1)
    time.sleep(60)
    os._exit(0)


daemon(sleeper)
daemon(listener)
time.sleep(0.2)  # both daemons are up before the job ends


def add(a, b):
    return a + b


def reveal():
    return "nothing"
