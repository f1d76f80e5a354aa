"""Values crossing the sandbox boundary: decoding is validation, comparison is outside."""

from __future__ import annotations

import math

import pytest

from harness.grading import values
from harness.grading.values import ArrayValue, DictValue, ObjectValue, ProtocolError, Samples, Tolerance, TupleValue


def array(data: list[float], dtype: str = "float64", kind: str = "__ndarray__") -> dict[str, object]:
    return {kind: {"dtype": dtype, "shape": [len(data)], "data": data}}


def test_decode_typed_values() -> None:
    decoded = values.decode(
        [1, {"__tuple__": [2, "x"]}, {"__dict__": [["a", {"__float__": "nan"}]]}, array([1.0, 2.0])]
    )
    assert decoded[0] == 1 and decoded[1] == TupleValue((2, "x"))
    assert isinstance(decoded[2], DictValue) and math.isnan(decoded[2].items[0][1])
    assert isinstance(decoded[3], ArrayValue) and decoded[3].shape == (2,)
    assert values.decode({"__samples__": [1, 2]}) == Samples((1, 2))


@pytest.mark.parametrize(
    "bad",
    [
        {"__eval__": "os.system('x')"},
        {"__float__": "1e999"},
        {"__ndarray__": {"dtype": "float64", "shape": [3], "data": [1.0, 2.0]}},  # shape lies
        {"__ndarray__": {"dtype": "object", "shape": [1], "data": [1.0]}},
        {"__ndarray__": {"dtype": "float64", "shape": [1], "data": ["x"]}},
        {"__dict__": [["a"]]},
        {"a": 1, "b": 2},
    ],
)
def test_malformed_values_are_protocol_errors(bad: object) -> None:
    with pytest.raises(ProtocolError):
        values.decode(bad)


def test_nesting_is_capped() -> None:
    deep: object = 1
    for _ in range(100):
        deep = [deep]
    with pytest.raises(ProtocolError, match="deeply"):
        values.decode(deep)


@pytest.mark.parametrize(
    ("expected", "actual", "reason"),
    [
        (1.0, 1.0 + 1e-9, None),
        (1.0, 1.1, "expected 1, got 1.1"),
        (1, 1.0, None),  # an int answer given as a float is fine within tolerance
        ("a", "a", None),
        (True, 1, "expected True, got 1"),  # no bool/int confusion
        ([1.0, 2.0], [1.0, 2.0], None),
        ([1.0, 2.0], [1.0], "expected 2 items, got 1"),
        ([1.0], TupleValue((1.0,)), "expected a list, got a tuple"),
        (TupleValue((1, 2)), TupleValue((1, 3)), "value[1]: expected 2, got 3"),
        (DictValue((("a", 1),)), DictValue((("b", 1),)), "keys differ"),
        (1.0, ObjectValue("AlwaysEqual"), "expected a number, got object of type AlwaysEqual"),
        (ObjectValue("X"), ObjectValue("X"), "cannot compare"),
    ],
)
def test_compare(expected: object, actual: object, reason: str | None) -> None:
    got = values.compare(expected, actual, Tolerance())
    assert (got is None) if reason is None else (got is not None and reason in got), got


def test_compare_arrays_checks_kind_shape_dtype_and_values() -> None:
    ref = values.decode(array([0.1, 0.9]))
    assert values.compare(ref, values.decode(array([0.1, 0.9])), Tolerance()) is None
    assert "shape" in (values.compare(ref, values.decode(array([0.1, 0.9, 0.0])), Tolerance()) or "")
    assert "dtype" in (values.compare(ref, values.decode(array([0.1, 0.9], "float32")), Tolerance()) or "")
    assert values.compare(ref, values.decode(array([0.1, 0.9], "float32")), Tolerance(dtype=False)) is None
    assert "tensor" in (values.compare(ref, values.decode(array([0.1, 0.9], kind="__tensor__")), Tolerance()) or "")
    assert "1 of 2 elements differ; at [1] expected 0.9, got 0.8" in (
        values.compare(ref, values.decode(array([0.1, 0.8])), Tolerance()) or ""
    )


def test_build_arguments() -> None:
    built = values.build_argument(
        [{"array": [[1, 2]], "dtype": "float32"}, {"tuple": [1]}, {"random": "normal", "shape": [2], "seed": 1}], {}
    )
    assert built[0] == {"__ndarray__": {"dtype": "float32", "shape": [1, 2], "data": [1.0, 2.0]}}
    assert built[1] == {"__tuple__": [1]}
    again = values.build_argument({"random": "normal", "shape": [2], "seed": 1}, {})
    assert built[2] == again  # seeded: the same data every run
    with pytest.raises(ValueError, match="unknown model"):
        values.build_argument({"model": "nope"}, {})
