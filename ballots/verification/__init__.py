"""Re-counting published results from their ballots and saying where a count differs."""

from ballots.verification.rctab_case import compare_rctab_case, read_rctab_summary

__all__ = ["compare_rctab_case", "read_rctab_summary"]
