"""The hf adapter on the course's tiny models: batched, seeded, byte-identical across runs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from harness.models import AdapterError, GenerationParams, Request, load_adapter, parse_model_spec
from harness.models.hf import folder_hash
from tests.conftest import REPO

pytestmark = pytest.mark.slow  # loads torch and the tiny models

PROMPTS = ["A language model", "The temperature", "Diffusion models", "A token is"]
SAMPLED = GenerationParams(max_new_tokens=12, temperature=0.9, top_k=40, top_p=0.95, seed=7)
GREEDY = GenerationParams(max_new_tokens=12)


def _generate(folder: Path, requests: list[Request], batch_size: int = 4) -> list[str]:
    adapter = load_adapter(parse_model_spec(f"hf:{folder}", [f"batch_size={batch_size}"]))
    out = dict(adapter.generate(requests))
    return [out[i] for i in range(len(requests))]


def test_sampling_is_seeded_per_request_not_per_batch(tiny_models: dict[str, Path]) -> None:
    requests = [Request(p, SAMPLED, s) for p in PROMPTS for s in range(2)]
    together = _generate(tiny_models["tiny-gpt2"], requests, batch_size=8)
    one_by_one = _generate(tiny_models["tiny-gpt2"], requests, batch_size=1)
    reversed_order = _generate(tiny_models["tiny-gpt2"], requests[::-1], batch_size=3)[::-1]
    assert together == one_by_one == reversed_order
    assert together[0] != together[1], "two samples of one prompt drew the same text"
    reseeded = [Request(r.prompt, SAMPLED.model_copy(update={"seed": 8}), r.sample) for r in requests]
    assert _generate(tiny_models["tiny-gpt2"], reseeded) != together


def test_outputs_are_byte_identical_in_a_fresh_process(tiny_models: dict[str, Path]) -> None:
    requests = [Request(p, SAMPLED, 0) for p in PROMPTS] + [Request(p, GREEDY, 0) for p in PROMPTS]
    here = _generate(tiny_models["tiny-gpt2"], requests)
    code = (
        "import json, sys\n"
        "from harness.models import GenerationParams, Request, load_adapter, parse_model_spec\n"
        "spec = json.loads(sys.argv[1])\n"
        "reqs = [Request(p, GenerationParams(**g), 0) for p, g in spec['requests']]\n"
        "a = load_adapter(parse_model_spec('hf:' + spec['folder']))\n"
        "out = dict(a.generate(reqs))\n"
        "sys.stdout.buffer.write(json.dumps([out[i] for i in range(len(reqs))]).encode())\n"
    )
    spec = {"folder": str(tiny_models["tiny-gpt2"]), "requests": [[r.prompt, r.params.model_dump()] for r in requests]}
    done = subprocess.run(
        [sys.executable, "-c", code, json.dumps(spec)], cwd=REPO, capture_output=True, check=True, timeout=300
    )
    assert json.loads(done.stdout) == here
    assert done.stdout == json.dumps(here).encode()


def test_stop_strings_cut_the_output(tiny_models: dict[str, Path]) -> None:
    [free] = _generate(tiny_models["tiny-gpt2"], [Request("A language model", GREEDY)])
    word = free.split()[1]
    [cut] = _generate(
        tiny_models["tiny-gpt2"], [Request("A language model", GREEDY.model_copy(update={"stop": [word]}))]
    )
    assert cut == free[: free.index(word)]


def test_seq2seq_generates_through_generate(tiny_models: dict[str, Path]) -> None:
    paragraph = "Diffusion models power today's image generators. During training, images are buried in noise."
    adapter = load_adapter(parse_model_spec(f"hf:{tiny_models['tiny-seq2seq']}"))
    assert adapter.encoder_decoder  # type: ignore[attr-defined]
    outputs = dict(adapter.generate([Request(paragraph, GREEDY), Request(paragraph, GREEDY, 1)]))
    assert outputs[0] and outputs[0] == outputs[1]  # greedy: the sample index changes nothing


def test_identity_is_a_hash_of_the_folder(tiny_models: dict[str, Path], tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(tiny_models["tiny-gpt2"], copy)
    assert folder_hash(copy) == folder_hash(tiny_models["tiny-gpt2"])
    (copy / "harness-model.json").write_text("{}", encoding="utf-8")
    assert folder_hash(copy) != folder_hash(tiny_models["tiny-gpt2"])


@pytest.mark.parametrize("target", ["gpt2", "no/such/folder"])
def test_a_name_that_is_not_a_local_folder_is_refused_without_a_download(target: str) -> None:
    with pytest.raises(AdapterError, match="local model folders only"):
        load_adapter(parse_model_spec(f"hf:{target}"))
