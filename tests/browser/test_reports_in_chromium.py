"""The HTML reports in a real browser (Debian's Chromium, headless).

Skipped only where Chromium is not installed and we are not in CI; `.ci/run` installs it.
"""

from __future__ import annotations

import html as html_lib
import http.server
import json
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from tests.conftest import SampleCohortRun

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None and not os.environ.get("CI"):
    pytest.skip("chromium is not installed (apt-get install chromium)", allow_module_level=True)

FLAGS = [
    "--headless",
    "--no-sandbox",  # we run as root in CI; the page is our own report
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def chromium(*args: str, profile: Path) -> str:
    assert CHROMIUM, "chromium must be installed in CI"
    done = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.fixture(scope="module")
def reports(sample_cohort: SampleCohortRun) -> Path:
    return sample_cohort.out


def test_cohort_page_renders_and_every_student_link_resolves(reports: Path, tmp_path: Path) -> None:
    dom = chromium("--dump-dom", (reports / "index.html").as_uri(), profile=tmp_path)
    assert "Score distribution" in dom and "<svg" in dom
    links = set(re.findall(r'href="(students/[^"#]+)"', dom))
    assert len(links) >= 15
    for link in links:
        page = chromium("--dump-dom", (reports / link).as_uri(), profile=tmp_path)
        assert "What I lost points on" in page


# Measures what a reader sees: the page's own width against the window, and every table
# against the box it sits in (a table that scrolls inside its wrapper does not fit either).
# The pages forbid scripts, so the probe runs in a copy without the policy.
FIT_PROBE = """<script>
const over = [...document.querySelectorAll("table, .table-wrap, svg")]
  .filter(e => e.getClientRects().length && (e.scrollWidth > e.clientWidth + 1
    || e.getBoundingClientRect().right > document.documentElement.clientWidth + 1))
  .map(e => (e.closest("section[id]") || {id: "?"}).id + ":" + e.tagName + "." + (e.className.baseVal ?? e.className));
document.body.dataset.fit = JSON.stringify({scroll: document.documentElement.scrollWidth,
  inner: window.innerWidth, over: over});
</script>"""
A4_CSS_PX = 718  # 210 mm less Chromium's default 10 mm print margins, at 96 px per inch


def measure_fit(page: Path, tmp_path: Path, width: int, print_media: bool) -> dict[str, Any]:
    """Render ``page`` in a ``width``-pixel window (with its print rules applied as on paper
    when ``print_media``) and return the probe's measurements."""
    html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page.read_text(encoding="utf-8"))
    if print_media:
        html = html.replace("@media print", "@media all")
    probe = page.with_name(f".fit-probe-{page.name}")
    try:
        probe.write_text(html.replace("</body>", FIT_PROBE + "</body>"), encoding="utf-8")
        dom = chromium(f"--window-size={width},900", "--dump-dom", probe.as_uri(), profile=tmp_path)
    finally:
        probe.unlink(missing_ok=True)
    found = re.search(r'data-fit="([^"]*)"', dom)
    assert found, "the probe did not run"
    return json.loads(html_lib.unescape(found.group(1)))  # type: ignore[no-any-return]


@pytest.mark.parametrize(("width", "print_media"), [(1280, False), (A4_CSS_PX, True)], ids=["screen-1280", "print-a4"])
def test_wide_tables_fit_the_window_and_the_printed_page(
    reports: Path, tmp_path: Path, width: int, print_media: bool
) -> None:
    pages = [reports / "index.html", *sorted((reports / "students").glob("*.html"))[::4]]
    for page in pages:
        fit = measure_fit(page, tmp_path, width, print_media)
        assert fit["scroll"] <= fit["inner"], (page.name, fit)
        assert fit["over"] == [], (page.name, fit)


def test_a_student_page_handed_out_alone_holds_nothing_about_anyone_else(reports: Path, tmp_path: Path) -> None:
    pages = sorted((reports / "students").glob("*.html"))
    ids = [p.stem for p in pages]
    alone = tmp_path / "alone"
    alone.mkdir()
    mine = alone / pages[0].name
    shutil.copy(pages[0], mine)
    dom = chromium("--dump-dom", mine.as_uri(), profile=tmp_path / "p")
    assert ids[0] in dom and "What I lost points on" in dom
    for other in ids[1:]:
        assert other not in dom, other
    hrefs = re.findall(r'href="([^"]*)"', dom)
    assert hrefs and all(h.startswith("#") for h in hrefs), [h for h in hrefs if not h.startswith("#")]
    anchors = set(re.findall(r'id="([^"]+)"', dom))
    assert {h[1:] for h in hrefs} <= anchors  # every link lands on this page
    cohort = json.loads((reports / "results.json").read_text(encoding="utf-8"))
    assert f"{cohort['cohort']}" in dom  # its own course is named; its classmates are not


class _CountingHandler(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def loopback_server() -> Iterator[tuple[str, list[str]]]:
    _CountingHandler.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _CountingHandler.hits
    server.shutdown()
    server.server_close()


def test_content_security_policy_blocks_any_external_load(
    reports: Path, tmp_path: Path, loopback_server: tuple[str, list[str]]
) -> None:
    base, hits = loopback_server
    page = (reports / "index.html").read_text(encoding="utf-8")
    injected = f'<img src="{base}/img"><script src="{base}/js"></script><link rel="stylesheet" href="{base}/css">'
    guarded = tmp_path / "guarded.html"
    guarded.write_text(page.replace("</body>", injected + "</body>"), encoding="utf-8")
    chromium("--dump-dom", guarded.as_uri(), profile=tmp_path / "p1")
    assert hits == []

    # Control: the same page without its policy does reach the server, so the test can fail.
    unguarded = tmp_path / "unguarded.html"
    unguarded.write_text(re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", guarded.read_text()))
    chromium("--dump-dom", unguarded.as_uri(), profile=tmp_path / "p2")
    assert hits, "without the policy the browser should have fetched the injected URLs"
