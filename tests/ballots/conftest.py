"""Makes ``ballot_specs`` (helpers.py beside this file) importable under --import-mode=importlib."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_spec = importlib.util.spec_from_file_location("ballot_specs", Path(__file__).with_name("helpers.py"))
assert _spec and _spec.loader
ballot_specs = importlib.util.module_from_spec(_spec)
sys.modules["ballot_specs"] = ballot_specs
_spec.loader.exec_module(ballot_specs)
