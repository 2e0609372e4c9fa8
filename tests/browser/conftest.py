"""Browser fixtures: the real app served on a loopback port, and Playwright driving
Debian's chromium (Playwright cannot download its own browser here).

Locally a missing chromium skips these tests; under CI (CI=true) it fails them:
`make test` installs chromium, so a missing one means the install step broke.

Screenshots go to a temporary folder (named at the end of the run), so a test run never
changes tracked files; DALIL_SCREENSHOTS names a folder to keep them in instead, as
`make screenshots` does to refresh docs/screenshots/.
"""
import os
import pathlib
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from web import create_app

CHROMIUM = os.environ.get("DALIL_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS_KEY = pytest.StashKey[pathlib.Path]()
# Without these, chromium keeps dialing Google's hosts, which this network refuses.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]


def _browser_missing():
    return not os.path.exists(CHROMIUM)


@pytest.fixture(scope="session")
def chromium():
    """Yield a launched chromium (Playwright, headless)."""
    if _browser_missing():
        message = f"chromium not found at {CHROMIUM}: `make test` installs it"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class LiveServer:
    """The app on 127.0.0.1 in a background thread; ``url`` is its base address."""

    def __init__(self, app):
        self.app = app
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self):
        self._server.shutdown()
        self._thread.join(timeout=5)


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """Serve the shipped articles with a fresh SQLite file; yield the LiveServer."""
    instance = tmp_path_factory.mktemp("instance")
    app = create_app({
        "TESTING": True,
        "ARTICLES": str(pathlib.Path(__file__).resolve().parents[2] / "articles"),
        "DATABASE": str(instance / "dalil.sqlite3"),
        "LIVE_RELOAD": False,
    })
    server = LiveServer(app)
    yield server
    server.stop()


@pytest.fixture
def page(chromium):
    """Yield a new page in its own browser context (desktop size)."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def screenshots_dir(request, tmp_path_factory):
    """Return the folder screenshots are saved in: $DALIL_SCREENSHOTS when set, else a
    temporary folder of this run."""
    named = os.environ.get("DALIL_SCREENSHOTS")
    folder = pathlib.Path(named).resolve() if named else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    request.config.stash[SCREENSHOTS_KEY] = folder  # for the terminal summary
    return folder


@pytest.fixture
def screenshot(screenshots_dir):
    """Return ``save(page, name)``, which saves a full-page screenshot as NAME.png in
    ``screenshots_dir`` and returns its path."""
    def save(page, name):
        path = screenshots_dir / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path
    return save


def pytest_terminal_summary(terminalreporter, config):
    folder = config.stash.get(SCREENSHOTS_KEY, None)
    if folder is not None:
        terminalreporter.write_line(f"browser screenshots saved in {folder}")
