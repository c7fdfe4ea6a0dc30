"""Makes ``rctab_helpers`` (helpers.py beside this file) importable under --import-mode=importlib."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_spec = importlib.util.spec_from_file_location("rctab_helpers", Path(__file__).with_name("helpers.py"))
assert _spec and _spec.loader
rctab_helpers = importlib.util.module_from_spec(_spec)
sys.modules["rctab_helpers"] = rctab_helpers
_spec.loader.exec_module(rctab_helpers)
