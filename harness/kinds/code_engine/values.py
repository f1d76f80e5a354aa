"""Values that cross the sandbox boundary, on the grader's side.

Arguments go in as typed JSON (see :mod:`harness.sandbox.stub` for the format); return values
come back the same way and are *validated while decoding*: an unknown marker, a shape that
does not match its data or a value nested too deeply is rejected, never trusted. Comparison
happens here, outside the sandbox, on plain data: a student's object never gets to run its
own ``__eq__``.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterator
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
    """The draws of a statistical test, and the seeds the stub says it drew them with."""

    seeds: tuple[int, ...]
    items: tuple[Any, ...]


MAX_DIMENSIONS = 32
MAX_EXTENT = 2**31  # no dimension of a real array comes near this
INTEGER_RANGES = {
    "int8": (-(2**7), 2**7),
    "int16": (-(2**15), 2**15),
    "int32": (-(2**31), 2**31),
    "int64": (-(2**63), 2**63),
    "uint8": (0, 2**8),
    "uint16": (0, 2**16),
    "uint32": (0, 2**32),
    "uint64": (0, 2**64),
}


def decode(value: Any, depth: int = 0) -> Any:
    """Typed JSON from the sandbox -> checked Python values.

    Raises:
        ProtocolError: the structure is not one the stub produces.
    """
    if depth > MAX_DEPTH:
        raise ProtocolError("value nested too deeply")
    if value is None or isinstance(value, (bool, int, str, float)):
        return value
    if isinstance(value, list):
        return [decode(v, depth + 1) for v in value]
    if not isinstance(value, dict) or len(value) != 1:
        raise ProtocolError(f"unexpected value {_preview(value)}")
    ((marker, body),) = value.items()
    if marker == "__float__":
        return _decode_float(body)
    if marker == "__tuple__" and isinstance(body, list):
        return TupleValue(tuple(decode(v, depth + 1) for v in body))
    if marker == "__dict__" and isinstance(body, list):
        return _decode_dict(body, depth)
    if marker in ("__ndarray__", "__tensor__") and isinstance(body, dict):
        return _decode_array("ndarray" if marker == "__ndarray__" else "tensor", body)
    if marker == "__object__" and isinstance(body, str):
        return ObjectValue(body[:100])
    raise ProtocolError(f"unknown marker {str(marker)[:40]!r}")


def decode_samples(value: Any, seeds: list[int]) -> Samples:
    """The value of a statistical test: exactly one draw per seed the grader sent, and those
    seeds, in order. Each draw is decoded like any return value.

    Raises:
        ProtocolError: not a list of draws, another number of draws, other seeds.
    """
    body = value.get("__samples__") if isinstance(value, dict) and len(value) == 1 else None
    if not isinstance(body, dict) or set(body) != {"seeds", "draws"}:
        raise ProtocolError("expected the draws of a statistical test")
    draws, echoed = body["draws"], body["seeds"]
    if not isinstance(draws, list) or len(draws) != len(seeds):
        count = len(draws) if isinstance(draws, list) else "no"
        raise ProtocolError(f"expected {len(seeds)} draws, got {count}")
    if echoed != seeds or any(type(s) is not int for s in echoed):
        raise ProtocolError("the draws were not made with the seeds the grader sent")
    return Samples(tuple(seeds), tuple(decode(v) for v in draws))


def _decode_float(body: Any) -> float:
    if not isinstance(body, str) or body not in ("nan", "inf", "-inf"):
        raise ProtocolError("bad float marker")
    return float(body)


def _decode_dict(body: list[Any], depth: int) -> DictValue:
    pairs = []
    for pair in body:
        if not (isinstance(pair, list) and len(pair) == 2):
            raise ProtocolError("bad dict entry")
        key = decode(pair[0], depth + 1)
        if not _hashable(key):
            raise ProtocolError(f"a dict key cannot be {describe(key)}")  # Python keys are hashable
        pairs.append((key, decode(pair[1], depth + 1)))
    return DictValue(tuple(pairs))


def _hashable(key: Any) -> bool:
    if key is None or isinstance(key, (bool, int, float, str, ObjectValue)):
        return True
    return isinstance(key, TupleValue) and all(_hashable(item) for item in key.items)


def _decode_array(kind: str, body: dict[str, Any]) -> ArrayValue:
    import numpy as np

    dtype, shape, data = body.get("dtype"), body.get("shape"), body.get("data")
    if not isinstance(dtype, str) or dtype not in DTYPES or dtype.startswith("complex"):
        raise ProtocolError("malformed array")
    if not isinstance(shape, list) or not isinstance(data, list) or len(shape) > MAX_DIMENSIONS:
        raise ProtocolError("malformed array")
    if not all(type(n) is int and 0 <= n < MAX_EXTENT for n in shape) or math.prod(shape) != len(data):
        raise ProtocolError("array shape does not match its data")
    flat = [_array_element(dtype, v) for v in data]
    return ArrayValue(kind, dtype, tuple(shape), np.asarray(flat, dtype=np.float64).reshape(shape))


def _array_element(dtype: str, value: Any) -> float | int | bool:
    """One element as the stub sends it for ``dtype``: a bool, an int in the dtype's range, or
    a float (non-finite ones as markers). An int too large for any array is a forgery."""
    if dtype == "bool":
        if type(value) is bool:
            return value
    elif dtype in INTEGER_RANGES:
        low, high = INTEGER_RANGES[dtype]
        if type(value) is int and low <= value < high:
            return value
    elif type(value) is float:
        return value
    elif isinstance(value, dict):
        return _decode_float(value.get("__float__") if len(value) == 1 else None)
    raise ProtocolError(f"array elements of dtype {dtype} must be numbers of that dtype, got {_preview(value)}")


def _preview(value: Any) -> str:
    """A bounded rendering of a malformed value (its str could be huge, or recurse deeply)."""
    if isinstance(value, (dict, list)):
        return f"a {type(value).__name__} of {len(value)} items"
    return short(value, 80)


@dataclass(frozen=True)
class Tolerance:
    rtol: float = 1e-6
    atol: float = 1e-9
    dtype: bool = True  # arrays must have the reference's dtype


def compare(expected: Any, actual: Any, tol: Tolerance, path: str = "value") -> str | None:
    """None when ``actual`` matches ``expected``; else a one-line reason naming where."""
    if isinstance(expected, ArrayValue):
        return _compare_arrays(expected, actual, tol, path)
    if isinstance(expected, float) or (type(expected) is int and isinstance(actual, float)):
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


def _compare_floats(expected: float | int, actual: Any, tol: Tolerance, path: str) -> str | None:
    if isinstance(actual, bool) or not isinstance(actual, (int, float)):
        return f"{path}: expected a number, got {describe(actual)}"
    want, got = _as_float(expected), _as_float(actual)
    if want is None or got is None:  # an int beyond any float: equal only to the same int
        return None if expected == actual else f"{path}: expected {short(expected, 40)}, got {short(actual, 40)}"
    if math.isnan(want) and math.isnan(got):
        return None
    if math.isclose(got, want, rel_tol=tol.rtol, abs_tol=tol.atol):
        return None
    return f"{path}: expected {want:.6g}, got {got:.6g}"


def _as_float(value: float | int) -> float | None:
    """``value`` as a float, or None for an int too large for one (``return 10**4000``)."""
    try:
        return float(value)
    except OverflowError:
        return None


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
    elif type(value) is int and value.bit_length() > 1000:
        text = f"an integer of {len(str(value))} digits"
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


# A test's arguments may hold this many array elements in all, as many as a returned value
# may (the stub's ``MAX_ITEMS``): a random shape of [100000, 100000] is a typo, and building it
# would have the grader allocate 75 GiB.
MAX_ARGUMENT_ELEMENTS = 2_000_000
RANDOM_KINDS = ("normal", "uniform")
_RANDOM_KEYS = {"normal": {"shape", "seed", "dtype", "as"}, "uniform": {"shape", "seed", "dtype", "as", "low", "high"}}


def check_argument(spec: Any, models: Collection[str] = ()) -> int:
    """Check a bank's argument spec (see docs/code-exercises.md) without building it: what
    :func:`build_argument` or the sandbox would refuse is refused when the bank is loaded.
    ``models`` are the names of the course models the question lists.

    Returns the number of array elements ``spec`` holds (random ones included), for the cap
    on a test's arguments, :data:`MAX_ARGUMENT_ELEMENTS`.

    Raises:
        ValueError: a typed form with an unknown key, dtype or random kind; a ragged array,
            or one of other things than numbers; a random shape that is not a list of sizes;
            a model that ``models`` does not name.
    """
    if isinstance(spec, list):
        return sum(check_argument(v, models) for v in spec)
    if not isinstance(spec, dict):
        return 0
    if "array" in spec or "tensor" in spec:
        return _check_array(spec)
    if "tuple" in spec:
        _known_keys(spec, "tuple", set())
        if not isinstance(spec["tuple"], list):
            raise ValueError(f"{{tuple: ...}} takes a list of items, not {describe(spec['tuple'])}")
        return check_argument(spec["tuple"], models)
    if "random" in spec:
        return _check_random(spec)
    if "model" in spec:
        _known_keys(spec, "model", set())
        if spec["model"] not in models:
            listed = ", ".join(models) or "none"
            raise ValueError(f"model {short(spec['model'], 40)} is not in this question's models (listed: {listed})")
        return 0
    return sum(check_argument(v, models) for v in spec.values())


def _known_keys(spec: dict[str, Any], form: str, allowed: set[str]) -> None:
    unknown = sorted(map(str, set(spec) - allowed - {form}))
    if unknown:
        others = f"only {', '.join(sorted(allowed))}" if allowed else "no other key"
        raise ValueError(f"unknown key {unknown[0]!r} in a {{{form}: ...}} argument (it takes {others})")


def _check_dtype(dtype: Any, numpy: bool) -> None:
    """``dtype`` names an element type the sandbox can build (numpy has no bfloat16: torch does)."""
    if not isinstance(dtype, str) or dtype not in DTYPES:
        raise ValueError(f"unknown dtype {short(dtype, 40)} (known: {', '.join(sorted(DTYPES))})")
    if numpy and dtype == "bfloat16":
        raise ValueError("numpy arrays cannot be bfloat16: make it a tensor")


def _check_array(spec: dict[str, Any]) -> int:
    kind = "tensor" if "tensor" in spec else "array"
    _known_keys(spec, kind, {"dtype"})
    dtype = spec.get("dtype", "float64")
    _check_dtype(dtype, numpy=kind == "array")
    shape = _array_shape(spec[kind], kind)
    if dtype in INTEGER_RANGES or dtype == "bool":
        fraction = next((v for v in _elements(spec[kind]) if type(v) is float and not v.is_integer()), None)
        if fraction is not None:  # numpy would cut it to an int without a word
            raise ValueError(f"{fraction!r} in an array of dtype {dtype}: its elements are whole numbers")
    if dtype in INTEGER_RANGES:
        low, high = INTEGER_RANGES[dtype]
        outside = next((v for v in _elements(spec[kind]) if type(v) is int and not low <= v < high), None)
        if outside is not None:
            raise ValueError(f"{outside} does not fit in an array of dtype {dtype}")
    return math.prod(shape)


def _array_shape(data: Any, where: str, depth: int = 0) -> tuple[int, ...]:
    """The shape of nested lists of numbers (bools, ints, floats).

    Raises:
        ValueError: lists of unequal lengths at one level (a ragged array), something else
            than a number, more than :data:`MAX_DIMENSIONS` levels.
    """
    if not isinstance(data, list):
        if isinstance(data, (bool, int, float)):
            return ()
        raise ValueError(f"{where} is {describe(data)}: the elements of an array must be numbers")
    if depth == MAX_DIMENSIONS:
        raise ValueError(f"an array has at most {MAX_DIMENSIONS} dimensions")
    shapes = [_array_shape(item, f"{where}[{i}]", depth + 1) for i, item in enumerate(data)]
    for i, shape in enumerate(shapes[1:], start=1):
        if shape != shapes[0]:
            raise ValueError(
                f"ragged array: {where}[{i}] is {_shape_text(shape)} but {where}[0] is {_shape_text(shapes[0])}"
            )
    return (len(data), *(shapes[0] if shapes else ()))


def _shape_text(shape: tuple[int, ...]) -> str:
    if not shape:
        return "a number"
    return f"a list of {shape[0]}" if len(shape) == 1 else f"of shape {list(shape)}"


def _elements(data: Any) -> Iterator[Any]:
    if isinstance(data, list):
        for item in data:
            yield from _elements(item)
    else:
        yield data


def _check_random(spec: dict[str, Any]) -> int:
    kind = spec["random"]
    if kind not in RANDOM_KINDS:
        raise ValueError(f"unknown random kind {short(kind, 40)} (normal or uniform)")
    _known_keys(spec, "random", _RANDOM_KEYS[kind])
    shape = spec.get("shape", [])
    if not isinstance(shape, list) or not all(type(n) is int and n >= 0 for n in shape):
        raise ValueError(f"the shape of a random argument is a list of sizes (ints >= 0), not {short(shape, 40)}")
    if len(shape) > MAX_DIMENSIONS:
        raise ValueError(f"an array has at most {MAX_DIMENSIONS} dimensions")
    seed = spec.get("seed", 0)
    if type(seed) is not int or seed < 0:
        raise ValueError(f"the seed of a random argument is an int >= 0, not {short(seed, 40)}")
    for bound in ("low", "high"):
        if bound in spec and (isinstance(spec[bound], bool) or not isinstance(spec[bound], (int, float))):
            raise ValueError(f"{bound} of a random argument is a number, not {short(spec[bound], 40)}")
    if spec.get("as", "array") not in ("array", "tensor"):
        raise ValueError(f"as: {short(spec['as'], 40)} (a random argument is an array or a tensor)")
    _check_dtype(spec.get("dtype", "float64"), numpy=spec.get("as") != "tensor")
    return math.prod(shape)


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

    _check_array(spec)
    kind = "tensor" if "tensor" in spec else "array"
    dtype = spec.get("dtype", "float64")
    data = np.asarray(spec[kind], dtype=np.float64 if "float" in dtype else None)
    marker = "__tensor__" if kind == "tensor" else "__ndarray__"
    return {marker: {"dtype": dtype, "shape": list(data.shape), "data": data.reshape(-1).tolist()}}


def _random_argument(spec: dict[str, Any]) -> dict[str, Any]:
    import numpy as np

    _check_random(spec)
    rng = np.random.default_rng(int(spec.get("seed", 0)))
    shape = tuple(spec.get("shape", []))
    if spec["random"] == "normal":
        data = rng.standard_normal(shape)
    else:
        data = rng.uniform(float(spec.get("low", 0.0)), float(spec.get("high", 1.0)), shape)
    dtype = spec.get("dtype", "float64")
    marker = "__tensor__" if spec.get("as") == "tensor" else "__ndarray__"
    # numpy has no bfloat16 (only a tensor can be one): the stub's torch rounds the values
    values = data if dtype == "bfloat16" else data.astype(dtype).astype(np.float64)
    return {marker: {"dtype": dtype, "shape": list(shape), "data": values.reshape(-1).tolist()}}
