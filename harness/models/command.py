"""``command``: any executable that reads JSONL prompts on stdin and writes JSONL outputs.

The target is the command line (split like a shell would, never run through one). For every
batch of requests the command is started once and gets one line per request::

    {"index": 0, "prompt": "...", "sample": 0, "params": {"max_new_tokens": 64, "temperature": 0.0, ...}}

and answers one line per request, in any order: ``{"index": 0, "output": "..."}``. Each
answer is kept as soon as it is read, so a long batch that dies half-way loses only the rest.
Options: ``batch_size`` (requests per process, default 64), ``timeout`` (seconds per batch).
"""

from __future__ import annotations

import hashlib
import json
import shlex
import shutil
import subprocess
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

from harness.models.base import AdapterError, ModelAdapter, Request, option_float, option_int


class CommandAdapter(ModelAdapter):
    """``command:'python my_model.py --flag'``."""

    name = "command"

    def __init__(self) -> None:
        super().__init__()
        self.argv: list[str] = []
        self._batch = 64
        self._timeout = 600.0

    def known_options(self) -> Sequence[str]:
        return ("batch_size", "timeout")

    def _configure(self) -> None:
        try:
            self.argv = shlex.split(self.target)
        except ValueError as exc:
            raise AdapterError(f"command:{self.target}: {exc}") from None
        if not self.argv or shutil.which(self.argv[0]) is None:
            raise AdapterError(f"command:{self.target}: {self.argv[0] if self.argv else 'nothing'!r} is not a program")
        self._batch = option_int(self, "batch_size", 64, 1, 100_000)
        self._timeout = option_float(self, "timeout", 600.0, 0.1, 86_400.0)

    def identity(self) -> str:
        program = Path(shutil.which(self.argv[0]) or self.argv[0])
        digest = hashlib.sha256(program.read_bytes()).hexdigest()[:16] if program.is_file() else "?"
        return f"{shlex.join(self.argv)}|{digest}"

    @property
    def batch_size(self) -> int:
        return self._batch

    def _generate(self, requests: Sequence[Request]) -> Iterator[tuple[int, str]]:
        for start in range(0, len(requests), self._batch):
            chunk = requests[start : start + self._batch]
            for index, text in self._run(chunk):
                yield start + index, text

    def _run(self, requests: Sequence[Request]) -> Iterator[tuple[int, str]]:
        lines = [
            json.dumps({"index": i, "prompt": r.prompt, "sample": r.sample, "params": r.params.model_dump()}) + "\n"
            for i, r in enumerate(requests)
        ]
        process = subprocess.Popen(
            self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        assert process.stdin is not None and process.stdout is not None and process.stderr is not None
        errors: list[str] = []
        feeder = threading.Thread(target=_feed, args=(process.stdin, lines), daemon=True)
        drainer = threading.Thread(target=lambda: errors.extend(process.stderr.readlines()), daemon=True)  # type: ignore[union-attr]
        timer = threading.Timer(self._timeout, process.kill)
        for thread in (feeder, drainer, timer):
            thread.start()
        complete = False
        try:
            for number, line in enumerate(process.stdout, start=1):
                yield self._parse(line, number, len(requests))
            complete = True
        finally:
            timer.cancel()
            if not complete:  # a bad line, or the caller stopped: the rest of the batch is not wanted
                process.kill()
            process.stdout.close()
            code = process.wait()
            drainer.join()
            process.stderr.close()
        if code != 0:
            last = errors[-1].strip() if errors else "no message on stderr"
            raise AdapterError(f"command:{self.target}: exited with {code}: {last}")

    def _parse(self, line: str, number: int, count: int) -> tuple[int, str]:
        where = f"command:{self.target}: output line {number}"
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise AdapterError(f"{where}: not JSON ({exc.msg})") from None
        if not isinstance(value, dict) or not isinstance(value.get("output"), str):
            raise AdapterError(f'{where}: expected {{"index": N, "output": "..."}}')
        index = value.get("index", number - 1)
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < count:
            raise AdapterError(f"{where}: index {index!r} is not one of the {count} requests sent")
        return index, value["output"]


def _feed(stdin: IO[str], lines: list[str]) -> None:
    try:
        stdin.writelines(lines)
        stdin.close()
    except BrokenPipeError:  # the command stopped reading: its exit status says why
        pass
