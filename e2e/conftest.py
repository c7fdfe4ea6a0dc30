"""Browser tests: the real app, served by uvicorn in a subprocess on a free port against
a temporary SQLite database (migrated, demo loaded), driven by Debian's chromium.

Without /usr/bin/chromium the tests skip with the reason, except in CI (CI=true) where
that is a failure.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PLENARY = [sys.executable, "-m", "server.cli"]
REPO_ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 30

# member_pages.py beside this file holds the sign-in helper the test modules import
sys.path.insert(0, str(Path(__file__).resolve().parent))


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"plenary serve exited with {server.returncode}: {server.stdout.read()}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"plenary serve did not answer at {url} within {START_TIMEOUT_S}s")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (./dev.sh test installs Debian's chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return str(CHROMIUM)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, chromium_path) -> str:
    data_dir = tmp_path_factory.mktemp("live")
    env = {**os.environ, "PLENARY_DATA_DIR": str(data_dir)}
    for name in ("PLENARY_DATABASE_URL", "PLENARY_DATABASE_SCHEMA", "PLENARY_SECRET_KEY"):
        env.pop(name, None)
    for step in (["migrate"], ["demo"]):
        subprocess.run(PLENARY + step, env=env, cwd=REPO_ROOT, check=True, capture_output=True, text=True)
    port = _free_port()
    server = subprocess.Popen(PLENARY + ["serve", "--port", str(port)], env=env, cwd=REPO_ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url + "/", server)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server)
    yield context.new_page()
    context.close()


@pytest.fixture
def page_without_javascript(browser, live_server):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    yield context.new_page()
    context.close()
