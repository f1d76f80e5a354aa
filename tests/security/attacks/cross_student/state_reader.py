# ruff: noqa
"""Look for anything an earlier student left in this warm worker; report it all."""

import builtins
import ctypes
import json
import os
import socket
import sys

MARK = HOST["marker"]
libc = ctypes.CDLL(None, use_errno=True)
KEY = 0x48415253


def tmp_entries():
    """What an earlier job (same uid) left: entries we own, other than our own folder.

    Root-owned entries are the parents of read-only mounts (a venv or model cache that lives
    under /tmp on the host); they exist before any job and hold nothing of one.
    """
    own = os.path.basename(os.getcwd())
    uid = os.getuid()
    found = []
    for root in ("/tmp", "/dev/shm"):
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if d != own and _owned(os.path.join(folder, d), uid)]
            found += [os.path.join(folder, n) for n in files + dirs if _owned(os.path.join(folder, n), uid)]
    return found


def _owned(path, uid):
    try:
        return os.lstat(path).st_uid == uid
    except OSError:
        return False


def processes():
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                if MARK.encode() in handle.read():
                    found.append(pid)
        except OSError:
            pass
    return found


def abstract_socket():
    with socket.socket(socket.AF_UNIX) as client:
        try:
            client.connect("\0" + MARK)
            return True
        except OSError:
            return False


def sysv():
    objects = []
    for kind in ("shm", "msg", "sem"):
        try:
            with open(f"/proc/sysvipc/{kind}") as handle:
                objects += [f"{kind}:{line.split()[0]}" for line in handle.readlines()[1:]]
        except OSError:
            pass
    return objects


def report():
    left = tmp_entries()
    return {
        "tmp": len(left),
        "tmp_first": left[0][-40:] if left else None,
        "processes": processes(),
        "socket": abstract_socket(),
        "globals": [hasattr(builtins, "harness_state"), "harness_state" in sys.modules, "HARNESS_STATE" in os.environ],
        "sysv": sysv(),
        "mqueue": libc.mq_open(f"/{MARK}".encode(), os.O_RDONLY) >= 0,
    }


def add(a, b):
    raise RuntimeError("PROBE " + json.dumps(report(), separators=(",", ":")))


def reveal():
    return "nothing"
