"""The seccomp filter every sandboxed process runs under, as a classic BPF program.

bubblewrap installs it (``--seccomp FD``) just before it executes the sandboxed command, so
the filter holds for that command and everything it starts: ``prlimit``, ``setpriv``, the
warm worker and every job it forks. It refuses what no graded code needs and what escapes
and cross-student channels start with, following Docker's default profile and nsjail:

- keyrings (``add_key``, ``request_key``, ``keyctl``): a uid's keys outlive its processes;
- new namespaces (``unshare``, ``clone`` with a ``CLONE_NEW*`` flag, ``setns``); ``clone3``
  answers ENOSYS, because its flags sit in memory a filter cannot read, and glibc then falls
  back to ``clone``, whose flags it can;
- another process's memory (``ptrace``, ``process_vm_*``, ``kcmp``, ``pidfd_getfd``);
- the kernel's own attack surface: modules, BPF, perf events, io_uring, userfaultfd,
  ``personality`` flags other than Docker's few;
- the machine: mounts, ``pivot_root``, ``chroot``, swap, reboot, kexec, the clock, quotas,
  accounting, host names, I/O ports;
- the page cache's exact, silent probes and its eviction: every sandbox reads the same host
  files (/usr, Python, the course's models), so their cached pages are state that all jobs
  share, whatever their namespaces. A job that could evict pages (``fadvise`` DONTNEED or
  NOREUSE, ``madvise`` COLD or PAGEOUT, ``process_madvise``) and test them without reading
  (``mincore``, ``cachestat``, a ``preadv2`` with RWF_NOWAIT, Linux AIO) could leave a
  hidden test's input there for a later job, bit by bit, exactly. What no filter can take
  away (how long a read takes, a job's own page-fault counts) still carries it: hidden
  inputs are not a secret (docs/code-exercises.md, "Hidden tests"); a student's hidden jobs
  never run before their own public ones (:mod:`harness.kinds.code_engine.runner`).

A 64-bit process on x86_64 can still make 32-bit system calls (``int 0x80``) whose numbers
mean something else; any call whose architecture is not the filter's own is refused, and so
are x32 calls (numbers with bit 30 set). The program is built here, in pure Python, from
per-architecture number tables (x86_64 and aarch64): no dependency, and the exact bytes are
easy to test.
"""

from __future__ import annotations

import errno
import os
import platform
import struct
from dataclasses import dataclass

# Classic BPF (linux/filter.h, linux/bpf_common.h) and seccomp return values (linux/seccomp.h)
LD_W_ABS = 0x20
JEQ_K, JGE_K, JSET_K = 0x15, 0x35, 0x45
RET_K = 0x06
RET_ALLOW = 0x7FFF0000
RET_ERRNO = 0x00050000
MAX_JUMP = 255
# struct seccomp_data: int nr; u32 arch; u64 instruction_pointer; u64 args[6] (little-endian)
NR_OFFSET, ARCH_OFFSET, ARGS_OFFSET = 0, 4, 16
X32_SYSCALL_BIT = 0x40000000

CLONE_NAMESPACES = (
    0x00020000  # CLONE_NEWNS
    | 0x02000000  # CLONE_NEWCGROUP
    | 0x04000000  # CLONE_NEWUTS
    | 0x08000000  # CLONE_NEWIPC
    | 0x10000000  # CLONE_NEWUSER
    | 0x20000000  # CLONE_NEWPID
    | 0x40000000  # CLONE_NEWNET
)
UNSHARE_NAMESPACES = CLONE_NAMESPACES | 0x00000080  # CLONE_NEWTIME (in clone's flags, that bit is the exit signal)
# Docker's allowed personalities: PER_LINUX, PER_LINUX32, UNAME26, UNAME26|PER_LINUX32, and the query
PERSONALITIES = (0x0, 0x8, 0x20000, 0x20008, 0xFFFFFFFF)

REFUSED_EPERM = (
    # keyrings
    "add_key", "request_key", "keyctl",
    # namespaces and other processes
    "setns", "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd",
    # the kernel
    "init_module", "finit_module", "delete_module", "create_module", "query_module", "get_kernel_syms",
    "bpf", "perf_event_open", "userfaultfd", "lookup_dcookie", "syslog", "uselib", "ustat", "sysfs", "_sysctl",
    "fanotify_init", "name_to_handle_at", "open_by_handle_at", "move_pages", "migrate_pages",
    # the machine
    "mount", "umount2", "pivot_root", "chroot", "open_tree", "open_tree_attr", "move_mount", "fsopen",
    "fsconfig", "fsmount", "fspick", "mount_setattr", "swapon", "swapoff", "reboot", "kexec_load",
    "kexec_file_load", "settimeofday", "clock_settime", "clock_adjtime", "acct", "quotactl", "quotactl_fd",
    "nfsservctl", "sethostname", "setdomainname", "iopl", "ioperm", "vhangup",
)  # fmt: skip
REFUSED_ENOSYS = (
    "clone3", "io_uring_setup", "io_uring_enter", "io_uring_register",
    # page cache probes (see the module's docstring); ENOSYS: a library falls back
    "mincore", "cachestat", "io_setup", "process_madvise",
)  # fmt: skip
FADVISE_ALLOWED = (0, 2, 3)  # POSIX_FADV_NORMAL, SEQUENTIAL, WILLNEED: not RANDOM, DONTNEED, NOREUSE
MADVISE_REFUSED = (20, 21)  # MADV_COLD, MADV_PAGEOUT: they evict a file's pages from the cache
RWF_NOWAIT = 0x8  # preadv2/pwritev2: fail rather than wait for the disk (says whether a page is cached)


