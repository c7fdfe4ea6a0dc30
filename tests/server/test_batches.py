"""server/batches.py: items that arrive while a round runs share the next round; each caller gets
its own outcome; a failed round fails only its own callers; a caller going away stops nobody."""

from __future__ import annotations

import asyncio

import pytest

from server.batches import Batcher


class Recording:
    def __init__(self, delay: float = 0.01) -> None:
        self.rounds: list[list[int]] = []
        self.delay = delay

    async def work(self, items: list[int]) -> list:
        self.rounds.append(list(items))
        await asyncio.sleep(self.delay)
        return [ValueError(f"odd {i}") if i % 2 else i * 10 for i in items]


async def test_a_lone_item_goes_at_once_and_later_arrivals_share_the_next_round():
    recording = Recording()
    batcher = Batcher(recording.work)
    first = asyncio.create_task(batcher.submit(0))
    await asyncio.sleep(0)  # the first round has started with the one item
    rest = [asyncio.create_task(batcher.submit(i)) for i in (2, 4, 6, 8)]
    assert await first == 0
    assert [await task for task in rest] == [20, 40, 60, 80]
    assert recording.rounds == [[0], [2, 4, 6, 8]]


async def test_each_caller_gets_its_own_outcome_or_exception():
    batcher = Batcher(Recording().work)
    results = await asyncio.gather(*(batcher.submit(i) for i in range(4)), return_exceptions=True)
    assert results[0] == 0 and results[2] == 20
    assert isinstance(results[1], ValueError) and str(results[1]) == "odd 1"
    assert isinstance(results[3], ValueError) and str(results[3]) == "odd 3"


async def test_a_round_that_fails_fails_its_callers_and_the_next_round_still_runs():
    calls = []

    async def work(items):
        calls.append(items)
        await asyncio.sleep(0.01)
        if len(calls) == 1:
            raise RuntimeError("the database went away")
        return items

    batcher = Batcher(work)
    first = asyncio.create_task(batcher.submit("a"))
    await asyncio.sleep(0)
    second = asyncio.create_task(batcher.submit("b"))
    with pytest.raises(RuntimeError, match="went away"):
        await first
    assert await second == "b"


async def test_a_round_giving_the_wrong_number_of_outcomes_is_an_error_not_a_mixup():
    async def work(items):
        return items[:1]

    batcher = Batcher(work)
    results = await asyncio.gather(batcher.submit(1), batcher.submit(2), return_exceptions=True)
    assert all(isinstance(r, RuntimeError) for r in results)


async def test_a_caller_who_goes_away_does_not_stop_the_round_for_the_others():
    recording = Recording(delay=0.05)
    batcher = Batcher(recording.work)
    leaving = asyncio.create_task(batcher.submit(0))
    staying = asyncio.create_task(batcher.submit(2))
    await asyncio.sleep(0.01)
    leaving.cancel()
    assert await staying == 20
    assert recording.rounds == [[0, 2]]


async def test_the_limit_splits_a_crowd_into_several_rounds():
    recording = Recording()
    batcher = Batcher(recording.work, limit=3)
    await asyncio.gather(*(batcher.submit(i * 2) for i in range(7)))
    assert [len(r) for r in recording.rounds] == [3, 3, 1]
