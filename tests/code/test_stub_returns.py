"""What a student's function may return, as the stub encodes it for the grader: anything the
grader cannot judge is that one call's ``UnsupportedReturn``, never a crash of the job (which
lost every later test) or an error the student did not raise."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from harness.sandbox import stub


@pytest.mark.parametrize(
    "value",
    [
        np.array([1.0, 2.0], dtype=np.longdouble),
        np.array([1, "a"], dtype=object),
        np.array(["2026-01-01"], dtype="datetime64[D]"),
        np.array([1], dtype="timedelta64[s]"),
        np.array(["ab"]),
        np.zeros(2, dtype=[("x", "f8"), ("y", "i4")]),
        np.longdouble(1.5),
        np.clongdouble(1 + 2j),
    ],
    ids=["longdouble", "object", "datetime64", "timedelta64", "str", "structured", "longdouble scalar", "clongdouble"],
)
def test_a_value_the_grader_cannot_judge_is_refused_cleanly(value: Any) -> None:
    with pytest.raises(stub.EncodeError, match="cannot be returned"):
        stub.encode(value)


@pytest.mark.parametrize("dtype", sorted(stub.ARRAY_DTYPES - {"bfloat16"}))
def test_every_array_dtype_the_grader_reads_is_sent_as_json(dtype: str) -> None:
    encoded = stub.encode(np.arange(3).astype(dtype))
    assert json.loads(json.dumps(encoded))["__ndarray__"]["dtype"] == dtype
