"""Speech recognition for the ``hf`` adapter: a local CTC model (wav2vec2 and kin) reads each
request's audio and writes its transcript.

What a model folder is, is read from its ``config.json`` (:func:`model_kind`): an architecture
ending in ``ForCTC`` is a CTC recogniser; an ImageGPT is an image generator
(:mod:`harness.models.hf_image`); a Whisper-style speech seq2seq model is recognised
and refused with a clear message (not supported yet); anything else is a text model.

Decoding is greedy (the most likely token per frame, repeats merged, blanks dropped), so the
generation parameters that sample (temperature, top-k, top-p, seed) have nothing to change: a
transcript depends on the clip and the model only. Each clip is brought to the model's sampling
rate (:meth:`AudioClip.at_rate`) and normalised by the model's own feature extractor; a batch is
padded and masked, and the frames past each clip's end are dropped before decoding, so a clip
transcribes the same alone or in a batch when the model's feature encoder normalises per frame
(``feat_extract_norm: layer``, as ``tiny-asr`` does).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from harness.models.base import AdapterError, Request

ModelKind = Literal["causal", "seq2seq", "ctc", "speech-seq2seq", "image"]
SPEECH_SEQ2SEQ_TYPES = frozenset({"whisper", "speech_to_text", "speecht5"})


def model_kind(config: Mapping[str, Any]) -> ModelKind:
    """The kind of model a ``config.json`` describes (``architectures``, ``model_type``)."""
    architectures = [str(a) for a in config.get("architectures") or []]
    if any(a.endswith("ForCTC") for a in architectures):
        return "ctc"
    if config.get("model_type") == "imagegpt" or any(a.startswith("ImageGPT") for a in architectures):
        return "image"
    if config.get("model_type") in SPEECH_SEQ2SEQ_TYPES or any("SpeechSeq2Seq" in a for a in architectures):
        return "speech-seq2seq"
    return "seq2seq" if config.get("is_encoder_decoder") else "causal"


class CtcRecognizer:
    """A loaded CTC model and its processor (feature extractor + character tokenizer)."""

    def __init__(self, folder: Path, device: str) -> None:
        from transformers import AutoModelForCTC, AutoProcessor

        self.folder = folder
        try:
            model: Any = AutoModelForCTC.from_pretrained(folder, local_files_only=True)
            self.processor: Any = AutoProcessor.from_pretrained(  # type: ignore[no-untyped-call]
                folder, local_files_only=True
            )
        except (OSError, ValueError, KeyError, RuntimeError) as exc:
            raise AdapterError(f"hf:{folder}: cannot load the speech model: {str(exc).splitlines()[0]}") from None
        self.model = model.to(device).eval()
        extractor = getattr(self.processor, "feature_extractor", None)
        rate = getattr(extractor, "sampling_rate", None)
        if not isinstance(rate, int) or rate <= 0:
            raise AdapterError(f"hf:{folder}: the speech model's feature extractor names no sampling rate")
        self.rate = rate

    def transcribe(self, requests: Sequence[Request]) -> list[str]:
        """One greedy CTC transcript per request, in one forward pass.

        Raises:
            AdapterError: a request without audio (the suite's items name no audio files).
        """
        import torch

        clips = []
        for request in requests:
            if request.audio is None:
                raise AdapterError(
                    f"hf:{self.folder}: a speech-recognition model needs audio; give the suite's items an `audio` file"
                )
            clips.append(request.audio.at_rate(self.rate))
        inputs = self.processor(audio=clips, sampling_rate=self.rate, padding=True, return_tensors="pt")
        inputs = {k: v.to(self.model.device) for k, v in inputs.items() if k in ("input_values", "attention_mask")}
        with torch.inference_mode():
            ids = self.model(**inputs).logits.argmax(dim=-1).cpu()
        # Frames past a clip's end read padding: blank them, or a short clip in a batch gains letters.
        frames = self.model._get_feat_extract_output_lengths(torch.tensor([len(c) for c in clips])).cpu()
        past_end = torch.arange(ids.shape[1])[None, :] >= frames[:, None]
        ids = ids.masked_fill(past_end, self.processor.tokenizer.pad_token_id)
        return [str(text) for text in self.processor.batch_decode(ids)]
