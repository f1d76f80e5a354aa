# ruff: noqa
"""The page cache of the host files every sandbox reads (/usr, Python) is state all jobs
share: try what would evict a file's pages or test them without reading, exactly and
silently, each in a child of its own, and the harmless calls beside them (which must still
work). The report maps each call to "allowed" or "errno N"."""

import ctypes
import mmap
import os
import platform
import sys

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
IO_SETUP = {"x86_64": 206, "aarch64": 0}[platform.machine()]
CACHESTAT, PROCESS_MADVISE = 451, 440
RWF_NOWAIT = 0x8
SHARED_FILE = os.path.realpath(sys.executable)  # bound read-only in every sandbox


def answer(result):
    return "allowed" if result >= 0 else f"errno {ctypes.get_errno()}"


def fadvise(advice):
    fd = os.open(SHARED_FILE, os.O_RDONLY)
    error = libc.posix_fadvise(fd, ctypes.c_long(0), ctypes.c_long(0), advice)  # returns the error
    return "allowed" if error == 0 else f"errno {error}"


def preadv2(flags):
    fd = os.open(SHARED_FILE, os.O_RDONLY)
    buffer = ctypes.create_string_buffer(4096)
    iov = (ctypes.c_void_p * 2)(ctypes.addressof(buffer), 4096)
    return answer(libc.preadv2(fd, iov, 1, ctypes.c_long(0), flags))


def mincore():
    fd = os.open(SHARED_FILE, os.O_RDONLY)
    size = 1 << 16
    libc.mmap.restype = ctypes.c_void_p
    address = libc.mmap(None, size, mmap.PROT_READ, mmap.MAP_SHARED, fd, ctypes.c_long(0))
    vector = ctypes.create_string_buffer(size // 4096)
    return answer(libc.mincore(ctypes.c_void_p(address), ctypes.c_size_t(size), vector))


def madvise(advice):
    fd = os.open(SHARED_FILE, os.O_RDONLY)
    size = 1 << 16
    libc.mmap.restype = ctypes.c_void_p
    address = libc.mmap(None, size, mmap.PROT_READ, mmap.MAP_SHARED, fd, ctypes.c_long(0))
    return answer(libc.madvise(ctypes.c_void_p(address), ctypes.c_size_t(size), advice))


def cachestat():
    fd = os.open(SHARED_FILE, os.O_RDONLY)
    span = ctypes.create_string_buffer(16)  # struct cachestat_range {off, len}: 0, 0 is the whole file
    stat = ctypes.create_string_buffer(40)
    return answer(libc.syscall(CACHESTAT, fd, span, stat, 0))


CALLS = {
    "fadvise(DONTNEED)": lambda: fadvise(4),
    "fadvise(NOREUSE)": lambda: fadvise(5),
    "fadvise(RANDOM)": lambda: fadvise(1),
    "preadv2(RWF_NOWAIT)": lambda: preadv2(RWF_NOWAIT),
    "mincore": mincore,
    "madvise(COLD)": lambda: madvise(20),
    "madvise(PAGEOUT)": lambda: madvise(21),
    "cachestat": cachestat,
    "io_setup": lambda: answer(libc.syscall(IO_SETUP, 1, ctypes.byref(ctypes.c_ulong(0)))),
    "process_madvise": lambda: answer(libc.syscall(PROCESS_MADVISE, -1, None, 0, 21, 0)),
}
HARMLESS = {
    "fadvise(SEQUENTIAL)": lambda: fadvise(2),
    "fadvise(WILLNEED)": lambda: fadvise(3),
    "preadv2()": lambda: preadv2(0),
    "madvise(DONTNEED)": lambda: madvise(4),
    "madvise(WILLNEED)": lambda: madvise(3),
}


def attempt(call):
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            text = call()
        except Exception as exc:
            text = f"python error {exc!r}"
        os.write(write_fd, text.encode())
        os._exit(0)
    os.close(write_fd)
    text = os.read(read_fd, 200).decode()
    os.close(read_fd)
    _, status = os.waitpid(pid, 0)
    return text or f"killed by signal {os.WTERMSIG(status)}"


REPORT = {
    "refused": {name: attempt(call) for name, call in CALLS.items()},
    "harmless": {name: attempt(call) for name, call in HARMLESS.items()},
}
