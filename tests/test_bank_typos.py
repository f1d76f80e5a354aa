"""Typos in a bank that used to pass ``validate`` and show only at grade time: a ``call`` the
reference does not define, an array argument that cannot be built (an unknown dtype, ragged
rows, a random shape that would take the grader's memory), points that are not a finite
number. Each is refused when the bank is loaded, in one line at its own file:line:col, so
``validate`` and ``grade`` both stop before any student is graded. Loading only: no sandbox.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from harness import api
from harness.cli import main
from harness.errors import BankError, BankErrors
from harness.kinds import load_bank
from harness.kinds.code_engine import values
from harness.kinds.code_engine.module_names import top_level_names

HEADER = 'id: typos\ntitle: Typos\nversion: "1"\nquestions:\n'
# line 5 of every bank: the question starts here; its tests are on lines 11 and below
CODE_QUESTION = """\
  - id: q
    kind: code
    prompt: P
    file: tasks.py
    reference: reference.py
    tests:
"""
REFERENCE = """\
import numpy as np
from math import sqrt as root


def double(x):
    return 2 * x


async def later(x):
    return x


alias = double


class Box:
    pass


def total(a):
    return float(np.sum(a))
"""


def write(folder: Path, tests: str, reference: str = REFERENCE, question: str = CODE_QUESTION) -> Path:
    (folder / "reference.py").write_text(reference, encoding="utf-8")
    bank = folder / "bank.yaml"
    bank.write_text(HEADER + question + tests, encoding="utf-8")
    return bank


def errors_of(bank: Path) -> list[str]:
    with pytest.raises((BankErrors, BankError)) as info:
        load_bank(bank)
    exc = info.value
    lines = [str(e) for e in exc.errors] if isinstance(exc, BankErrors) else [str(exc)]
    return [line.removeprefix(f"{bank}:") for line in lines]


# --- 1. a call the reference does not define -------------------------------------------------


def test_a_call_the_reference_does_not_define_is_refused_at_its_line(tmp_path: Path) -> None:
    bank = write(
        tmp_path,
        "      - {id: a, call: double, args: [2]}\n"
        "      - id: b\n"
        "        call: doubel\n"
        "        args: [3]\n"
        "      - {id: c, call: print, args: [1]}\n",
    )
    assert errors_of(bank) == [
        "13:15: tests.1.call: reference.py defines no 'doubel' (did you mean 'double'?)",
        "15:23: tests.2.call: reference.py defines no 'print'",  # a builtin is no attribute of the module
    ]


@pytest.mark.parametrize("call", ["double", "later", "alias", "Box", "total", "np", "root"])
def test_every_top_level_name_of_the_reference_may_be_called(tmp_path: Path, call: str) -> None:
    bank = write(tmp_path, f"      - {{id: a, call: {call}, args: [2]}}\n")
    assert load_bank(bank).questions[0].question.id == "q"


def test_a_dotted_call_is_refused_as_no_python_name(tmp_path: Path) -> None:
    """The stub looks a call up with ``getattr(module, call)``: ``Box.make`` can never be found."""
    bank = write(tmp_path, "      - {id: a, call: Box.make, args: [2]}\n")
    assert errors_of(bank) == ["11:23: tests.0.call: 'Box.make' is not a Python name"]


@pytest.mark.parametrize(
    "reference",
    [
        "from helpers import *\n",  # the star may bring any name
        "def __getattr__(name):\n    return lambda x: x\n",  # the module answers any name
        "def double(x:\n",  # a syntax error: the runner reports the reference itself
        "globals()['doubel'] = lambda x: 2 * x\n",
        "exec('def doubel(x): return 2 * x')\n",
        "vars()['doubel'] = lambda x: 2 * x\n",
        "import sys\nsetattr(sys.modules[__name__], 'doubel', lambda x: 2 * x)\n",
    ],
    ids=["star-import", "module-getattr", "syntax-error", "globals", "exec", "vars", "setattr"],
)
def test_a_reference_whose_names_cannot_be_known_is_not_refused(tmp_path: Path, reference: str) -> None:
    bank = write(tmp_path, "      - {id: a, call: doubel, args: [2]}\n", reference=reference)
    assert load_bank(bank).questions[0].question.id == "q"


def test_names_bound_in_blocks_and_by_global_count() -> None:
    source = (
        "try:\n    from numba import jit\nexcept ImportError:\n    def jit(f):\n        return f\n"
        "if True:\n    import os.path, numpy.linalg as la\n"
        "def setup():\n    global made\n    made = 1\n    local = 2\n"
        "class Box:\n    inside = 3\n"
        "first, (second, *rest) = 1, (2, 3)\n"
    )
    assert top_level_names(source) == frozenset({"jit", "os", "la", "setup", "made", "Box", "first", "second", "rest"})


# --- 2. and 3. array arguments that cannot be built ------------------------------------------


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        (
            "{array: [1, 2], dtype: flaot32}",
            "unknown dtype 'flaot32' (known: bfloat16, bool, complex128, complex64, float16, float32, "
            "float64, int16, int32, int64, int8, uint16, uint32, uint64, uint8)",
        ),
        ("{tensor: [1, 2], dtype: float}", "unknown dtype 'float' (known: bfloat16,"),
        ("{random: normal, shape: [3], dtype: f32}", "unknown dtype 'f32' (known: bfloat16,"),
        ("{array: [1.0], dtype: bfloat16}", "numpy arrays cannot be bfloat16: make it a tensor"),
        ("{array: [1, 2], dtyp: float32}", "unknown key 'dtyp' in a {array: ...} argument (it takes only dtype)"),
        ("{array: [[1, 2], [3]]}", "ragged array: array[1] is a list of 1 but array[0] is a list of 2"),
        ("{tensor: [[1, 2], [3, 4], 5]}", "ragged array: tensor[2] is a number but tensor[0] is a list of 2"),
        (
            "{array: [[[1], [2]], [[1, 2], [3, 4]]]}",
            "ragged array: array[1] is of shape [2, 2] but array[0] is of shape [2, 1]",
        ),
        ("{array: [1, two]}", "array[1] is a string: the elements of an array must be numbers"),
        ("{array: [1, 300], dtype: int8}", "300 does not fit in an array of dtype int8"),
        ("{array: [1, 2.5], dtype: int64}", "2.5 in an array of dtype int64: its elements are whole numbers"),
        ("{array: [0.5], dtype: bool}", "0.5 in an array of dtype bool: its elements are whole numbers"),
        ("{random: gauss, shape: [3]}", "unknown random kind 'gauss' (normal or uniform)"),
        ("{random: normal, shape: [3, -1]}", "the shape of a random argument is a list of sizes (ints >= 0)"),
        ("{random: normal, shape: [3], low: 0}", "unknown key 'low' in a {random: ...} argument"),
    ],
)
def test_an_argument_that_cannot_be_built_is_refused_at_its_line(tmp_path: Path, argument: str, message: str) -> None:
    bank = write(
        tmp_path, f"      - id: a\n        call: total\n        args:\n          - 1\n          - {argument}\n"
    )
    (error,) = errors_of(bank)
    assert error.startswith(f"15:13: tests.0.args.1: {message}")


def test_a_keyword_argument_is_checked_at_its_own_line(tmp_path: Path) -> None:
    bank = write(tmp_path, "      - id: a\n        call: total\n        kwargs:\n          a: {array: [[1], []]}\n")
    assert errors_of(bank) == [
        "14:14: tests.0.kwargs.a: ragged array: array[1] is a list of 0 but array[0] is a list of 1"
    ]


def test_arrays_as_the_course_writes_them_load(tmp_path: Path) -> None:
    """Every form of docs/code-exercises.md, including non-finite logits and empty arrays."""
    bank = write(
        tmp_path,
        "      - id: a\n        call: total\n        args:\n"
        "          - {array: [[1, 2], [3, 4]], dtype: float32}\n"
        "          - {array: [1000.0, -.inf, .nan]}\n"
        "          - {array: [[], []], dtype: int64}\n"
        "          - {tensor: [1.0, 2.0], dtype: bfloat16}\n"
        "          - {tuple: [1, {array: [true, false], dtype: bool}]}\n"
        "          - {random: uniform, shape: [4, 8], seed: 1, low: -1, high: 1, dtype: float32, as: tensor}\n"
        "          - {random: normal, shape: [1000, 1000], seed: 2}\n"
        "          - {plain: 1, dict: [2, 3]}\n",
    )
    assert load_bank(bank).questions[0].question.id == "q"


# --- 5. a random shape that would take the grader's memory -----------------------------------


def test_a_huge_random_shape_is_refused_before_anything_is_allocated(tmp_path: Path) -> None:
    """[100000, 100000] float64s are 74.5 GiB on the grader (before JSON): refused at load."""
    bank = write(tmp_path, "      - {id: a, call: total, args: [{random: normal, shape: [100000, 100000]}]}\n")
    assert errors_of(bank) == [
        "11:37: tests.0.args.0: this test's array arguments hold 10,000,000,000 elements; "
        "a test may pass at most 2,000,000"
    ]


def test_the_cap_is_on_all_of_a_tests_arrays_together(tmp_path: Path) -> None:
    """Each array fits; the third takes the test past the cap (1.5M + 0 + 1M elements)."""
    bank = write(
        tmp_path,
        "      - id: a\n        call: total\n        args:\n"
        "          - {random: normal, shape: [1500, 1000]}\n"
        "          - 7\n"
        "        kwargs:\n"
        "          b: {random: uniform, shape: [1000, 1000]}\n",
    )
    assert errors_of(bank) == [
        "17:14: tests.0.kwargs.b: this test's array arguments hold 2,500,000 elements; a test may pass at most 2,000,000"
    ]
    assert values.MAX_ARGUMENT_ELEMENTS == 2_000_000  # the number docs/bank-format.md states


def test_building_a_random_argument_checks_its_shape_first() -> None:
    """The grader's own builder refuses too (a bank loaded before the cap, a copy made without
    validation): it never asks numpy for the memory."""
    with pytest.raises(ValueError, match="random kind"):
        values.build_argument({"random": "gauss"}, {})
    assert values.check_argument({"random": "normal", "shape": [100000, 100000]}) == 10**10


# --- 4. points that are not a finite number ---------------------------------------------------


@pytest.mark.parametrize(
    ("question", "message"),
    [
        (
            "  - {id: q, kind: true_false, prompt: P, answer: true, points: .inf}\n",
            "5:64: points: Input should be a finite number",
        ),
        (
            "  - {id: q, kind: true_false, prompt: P, answer: true, points: .nan}\n",
            "5:64: points: Input should be a finite number",
        ),
        (
            "  - {id: q, kind: true_false, prompt: P, answer: true, points: -1}\n",
            "5:64: points: Input should be greater than 0",
        ),
        (
            "  - id: q\n    kind: text\n    prompt: P\n    rubric:\n      design: One point for the one idea asked for.\n"
            "      criteria: [{id: c, points: .nan, any_of: [x]}]\n",
            "10:34: rubric.criteria.0.points: Input should be a finite number",
        ),
        (
            "  - id: q\n    kind: text\n    prompt: P\n    reference: R\n    rubric:\n"
            "      design: One point for the one idea asked for.\n      criteria: [{id: c, points: 1, any_of: [x]}]\n"
            "    similarity: {points: .inf}\n",
            "12:26: similarity.points: Input should be a finite number",
        ),
    ],
    ids=["inf", "nan", "negative", "text-criterion", "text-similarity"],
)
def test_points_must_be_a_positive_finite_number(tmp_path: Path, question: str, message: str) -> None:
    bank = tmp_path / "bank.yaml"
    bank.write_text(HEADER + question, encoding="utf-8")
    assert errors_of(bank) == [message]


def test_points_from_defaults_and_on_a_code_test_are_checked_too(tmp_path: Path) -> None:
    bank = write(tmp_path, "      - {id: a, call: double, args: [2], points: .inf}\n")
    assert errors_of(bank) == ["11:50: tests.0.points: Input should be a finite number"]
    inherited = tmp_path / "defaults.yaml"
    inherited.write_text(
        HEADER.replace("questions:\n", "defaults: {points: .inf}\nquestions:\n")
        + "  - {id: q, kind: true_false, prompt: P, answer: true}\n",
        encoding="utf-8",
    )
    assert errors_of(inherited) == ["6:5: points: Input should be a finite number"]


def test_an_example_score_must_be_finite(tmp_path: Path) -> None:
    bank = tmp_path / "bank.yaml"
    bank.write_text(
        HEADER + "  - {id: q, kind: true_false, prompt: P, answer: true, examples: [{answer: true, score: .inf}]}\n",
        encoding="utf-8",
    )
    (error,) = errors_of(bank)
    assert "examples.0.score: score [inf, inf] is not a range of points >= 0" in error


# --- the commands: one located line, and nothing graded --------------------------------------


def test_validate_prints_one_located_line_per_typo(tmp_path: Path) -> None:
    bank = write(
        tmp_path,
        "      - {id: a, call: doubel, args: [2]}\n"
        + CODE_QUESTION.replace("id: q", "id: q2")
        + "      - {id: b, call: total, args: [{array: [1, 2], dtype: flaot32}]}\n",
    )
    result = CliRunner().invoke(main, ["validate", str(bank)])
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        f"{bank}:11:23: tests.0.call: reference.py defines no 'doubel' (did you mean 'double'?)",
        f"{bank}:18:37: tests.0.args.0: unknown dtype 'flaot32' (known: bfloat16, bool, complex128, "
        "complex64, float16, float32, float64, int16, int32, int64, int8, uint16, uint32, uint64, uint8)",
    ]


def test_grade_refuses_the_bank_before_any_student_is_graded(tmp_path: Path) -> None:
    bank = write(tmp_path, "      - {id: a, call: total, args: [{array: [[1, 2], [3]]}]}\n")
    cohort = tmp_path / "cohort" / "s1"
    cohort.mkdir(parents=True)
    (cohort / "tasks.py").write_text(REFERENCE, encoding="utf-8")
    with pytest.raises(BankErrors, match="ragged array"):
        api.grade([bank], tmp_path / "cohort", tmp_path / "out")
    assert not (tmp_path / "out").exists()


# --- properties and models the question does not have ---------------------------------------


def test_a_property_the_properties_file_does_not_define_is_refused_at_its_line(tmp_path: Path) -> None:
    (tmp_path / "props.py").write_text("def sums_to_one(value, args):\n    return True\n", encoding="utf-8")
    question = CODE_QUESTION.replace("    tests:\n", "    properties: props.py\n    tests:\n")
    bank = write(
        tmp_path,
        "      - {id: a, call: double, args: [2], property: sums_to_one}\n"
        "      - {id: b, call: double, args: [2], property: sum_to_one}\n",
        question=question,
    )
    assert errors_of(bank) == [
        "13:52: tests.1.property: props.py defines no 'sum_to_one' (did you mean 'sums_to_one'?)"
    ]


def test_a_model_argument_the_question_does_not_list_is_refused_at_its_line(tmp_path: Path) -> None:
    question = CODE_QUESTION.replace("    tests:\n", "    models: [tiny-gpt2]\n    tests:\n")
    bank = write(
        tmp_path,
        "      - {id: a, call: double, args: [{model: tiny-gpt2}]}\n"
        "      - id: b\n"
        "        call: double\n"
        "        kwargs: {path: {model: tiny-gtp2}}\n",
        question=question,
    )
    assert errors_of(bank) == [
        "15:24: tests.1.kwargs.path: model 'tiny-gtp2' is not in this question's models (listed: tiny-gpt2)"
    ]


def test_whole_floats_in_an_integer_array_load(tmp_path: Path) -> None:
    bank = write(tmp_path, "      - {id: a, call: total, args: [{array: [1.0, 2], dtype: int32}]}\n")
    assert load_bank(bank).questions[0].question.id == "q"
