"""ListLiveChannel through oss2 (spec §1.2, §7.9)."""

import random
import time

import oss2
import pytest

from conformance_helpers import (
    AUTH_MODES,
    channel_info,
    expect_error,
    expected_urls,
    make_bucket,
)

LIST_BUCKET = "conf-list-two-hundred"
NAMES = [f"ch-{i:03d}" for i in range(200)]


@pytest.fixture(scope="module")
def listed(emu):
    """200 channels in one bucket, created in shuffled order so that only a
    sorted listing can pass. Read-only for every test that uses it."""
    bucket = make_bucket(emu.endpoint, LIST_BUCKET)
    order = NAMES[:]
    random.Random(20160825).shuffle(order)
    before = int(time.time())
    for name in order:
        bucket.create_live_channel(name, channel_info(description=f"desc {name}"))
    return before


def list_bucket(emu, mode):
    return make_bucket(emu.endpoint, LIST_BUCKET, mode)


@pytest.mark.parametrize("mode", AUTH_MODES)
def test_default_page_is_100_and_truncated(emu, listed, mode):
    result = list_bucket(emu, mode).list_live_channel()
    assert (result.prefix, result.marker, result.max_keys) == ("", "", 100)
    assert result.is_truncated is True
    assert result.next_marker == NAMES[99]
    assert [c.name for c in result.channels] == NAMES[:100]
    first = result.channels[0]
    assert (first.description, first.status) == ("desc ch-000", "enabled")
    assert listed - 2 <= first.last_modified <= time.time() + 2
    assert (first.publish_url, first.play_url) == expected_urls(
        emu.host, LIST_BUCKET, "ch-000", "playlist.m3u8", False)


@pytest.mark.parametrize("mode", AUTH_MODES)
def test_unknown_prefix_gives_nothing(emu, listed, mode):
    result = list_bucket(emu, mode).list_live_channel(prefix="zz-no-such-prefix")
    assert (result.prefix, result.max_keys, result.is_truncated, result.channels) == (
        "zz-no-such-prefix", 100, False, [])


@pytest.mark.parametrize("mode", AUTH_MODES)
def test_prefix_and_exclusive_marker(emu, listed, mode):
    result = list_bucket(emu, mode).list_live_channel(prefix="ch-", marker=NAMES[100])
    assert (result.prefix, result.marker, result.is_truncated) == ("ch-", NAMES[100], False)
    assert [c.name for c in result.channels] == NAMES[101:]


@pytest.mark.parametrize("mode", AUTH_MODES)
def test_prefix_filters(emu, listed, mode):
    result = list_bucket(emu, mode).list_live_channel(prefix="ch-1")
    assert [c.name for c in result.channels] == NAMES[100:200]


@pytest.mark.parametrize("mode", AUTH_MODES)
def test_max_keys_1000_returns_all(emu, listed, mode):
    result = list_bucket(emu, mode).list_live_channel(max_keys=1000)
    assert (result.max_keys, result.is_truncated) == (1000, False)
    assert [c.name for c in result.channels] == NAMES


@pytest.mark.parametrize("mode", AUTH_MODES)
@pytest.mark.parametrize("max_keys", [-1, 0, 1001, "abc"])
def test_out_of_range_max_keys(emu, listed, mode, max_keys):
    # §1.2: 0 < max-keys <= 1000.
    bucket = list_bucket(emu, mode)
    expect_error(lambda: bucket.list_live_channel(max_keys=max_keys), 400, "InvalidArgument")


@pytest.mark.parametrize("mode", AUTH_MODES)
def test_empty_bucket(bucket_for, mode):
    result = bucket_for(mode).list_live_channel()
    assert (result.prefix, result.marker, result.max_keys, result.is_truncated, result.channels) == (
        "", "", 100, False, [])


@pytest.mark.parametrize("mode", AUTH_MODES)
def test_iterator_walks_every_page(emu, listed, mode):
    names = [c.name for c in oss2.LiveChannelIterator(list_bucket(emu, mode), max_keys=30)]
    assert names == NAMES


def test_order_is_bytewise(bucket_for):
    # Upper case sorts before lower case and '-' < '.' < '1' < '_' in byte order.
    bucket = bucket_for()
    names = ["b", "B", "a_1", "a1", "a.1", "a-1", "\u00e9t\u00e9", "z"]
    for name in names:
        bucket.create_live_channel(name, channel_info())
    listed_names = [c.name for c in bucket.list_live_channel().channels]
    assert listed_names == sorted(names, key=lambda s: s.encode())


@pytest.mark.parametrize("field", ["prefix", "marker"])
def test_prefix_and_marker_length_limit_counts_bytes(bucket_for, field):
    # §1.2: each at most 1024 bytes of UTF-8.
    bucket = bucket_for()
    bucket.list_live_channel(**{field: "\u00e9" * 512})
    bucket.list_live_channel(**{field: "a" * 1024})
    expect_error(lambda: bucket.list_live_channel(**{field: "\u00e9" * 513}), 400, "InvalidArgument")
    expect_error(lambda: bucket.list_live_channel(**{field: "a" * 1025}), 400, "InvalidArgument")


def test_list_urls_in_virtual_hosted_style(emu, fake_dns, bucket_name):
    host = f"oss-test.example:{emu.port}"
    bucket = make_bucket(f"http://{host}", bucket_name)
    bucket.create_live_channel("vh", channel_info(playlist_name="vh.m3u8"))
    (entry,) = bucket.list_live_channel().channels
    assert (entry.publish_url, entry.play_url) == expected_urls(host, bucket_name, "vh", "vh.m3u8", True)
