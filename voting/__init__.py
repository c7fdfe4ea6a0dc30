"""Pure counting rules: ballots and rule settings in, result records out.

Nothing in this package reads files, touches a database or knows about the web,
so the same code that produced a published result can be re-run by any member.
"""

__version__ = "0.1.0"
