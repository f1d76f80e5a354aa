"""``python -m harness.course_models [CACHE_DIR]``: build every tiny model and print its folder."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from harness.course_models.tiny import build, default_cache_dir, names
from harness.errors import HarnessError


def main(argv: list[str]) -> int:
    cache_dir = Path(argv[0]) if argv else default_cache_dir()
    for name in names():
        start = time.perf_counter()
        try:
            folder = build(name, cache_dir)
        except HarnessError as error:
            print(f"error: {error}", file=sys.stderr)
            return error.exit_code
        print(f"{name}\t{time.perf_counter() - start:6.1f} s\t{folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
