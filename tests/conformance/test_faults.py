"""Injected faults as oss2 experiences them. Each test gets its own emulator
because the fault queue is global.

oss2's Bucket does not retry: api._Base._do sends once and raises on any
non-2xx, and its requests adapter keeps the default max_retries=0. Only the
list iterators retry (iterators._BaseIterator.fetch_with_retry, 5xx only,
defaults.request_retries = 3 attempts)."""

import oss2
import pytest
from oss2 import exceptions as exc

from conformance_helpers import channel_info, make_bucket

CH = "fault-channel"


@pytest.fixture
def setup(fresh_emu, bucket_name):
    bucket = make_bucket(fresh_emu.endpoint, bucket_name)
    bucket.create_live_channel(CH, channel_info())
    return fresh_emu, bucket


@pytest.mark.parametrize("mode", ["v1", "v4"])
def test_503_is_raised_once_then_the_next_call_succeeds(setup, bucket_name, mode):
    emu, _ = setup
    bucket = make_bucket(emu.endpoint, bucket_name, mode)
    emu.queue_fault("status:503", 1)
    with pytest.raises(exc.ServerError) as info:
        bucket.get_live_channel(CH)
    assert info.value.status == 503
    assert info.value.request_id
    # Had oss2 retried, the single queued fault would have been absorbed above.
    assert bucket.get_live_channel(CH).status == "enabled"


def test_fault_count_applies_to_that_many_requests(setup):
    emu, bucket = setup
    emu.queue_fault("status:503", 2)
    for _ in range(2):
        with pytest.raises(exc.ServerError) as info:
            bucket.get_live_channel_stat(CH)
        assert info.value.status == 503
    assert bucket.get_live_channel_stat(CH).status == "Idle"


def test_iterator_retries_a_5xx(setup):
    emu, bucket = setup
    emu.queue_fault("status:503", 2)
    assert [c.name for c in oss2.LiveChannelIterator(bucket)] == [CH]


def test_non_xml_error_is_a_502(setup):
    emu, bucket = setup
    emu.queue_fault("non-xml-error", 1)
    with pytest.raises(exc.ServerError) as info:
        bucket.get_live_channel(CH)
    assert info.value.status == 502
    assert bucket.get_live_channel(CH).status == "enabled"


def test_cleared_faults_do_not_fire(setup):
    emu, bucket = setup
    emu.queue_fault("status:503", 5)
    emu.clear_faults()
    assert bucket.get_live_channel(CH).status == "enabled"


def test_stall_trips_the_client_timeout(setup, bucket_name):
    emu, _ = setup
    impatient = make_bucket(emu.endpoint, bucket_name, connect_timeout=0.5)
    emu.queue_fault("stall:3000", 1)
    with pytest.raises(exc.RequestError):
        impatient.get_live_channel(CH)
    assert impatient.get_live_channel(CH).status == "enabled"


@pytest.mark.parametrize("fault", ["drop", "reset"])
def test_dropped_connection_is_a_request_error(setup, fault):
    emu, bucket = setup
    emu.queue_fault(fault, 1)
    with pytest.raises(exc.RequestError):
        bucket.get_live_channel(CH)
    assert bucket.get_live_channel(CH).status == "enabled"
