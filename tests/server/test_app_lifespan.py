"""Starting the app (each server worker's lifespan) freezes what start-up loaded, so the cyclic garbage
collector stops walking modules, mappers and templates: under the load benchmark those collections'
pauses were the tail of the votes' latency (p99 181-209 ms in the runs before, 61-70 ms after)."""

from __future__ import annotations

import gc


async def test_starting_the_app_freezes_what_start_up_loaded(app):
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    try:
        async with app.router.lifespan_context(app):
            assert gc.get_freeze_count() > 1000
    finally:
        gc.unfreeze()  # the test run's own objects stay collectable
