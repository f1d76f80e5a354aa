"""FID and KID stay light until images are scored: no torch, torchmetrics or Pillow at load time.

A suite loader builds every metric of a bank's suites (to validate their options and read
``higher_is_better``), so a bank with an FID question must not pay for a torch import when it is
only loaded or checked. Each check runs in a fresh interpreter, where nothing is imported yet.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

HEAVY = ("torch", "torchmetrics", "PIL")

SUITE = """\
id: lazy-art
title: Procedural art, loaded but not scored
version: "1"
data:
  images:
    procedural: {count: 8, size: 16, seed: 1}
metrics:
  - metric: fid
    options: {extractor: offline, batch_size: 4}
    threshold: 1.0
  - metric: kid
    options: {extractor: offline, subsets: 5, subset_size: 4}
"""


def _run(code: str) -> dict[str, object]:
    """Run ``code`` in a fresh interpreter; it prints one JSON object as its last line."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_loading_and_configuring_fid_and_kid_imports_no_torch() -> None:
    result = _run(
        f"""
        import json, sys
        import harness.metrics.image.fid, harness.metrics.image.kid
        from harness.errors import HarnessError
        from harness.plugins import registry

        heavy = {HEAVY!r}
        out = {{}}
        for name in ("fid", "kid"):
            plugin = registry("metrics").get(name)
            metric = plugin.with_options(extractor="offline", image_size=32)
            try:
                plugin.with_options(extractor="nope")
            except HarnessError:
                rejected = True
            else:
                rejected = False
            out[name] = {{
                "higher_is_better": metric.higher_is_better,
                "rejected": rejected,
                "signature": str(metric.signature(4, seed=1, bootstrap=10)),
                "default_signature": str(plugin.signature(4)),
            }}
        out["loaded"] = sorted(m for m in heavy if m in sys.modules)
        # The lazy names still resolve (and only then import torch): the check above can see torch.
        from harness.metrics.image import metric, sources
        out["lazy"] = [metric.FeatureRecorder.__name__, "Tensor" in str(sources.ImageInput)]
        out["torch_after"] = "torch" in sys.modules
        print(json.dumps(out))
        """
    )
    assert result["loaded"] == []
    for name in ("fid", "kid"):
        info = result[name]
        assert isinstance(info, dict)
        assert info["higher_is_better"] is False and info["rejected"] is True
        assert "offline-v1(seed=0,size=64; not comparable to published FID)" in info["signature"]
        assert "image_size:32" in info["signature"]
        assert "inception-v3-fid(sha256:6726825d0af5,preprocess=tf1)" in info["default_signature"]
    assert result["lazy"] == ["FeatureRecorder", True] and result["torch_after"] is True


def test_loading_a_suite_with_fid_and_kid_imports_no_torch(tmp_path: Path) -> None:
    suite = tmp_path / "art.yaml"
    suite.write_text(SUITE, encoding="utf-8")
    result = _run(
        f"""
        import json, sys
        from pathlib import Path
        from harness.suites.loader import load_suite

        loaded = load_suite(Path({str(suite)!r}))
        labels = [m.label for m in loaded.metrics]
        better = [m.higher_is_better for m in loaded.metrics]
        print(json.dumps({{"labels": labels, "better": better, "loaded": sorted(m for m in {HEAVY!r} if m in sys.modules)}}))
        """
    )
    assert result == {"labels": ["fid", "kid"], "better": [False, False], "loaded": []}
