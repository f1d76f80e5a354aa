"""The similarity report as one HTML page: each pair's two texts side by side, shared
regions highlighted. Everything from a submission is escaped."""

from __future__ import annotations

import html
from pathlib import Path

from harness.similarity.cohort import SimilarityReport
from harness.similarity.pairs import Match

_STYLE = (
    "body{font-family:sans-serif;max-width:1280px;margin:auto}.pair{display:grid;grid-template-columns:1fr 1fr;"
    "gap:8px}pre{overflow-x:auto;font-size:12px;border:1px solid #ccc;padding:4px}mark{background:#ffe08a}"
)


def write_html(report: SimilarityReport, folder: Path) -> Path:
    """Write ``folder/index.html``; return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    parts = [f"<!doctype html><meta charset=utf-8><title>Similarity</title><style>{_STYLE}</style>"]
    parts.append(f"<h1>Similarity: {len(report.pairs)} pair(s) at or above {report.settings.threshold:g}</h1>")
    for match in report.pairs:
        parts.append(_pair(match, report.sources.get(match.item, {})))
    path = folder / "index.html"
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def _pair(match: Match, sources: dict[str, str]) -> str:
    title = f"{match.item}: {match.a} and {match.b}, score {match.score:.2f} ({match.shared} shared fingerprints)"
    columns = [
        _marked(sources.get(match.a, ""), [r.a for r in match.regions], match.kind),
        _marked(sources.get(match.b, ""), [r.b for r in match.regions], match.kind),
    ]
    return f"<details open><summary>{html.escape(title)}</summary><div class=pair>{''.join(columns)}</div></details>"


def _marked(text: str, spans: list[tuple[int, int]], kind: str) -> str:
    units = text.splitlines() if kind == "code" else text.split()
    inside = {n for start, end in spans for n in range(start, end + 1)}
    shown = [f"<mark>{html.escape(u)}</mark>" if i in inside else html.escape(u) for i, u in enumerate(units, start=1)]
    separator = "\n" if kind == "code" else " "
    return "<pre>" + separator.join(shown) + "</pre>"
