"""The in-sandbox stub: imports the student's module, calls functions, reports plain JSON.

This file runs INSIDE the sandbox, next to untrusted code, so it imports nothing from
``harness`` (it is mounted alone) and decides nothing: it sends back what the student's
functions returned or raised, encoded as typed JSON, one line per event on the channel file
descriptor. The grader outside validates the size and shape of every line and compares with
expected values that never enter the sandbox. A student who tampers with this stub (it shares
their process) can only change what is reported as their own return values.

Request (stdin, JSON)::

    {"module": "/sandbox/code/solution.py", "calls": [
        {"id": "t1", "function": "softmax", "args": [...], "kwargs": {...},
         "time_limit": 2.0, "seed_kwarg": null, "seeds": [1737, 90211, ...]}]}

``seeds`` is present only for statistical tests: the function is called once per seed (as
``seed_kwarg``, or with the global random/numpy/torch seeds set), and the draws come back
with the seeds they were drawn with. An optional ``seed`` (an integer) seeds the same global
generators before the module is imported: a job forked from a zygote would otherwise start
from the zygote's numpy and torch states (drawn from the system's entropy when it started)
and random's (reseeded from it at every fork), so unseeded code would draw differently in
every run.

Events (channel, one JSON object per line): ``ready`` | ``import_error``, then one
``result`` per call, in the order of ``calls``, then ``done``. The grader treats anything
else (an extra line, a result out of order or repeated, a short list of draws) as a
protocol violation.

Typed values: JSON scalars, lists; ``{"__tuple__": [...]}``, ``{"__dict__": [[k, v], ...]}``,
``{"__float__": "nan"|"inf"|"-inf"}``, ``{"__ndarray__": {"dtype", "shape", "data"}}``,
``{"__tensor__": {"dtype", "shape", "data"}}``, ``{"__object__": "TypeName"}`` (anything
else: never equal to anything), and for a statistical test
``{"__samples__": {"seeds": [...], "draws": [...]}}``. Integers are sent up to
:data:`MAX_INT_BITS` bits and complex numbers not at all (an ``UnsupportedReturn`` error).
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import random
import signal
import sys
import time
import traceback
from typing import Any

MAX_DEPTH = 32
MAX_ITEMS = 2_000_000
MAX_CAPTURE = 4_000
MAX_INT_BITS = 14_000  # about 4,200 digits: JSON readers refuse longer integers (4,300 by default)
CHANNEL_FD_ENV = "HARNESS_CHANNEL_FD"


class CallTimeout(BaseException):
    """Raised in the student's code when a call runs past its time limit."""


# A call's ``time_limit`` is CPU seconds (ITIMER_PROF: every thread of this process), so a
# verdict does not depend on how busy the grading machine is; a call that waits instead of
# computing (sleep, a blocked read) is stopped by a wall-clock backstop this much longer.
WALL_BACKSTOP_FACTOR = 3.0
WALL_BACKSTOP_SLACK_S = 1.0


def wall_backstop(time_limit: float) -> float:
    """The wall-clock seconds a call of ``time_limit`` CPU seconds may take at most."""
    return WALL_BACKSTOP_FACTOR * time_limit + WALL_BACKSTOP_SLACK_S


def _start_timers(seconds: float) -> None:
    signal.setitimer(signal.ITIMER_PROF, seconds)
    signal.setitimer(signal.ITIMER_REAL, wall_backstop(seconds))


def _stop_timers() -> None:
    signal.setitimer(signal.ITIMER_PROF, 0)
    signal.setitimer(signal.ITIMER_REAL, 0)


# what an array's elements may be (the grader's values.DTYPES, less complex): their tolist()
# gives Python bools, ints and floats, which JSON holds
ARRAY_DTYPES = frozenset(
    "bool int8 int16 int32 int64 uint8 uint16 uint32 uint64 float16 bfloat16 float32 float64".split()
)


class EncodeError(Exception):
    pass


def encode(value: Any, depth: int = 0, budget: list[int] | None = None) -> Any:
    """Typed JSON for ``value``; exact builtin types only, so no student class can pose as one."""
    budget = budget if budget is not None else [MAX_ITEMS]
    budget[0] -= 1
    if budget[0] < 0 or depth > MAX_DEPTH:
        raise EncodeError("return value too large or too deeply nested")
    kind = type(value)
    if kind is int and value.bit_length() > MAX_INT_BITS:
        raise EncodeError(f"integer too large to send (more than {MAX_INT_BITS} bits)")
    if value is None or kind is bool or kind is int or kind is str:
        return value
    if kind is float:
        return value if math.isfinite(value) else {"__float__": repr(value)}
    if kind is list:
        return [encode(v, depth + 1, budget) for v in value]
    if kind is tuple:
        return {"__tuple__": [encode(v, depth + 1, budget) for v in value]}
    if kind is dict:
        return {"__dict__": [[encode(k, depth + 1, budget), encode(v, depth + 1, budget)] for k, v in value.items()]}
    return _encode_array(value, depth, budget)


