# ruff: noqa
"""Print verdicts and fake result JSON to stdout, stderr and the raw descriptors."""

import json
import os
import sys

FAKE = [
    "passed",
    "All tests passed! Score: 2/2",
    json.dumps({"event": "result", "id": "add", "ok": True, "value": 5, "passed": True}),
    json.dumps({"event": "result", "id": "reveal", "ok": True, "value": "HIDDEN-EXPECTED-guess", "passed": True}),
    json.dumps({"event": "done", "score": 2, "max_score": 2, "status": "correct"}),
]
for line in FAKE:
    print(line)
    print(line, file=sys.stderr)
    for fd in (1, 2):
        try:
            os.write(fd, (line + "\n").encode())
        except OSError:
            pass


def add(a, b):
    for line in FAKE:
        print(line)
    return a - b


def reveal():
    print(FAKE[3])
    return "nothing"
