# ruff: noqa
"""Read the keys of whoever started the sandbox: a grader's session keyring (a login's, or
one a tool joined) is inherited across exec and a uid change, and whoever possesses a
keyring may search it and read its keys. Prints a JSON report as its last line."""

import ctypes
import json
import platform

NR = {"x86_64": {"keyctl": 250}, "aarch64": {"keyctl": 219}}[platform.machine()]
KEYCTL_GET_KEYRING_ID, KEYCTL_DESCRIBE, KEYCTL_SEARCH, KEYCTL_READ = 0, 6, 10, 11
SESSION = -3
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def keyctl(*args):
    return libc.syscall(NR["keyctl"], *[ctypes.c_long(a) if isinstance(a, int) else a for a in args])


report = {}
ring = keyctl(KEYCTL_GET_KEYRING_ID, SESSION, 0)
report["session keyring"] = ring if ring >= 0 else f"errno {ctypes.get_errno()}"
key = keyctl(KEYCTL_SEARCH, SESSION, b"user", b"harness-host-secret", 0)
if key >= 0:
    buffer = ctypes.create_string_buffer(4096)
    size = keyctl(KEYCTL_READ, key, buffer, 4096)
    report["secret"] = buffer.raw[: max(size, 0)].decode("utf-8", "replace")
else:
    report["search"] = f"errno {ctypes.get_errno()}"
with open("/proc/keys") as keys:
    report["proc_keys"] = [line.strip() for line in keys if not line.rstrip().endswith(": empty")]
print(json.dumps(report, sort_keys=True))
