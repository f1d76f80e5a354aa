"""One memory cap for all of a sandbox's processes: a memory cgroup of its own.

RLIMIT_AS caps each process, so a job with many processes could hold their sum. Where this
host lets the grader create memory cgroups (root, or a delegated subtree), every sandbox gets
one, below the grader's own: ``memory.max`` on cgroup v2, ``memory.limit_in_bytes`` (and the
swap-inclusive ``memory.memsw.limit_in_bytes``) on v1 or a hybrid host. A job that goes over
it is stopped by the kernel's OOM killer inside the cgroup only. Elsewhere the bound is what
the rlimits give: processes times address space, and :func:`job_memory_cap` says so.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

MB = 1024 * 1024
MOUNTINFO = Path("/proc/self/mountinfo")
OWN_CGROUPS = Path("/proc/self/cgroup")


@dataclass(frozen=True)
class Hierarchy:
    """Where new memory cgroups go: ``parent`` (the grader's own cgroup) and its version."""

    version: int
    parent: Path

    @property
    def limit_file(self) -> str:
        return "memory.max" if self.version == 2 else "memory.limit_in_bytes"

    @property
    def usage_file(self) -> str:
        return "memory.current" if self.version == 2 else "memory.usage_in_bytes"


class MemoryCgroup:
    """A sandbox's memory cgroup; created empty, joined by the sandbox's first process."""

    def __init__(self, hierarchy: Hierarchy, name: str) -> None:
        self.hierarchy = hierarchy
        self.path = hierarchy.parent / name
        with contextlib.suppress(FileNotFoundError, OSError):
            self.path.rmdir()  # an empty leftover of a grader that died
        self.path.mkdir()
        self.limit_bytes = 0

    def procs_fd(self) -> int:
        """An open ``cgroup.procs``: writing ``0`` to it moves the writer in (done in the
        child between fork and exec, so nothing of the sandbox ever runs outside)."""
        return os.open(self.path / "cgroup.procs", os.O_WRONLY | os.O_CLOEXEC)

    def set_limit(self, limit_bytes: int) -> None:
        """Cap the memory of every process in the cgroup (page cache and tmpfs included).

        A limit already in force is not written again (warm workers set one per job, nearly
        always the same; only root may write the cgroup's files, so it cannot have changed).

        Raises:
            OSError: the kernel could not bring the usage under a lower limit (v1: EBUSY).
        """
        if limit_bytes == self.limit_bytes:
            return
        if self.hierarchy.version == 2:
            _write(self.path / "memory.max", limit_bytes)
            with contextlib.suppress(FileNotFoundError):
                _write(self.path / "memory.swap.max", 0)
        else:
            swap = self.path / "memory.memsw.limit_in_bytes"  # must stay >= limit_in_bytes
            order = ["memory.limit_in_bytes", swap.name]
            current = int((self.path / "memory.limit_in_bytes").read_text().strip())
            if swap.exists() and limit_bytes > current:
                order.reverse()
            for name in order:
                if (self.path / name).exists():
                    _write(self.path / name, limit_bytes)
        self.limit_bytes = limit_bytes

    def usage(self) -> int:
        """Everything charged to the cgroup, reclaimable page cache included."""
        return int((self.path / self.hierarchy.usage_file).read_text().strip())

    def resident(self) -> int:
        """What the kernel cannot simply drop: anonymous memory, tmpfs and mapped files
        (a warm worker's own heap and libraries), without the page cache it may reclaim."""
        fields = ("anon", "shmem", "file_mapped") if self.hierarchy.version == 2 else ("rss", "shmem", "mapped_file")
        stat = {}
        for line in (self.path / "memory.stat").read_text().splitlines():
            name, _, value = line.partition(" ")
            stat[name] = int(value or 0)
        return sum(stat.get(name, 0) for name in fields)

    def pids(self) -> list[int]:
        try:
            return [int(p) for p in (self.path / "cgroup.procs").read_text().split()]
        except FileNotFoundError:
            return []

    def destroy(self, wait_s: float = 2.0) -> bool:
        """Kill whatever is left in the cgroup and remove it; False if it could not be removed."""
        deadline = time.monotonic() + wait_s
        pause = 0.001  # killed processes are usually gone within milliseconds: poll soon, then less often
        while True:
            for pid in self.pids():
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            try:
                self.path.rmdir()
                return True
            except FileNotFoundError:
                return True
            except OSError:  # EBUSY until the killed processes are gone
                if time.monotonic() > deadline:
                    return False
                time.sleep(pause)
                pause = min(2 * pause, 0.02)


def _write(path: Path, value: int) -> None:
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, str(value).encode())
    finally:
        os.close(fd)


