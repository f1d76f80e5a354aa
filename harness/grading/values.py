"""Values that cross the sandbox boundary, on the grader's side.

Arguments go in as typed JSON (see :mod:`harness.sandbox.stub` for the format); return values
come back the same way and are *validated while decoding*: an unknown marker, a shape that
does not match its data or a value nested too deeply is rejected, never trusted. Comparison
happens here, outside the sandbox, on plain data: a student's object never gets to run its
own ``__eq__``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAX_DEPTH = 32
DTYPES = frozenset(
    "bool int8 int16 int32 int64 uint8 uint16 uint32 uint64"
    " float16 bfloat16 float32 float64 complex64 complex128".split()
)


class ProtocolError(ValueError):
    """A value from the sandbox is malformed (a protocol violation)."""


@dataclass(frozen=True)
class ArrayValue:
    kind: str  # "ndarray" or "tensor"
    dtype: str
    shape: tuple[int, ...]
    data: Any  # numpy array of float64 / object, built on decode

    def describe(self) -> str:
        return f"{self.kind}(shape={list(self.shape)}, dtype={self.dtype})"


@dataclass(frozen=True)
class TupleValue:
    items: tuple[Any, ...]


@dataclass(frozen=True)
class DictValue:
    items: tuple[tuple[Any, Any], ...]


@dataclass(frozen=True)
class ObjectValue:
    type_name: str  # something the stub could not encode: never equal to anything


@dataclass(frozen=True)
class Samples:
    items: tuple[Any, ...]


def decode(value: Any, depth: int = 0) -> Any:
    """Typed JSON from the sandbox -> checked Python values.

    Raises:
        ProtocolError: the structure is not one the stub produces.
    """
    if depth > MAX_DEPTH:
        raise ProtocolError("value nested too deeply")
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value
    if isinstance(value, list):
        return [decode(v, depth + 1) for v in value]
    if not isinstance(value, dict) or len(value) != 1:
        raise ProtocolError(f"unexpected value {str(value)[:80]}")
    ((marker, body),) = value.items()
    if marker == "__float__":
        if body not in ("nan", "inf", "-inf"):
            raise ProtocolError("bad float marker")
        return float(body)
    if marker == "__tuple__" and isinstance(body, list):
        return TupleValue(tuple(decode(v, depth + 1) for v in body))
    if marker == "__dict__" and isinstance(body, list):
        pairs = []
        for pair in body:
            if not (isinstance(pair, list) and len(pair) == 2):
                raise ProtocolError("bad dict entry")
            pairs.append((decode(pair[0], depth + 1), decode(pair[1], depth + 1)))
        return DictValue(tuple(pairs))
    if marker in ("__ndarray__", "__tensor__") and isinstance(body, dict):
        return _decode_array("ndarray" if marker == "__ndarray__" else "tensor", body)
    if marker == "__object__" and isinstance(body, str):
        return ObjectValue(body[:100])
    if marker == "__samples__" and isinstance(body, list):
        return Samples(tuple(decode(v, depth + 1) for v in body))
    raise ProtocolError(f"unknown marker {marker[:40]!r}")


def _decode_array(kind: str, body: dict[str, Any]) -> ArrayValue:
    import numpy as np

    dtype, shape, data = body.get("dtype"), body.get("shape"), body.get("data")
    if dtype not in DTYPES or not isinstance(shape, list) or not isinstance(data, list):
        raise ProtocolError("malformed array")
    if not all(isinstance(n, int) and n >= 0 for n in shape) or math.prod(shape) != len(data):
        raise ProtocolError("array shape does not match its data")
    flat = [decode(v) if isinstance(v, dict) else v for v in data]
    if not all(isinstance(v, (int, float, bool)) for v in flat):
        raise ProtocolError("array elements must be numbers")
    return ArrayValue(kind, dtype, tuple(shape), np.asarray(flat, dtype=np.float64).reshape(shape))


@dataclass(frozen=True)
class Tolerance:
    rtol: float = 1e-6
    atol: float = 1e-9
    dtype: bool = True  # arrays must have the reference's dtype


def compare(expected: Any, actual: Any, tol: Tolerance, path: str = "value") -> str | None:
    """None when ``actual`` matches ``expected``; else a one-line reason naming where."""
    if isinstance(expected, ArrayValue):
        return _compare_arrays(expected, actual, tol, path)
    if isinstance(expected, float) or (isinstance(expected, int) and isinstance(actual, float)):
        return _compare_floats(expected, actual, tol, path)
    if isinstance(expected, (TupleValue, list)):
        return _compare_sequences(expected, actual, tol, path)
    if isinstance(expected, DictValue):
        if not isinstance(actual, DictValue):
            return f"{path}: expected a dict, got {describe(actual)}"
        wanted, got = dict(expected.items), dict(actual.items)
        if set(wanted) != set(got):
            return f"{path}: keys differ (expected {sorted(map(str, wanted))[:8]}, got {sorted(map(str, got))[:8]})"
        for key in wanted:
            reason = compare(wanted[key], got[key], tol, f"{path}[{key!r}]")
            if reason:
                return reason
        return None
    if isinstance(expected, ObjectValue) or isinstance(actual, ObjectValue):
        return f"{path}: cannot compare a {describe(actual)}"
    if type(expected) is not type(actual) or expected != actual:
        return f"{path}: expected {short(expected)}, got {short(actual)}"
    return None


def _compare_floats(expected: float, actual: Any, tol: Tolerance, path: str) -> str | None:
    if isinstance(actual, bool) or not isinstance(actual, (int, float)):
        return f"{path}: expected a number, got {describe(actual)}"
    if math.isnan(expected) and math.isnan(actual):
        return None
    if math.isclose(actual, expected, rel_tol=tol.rtol, abs_tol=tol.atol):
        return None
    return f"{path}: expected {expected:.6g}, got {actual:.6g}"


def _compare_sequences(expected: Any, actual: Any, tol: Tolerance, path: str) -> str | None:
    want_tuple = isinstance(expected, TupleValue)
    items = expected.items if want_tuple else expected
    if (want_tuple and not isinstance(actual, TupleValue)) or (not want_tuple and not isinstance(actual, list)):
        return f"{path}: expected a {'tuple' if want_tuple else 'list'}, got {describe(actual)}"
    got = actual.items if isinstance(actual, TupleValue) else actual
    if len(got) != len(items):
        return f"{path}: expected {len(items)} items, got {len(got)}"
    for i, (a, b) in enumerate(zip(items, got, strict=True)):
        reason = compare(a, b, tol, f"{path}[{i}]")
        if reason:
            return reason
    return None


def _compare_arrays(expected: ArrayValue, actual: Any, tol: Tolerance, path: str) -> str | None:
    import numpy as np

    if not isinstance(actual, ArrayValue) or actual.kind != expected.kind:
        return f"{path}: expected a {expected.describe()}, got {describe(actual)}"
    if actual.shape != expected.shape:
        return f"{path}: expected shape {list(expected.shape)}, got {list(actual.shape)}"
    if tol.dtype and actual.dtype != expected.dtype:
        return f"{path}: expected dtype {expected.dtype}, got {actual.dtype}"
    close = np.isclose(actual.data, expected.data, rtol=tol.rtol, atol=tol.atol, equal_nan=True)
    if bool(close.all()):
        return None
    index = tuple(int(i) for i in np.argwhere(~close)[0])
    return (
        f"{path}: {int((~close).sum())} of {close.size} elements differ; at {list(index)} expected "
        f"{float(expected.data[index]):.6g}, got {float(actual.data[index]):.6g}"
    )


def describe(value: Any) -> str:
    if isinstance(value, ArrayValue):
        return value.describe()
    if isinstance(value, ObjectValue):
        return f"object of type {value.type_name}"
    if isinstance(value, TupleValue):
        return "a tuple"
    if isinstance(value, DictValue):
        return "a dict"
    return {bool: "a bool", int: "an int", float: "a float", str: "a string", list: "a list"}.get(
        type(value), "None" if value is None else type(value).__name__
    )


def short(value: Any, limit: int = 120) -> str:
    """A readable rendering for feedback."""
    if isinstance(value, ArrayValue):
        text = f"{value.describe()} {value.data.round(6).tolist()}"
    elif isinstance(value, TupleValue):
        text = "(" + ", ".join(short(v, 40) for v in value.items) + ")"
    elif isinstance(value, DictValue):
        text = "{" + ", ".join(f"{short(k, 20)}: {short(v, 30)}" for k, v in value.items) + "}"
    elif isinstance(value, ObjectValue):
        text = f"<{value.type_name} object>"
    elif isinstance(value, float):
        text = f"{value:.6g}"
    elif isinstance(value, list):
        text = "[" + ", ".join(short(v, 30) for v in value) + "]"
    else:
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def plain(value: Any) -> Any:
    """A decoded value as ordinary Python/numpy data (for instructor property checks)."""
    if isinstance(value, ArrayValue):
        return value.data
    if isinstance(value, TupleValue):
        return tuple(plain(v) for v in value.items)
    if isinstance(value, DictValue):
        return {plain(k): plain(v) for k, v in value.items}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, Samples):
        return [plain(v) for v in value.items]
    return value


def build_argument(spec: Any, models: dict[str, Path]) -> Any:
    """A bank's argument spec (see docs/code-exercises.md) -> typed JSON for the stub.

    Raises:
        ValueError: an unknown typed form, an unknown model, a bad dtype.
    """
    if isinstance(spec, list):
        return [build_argument(v, models) for v in spec]
    if not isinstance(spec, dict):
        return spec if not isinstance(spec, float) or math.isfinite(spec) else {"__float__": repr(spec)}
    if "array" in spec or "tensor" in spec:
        return _array_argument(spec)
    if "tuple" in spec:
        return {"__tuple__": [build_argument(v, models) for v in spec["tuple"]]}
    if "random" in spec:
        return _random_argument(spec)
    if "model" in spec:
        name = spec["model"]
        if name not in models:
            raise ValueError(f"unknown model {name!r} (known: {', '.join(sorted(models)) or 'none'})")
        return str(models[name])
    return {"__dict__": [[k, build_argument(v, models)] for k, v in spec.items()]}


def _array_argument(spec: dict[str, Any]) -> dict[str, Any]:
    import numpy as np

    kind = "tensor" if "tensor" in spec else "array"
    dtype = spec.get("dtype", "float64")
    if dtype not in DTYPES:
        raise ValueError(f"unknown dtype {dtype!r}")
    data = np.asarray(spec[kind], dtype=np.float64 if "float" in dtype else None)
    marker = "__tensor__" if kind == "tensor" else "__ndarray__"
    return {marker: {"dtype": dtype, "shape": list(data.shape), "data": data.reshape(-1).tolist()}}


def _random_argument(spec: dict[str, Any]) -> dict[str, Any]:
    import numpy as np

    rng = np.random.default_rng(int(spec.get("seed", 0)))
    shape = tuple(spec.get("shape", []))
    if spec["random"] == "normal":
        data = rng.standard_normal(shape)
    elif spec["random"] == "uniform":
        data = rng.uniform(float(spec.get("low", 0.0)), float(spec.get("high", 1.0)), shape)
    else:
        raise ValueError(f"unknown random kind {spec['random']!r} (normal or uniform)")
    dtype = spec.get("dtype", "float64")
    marker = "__tensor__" if spec.get("as") == "tensor" else "__ndarray__"
    values = data.astype(dtype).astype(np.float64)
    return {marker: {"dtype": dtype, "shape": list(shape), "data": values.reshape(-1).tolist()}}
