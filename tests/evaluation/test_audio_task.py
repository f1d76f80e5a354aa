"""Audio in tasks: a data-set item names a WAV file, read when the task is rendered, carried by
its requests and hashed into their cache keys; a bad file stops ``harness eval`` with exit 2."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from harness.cli import main
from harness.course_models import tones
from harness.evaluation.cache import call_key
from harness.evaluation.pipeline import task_items
from harness.evaluation.task import TaskSpec, render_task
from harness.models import load_adapter, parse_model_spec
from harness.models.audio import AudioError
from harness.suites.errors import SuiteErrors
from harness.suites.loader import load_suite
from tests.conftest import REPO


def audio_suite(folder: Path, audio: list[str | None], words: tuple[str, ...] = ("one", "two", "three")) -> Path:
    """A suite of ``len(audio)`` items in ``folder``; item i's audio is ``audio[i]`` (written as
    tone-coded ``words[i]`` under ``folder`` unless the test writes it itself)."""
    lines = []
    for i, name in enumerate(audio):
        item: dict[str, object] = {"id": f"a{i}", "input": f"clip {i}", "reference": words[i]}
        if name is not None:
            item["audio"] = name
        lines.append(json.dumps(item))
    (folder / "data").mkdir(exist_ok=True)
    (folder / "data" / "items.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    suite = folder / "speech.yaml"
    suite.write_text(
        "id: speech\ntitle: t\nversion: '1'\ndata: {jsonl: data/items.jsonl}\nbootstrap: 0\n"
        "metrics:\n  - metric: wer\n    threshold: 0.5\n",
        encoding="utf-8",
    )
    return suite


def write_clip(folder: Path, name: str, text: str, rate: int = 8_000) -> None:
    (folder / name).parent.mkdir(parents=True, exist_ok=True)
    tones.write_wav(folder / name, tones.encode(text, rate), rate)


def test_each_request_carries_its_items_clip(tmp_path: Path) -> None:
    suite = load_suite(audio_suite(tmp_path, ["clips/1.wav", "clips/2.wav"]))
    write_clip(tmp_path, "clips/1.wav", "one")
    write_clip(tmp_path, "clips/2.wav", "two", rate=16_000)
    rendered = render_task(TaskSpec(prompt="{{ audio }}"), task_items(suite))
    assert rendered.prompts == ["clips/1.wav", "clips/2.wav"]  # as the data set names it: no checkout path
    clips = [r.audio for r in rendered.requests]
    assert [c.rate for c in clips if c is not None] == [8_000, 16_000]
    assert clips[0] is not None and len(clips[0].samples) == len(tones.encode("one", 8_000))


def test_a_text_suite_renders_no_audio(tmp_path: Path) -> None:
    suite = load_suite(audio_suite(tmp_path, [None, None]))
    rendered = render_task(TaskSpec(), task_items(suite))
    assert rendered.audio == [] and all(r.audio is None for r in rendered.requests)


def test_the_clips_bytes_are_part_of_the_cache_key(tmp_path: Path) -> None:
    suite_path = audio_suite(tmp_path, ["a.wav"])
    adapter = load_adapter(parse_model_spec("python:tests.evaluation.fake_models:echo"))
    keys = []
    for text in ("one", "two"):
        write_clip(tmp_path, "a.wav", text)
        request = render_task(TaskSpec(), task_items(load_suite(suite_path))).requests[0]
        keys.append(call_key(adapter, request))
    assert keys[0] != keys[1]
    no_audio = render_task(TaskSpec(), task_items(load_suite(audio_suite(tmp_path, [None])))).requests[0]
    assert call_key(adapter, no_audio) not in keys


def test_a_missing_clip_names_the_data_set_line_and_the_item(tmp_path: Path) -> None:
    suite = load_suite(audio_suite(tmp_path, ["a.wav", "gone.wav"]))
    write_clip(tmp_path, "a.wav", "one")
    with pytest.raises(AudioError) as caught:
        render_task(TaskSpec(), task_items(suite))
    assert str(caught.value) == (
        f"{tmp_path / 'data' / 'items.jsonl'}:2: item 'a1': audio gone.wav: no such file (paths are relative to the suite)"
    )


def test_an_absolute_audio_path_is_refused_at_load(tmp_path: Path) -> None:
    with pytest.raises(SuiteErrors, match=r"items.jsonl:1:1: .*audio"):
        load_suite(audio_suite(tmp_path, ["/etc/passwd"]))


@pytest.mark.parametrize("damage", ["corrupt", "missing"])
def test_harness_eval_exits_2_on_a_bad_clip_before_loading_the_model(tmp_path: Path, damage: str) -> None:
    suite = tmp_path / "suite"
    shutil.copytree(REPO / "metric_suites", suite, ignore=shutil.ignore_patterns("systems", "tasks"))
    clip = suite / "audio" / "tone-03.wav"
    if damage == "corrupt":
        clip.write_bytes(clip.read_bytes()[:30])
    else:
        clip.unlink()
    args = ["eval", "--suite", str(suite / "asr_tones.yaml"), "--model", "hf:/no/such/model"]
    result = CliRunner().invoke(main, [*args, "--cache", str(tmp_path / "c.sqlite3")])
    assert result.exit_code == 2, result.output
    last = result.output.strip().splitlines()[-1]
    assert last.startswith(f"error: {suite / 'data' / 'asr_tones.jsonl'}:3: item 'tone-03': audio audio/tone-03.wav: ")
    assert "Traceback" not in result.output and "/no/such/model" not in result.output


def test_a_model_that_cannot_hear_is_refused_audio(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Answering the prompt alone would score a model that never heard the clip: exit 2 instead."""
    monkeypatch.chdir(REPO)  # the python adapter finds tests.evaluation.fake_models from here
    suite = audio_suite(tmp_path, ["a.wav"])
    write_clip(tmp_path, "a.wav", "one")
    args = ["eval", "--suite", str(suite), "--model", "python:tests.evaluation.fake_models:echo"]
    result = CliRunner().invoke(main, [*args, "--cache", str(tmp_path / "c.sqlite3")])
    assert result.exit_code == 2, result.output
    assert "the items carry audio, which this model cannot read" in result.output.strip().splitlines()[-1]
