"""FID benchmark: streamed scoring keeps peak memory flat in the number of images.

Run from the repository root::

    .venv/bin/python bench/bench_fid.py [--images 2000] [--size 64] [--batch-size 50]

Writes seeded procedural art (``harness.images.procedural``) as PNGs into a temporary
folder: ``--images`` "real" and as many "generated" images (shift 0.5). Then, for the first
quarter, half and all of each set (500, 1,000 and 2,000 images by default), two children each
score FID with the offline extractor in a fresh process (``--runs`` times: median time,
largest peak RSS) and report their wall time and peak RSS (``ru_maxrss``):

- streamed: ``FIDMetric(extractor="offline").score(generated_dir, real_dir, bootstrap=0)``,
  the harness's path, which decodes one batch at a time and keeps only feature sums;
- load-all (the peer): decode every image of both sets into memory first, then one
  torchmetrics ``FrechetInceptionDistance.update`` per set, as a quick script would.

One more streamed child adds the default 1,000-resample bootstrap interval at the largest size.
"RSS over start" is the peak minus the RSS after imports and model construction. Target: the
streamed peak at the largest size is within 5% (or 10 MB) of the smallest; exit 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SEED = 20260101
SHIFT = 0.5
BOOTSTRAP = 1000
FLAT_TOLERANCE = 0.05
FLAT_SLACK_MB = 10.0


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def _current_rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


# --- children ------------------------------------------------------------------------------


def _child_streamed(real: Path, generated: Path, batch_size: int, bootstrap: int = 0) -> dict[str, Any]:
    from torchmetrics.image.fid import FrechetInceptionDistance

    from harness.metrics.image.fid import FIDMetric
    from harness.metrics.image.offline import OfflineFeatureExtractor

    FrechetInceptionDistance(feature=OfflineFeatureExtractor())  # imports and first-use costs, outside the timing
    start_rss = _current_rss_mb()
    started = time.perf_counter()
    result = FIDMetric(extractor="offline", batch_size=batch_size).score(generated, real, bootstrap=bootstrap)
    return {"fid": result.score, "seconds": time.perf_counter() - started, "start_rss": start_rss}


def _child_load_all(real: Path, generated: Path, batch_size: int) -> dict[str, Any]:
    import numpy as np
    import torch
    from PIL import Image
    from torchmetrics.image.fid import FrechetInceptionDistance

    from harness.metrics.image.offline import OfflineFeatureExtractor

    torch.set_num_threads(OfflineFeatureExtractor.threads)  # as the harness runs it, so times compare
    fid = FrechetInceptionDistance(feature=OfflineFeatureExtractor())
    start_rss = _current_rss_mb()
    started = time.perf_counter()
    for folder, is_real in ((real, True), (generated, False)):
        images = np.stack([np.asarray(Image.open(p).convert("RGB")) for p in sorted(folder.glob("*.png"))])
        with torch.no_grad():
            fid.update(torch.from_numpy(images).permute(0, 3, 1, 2), real=is_real)
    value = float(fid.compute())
    return {"fid": value, "seconds": time.perf_counter() - started, "start_rss": start_rss}


def _run_child(mode: str, root: Path, batch_size: int) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", mode, "--data", str(root), "--batch-size", str(batch_size)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{mode} child failed:\n{done.stderr}")
    return dict(json.loads(done.stdout.splitlines()[-1]))


# --- data ----------------------------------------------------------------------------------


def _sizes(images: int) -> tuple[int, ...]:
    return (images // 4, images // 2, images)


def _write_data(root: Path, images: int, size: int) -> None:
    """The full sets, plus folders of links holding the first n images of each for every size."""
    from harness.images.procedural import write_real_and_generated

    write_real_and_generated(root / "all", images, shift=SHIFT, seed=SEED, size=size)
    for n in _sizes(images):
        for name in ("real", "generated"):
            folder = root / f"n{n}" / name
            folder.mkdir(parents=True)
            for i in range(n):
                (folder / f"{i:05d}.png").symlink_to(root / "all" / name / f"{i:05d}.png")


def _row(n: int, streamed: dict[str, Any], peer: dict[str, Any]) -> str:
    cells = [f"{n:>7,}"]
    for side in (streamed, peer):
        over = side["peak_rss"] - side["start_rss"]
        cells.append(f"{side['peak_rss']:>14.1f} MB {over:>7.1f} MB {side['seconds']:>6.2f}s")
    cells.append(f"{peer['peak_rss'] / streamed['peak_rss']:>8.2f}x {streamed['fid']:>8.4f}")
    return " | ".join(cells)


def _report(rows: list[tuple[int, dict[str, Any], dict[str, Any]]]) -> bool:
    print(
        f"{'images':>7} | {'streamed peak RSS':>17} {'over start':>10} {'time':>7} | "
        f"{'load-all peak RSS':>17} {'over start':>10} {'time':>7} | {'RSS ratio':>9} {'FID':>8}"
    )
    for row in rows:
        print(_row(*row))
    smallest, largest = rows[0][1]["peak_rss"], rows[-1][1]["peak_rss"]
    flat = largest <= max(smallest * (1 + FLAT_TOLERANCE), smallest + FLAT_SLACK_MB)
    growth = 100 * (largest / smallest - 1)
    verdict = "PASS" if flat else "FAIL"
    print(f"streamed peak RSS {rows[0][0]:,} -> {rows[-1][0]:,} images: {growth:+.1f}% ({verdict}, target <= +5%)")
    return flat


def _median_run(mode: str, root: Path, batch_size: int, runs: int) -> dict[str, Any]:
    """Median time and largest peak RSS over ``runs`` fresh children."""
    outcomes = [_run_child(mode, root, batch_size) for _ in range(runs)]
    largest = max(outcomes, key=lambda o: o["peak_rss"])
    return {**largest, "seconds": statistics.median(o["seconds"] for o in outcomes)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=2_000, help="images per set (at least 8)")
    parser.add_argument("--size", type=int, default=64, help="image side in pixels")
    parser.add_argument("--batch-size", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3, help="children per measurement (median time, max RSS)")
    parser.add_argument("--child", choices=("streamed", "load-all", "bootstrap"), help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.images < 8:
        parser.error("--images must be at least 8")
    if args.child:
        real, generated = args.data / "real", args.data / "generated"
        if args.child == "load-all":
            outcome = _child_load_all(real, generated, args.batch_size)
        else:
            outcome = _child_streamed(real, generated, args.batch_size, BOOTSTRAP if args.child == "bootstrap" else 0)
        print(json.dumps({**outcome, "peak_rss": _rss_mb()}))
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-fid-") as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        _write_data(root, args.images, args.size)
        print(
            f"wrote 2 x {args.images:,} procedural {args.size}x{args.size} PNGs in {time.perf_counter() - started:.1f}s"
        )
        rows = []
        for n in _sizes(args.images):
            streamed = _median_run("streamed", root / f"n{n}", args.batch_size, args.runs)
            peer = _median_run("load-all", root / f"n{n}", args.batch_size, args.runs)
            rows.append((n, streamed, peer))
        with_ci = _run_child("bootstrap", root / f"n{args.images}", args.batch_size)
    flat = _report(rows)
    over = with_ci["peak_rss"] - with_ci["start_rss"]
    print(
        f"with a {BOOTSTRAP}-resample bootstrap interval at {args.images:,} images: {with_ci['seconds']:.2f}s, "
        f"peak RSS {with_ci['peak_rss']:.1f} MB ({over:.1f} MB over start)"
    )
    return 0 if flat else 1


if __name__ == "__main__":
    sys.exit(main())
