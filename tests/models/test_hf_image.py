"""The hf adapter as an image generator: the course's tiny-imagegpt (an ImageGPT built locally)
drawing procedural art, and ``harness eval`` on the procedural-art suite."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from harness.cli import main
from harness.evaluation.result import EvalResult
from harness.models import AdapterError, GenerationParams, Request, load_adapter, parse_model_spec
from harness.models.hf_image import decode_png, encode_png
from harness.models.hf_speech import model_kind
from tests.conftest import REPO, course_models

SUITE = REPO / "metric_suites" / "procedural_art.yaml"
FAKE = "python:tests.evaluation.fake_models:echo"


@pytest.mark.parametrize(
    ("config", "kind"),
    [
        ({"architectures": ["ImageGPTForCausalImageModeling"], "model_type": "imagegpt"}, "image"),
        ({"model_type": "imagegpt"}, "image"),
        ({"architectures": ["ImageGPTForImageClassification"]}, "image"),
        ({"architectures": ["GPT2LMHeadModel"], "model_type": "gpt2"}, "causal"),
    ],
)
def test_an_imagegpt_config_is_an_image_model(config: dict[str, object], kind: str) -> None:
    assert model_kind(config) == kind


def test_an_imagegpt_folder_without_its_clusters_is_refused(tmp_path: Path) -> None:
    pytest.importorskip("transformers")
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "imagegpt"}), encoding="utf-8")
    with pytest.raises(AdapterError, match="needs its image processor"):
        load_adapter(parse_model_spec(f"hf:{tmp_path}"))


def test_png_data_uris_round_trip_and_refuse_text() -> None:
    pixels = np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3)
    uri = encode_png(pixels)
    assert uri == encode_png(pixels.copy())  # fixed settings: same pixels, same bytes
    from PIL import Image

    assert np.array_equal(np.asarray(Image.open(io.BytesIO(decode_png(uri)))), pixels)
    with pytest.raises(ValueError, match="not a PNG data URI"):
        decode_png("a text answer")


def image_task(tmp_path: Path, images: int = 6, extra: str = "") -> Path:
    task = tmp_path / "task.yaml"
    task.write_text(f"images: {images}\ngeneration: {{temperature: 1.0, seed: 0}}\n{extra}", encoding="utf-8")
    return task


def test_a_text_model_on_an_image_suite_is_exit_2(tmp_path: Path) -> None:
    args = ["eval", "--suite", str(SUITE), "--model", FAKE, "--task", str(image_task(tmp_path))]
    run = CliRunner().invoke(main, [*args, "--cache", str(tmp_path / "c.sqlite3")])
    assert run.exit_code == 2, run.output
    assert "this model writes text; suite 'procedural-art' scores images" in run.output
    assert "Traceback" not in run.output


def test_an_image_task_with_a_prompt_is_exit_2(tmp_path: Path) -> None:
    task = image_task(tmp_path, extra="prompt: 'draw {{ input }}'\n")
    run = CliRunner().invoke(main, ["eval", "--suite", str(SUITE), "--model", FAKE, "--task", str(task)])
    assert run.exit_code == 2, run.output
    assert "its task sets `images` and `generation` only" in run.output


def test_a_text_suites_task_that_sets_images_is_exit_2(tmp_path: Path) -> None:
    text_suite = REPO / "metric_suites" / "text_generation.yaml"
    args = ["eval", "--suite", str(text_suite), "--model", FAKE, "--task", str(image_task(tmp_path))]
    run = CliRunner().invoke(main, [*args, "--cache", str(tmp_path / "c.sqlite3")])
    assert run.exit_code == 2, run.output
    assert "the task sets `images`, which only an image suite's task may set" in run.output
    assert "Traceback" not in run.output


def test_an_outputs_folder_harness_did_not_write_is_exit_2_before_any_call(tmp_path: Path) -> None:
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "notes.txt").write_text("keep me", encoding="utf-8")
    args = ["eval", "--suite", str(SUITE), "--model", FAKE, "--task", str(image_task(tmp_path))]
    run = CliRunner().invoke(main, [*args, "--outputs", str(theirs)])
    assert run.exit_code == 2, run.output
    assert "holds files harness did not write" in run.output
    assert (theirs / "notes.txt").read_text(encoding="utf-8") == "keep me"


# --- on tiny-imagegpt ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny_imagegpt() -> Path:
    return course_models("tiny-imagegpt")["tiny-imagegpt"]


def draw(folder: Path, requests: list[Request], batch_size: int = 8) -> list[str]:
    adapter = load_adapter(parse_model_spec(f"hf:{folder}", [f"batch_size={batch_size}"]))
    assert adapter.makes_images
    out = dict(adapter.generate(requests))
    return [out[i] for i in range(len(requests))]


@pytest.mark.slow
def test_seeded_images_are_the_same_in_a_batch_one_by_one_and_in_any_order(tiny_imagegpt: Path) -> None:
    params = GenerationParams(temperature=1.0, top_k=8, seed=5)
    requests = [Request("", params, i) for i in range(5)]
    together = draw(tiny_imagegpt, requests)
    assert len(set(together)) == 5  # each index draws its own image
    assert draw(tiny_imagegpt, requests, batch_size=1) == together
    assert draw(tiny_imagegpt, requests[::-1], batch_size=2)[::-1] == together
    other_seed = [Request("", params.model_copy(update={"seed": 6}), i) for i in range(5)]
    assert draw(tiny_imagegpt, other_seed) != together
    from PIL import Image

    assert Image.open(io.BytesIO(decode_png(together[0]))).size == (16, 16)


@pytest.mark.slow
def test_seeded_images_are_byte_identical_in_a_fresh_process(tiny_imagegpt: Path) -> None:
    params = GenerationParams(temperature=0.8, top_p=0.9, seed=11)
    here = draw(tiny_imagegpt, [Request("", params, i) for i in range(3)])
    code = (
        "import json, sys\n"
        "from harness.models import GenerationParams, Request, load_adapter, parse_model_spec\n"
        "a = load_adapter(parse_model_spec('hf:' + sys.argv[1]))\n"
        "params = GenerationParams(**json.loads(sys.argv[2]))\n"
        "out = dict(a.generate([Request('', params, i) for i in range(3)]))\n"
        "sys.stdout.write(json.dumps([out[i] for i in range(3)]))\n"
    )
    argv = [sys.executable, "-c", code, str(tiny_imagegpt), params.model_dump_json()]
    done = subprocess.run(argv, cwd=REPO, capture_output=True, text=True, check=True, timeout=300)
    assert json.loads(done.stdout) == here


def eval_args(tmp_path: Path, folder: Path, name: str, suite: Path = SUITE) -> list[str]:
    args = ["eval", "--suite", str(suite), "--model", f"hf:{folder}", "--task", str(image_task(tmp_path))]
    args += ["--json", str(tmp_path / f"{name}.json"), "--cache", str(tmp_path / "cache.sqlite3")]
    return [*args, "--outputs", str(tmp_path / "images"), "--bootstrap", "20"]  # its name is in the result


@pytest.mark.slow
def test_harness_eval_draws_scores_and_reports_images(tiny_imagegpt: Path, tmp_path: Path) -> None:
    reports = ["--markdown", str(tmp_path / "r.md"), "--junit", str(tmp_path / "r.xml")]
    first = CliRunner().invoke(
        main, [*eval_args(tmp_path, tiny_imagegpt, "first"), *reports, "--html", str(tmp_path / "h")]
    )
    assert first.exit_code == 0, first.output
    assert "6 model calls" in first.output
    images = sorted(p.name for p in (tmp_path / "images").iterdir() if p.suffix == ".png")
    assert images == [f"{i:05d}.png" for i in range(6)]
    result = EvalResult.model_validate_json((tmp_path / "first.json").read_text(encoding="utf-8"))
    assert [s.id for s in result.samples] == images and result.gate.passed
    assert (tmp_path / "images" / "00000.png").read_bytes() == decode_png(result.samples[0].output)
    assert {m.id for m in result.score.metrics} == {"fid", "kid"}
    assert (tmp_path / "h" / "index.html").read_text(encoding="utf-8").count('<img src="data:image/png') == 6
    assert "fid" in (tmp_path / "r.md").read_text(encoding="utf-8")
    again = CliRunner().invoke(main, eval_args(tmp_path, tiny_imagegpt, "again"))
    assert again.exit_code == 0 and "0 model calls" in again.output, again.output
    assert (tmp_path / "again.json").read_bytes() == (tmp_path / "first.json").read_bytes()
    fresh = [*eval_args(tmp_path, tiny_imagegpt, "fresh"), "--cache", str(tmp_path / "other.sqlite3")]
    recomputed = CliRunner().invoke(main, fresh)
    assert recomputed.exit_code == 0 and "6 model calls" in recomputed.output
    assert (tmp_path / "fresh.json").read_bytes() == (tmp_path / "first.json").read_bytes()
    baseline = [*eval_args(tmp_path, tiny_imagegpt, "compared"), "--baseline", str(tmp_path / "first.json")]
    compared = CliRunner().invoke(main, baseline)
    assert compared.exit_code == 0, compared.output
    verdicts = EvalResult.model_validate_json((tmp_path / "compared.json").read_text(encoding="utf-8")).comparisons
    assert {c.verdict for c in verdicts} == {"not compared"}  # FID and KID are set-level: no paired test


@pytest.mark.slow
def test_harness_eval_exits_1_when_fid_misses_its_threshold(tiny_imagegpt: Path, tmp_path: Path) -> None:
    strict = tmp_path / "procedural_art.yaml"
    strict.write_text(SUITE.read_text(encoding="utf-8").replace("threshold: 0.6", "threshold: 0.000001"), "utf-8")
    run = CliRunner().invoke(main, eval_args(tmp_path, tiny_imagegpt, "strict", strict))
    assert run.exit_code == 1, run.output
    assert "threshold missed: fid" in run.output


@pytest.mark.slow
def test_an_image_model_on_a_text_suite_is_exit_2(tiny_imagegpt: Path, tmp_path: Path) -> None:
    suite = REPO / "metric_suites" / "text_generation.yaml"
    run = CliRunner().invoke(main, ["eval", "--suite", str(suite), "--model", f"hf:{tiny_imagegpt}"])
    assert run.exit_code == 2, run.output
    assert "this model draws images; suite" in run.output
