"""Suite files: every shipped suite loads, and every mistake is reported at file:line:col."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from harness.suites import SuiteErrors, load_suite
from harness.suites.model import LinearCurve, PassCurve, PiecewiseCurve, Suite
from tests.suites.conftest import ITEMS, SUITES, TEXT_SUITE

SHIPPED = sorted(SUITES.glob("*.yaml"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_suites_load(path: Path) -> None:
    suite = load_suite(path)
    assert suite.suite.gives_points
    assert suite.metrics and suite.content_hash
    if suite.dataset is not None:
        assert len(suite.dataset) >= 12
        assert len(set(suite.dataset.ids)) == len(suite.dataset)


def test_the_course_ships_the_five_suites() -> None:
    ids = {load_suite(path).id for path in SHIPPED}
    assert {"text-generation", "summarization", "translation-en-fr", "asr-transcripts", "procedural-art"} <= ids


def errors_of(path: Path) -> list[str]:
    with pytest.raises(SuiteErrors) as caught:
        load_suite(path)
    return [str(e) for e in caught.value.errors]


def test_unknown_metric_is_located_and_lists_the_known_ones(make_suite: Callable[..., Path]) -> None:
    path = make_suite(TEXT_SUITE.replace("metric: bleu", "metric: bleuu"))
    [error] = errors_of(path)
    assert error.startswith(f"{path}:12:13: unknown metric 'bleuu' (known metrics: ")
    assert "bleu, bleu_nltk" in error


def test_bad_option_is_located_at_the_options(make_suite: Callable[..., Path]) -> None:
    text = TEXT_SUITE.replace("  - metric: chrf\n", "  - metric: chrf\n    options: {char_order: 0, colour: red}\n")
    [error] = errors_of(make_suite(text))
    assert ":10:14: chrf: bad options" in error
    assert "colour" in error and "char_order" in error


def test_a_curve_that_rewards_the_wrong_direction(make_suite: Callable[..., Path]) -> None:
    text = TEXT_SUITE.replace("zero_at: 20, full_at: 90", "zero_at: 90, full_at: 20")
    [error] = errors_of(make_suite(text))
    assert error.endswith(":11:13: chrf: higher is better, so full_at must lie above zero_at")


def test_pass_curve_needs_a_mark(make_suite: Callable[..., Path]) -> None:
    [error] = errors_of(make_suite(TEXT_SUITE.replace("{curve: pass, at: 30}", "{curve: pass}")))
    assert error.endswith(":13:13: a pass curve needs `at`, or a `threshold` on the metric")


def test_schema_errors_are_located_at_their_field(make_suite: Callable[..., Path]) -> None:
    text = TEXT_SUITE.replace("bootstrap: 200", "bootstrap: many").replace("curve: linear,", "curve: linear, slope: 2,")
    errors = errors_of(make_suite(text))
    assert any(
        e.endswith(":7:12: bootstrap: Input should be a valid integer, unable to parse string as an integer")
        for e in errors
    ), errors
    assert any(":11:36: unknown field 'metrics.0.points.slope'" in e for e in errors), errors


def test_unknown_curve_and_missing_fields(make_suite: Callable[..., Path]) -> None:
    text = TEXT_SUITE.replace("{curve: pass, at: 30}", "{curve: cubic}").replace('version: "1"\n', "")
    errors = errors_of(make_suite(text))
    assert any("missing required field 'version'" in e for e in errors), errors
    assert any(":12:13: metrics.1.points: Input tag 'cubic' found using 'curve' does not match" in e for e in errors), (
        errors
    )


def test_two_metrics_with_one_label(make_suite: Callable[..., Path]) -> None:
    text = TEXT_SUITE + "  - metric: chrf\n    options: {word_order: 2}\n"
    [error] = errors_of(make_suite(text))
    assert error.endswith(":14:13: two metrics are labelled 'chrf': give one of them an `id`")


def test_an_image_metric_on_text_data(make_suite: Callable[..., Path]) -> None:
    text = TEXT_SUITE.replace("metric: bleu", "metric: fid")
    errors = errors_of(make_suite(text))
    assert any(e.endswith(":12:13: fid scores images: it needs `images` data") for e in errors), errors


def test_data_must_be_one_kind_and_exist(make_suite: Callable[..., Path]) -> None:
    [error] = errors_of(make_suite(TEXT_SUITE.replace("jsonl: data.jsonl", "jsonl: nowhere.jsonl")))
    assert error.endswith(":5:10: data file 'nowhere.jsonl' not found (paths are relative to the suite)")
    both = TEXT_SUITE.replace("  jsonl: data.jsonl\n", "  jsonl: data.jsonl\n  images: {folder: real}\n")
    [error] = errors_of(make_suite(both))
    assert error.endswith(":5:3: data: give exactly one of `jsonl` (text items) and `images` (real images)")


def test_yaml_mistakes_are_located(make_suite: Callable[..., Path]) -> None:
    [error] = errors_of(make_suite(TEXT_SUITE + "seed: 1\n"))
    assert error.endswith(":14:1: duplicate key 'seed'")
    [error] = errors_of(make_suite("id: [unclosed\n"))
    assert "invalid YAML" in error and ":2:1" in error
    [error] = errors_of(make_suite("- just\n- a list\n"))
    assert error.endswith(":1:1: a suite must be a mapping of fields (id, title, version, data, metrics)")


def test_data_set_lines_are_located(make_suite: Callable[..., Path]) -> None:
    items = [
        ITEMS[0],
        {"id": "b", "input": "x"},  # no reference
        {"id": "a", "input": "x", "reference": "y"},  # duplicate
        {"id": "d", "input": "x", "reference": "y", "references": ["z"]},
        {"id": "bad id!", "input": "x", "reference": "y"},
    ]
    path = make_suite(TEXT_SUITE, items)
    errors = errors_of(path)
    data = path.parent / "data.jsonl"
    assert f"{data}:2:1: give `reference` (a string) or `references` (a list of strings), not both or neither" in errors
    assert f"{data}:3:1: duplicate id 'a' (first on line 1)" in errors
    assert f"{data}:4:1: give `reference` (a string) or `references` (a list of strings), not both or neither" in errors
    assert any(e.startswith(f"{data}:5:1: id: String should match pattern") for e in errors), errors


def test_data_set_with_sources_for_some_items_only(make_suite: Callable[..., Path]) -> None:
    items = [{**ITEMS[0], "source": "The model generates text."}, ITEMS[1]]
    [error] = errors_of(make_suite(TEXT_SUITE, items))
    assert error.endswith("data.jsonl: 1 of 2 items have a `source`: give it to all or none")


def test_suites_are_cached_until_a_file_changes(make_suite: Callable[..., Path]) -> None:
    path = make_suite()
    first = load_suite(path)
    assert load_suite(path) is first
    extra = '{"id": "d", "input": "x", "reference": "y"}\n'
    (path.parent / "data.jsonl").write_text((path.parent / "data.jsonl").read_text() + extra, encoding="utf-8")
    assert load_suite(path).size == 4 != first.size


@pytest.mark.parametrize(
    ("curve", "higher", "score", "fraction"),
    [
        (LinearCurve(curve="linear", zero_at=10, full_at=50), True, 30, 0.5),
        (LinearCurve(curve="linear", zero_at=10, full_at=50), True, 70, 1.0),
        (LinearCurve(curve="linear", zero_at=0.5, full_at=0.1), False, 0.2, 0.75),
        (LinearCurve(curve="linear", zero_at=0.5, full_at=0.1), False, 0.9, 0.0),
        (PiecewiseCurve(curve="piecewise", steps=[(0.1, 0), (0.25, 0.5), (0.5, 1)]), True, 0.375, 0.75),
        (PiecewiseCurve(curve="piecewise", steps=[(0.1, 0), (0.25, 0.5), (0.5, 1)]), True, 0.05, 0.0),
        (PassCurve(curve="pass", at=0.15), False, 0.15, 1.0),
        (PassCurve(curve="pass", at=0.15), False, 0.16, 0.0),
    ],
)
def test_points_curves(
    curve: LinearCurve | PiecewiseCurve | PassCurve, higher: bool, score: float, fraction: float
) -> None:
    assert curve.fraction(score, higher, None) == pytest.approx(fraction)


def test_suite_json_schema_names_the_curves() -> None:
    schema = Suite.model_json_schema()
    assert {"PassCurve", "LinearCurve", "PiecewiseCurve", "ProceduralImages"} <= set(schema["$defs"])


def test_harness_schema_suite_prints_the_suite_schema() -> None:
    from click.testing import CliRunner

    from harness.cli import main

    result = CliRunner().invoke(main, ["schema", "--suite"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema["title"] == "genai-harness metric suite"
    assert set(schema["required"]) == {"id", "title", "version", "data", "metrics"}
    assert schema["properties"]["metrics"]["items"]["$ref"] == "#/$defs/MetricSpec"
