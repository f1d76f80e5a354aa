"""Values crossing the sandbox boundary: decoding is validation, comparison is outside."""

from __future__ import annotations

import math

import pytest

from harness.kinds.code_engine import values
from harness.kinds.code_engine.values import (
    ArrayValue,
    DictValue,
    ObjectValue,
    ProtocolError,
    Samples,
    Tolerance,
    TupleValue,
)


def array(data: list[float], dtype: str = "float64", kind: str = "__ndarray__") -> dict[str, object]:
    return {kind: {"dtype": dtype, "shape": [len(data)], "data": data}}


def test_decode_typed_values() -> None:
    decoded = values.decode(
        [1, {"__tuple__": [2, "x"]}, {"__dict__": [["a", {"__float__": "nan"}]]}, array([1.0, 2.0])]
    )
    assert decoded[0] == 1 and decoded[1] == TupleValue((2, "x"))
    assert isinstance(decoded[2], DictValue) and math.isnan(decoded[2].items[0][1])
    assert isinstance(decoded[3], ArrayValue) and decoded[3].shape == (2,)
    assert values.decode_samples({"__samples__": {"seeds": [7, 9], "draws": [1, 2]}}, [7, 9]) == Samples((7, 9), (1, 2))


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
        # forgeries that used to raise inside the grader (OverflowError, TypeError)
        {"__ndarray__": {"dtype": "float64", "shape": [1], "data": [10**400]}},
        {"__ndarray__": {"dtype": "int64", "shape": [1], "data": [2**63]}},
        {"__ndarray__": {"dtype": "uint8", "shape": [1], "data": [-1]}},
        {"__ndarray__": {"dtype": ["float64"], "shape": [1], "data": [1.0]}},
        {"__ndarray__": {"dtype": "float64", "shape": [10**30, 0], "data": []}},
        {"__ndarray__": {"dtype": "float64", "shape": [True], "data": [1.0]}},
        {"__ndarray__": {"dtype": "float64", "shape": [1] * 40, "data": [1.0]}},
        {"__ndarray__": {"dtype": "complex128", "shape": [1], "data": [1.0]}},
        {"__ndarray__": {"dtype": "float64", "shape": [1], "data": [{"__float__": ["nan"]}]}},
        {"__ndarray__": {"dtype": "bool", "shape": [1], "data": [2]}},
        {"__tensor__": {"dtype": "int64", "shape": [1], "data": [1.5]}},
        {"__float__": ["nan"]},
        {"__dict__": [[[1, 2], 3]]},  # a list key: unhashable
        {"__dict__": [[{"__ndarray__": {"dtype": "bool", "shape": [0], "data": []}}, 3]]},
        {"__samples__": [1, 2]},  # draws only where a statistical test expects them
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
        (True, 1.0, "expected True, got 1"),  # a bool is no number to compare with tolerance
        (1, True, "expected 1, got True"),
        (1.0, True, "expected a number, got a bool"),
        (1.5, 10**4000, "expected 1.5, got an integer of 4001 digits"),  # beyond any float
        (10**4000, 1.0, "expected an integer of 4001 digits, got 1"),
        (10**4000, 10**4000, None),
        (10**4000, 10**4000 + 1, "got an integer of 4001 digits"),
        (float("inf"), 10**4000, "expected inf, got an integer of 4001 digits"),
        (float("nan"), float("nan"), None),
        (1.0, float("nan"), "expected 1, got nan"),
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


def test_samples_must_be_one_draw_per_seed() -> None:
    with pytest.raises(ProtocolError, match="expected 3 draws, got 1"):
        values.decode_samples({"__samples__": {"seeds": [1], "draws": [0]}}, [1, 2, 3])
    with pytest.raises(ProtocolError, match="seeds"):
        values.decode_samples({"__samples__": {"seeds": [3, 2, 1], "draws": [0, 0, 0]}}, [1, 2, 3])
    with pytest.raises(ProtocolError, match="seeds"):
        values.decode_samples({"__samples__": {"seeds": [True], "draws": [0]}}, [1])


def test_draws_keep_the_nesting_a_return_value_may_have() -> None:
    deep: object = 1
    for _ in range(values.MAX_DEPTH):
        deep = [deep]
    assert values.decode(deep) is not None
    assert values.decode_samples({"__samples__": {"seeds": [5], "draws": [deep]}}, [5]).items == (values.decode(deep),)


def test_dict_keys_may_be_tuples_of_scalars() -> None:
    decoded = values.decode({"__dict__": [[{"__tuple__": [1, "a"]}, 2]]})
    assert decoded == DictValue(((TupleValue((1, "a")), 2),))
    assert values.compare(decoded, decoded, Tolerance()) is None
