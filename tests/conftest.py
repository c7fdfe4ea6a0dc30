"""Fixtures shared by every test package."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

# The database fixtures live in tests/server_fixtures.py; under importlib mode test folders
# cannot import each other's conftest modules, so it is registered once here as a plugin.
sys.path.insert(0, str(Path(__file__).resolve().parent))
pytest_plugins = ["server_fixtures"]

REPO_ROOT = Path(__file__).resolve().parent.parent
#: ../shared beside the checkout (CI lays a copy there); read in place, never copied in.
SHARED_DIR = Path(os.environ.get("PLENARY_SHARED_DIR", REPO_ROOT.parent / "shared"))


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED_DIR.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"shared data missing at {SHARED_DIR}")
        pytest.skip(f"shared data not found at {SHARED_DIR}")
    return SHARED_DIR
