"""The hf adapter as a speech recogniser: the course's tiny-asr (a CTC model built locally)
reading the tone-coded clips of metric_suites/asr_tones.yaml."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from harness.cli import main
from harness.evaluation.pipeline import task_items
from harness.evaluation.result import EvalResult
from harness.evaluation.task import TaskSpec, render_task
from harness.models import AdapterError, GenerationParams, Request, load_adapter, parse_model_spec
from harness.models.hf_speech import model_kind
from harness.suites.loader import load_suite
from tests.conftest import REPO, course_models

SUITE = REPO / "metric_suites" / "asr_tones.yaml"


@pytest.mark.parametrize(
    ("config", "kind"),
    [
        ({"architectures": ["Wav2Vec2ForCTC"], "model_type": "wav2vec2"}, "ctc"),
        ({"architectures": ["HubertForCTC"]}, "ctc"),
        ({"architectures": ["WhisperForConditionalGeneration"], "model_type": "whisper"}, "speech-seq2seq"),
        ({"architectures": ["SpeechEncoderDecoderForSpeechSeq2Seq"]}, "speech-seq2seq"),
        ({"architectures": ["BartForConditionalGeneration"], "is_encoder_decoder": True}, "seq2seq"),
        ({"architectures": ["GPT2LMHeadModel"]}, "causal"),
        ({}, "causal"),
    ],
)
def test_the_kind_of_model_is_read_from_its_config(config: dict[str, object], kind: str) -> None:
    assert model_kind(config) == kind


def test_a_whisper_folder_is_refused_clearly(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "whisper"}), encoding="utf-8")
    with pytest.raises(AdapterError, match=r"speech seq2seq models .* are not supported yet; CTC models are"):
        load_adapter(parse_model_spec(f"hf:{tmp_path}"))


# --- on tiny-asr ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny_asr() -> Path:
    return course_models("tiny-asr")["tiny-asr"]


def suite_requests(params: GenerationParams | None = None) -> list[Request]:
    rendered = render_task(TaskSpec(generation=params or GenerationParams()), task_items(load_suite(SUITE)))
    return rendered.requests


def transcribe(folder: Path, requests: list[Request], batch_size: int = 8) -> list[str]:
    adapter = load_adapter(parse_model_spec(f"hf:{folder}", [f"batch_size={batch_size}"]))
    assert adapter.describe()["adapter"] == "hf"
    out = dict(adapter.generate(requests))
    return [out[i] for i in range(len(requests))]


@pytest.mark.slow
def test_tiny_asr_reads_every_clip_batched_or_one_by_one(tiny_asr: Path) -> None:
    requests = suite_requests()
    together = transcribe(tiny_asr, requests)
    assert together == [item.reference for item in load_suite(SUITE).dataset.items]  # type: ignore[union-attr]
    assert transcribe(tiny_asr, requests, batch_size=1) == together
    assert transcribe(tiny_asr, requests[::-1], batch_size=4)[::-1] == together


@pytest.mark.slow
def test_decoding_is_greedy_whatever_the_sampling_parameters(tiny_asr: Path) -> None:
    greedy = transcribe(tiny_asr, suite_requests())
    sampled = transcribe(tiny_asr, suite_requests(GenerationParams(temperature=1.5, top_k=3, seed=9)))
    assert sampled == greedy


@pytest.mark.slow
def test_a_speech_model_needs_audio_and_a_text_model_refuses_it(tiny_asr: Path) -> None:
    with pytest.raises(AdapterError, match="a speech-recognition model needs audio"):
        transcribe(tiny_asr, [Request("no audio here", GenerationParams())])
    from harness.course_models import build

    with pytest.raises(AdapterError, match="the items carry audio, which this model cannot read"):
        transcribe(build("tiny-gpt2"), suite_requests()[:1])


def eval_args(suite: Path, folder: Path, tmp_path: Path, name: str) -> list[str]:
    out = ["--json", str(tmp_path / f"{name}.json"), "--cache", str(tmp_path / "cache.sqlite3"), "--bootstrap", "50"]
    return ["eval", "--suite", str(suite), "--model", f"hf:{folder}", *out]


@pytest.mark.slow
def test_harness_eval_scores_tiny_asr_end_to_end(tiny_asr: Path, tmp_path: Path) -> None:
    first = CliRunner().invoke(main, eval_args(SUITE, tiny_asr, tmp_path, "first"))
    assert first.exit_code == 0, first.output
    result = EvalResult.model_validate_json((tmp_path / "first.json").read_text(encoding="utf-8"))
    assert result.score.metric("wer").result.score == 0.0 and result.score.metric("cer").result.score == 0.0
    assert result.samples[0].prompt == "audio/tone-01.wav"
    again = CliRunner().invoke(main, eval_args(SUITE, tiny_asr, tmp_path, "again"))
    assert again.exit_code == 0 and "0 model calls" in again.output
    assert (tmp_path / "again.json").read_bytes() == (tmp_path / "first.json").read_bytes()
    fresh = [*eval_args(SUITE, tiny_asr, tmp_path, "fresh"), "--cache", str(tmp_path / "other.sqlite3")]
    recomputed = CliRunner().invoke(main, fresh)
    assert recomputed.exit_code == 0 and "12 model calls" in recomputed.output
    assert (tmp_path / "fresh.json").read_bytes() == (tmp_path / "first.json").read_bytes()


@pytest.mark.slow
def test_harness_eval_exits_1_when_the_transcripts_miss(tiny_asr: Path, tmp_path: Path) -> None:
    """Swap two clips: the model reads them right, so they no longer match their references."""
    suite = tmp_path / "suite"
    shutil.copytree(REPO / "metric_suites", suite, ignore=shutil.ignore_patterns("systems", "tasks"))
    one, two = suite / "audio" / "tone-01.wav", suite / "audio" / "tone-02.wav"
    swapped = one.read_bytes()
    one.write_bytes(two.read_bytes())
    two.write_bytes(swapped)
    run = CliRunner().invoke(main, eval_args(suite / "asr_tones.yaml", tiny_asr, tmp_path, "swapped"))
    assert run.exit_code == 1, run.output
    assert "threshold missed: wer" in run.output
    result = EvalResult.model_validate_json((tmp_path / "swapped.json").read_text(encoding="utf-8"))
    assert [s.output for s in result.samples][:2] == ["the softmax", "generative models"]
