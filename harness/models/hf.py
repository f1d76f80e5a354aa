"""``hf``: a local Hugging Face model folder: a causal LM or seq2seq model through ``generate()``,
a CTC speech recogniser reading each request's audio (:mod:`harness.models.hf_speech`), or an
ImageGPT drawing one image per request (:mod:`harness.models.hf_image`).

Never downloads: the target must be a folder and every ``from_pretrained`` gets
``local_files_only=True``. Requests are generated in batches of ``batch_size`` (option) that
share their generation parameters, in the order given. The kind of model is read from its
``config.json`` (``architectures``, ``model_type``: :func:`~harness.models.hf_speech.model_kind`).

Sampling is done per request, not per batch: a logits processor (:class:`RowSampler`) draws
each row's next token from a ``torch.Generator`` seeded by that request alone
(:meth:`Request.request_seed`) and hands ``generate`` a one-hot choice that greedy decoding then
takes. So an output depends on its prompt, parameters, seed and sample index, never on which
other prompts shared its batch: a resumed run, whose batches differ, gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from itertools import groupby
from pathlib import Path
from typing import Any

from harness.models.base import AdapterError, GenerationParams, ModelAdapter, Request, option_int
from harness.models.hf_image import ImageGenerator
from harness.models.hf_speech import CtcRecognizer, ModelKind, model_kind

ML_EXTRA = "pip install 'genai-harness[ml]'"
MAX_REASONABLE_LENGTH = 1_000_000  # tokenizers without a real limit report 1e30


class HfAdapter(ModelAdapter):
    """A local causal LM or seq2seq model (``hf:path/to/folder``)."""

    name = "hf"

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path()
        self._model: Any = None
        self._tokenizer: Any = None
        self._identity = ""
        self._batch = 16
        self.kind: ModelKind = "causal"
        self._speech: CtcRecognizer | None = None
        self._image: ImageGenerator | None = None

    def known_options(self) -> Sequence[str]:
        return ("batch_size", "device", "threads")

    def _configure(self) -> None:
        self.folder = Path(self.target)
        if not (self.folder / "config.json").is_file():
            what = "has no config.json" if self.folder.is_dir() else "is not a folder"
            raise AdapterError(
                f"hf:{self.target}: {what}; the hf adapter loads local model folders only (no downloads)"
            )
        self._batch = option_int(self, "batch_size", 16, 1, 4096)
        self._identity = folder_hash(self.folder)
        self.kind = model_kind(_read_config(self.folder))
        device = self.options.get("device", "cpu")
        if self.kind == "speech-seq2seq":
            raise AdapterError(
                f"hf:{self.target}: speech seq2seq models (Whisper and kin) are not supported yet; CTC models are"
            )
        if self.kind == "ctc":
            _require_ml()
            self._speech = CtcRecognizer(self.folder, device)
        elif self.kind == "image":
            _require_ml()
            self._image = ImageGenerator(self.folder, device, option_int(self, "threads", 0, 0, 256) or 1)
        else:
            self._model, self._tokenizer = _load(self.folder, device)
        threads = option_int(self, "threads", 0, 0, 256)
        if threads:
            import torch

            torch.set_num_threads(threads)

    def identity(self) -> str:
        return f"sha256:{self._identity}"

    @property
    def batch_size(self) -> int:
        return self._batch

    @property
    def reads_audio(self) -> bool:
        return self._speech is not None

    @property
    def makes_images(self) -> bool:
        return self._image is not None

    @property
    def encoder_decoder(self) -> bool:
        return bool(self._model.config.is_encoder_decoder)

    def _generate(self, requests: Sequence[Request]) -> Iterator[tuple[int, str]]:
        indexed = list(enumerate(requests))
        for _, group in groupby(indexed, key=lambda pair: pair[1].params):
            members = list(group)
            for start in range(0, len(members), self._batch):
                chunk = members[start : start + self._batch]
                texts = self.generate_batch([r for _, r in chunk])
                yield from zip((i for i, _ in chunk), texts, strict=True)

    def generate_batch(self, requests: Sequence[Request]) -> list[str]:
        """One ``generate()`` call (one forward pass for a CTC model) for requests that share their
        parameters; an image model answers each with a PNG data URI. (Audio given to a model that
        cannot read it was refused by :meth:`ModelAdapter.generate`.)

        Raises:
            AdapterError: no audio given to a speech model.
        """
        if self._speech is not None:
            return self._speech.transcribe(requests)
        params = requests[0].params
        if self._image is not None:
            sampler = None if params.greedy else _row_sampler([r.request_seed() for r in requests], params)
            return self._image.draw(requests, sampler)
        import torch

        encoded = self._encode([r.prompt for r in requests], params)
        kwargs: dict[str, Any] = {"max_new_tokens": params.max_new_tokens, "do_sample": False, "num_beams": 1}
        if not params.greedy:
            kwargs["logits_processor"] = _row_sampler([r.request_seed() for r in requests], params)
        with torch.inference_mode():
            out = self._model.generate(**encoded, **kwargs, pad_token_id=self._tokenizer.pad_token_id)
        if not self.encoder_decoder:
            out = out[:, encoded["input_ids"].shape[1] :]
        return [str(t) for t in self._tokenizer.batch_decode(out, skip_special_tokens=True)]

    def _encode(self, prompts: list[str], params: GenerationParams) -> Any:
        limit = self._tokenizer.model_max_length
        room = limit - (0 if self.encoder_decoder else params.max_new_tokens)
        truncate = limit < MAX_REASONABLE_LENGTH and room > 0
        encoded = self._tokenizer(
            prompts, return_tensors="pt", padding=True, truncation=truncate, max_length=room if truncate else None
        )
        return encoded.to(self._model.device)


def _read_config(folder: Path) -> dict[str, Any]:
    try:
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise AdapterError(f"hf:{folder}/config.json: cannot read it: {exc}") from None
    if not isinstance(config, dict):
        raise AdapterError(f"hf:{folder}/config.json: expected a JSON object")
    return config


def _require_ml() -> None:
    """torch and transformers importable, and transformers' progress bars off (a local load is no download)."""
    try:
        import torch  # noqa: F401
        from transformers.utils import logging as hf_logging
    except ImportError as exc:
        raise AdapterError(f"the hf adapter needs torch and transformers ({exc}): {ML_EXTRA}") from None
    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]