def _encode_array(value: Any, depth: int, budget: list[int]) -> Any:
    module = type(value).__module__
    if module == "numpy":
        import numpy as np

        if isinstance(value, np.ndarray) and type(value) is np.ndarray:
            return {"__ndarray__": _array_payload(value, str(value.dtype), budget)}
        if isinstance(value, np.generic):
            item = value.item()
            if isinstance(item, np.generic):  # longdouble's item() is a longdouble: no Python type holds it
                raise EncodeError(f"{type(value).__name__} values cannot be returned")
            return encode(item, depth, budget)
    if module == "torch" and type(value).__name__ == "Tensor":
        import torch

        if type(value) is torch.Tensor:
            array = value.detach().cpu()
            dtype = str(array.dtype).removeprefix("torch.")
            return {
                "__tensor__": _array_payload(
                    array.float().numpy() if array.dtype == torch.bfloat16 else array.numpy(), dtype, budget
                )
            }
    return {"__object__": type(value).__name__}


def _array_payload(array: Any, dtype: str, budget: list[int]) -> dict[str, Any]:
    budget[0] -= int(array.size)
    if budget[0] < 0:
        raise EncodeError("returned array too large")
    if array.dtype.kind == "c":
        raise EncodeError("complex arrays cannot be returned")
    if str(array.dtype) not in ARRAY_DTYPES:  # object, datetime, strings, records, longdouble...
        raise EncodeError(f"{array.dtype} arrays cannot be returned")
    flat = array.reshape(-1).tolist()
    if array.dtype.kind in "fc":
        flat = [v if (type(v) is not float or math.isfinite(v)) else {"__float__": repr(v)} for v in flat]
    return {"dtype": dtype, "shape": list(array.shape), "data": flat}