def find_hierarchy() -> Hierarchy | None:
    """Where this process may create memory cgroups, or None (no write access, no controller)."""
    mounts = _cgroup_mounts()
    own = _own_cgroups()
    v1 = mounts.get("memory")
    if v1 is not None and "memory" in own:
        found = Hierarchy(1, _under(v1, own["memory"]))
        if _can_create(found):
            return found
    v2 = mounts.get("")
    if v2 is not None and "" in own:
        found = Hierarchy(2, _under(v2, own[""]))
        if _can_create(found):
            return found
    return None


def _under(mount: Path, path: str) -> Path:
    return mount / path.lstrip("/")


def _can_create(hierarchy: Hierarchy) -> bool:
    """A child of ``parent`` can be made and has the memory controller (v2: enabled below)."""
    if not os.access(hierarchy.parent, os.W_OK):
        return False
    probe = hierarchy.parent / f"harness-probe-{os.getpid()}"
    try:
        probe.mkdir()
    except OSError:
        return False
    try:
        if hierarchy.version == 2 and not (probe / "memory.max").exists():
            with contextlib.suppress(OSError):  # EBUSY where the parent itself holds processes
                (hierarchy.parent / "cgroup.subtree_control").write_text("+memory")
        return (probe / hierarchy.limit_file).exists()
    finally:
        with contextlib.suppress(OSError):
            probe.rmdir()


def _cgroup_mounts() -> dict[str, Path]:
    """``{"memory": v1 mount, "": v2 mount}`` from /proc/self/mountinfo."""
    found: dict[str, Path] = {}
    try:
        lines = MOUNTINFO.read_text().splitlines()
    except OSError:
        return found
    for line in lines:
        fields = line.split()
        if " - " not in line:
            continue
        after = line.split(" - ", 1)[1].split()
        fstype, options = after[0], after[2] if len(after) > 2 else ""
        mount_point = Path(fields[4])
        if fstype == "cgroup2":
            found.setdefault("", mount_point)
        elif fstype == "cgroup" and "memory" in options.split(","):
            found.setdefault("memory", mount_point)
    return found


def _own_cgroups() -> dict[str, str]:
    """This process's cgroup path per v1 controller, and ``""`` for v2."""
    found: dict[str, str] = {}
    try:
        lines = OWN_CGROUPS.read_text().splitlines()
    except OSError:
        return found
    for line in lines:
        _, controllers, path = line.split(":", 2)
        for controller in controllers.split(",") if controllers else [""]:
            found[controller] = path
    return found


@dataclass(frozen=True)
class JobMemoryCap:
    """What bounds the memory of all of a job's processes together, in words and numbers."""

    mechanism: str  # "cgroup v1", "cgroup v2", "rlimits only" or "none"
    bound_mb: int | None  # None: nothing bounds the sum

    def describe(self) -> str:
        if self.bound_mb is None:
            return "nothing caps all of a job's processes together (each process: its address space)"
        if self.mechanism == "rlimits only":
            return f"no memory cgroup here: bounded only by processes x address space ({self.bound_mb} MB)"
        return f"{self.mechanism} memory limit of {self.bound_mb} MB on all of a job's processes together"


def job_memory_cap(memory_mb: int, tmp_mb: int, processes: int, hierarchy: Hierarchy | None) -> JobMemoryCap:
    """The cap a job with these limits runs under on this host."""
    if hierarchy is None:
        return JobMemoryCap("rlimits only", processes * memory_mb + tmp_mb)
    return JobMemoryCap(f"cgroup v{hierarchy.version}", memory_mb + tmp_mb)