@dataclass(frozen=True)
class Arch:
    """One architecture: its audit number (linux/audit.h) and its system call numbers."""

    name: str
    audit: int
    numbers: dict[str, int]
    x32_bit: bool = False  # x86_64: numbers with bit 30 set are the x32 ABI


# Numbers from arch/x86/entry/syscalls/syscall_64.tbl and include/uapi/asm-generic/unistd.h
X86_64 = Arch(
    "x86_64",
    0xC000003E,
    {
        "clone": 56, "uselib": 134, "personality": 135, "ustat": 136, "sysfs": 139, "ptrace": 101, "syslog": 103,
        "vhangup": 153, "pivot_root": 155, "_sysctl": 156, "chroot": 161, "acct": 163, "settimeofday": 164,
        "mount": 165, "umount2": 166, "swapon": 167, "swapoff": 168, "reboot": 169, "sethostname": 170,
        "setdomainname": 171, "iopl": 172, "ioperm": 173, "create_module": 174, "init_module": 175,
        "delete_module": 176, "get_kernel_syms": 177, "query_module": 178, "quotactl": 179, "nfsservctl": 180,
        "lookup_dcookie": 212, "clock_settime": 227, "kexec_load": 246, "add_key": 248, "request_key": 249,
        "keyctl": 250, "migrate_pages": 256, "unshare": 272, "move_pages": 279, "perf_event_open": 298,
        "fanotify_init": 300, "name_to_handle_at": 303, "open_by_handle_at": 304, "clock_adjtime": 305,
        "setns": 308, "process_vm_readv": 310, "process_vm_writev": 311, "kcmp": 312, "finit_module": 313,
        "kexec_file_load": 320, "bpf": 321, "userfaultfd": 323, "io_uring_setup": 425, "io_uring_enter": 426,
        "io_uring_register": 427, "open_tree": 428, "move_mount": 429, "fsopen": 430, "fsconfig": 431,
        "fsmount": 432, "fspick": 433, "clone3": 435, "pidfd_getfd": 438, "mount_setattr": 442,
        "quotactl_fd": 443, "open_tree_attr": 467, "mincore": 27, "madvise": 28, "io_setup": 206,
        "fadvise64": 221, "preadv2": 327, "pwritev2": 328, "process_madvise": 440, "cachestat": 451,
    },
    x32_bit=True,
)  # fmt: skip
AARCH64 = Arch(
    "aarch64",
    0xC00000B7,
    {
        "lookup_dcookie": 18, "umount2": 39, "mount": 40, "pivot_root": 41, "nfsservctl": 42, "chroot": 51,
        "vhangup": 58, "quotactl": 60, "acct": 89, "personality": 92, "unshare": 97, "kexec_load": 104,
        "init_module": 105, "delete_module": 106, "clock_settime": 112, "syslog": 116, "ptrace": 117,
        "reboot": 142, "sethostname": 161, "setdomainname": 162, "settimeofday": 170, "add_key": 217,
        "request_key": 218, "keyctl": 219, "clone": 220, "swapon": 224, "swapoff": 225, "migrate_pages": 238,
        "move_pages": 239, "perf_event_open": 241, "fanotify_init": 262, "name_to_handle_at": 264,
        "open_by_handle_at": 265, "clock_adjtime": 266, "setns": 268, "process_vm_readv": 270,
        "process_vm_writev": 271, "kcmp": 272, "finit_module": 273, "bpf": 280, "userfaultfd": 282,
        "kexec_file_load": 294, "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427,
        "open_tree": 428, "move_mount": 429, "fsopen": 430, "fsconfig": 431, "fsmount": 432, "fspick": 433,
        "clone3": 435, "pidfd_getfd": 438, "mount_setattr": 442, "quotactl_fd": 443, "open_tree_attr": 467,
        "io_setup": 0, "fadvise64": 223, "mincore": 232, "madvise": 233, "preadv2": 286, "pwritev2": 287,
        "process_madvise": 440, "cachestat": 451,
    },
)  # fmt: skip
ARCHES = {arch.name: arch for arch in (X86_64, AARCH64)}


class UnsupportedArchitecture(Exception):
    """No system call table for this machine: the filter cannot be built."""