def _load(folder: Path, device: str) -> tuple[Any, Any]:
    _require_ml()
    from transformers import AutoConfig, AutoModelForCausalLM, AutoModelForSeq2SeqLM, AutoTokenizer

    try:
        config = AutoConfig.from_pretrained(folder, local_files_only=True)
        loader = AutoModelForSeq2SeqLM if config.is_encoder_decoder else AutoModelForCausalLM
        model: Any = loader.from_pretrained(folder, local_files_only=True)
        model = model.to(device).eval()
        tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    except (OSError, ValueError, KeyError, RuntimeError) as exc:
        raise AdapterError(f"hf:{folder}: cannot load the model: {str(exc).splitlines()[0]}") from None
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    if not config.is_encoder_decoder:
        tokenizer.padding_side = "left"  # every prompt must end where generation starts
        tokenizer.truncation_side = "left"  # keep the end of a long prompt, where the question is
    return model, tokenizer


def folder_hash(folder: Path) -> str:
    """sha256 over every file of ``folder`` (relative names and contents), links not followed."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()):
        digest.update(json.dumps(path.relative_to(folder).as_posix()).encode())
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def _row_sampler(seeds: list[int], params: GenerationParams) -> Any:
    from transformers import LogitsProcessorList

    return LogitsProcessorList([RowSampler(seeds, params)])


class RowSampler:
    """Temperature, top-k and top-p, then one draw per row from that row's own generator; the
    returned scores put everything on the drawn token, so greedy decoding takes it."""

    def __init__(self, seeds: list[int], params: GenerationParams) -> None:
        import torch

        self.generators = [torch.Generator().manual_seed(seed) for seed in seeds]
        self.params = params

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        import torch

        logits = scores.float() / self.params.temperature
        logits = _top_k(logits, self.params.top_k)
        logits = _top_p(logits, self.params.top_p)
        probs = torch.softmax(logits, dim=-1).cpu()
        chosen = [int(torch.multinomial(probs[row], 1, generator=g)) for row, g in enumerate(self.generators)]
        forced = torch.full_like(scores, float("-inf"))
        forced[torch.arange(len(chosen)), torch.tensor(chosen, device=scores.device)] = 0.0
        return forced


def _top_k(logits: Any, k: int | None) -> Any:
    if k is None or k >= logits.shape[-1]:
        return logits
    import torch

    kth = torch.topk(logits, k, dim=-1).values[..., -1:]
    return logits.masked_fill(logits < kth, float("-inf"))


def _top_p(logits: Any, p: float | None) -> Any:
    if p is None or p >= 1.0:
        return logits
    import torch

    ordered, order = torch.sort(logits, descending=True, dim=-1)
    cumulative = torch.softmax(ordered, dim=-1).cumsum(dim=-1)
    drop = cumulative - torch.softmax(ordered, dim=-1) >= p  # keep the smallest prefix reaching p
    mask = torch.zeros_like(drop).scatter(-1, order, drop)
    return logits.masked_fill(mask, float("-inf"))
