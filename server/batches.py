"""Group commit: one database round for every request that arrived while the previous round ran.

Why: through aiosqlite every statement is a hand-off to the driver's thread (about 150 µs on the
machines we run on, against 10 µs for the query itself), and every committed write is an fsync.
A voter who arrives while another's vote is being written waits for that round to finish and
then goes in the next one with everybody else who arrived meanwhile, so under load the cost of a
round is shared by many requests, and with no load a request goes in a round of its own at once
(no timer, no added latency).
"""

from __future__ import annotations

import asyncio
from typing import Awaitable, Callable, Generic, Sequence, TypeVar

Item = TypeVar("Item")
Outcome = TypeVar("Outcome")

#: a round's work: one outcome per item, in order; an exception in the list is raised to that item's caller
RoundWork = Callable[[list[Item]], Awaitable[Sequence["Outcome | BaseException"]]]


class Batcher(Generic[Item, Outcome]):
    """Runs ``work`` on the items submitted, as few rounds as possible, one round at a time."""

    def __init__(self, work: RoundWork, limit: int = 500) -> None:
        self._work = work
        self._limit = limit
        self._waiting: list[tuple[Item, asyncio.Future]] = []
        self._runner: asyncio.Task | None = None

    async def submit(self, item: Item) -> Outcome:
        loop = asyncio.get_running_loop()
        if self._runner is not None and self._runner.get_loop() is not loop:
            # an event loop that ended mid-round (a test's loop, a restarted server) left its state behind
            self._runner, self._waiting = None, [w for w in self._waiting if w[1].get_loop() is loop]
        future = loop.create_future()
        self._waiting.append((item, future))
        if self._runner is None:
            # a task of its own, so a caller that goes away (a dropped connection) does not stop the
            # round that carries the others' items
            self._runner = loop.create_task(self._run())
        return await future

    async def _run(self) -> None:
        try:
            while self._waiting:
                batch, self._waiting = self._waiting[:self._limit], self._waiting[self._limit:]
                try:
                    outcomes = list(await self._work([item for item, _ in batch]))
                    if len(outcomes) != len(batch):
                        raise RuntimeError(f"a round gave {len(outcomes)} outcomes for {len(batch)} items")
                except Exception as exc:  # every caller in the round hears of the failure
                    outcomes = [exc] * len(batch)
                for (_, future), outcome in zip(batch, outcomes):
                    if future.done():  # its caller went away
                        continue
                    if isinstance(outcome, BaseException):
                        future.set_exception(outcome)
                    else:
                        future.set_result(outcome)
        finally:
            self._runner = None