def decode(value: Any) -> Any:
    """Arguments from the grader: the same typed JSON, turned into Python, numpy or torch."""
    if isinstance(value, list):
        return [decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "__tuple__" in value:
        return tuple(decode(v) for v in value["__tuple__"])
    if "__dict__" in value:
        return {decode(k): decode(v) for k, v in value["__dict__"]}
    if "__float__" in value:
        return float(value["__float__"])
    if "__ndarray__" in value:
        import numpy as np

        spec = value["__ndarray__"]
        return np.array(decode(spec["data"]), dtype=spec["dtype"]).reshape(spec["shape"])
    if "__tensor__" in value:
        import torch

        spec = value["__tensor__"]
        return torch.tensor(decode(spec["data"]), dtype=getattr(torch, spec["dtype"])).reshape(spec["shape"])
    return {k: decode(v) for k, v in value.items()}


class Capture(io.StringIO):
    """Where prints go during a call: bounded, and closing it (sys.stdout.close()) is harmless."""

    def write(self, text: str) -> int:
        if self.tell() < MAX_CAPTURE:
            super().write(text[: MAX_CAPTURE - self.tell()])
        return len(text)

    def close(self) -> None:
        pass


class Channel:
    """Line-delimited JSON on a file descriptor the grader reads."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def send(self, event: dict[str, Any]) -> None:
        data = (json.dumps(event, allow_nan=False, separators=(",", ":")) + "\n").encode()
        view = memoryview(data)
        while view:
            view = view[os.write(self.fd, view) :]


def student_traceback(exc: BaseException, path: str) -> list[str]:
    """Only the frames in the student's own file: line numbers they can act on."""
    frames = traceback.extract_tb(exc.__traceback__)
    return [f"line {f.lineno}: {(f.line or '').strip()}" for f in frames if f.filename == path][-5:]


def describe_error(exc: BaseException, path: str) -> dict[str, Any]:
    lines = student_traceback(exc, path)
    if isinstance(exc, SyntaxError) and exc.filename == path:
        lines = [f"line {exc.lineno}: {(exc.text or '').strip()}"]
    return {"type": type(exc).__name__, "message": str(exc)[:500], "traceback": lines}


def _on_alarm(signum: int, frame: Any) -> None:
    raise CallTimeout()


def seed_everything(seed: int) -> None:
    """Seed random's, numpy's (importing ``numpy.random`` if need be) and torch's generators."""
    random.seed(seed)
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed(seed)
    _seed_torch(seed)


def _seed_torch(seed: int) -> None:
    """torch's CPU generator (the sandbox has no GPU): ``torch.manual_seed`` would also seed
    every other backend, importing their modules, milliseconds of a job's CPU."""
    if "torch" in sys.modules:
        sys.modules["torch"].default_generator.manual_seed(seed)


def seed_job(seed: int) -> None:
    """Seed a job's global generators before the student's module is imported: random's, and
    numpy's and torch's where they are imported already (the zygote's preloads). Unlike
    :func:`seed_everything` this never imports: numpy imports ``numpy.random`` lazily, about
    10 ms of every job's CPU (the zygote imports it with numpy)."""
    random.seed(seed)
    if "numpy.random" in sys.modules:
        sys.modules["numpy.random"].seed(seed)
    _seed_torch(seed)


def call_once(function: Any, call: dict[str, Any], seed: int | None) -> Any:
    args = decode(call.get("args", []))
    kwargs = decode(call.get("kwargs", {}))
    if call.get("seed_kwarg"):
        kwargs[call["seed_kwarg"]] = seed
    elif seed is not None:
        seed_everything(seed)
    return function(*args, **kwargs)


def run_call(module: Any, call: dict[str, Any], path: str) -> dict[str, Any]:
    """One test call (or a block of seeded trials), timed and with its prints captured."""
    result: dict[str, Any] = {"event": "result", "id": call["id"]}
    function = getattr(module, call["function"], None)
    if not callable(function):
        return {
            **result,
            "ok": False,
            "error": {"type": "MissingFunction", "message": f"no function {call['function']!r}", "traceback": []},
        }
    out = Capture()
    started, cpu_started = time.perf_counter(), time.process_time()
    _start_timers(float(call.get("time_limit") or 2.0))
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            if call.get("seeds") is not None:
                seeds = [int(seed) for seed in call["seeds"]]
                draws = [encode(call_once(function, call, seed)) for seed in seeds]
                value: Any = {"__samples__": {"seeds": seeds, "draws": draws}}
            else:
                value = encode(call_once(function, call, None))
        result.update(ok=True, value=value)
    except CallTimeout:
        result.update(
            ok=False,
            timed_out=True,
            error={
                "type": "Timeout",
                "message": f"timed out after {call.get('time_limit') or 2.0:g} s of CPU time",
                "traceback": [],
            },
        )
    except EncodeError as exc:
        result.update(ok=False, error={"type": "UnsupportedReturn", "message": str(exc), "traceback": []})
    except BaseException as exc:  # the student's exception (SystemExit included) is data
        result.update(ok=False, error=describe_error(exc, path))
    finally:
        _stop_timers()
    result["seconds"] = round(time.perf_counter() - started, 6)
    result["cpu_seconds"] = round(time.process_time() - cpu_started, 6)
    result["output"] = out.getvalue()[:MAX_CAPTURE]
    return result


def load_module(path: str) -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location("submission", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules["submission"] = module
    spec.loader.exec_module(module)
    return module


def serve(request: dict[str, Any], channel: Channel) -> None:
    """Import the module and run every call, reporting as it goes (a crash loses nothing sent)."""
    path = request["module"]
    sys.path.insert(0, os.path.dirname(path))
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.signal(signal.SIGPROF, _on_alarm)
    out = Capture()
    started, cpu_started = time.perf_counter(), time.process_time()
    opening: dict[str, Any]
    if request.get("seed") is not None:
        seed_job(int(request["seed"]))
    try:
        _start_timers(float(request.get("import_time_limit") or 10.0))
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            module = load_module(path)
        _stop_timers()
    except BaseException as exc:
        _stop_timers()
        error = (
            describe_error(exc, path)
            if not isinstance(exc, CallTimeout)
            else {"type": "Timeout", "message": "timed out while importing", "traceback": []}
        )
        opening = {"event": "import_error", "error": error, "output": out.getvalue()[:MAX_CAPTURE]}
        channel.send(opening)
        return
    opening = {
        "event": "ready",
        "seconds": round(time.perf_counter() - started, 6),
        "cpu_seconds": round(time.process_time() - cpu_started, 6),
        "output": out.getvalue()[:MAX_CAPTURE],
    }
    channel.send(opening)
    serve_calls(module, request, channel)


def serve_calls(module: Any, request: dict[str, Any], channel: Channel) -> None:
    for call in request["calls"]:
        channel.send(run_call(module, call, request["module"]))
    channel.send({"event": "done"})


def main() -> None:
    request = json.loads(sys.stdin.buffer.read())
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)  # the student's code reads nothing of the grader's
    channel = Channel(int(os.environ.get(CHANNEL_FD_ENV, "3")))
    for name in ("OMP_NUM_THREADS",):
        os.environ.setdefault(name, "1")
    serve(request, channel)


if __name__ == "__main__":
    main()
