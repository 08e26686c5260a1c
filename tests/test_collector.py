"""The collector settings a signing batch uses are its own: the process gets its own back."""
import gc
import threading

from portal.core.collector import BATCH_THRESHOLDS, batch_collection


def test_batch_settings_last_only_as_long_as_the_batches():
    before, frozen_before = gc.get_threshold(), gc.get_freeze_count()
    entered, release = threading.Event(), threading.Event()

    def other_batch():
        with batch_collection():
            entered.set()
            release.wait(5)

    with batch_collection():
        assert gc.get_threshold() == BATCH_THRESHOLDS
        if frozen_before == 0:  # what was alive before the batch is not scanned
            assert gc.get_freeze_count() > 0
        thread = threading.Thread(target=other_batch)
        thread.start()
        entered.wait(5)
    # The first batch ended while the second still runs: the settings stay for it.
    assert gc.get_threshold() == BATCH_THRESHOLDS
    release.set()
    thread.join(5)
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == frozen_before


def test_cycles_made_during_a_batch_are_still_collected():
    class Node:
        pass

    with batch_collection():
        node = Node()
        node.self = node
        del node
        assert gc.collect() >= 1
