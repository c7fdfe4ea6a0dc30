"""Built bulletin PDFs kept in the data directory, so a download does not rebuild the issue.

Laying out a long issue takes seconds of CPU (fpdf2 is pure Python; the review measured 15 s
for one 185,000-character document). Each file's name carries a digest of everything the PDF
shows, so an unchanged issue is built once, and any change (an appeal decided after
publication, another time zone) gives a new file, the old one being removed. The build runs
in a worker process, so the server answers other requests meanwhile (in a thread the pure-Python
layout held the interpreter lock the event loop needs, and pages took seconds), and simultaneous
first downloads of one issue share a single build.
"""

from __future__ import annotations

import asyncio
import hashlib
import multiprocessing
import os
import tempfile
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from server.bulletin.pdf import BulletinIssue, render_bulletin_pdf

#: change when the layout changes, so kept files are built again
LAYOUT_VERSION = "1"
FOLDER = "bulletin"

_building: dict[tuple[asyncio.AbstractEventLoop, Path], asyncio.Task[bytes]] = {}
_layout_process: ProcessPoolExecutor | None = None


def _layout_worker() -> ProcessPoolExecutor:
    """The one process that lays out PDFs, started when first needed (forkserver: a clean child, not a
    fork of a server with database threads)."""
    global _layout_process
    if _layout_process is None:
        _layout_process = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("forkserver"))
    return _layout_process


def pdf_path(data_dir: Path, issue_id: int, issue: BulletinIssue) -> Path:
    """Where the PDF of this issue, exactly as given, is kept."""
    digest = hashlib.sha256(f"{LAYOUT_VERSION}\n{issue!r}".encode()).hexdigest()[:24]
    return data_dir / FOLDER / f"issue-{issue_id}-{digest}.pdf"


async def stored_pdf(data_dir: Path, issue_id: int, issue: BulletinIssue) -> bytes:
    """The issue's PDF: the kept file if it is current, otherwise built (off the event loop) and kept."""
    path = pdf_path(data_dir, issue_id, issue)
    if path.is_file():
        return await asyncio.to_thread(path.read_bytes)
    key = (asyncio.get_running_loop(), path)
    task = _building.get(key)
    if task is None:
        task = asyncio.get_running_loop().create_task(_build(path, issue_id, issue))
        _building[key] = task
        task.add_done_callback(lambda _: _building.pop(key, None))
    # shielded: a visitor who gives up does not cancel the build others are waiting for
    return await asyncio.shield(task)


async def _build(path: Path, issue_id: int, issue: BulletinIssue) -> bytes:
    global _layout_process
    try:
        data = await asyncio.get_running_loop().run_in_executor(_layout_worker(), render_bulletin_pdf, issue)
    except BrokenProcessPool:  # the worker died (killed, out of memory): start another for the next build
        _layout_process = None
        raise
    await asyncio.to_thread(_keep, path, issue_id, data)
    return data


def _keep(path: Path, issue_id: int, data: bytes) -> None:
    """Write the file whole (a reader never sees half of it), then drop the issue's older builds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".building-", suffix=".pdf")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    for older in path.parent.glob(f"issue-{issue_id}-*.pdf"):
        if older != path:
            older.unlink(missing_ok=True)
