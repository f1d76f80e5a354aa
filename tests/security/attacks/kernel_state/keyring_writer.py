# ruff: noqa
"""Plant a key for the students graded after us: in the user keyring (shared by every
process of our uid, and kept by the kernel after the run), the user-session keyring and the
session keyring. Report what the kernel answered (a key id, or the errno)."""

import ctypes
import json
import platform

NR = {"x86_64": {"add_key": 248}, "aarch64": {"add_key": 217}}[platform.machine()]
KEYRINGS = {"session": -3, "user": -4, "user-session": -5}
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long

planted = {}
for name, ring in KEYRINGS.items():
    payload = f"planted-solution-{HOST['marker']}".encode()
    description = f"harness-{HOST['marker']}-{name}".encode()
    key = libc.syscall(NR["add_key"], b"user", description, payload, len(payload), ctypes.c_long(ring))
    planted[name] = key if key >= 0 else f"errno {ctypes.get_errno()}"


def add(a, b):
    raise RuntimeError("PROBE " + json.dumps(planted))


def reveal():
    return "nothing"
