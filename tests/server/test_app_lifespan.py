"""Starting the app (each server worker's lifespan) freezes what start-up loaded, so the cyclic garbage
collector stops walking modules, mappers and templates: under the load benchmark each full collection
had taken 80 ms, and those pauses were the tail of the votes' latency."""

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
