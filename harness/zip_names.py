"""Zip entries whose names are marked UTF-8 but are not: readable instead of fatal.

:mod:`zipfile` decodes a name as UTF-8 whenever its entry sets the UTF-8 flag (bit 11), in
the central directory when the archive is opened and in the local header when the entry is
read, and raises ``UnicodeDecodeError`` for the whole archive if one name does not decode.
Buggy exporters write Latin-1 names with the flag set, and a hostile student can write one
on purpose. :func:`open_zip` opens such an archive from a copy in which the flag is cleared
on exactly those entries, so :mod:`zipfile` reads their names as bytes (code page 437, which
maps every byte) and every other entry as before.
"""

from __future__ import annotations

import shutil
import struct
import zipfile
from pathlib import Path
from typing import BinaryIO

UTF8_FLAG = 1 << 11
_EOCD = b"PK\x05\x06"
_EOCD_SIZE = 22
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_LOCATOR_SIZE = 20
_ZIP64_EOCD = b"PK\x06\x06"
_CENTRAL = b"PK\x01\x02"
_CENTRAL_SIZE = 46
_LOCAL = b"PK\x03\x04"
_MAX_COMMENT = 0xFFFF


def open_zip(archive: Path, scratch: Path) -> tuple[zipfile.ZipFile, set[int]]:
    """Open ``archive``; if an entry's name is marked UTF-8 but is not, open a repaired copy
    written at ``scratch`` instead.

    Returns:
        The open archive and the indices (in ``infolist()`` order) of the repaired entries,
        whose ``orig_filename.encode("cp437")`` gives back the name's bytes.
    Raises:
        zipfile.BadZipFile, OSError: the archive is not a readable zip.
    """
    try:
        return zipfile.ZipFile(archive), set()
    except UnicodeDecodeError:
        pass
    shutil.copyfile(archive, scratch)
    with scratch.open("r+b") as fp:
        repaired = _clear_central_flags(fp)
    with zipfile.ZipFile(scratch) as zf, scratch.open("r+b") as fp:
        for index in repaired:
            _clear_flag_at(fp, zf.infolist()[index].header_offset, _LOCAL, 6)
    return zipfile.ZipFile(scratch), set(repaired)


def raw_name(info: zipfile.ZipInfo) -> bytes:
    """The bytes of a repaired entry's name (see :func:`open_zip`)."""
    return info.orig_filename.encode("cp437")


def _clear_central_flags(fp: BinaryIO) -> list[int]:
    """Clear the UTF-8 flag of every central-directory record whose name is not UTF-8."""
    start, count = _central_directory(fp)
    fp.seek(start)
    repaired = []
    for index in range(count):
        here = fp.tell()
        record = fp.read(_CENTRAL_SIZE)
        if len(record) < _CENTRAL_SIZE or record[:4] != _CENTRAL:
            raise zipfile.BadZipFile("bad central directory record")
        flags, name_len, extra_len, comment_len = struct.unpack("<H18xHHH", record[8:34])
        name = fp.read(name_len)
        if flags & UTF8_FLAG and not _is_utf8(name):
            repaired.append(index)
            _clear_flag_at(fp, here, _CENTRAL, 8)
        fp.seek(here + _CENTRAL_SIZE + name_len + extra_len + comment_len)
    return repaired


def _central_directory(fp: BinaryIO) -> tuple[int, int]:
    """Where the central directory starts, and how many records it holds."""
    size = fp.seek(0, 2)
    tail_start = max(0, size - _EOCD_SIZE - _MAX_COMMENT)
    fp.seek(tail_start)
    tail = fp.read()
    at = tail.rfind(_EOCD)
    if at < 0:
        raise zipfile.BadZipFile("no end of central directory")
    eocd = tail_start + at
    count, cd_size = struct.unpack("<2xHI", tail[at + 8 : at + 16])
    if eocd >= _ZIP64_LOCATOR_SIZE + 56:  # zip64: its own end record, found through a locator
        fp.seek(eocd - _ZIP64_LOCATOR_SIZE - 56)
        record = fp.read(56 + _ZIP64_LOCATOR_SIZE)
        if record[56:60] == _ZIP64_LOCATOR:
            if record[:4] != _ZIP64_EOCD:
                raise zipfile.BadZipFile("no zip64 end of central directory")
            count, cd_size = struct.unpack_from("<QQ", record, 32)  # total entries, directory size
            return eocd - _ZIP64_LOCATOR_SIZE - 56 - cd_size, count
    return eocd - cd_size, count  # not the recorded offset: data may be prepended (self-extracting)


def _clear_flag_at(fp: BinaryIO, offset: int, signature: bytes, flag_at: int) -> None:
    fp.seek(offset)
    header = fp.read(flag_at + 2)
    if header[:4] != signature:
        raise zipfile.BadZipFile("bad header signature")
    (flags,) = struct.unpack("<H", header[flag_at:])
    fp.seek(offset + flag_at)
    fp.write(struct.pack("<H", flags & ~UTF8_FLAG))


def _is_utf8(name: bytes) -> bool:
    try:
        name.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
