"""The text engine of motions and amendments: pure functions, no I/O (docs/drafting.md).

markdown.py renders and sanitises members' markdown; tokens.py and diff.py compare two
versions word by word; clauses.py finds numbered clauses; amendments.py locates,
shows, checks, carries and orders amendments; marked_markdown.py renders a diff or an
amendment as formatted markdown with its changes marked.
"""
