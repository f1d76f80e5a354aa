"""The HTML reports in a real browser (Debian's Chromium, headless).

Skipped only where Chromium is not installed and we are not in CI; `.ci/run` installs it.
"""

from __future__ import annotations

import http.server
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

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
        assert 'href="../index.html"' in page


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