def native_arch() -> Arch:
    """The table for this machine; raises :class:`UnsupportedArchitecture` when there is none."""
    machine = platform.machine()
    if machine not in ARCHES:
        raise UnsupportedArchitecture(f"no seccomp system call table for {machine} (only {', '.join(ARCHES)})")
    return ARCHES[machine]


def _insn(code: int, k: int, jt: int = 0, jf: int = 0) -> tuple[int, int, int, int]:
    assert 0 <= jt <= MAX_JUMP and 0 <= jf <= MAX_JUMP
    return (code, jt, jf, k & 0xFFFFFFFF)


def _errno(value: int) -> int:
    return RET_ERRNO | value


def _refuse(nr: int, value: int) -> list[tuple[int, int, int, int]]:
    """``nr`` answers ``-value``; anything else goes on to the next rule."""
    return [_insn(JEQ_K, nr, 0, 1), _insn(RET_K, _errno(value))]


def _refuse_flags(nr: int, mask: int, arg: int = 0) -> list[tuple[int, int, int, int]]:
    """``nr`` with any bit of ``mask`` in its argument ``arg`` (low 32 bits) answers EPERM;
    without one it is allowed. Either way the rule decides: it reloads the accumulator."""
    return [
        _insn(JEQ_K, nr, 0, 4),
        _insn(LD_W_ABS, ARGS_OFFSET + 8 * arg),
        _insn(JSET_K, mask, 0, 1),
        _insn(RET_K, _errno(errno.EPERM)),
        _insn(RET_K, RET_ALLOW),
    ]


def _on_values(nr: int, values: tuple[int, ...], arg: int, listed: int, others: int) -> list[tuple[int, int, int, int]]:
    """``nr`` with one of ``values`` as its argument ``arg`` returns ``listed``, with any
    other ``others``; either way the rule decides."""
    n = len(values)
    rule = [_insn(JEQ_K, nr, 0, n + 3), _insn(LD_W_ABS, ARGS_OFFSET + 8 * arg)]
    rule += [_insn(JEQ_K, value, n - i, 0) for i, value in enumerate(values)]
    return [*rule, _insn(RET_K, others), _insn(RET_K, listed)]


def _allow_values(nr: int, values: tuple[int, ...], arg: int = 0) -> list[tuple[int, int, int, int]]:
    """``nr`` is allowed with one of ``values`` as its argument ``arg``, else EPERM."""
    return _on_values(nr, values, arg, RET_ALLOW, _errno(errno.EPERM))


def _refuse_values(nr: int, values: tuple[int, ...], arg: int) -> list[tuple[int, int, int, int]]:
    """``nr`` with one of ``values`` as its argument ``arg`` answers EPERM, else is allowed."""
    return _on_values(nr, values, arg, _errno(errno.EPERM), RET_ALLOW)


def program(arch: Arch) -> list[tuple[int, int, int, int]]:
    """The filter for ``arch`` as (code, jt, jf, k) instructions."""
    nrs = arch.numbers
    insns = [
        _insn(LD_W_ABS, ARCH_OFFSET),
        _insn(JEQ_K, arch.audit, 1, 0),
        _insn(RET_K, _errno(errno.ENOSYS)),  # another architecture's numbers: int 0x80 on x86_64
        _insn(LD_W_ABS, NR_OFFSET),
    ]
    if arch.x32_bit:
        insns += [_insn(JGE_K, X32_SYSCALL_BIT, 0, 1), _insn(RET_K, _errno(errno.ENOSYS))]
    insns += _refuse_flags(nrs["clone"], CLONE_NAMESPACES)
    insns += _refuse_flags(nrs["unshare"], UNSHARE_NAMESPACES)
    insns += _allow_values(nrs["personality"], PERSONALITIES)
    insns += _allow_values(nrs["fadvise64"], FADVISE_ALLOWED, arg=3)
    insns += _refuse_values(nrs["madvise"], MADVISE_REFUSED, arg=2)
    insns += _refuse_flags(nrs["preadv2"], RWF_NOWAIT, arg=5)
    insns += _refuse_flags(nrs["pwritev2"], RWF_NOWAIT, arg=5)
    for name in REFUSED_EPERM:
        if name in nrs:  # some calls exist on one architecture only
            insns += _refuse(nrs[name], errno.EPERM)
    for name in REFUSED_ENOSYS:
        insns += _refuse(nrs[name], errno.ENOSYS)
    return [*insns, _insn(RET_K, RET_ALLOW)]


def compile_filter(arch: Arch | None = None) -> bytes:
    """The filter as the bytes of a ``struct sock_filter`` array (what bwrap's --seccomp reads)."""
    return b"".join(struct.pack("=HBBI", *insn) for insn in program(arch or native_arch()))


def filter_fd(arch: Arch | None = None) -> int:
    """A fresh file descriptor holding the compiled filter, at offset 0; the caller closes it."""
    fd = os.memfd_create("harness-seccomp", os.MFD_CLOEXEC)
    try:
        os.write(fd, compile_filter(arch))
        os.lseek(fd, 0, os.SEEK_SET)
    except OSError:
        os.close(fd)
        raise
    return fd
