# ruff: noqa
"""Look for a key an earlier student planted (same uid in a warm worker, or a uid reused by a
later run): search every keyring we can name, read what is found, and list /proc/keys."""

import ctypes
import json
import platform

NR = {"x86_64": {"keyctl": 250}, "aarch64": {"keyctl": 219}}[platform.machine()]
KEYCTL_SEARCH, KEYCTL_READ = 10, 11
KEYRINGS = {"session": -3, "user": -4, "user-session": -5}
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def search(ring, description):
    key = libc.syscall(NR["keyctl"], KEYCTL_SEARCH, ctypes.c_long(ring), b"user", description, 0)
    if key < 0:
        return None
    buffer = ctypes.create_string_buffer(4096)
    size = libc.syscall(NR["keyctl"], KEYCTL_READ, ctypes.c_long(key), buffer, 4096)
    return buffer.raw[: max(size, 0)].decode("utf-8", "replace")


def add(a, b):
    found = {}
    for ring_name, ring in KEYRINGS.items():
        for planted_in in KEYRINGS:
            value = search(ring, f"harness-{HOST['marker']}-{planted_in}".encode())
            if value is not None:
                found[f"{planted_in} in {ring_name}"] = value
    with open("/proc/keys") as keys:
        visible = [line.strip() for line in keys if not line.rstrip().endswith(": empty")]
    raise RuntimeError("PROBE " + json.dumps({"found": found, "proc_keys": visible}))


def reveal():
    return "nothing"
