"""k-gram hashes and winnowing (Schleimer, Wilkerson and Aiken, SIGMOD 2003).

Every run of ``k`` consecutive tokens is hashed; in every window of ``w`` consecutive hashes
the smallest is kept (the rightmost one on ties), each kept hash once per position. Two
documents that share a run of at least ``w + k - 1`` tokens are then certain to share a
fingerprint, and a document of n tokens keeps about 2n / (w + 1) of them. Hashes are
computed from a fixed table (CRC-32 of each token), never from Python's ``hash``, so they
are the same in every process and on every machine.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass

_MOD = (1 << 61) - 1  # a Mersenne prime: the rolling hash stays exact in Python integers
_BASE = 1_000_003


@dataclass(frozen=True)
class Fingerprint:
    hash: int
    start: int  # index of the k-gram's first item
    end: int  # index of its last item


def kgram_hashes(items: Sequence[str], k: int) -> list[int]:
    """The hash of each run of ``k`` consecutive items (none when there are fewer than k)."""
    codes = [zlib.crc32(item.encode("utf-8")) for item in items]
    if len(codes) < k:
        return []
    top = pow(_BASE, k - 1, _MOD)
    value = 0
    for code in codes[:k]:
        value = (value * _BASE + code) % _MOD
    hashes = [value]
    for i in range(k, len(codes)):
        value = ((value - codes[i - k] * top) * _BASE + codes[i]) % _MOD
        hashes.append(value)
    return hashes


def winnow(hashes: list[int], window: int, k: int) -> list[Fingerprint]:
    """The winnowed fingerprints of ``hashes`` (k-gram hashes) with windows of ``window``.

    A document shorter than one window keeps its smallest hash, so short files still match.
    """
    if not hashes:
        return []
    if len(hashes) <= window:
        i = len(hashes) - 1 - hashes[::-1].index(min(hashes))
        return [Fingerprint(hashes[i], i, i + k - 1)]
    chosen: list[Fingerprint] = []
    last = -1
    for start in range(len(hashes) - window + 1):
        span = hashes[start : start + window]
        i = start + window - 1 - span[::-1].index(min(span))  # the rightmost smallest
        if i != last:
            chosen.append(Fingerprint(hashes[i], i, i + k - 1))
            last = i
    return chosen
