"""PostVodPlaylist / GetVodPlaylist through oss2 (spec §1.8, §1.9, §7.8).
Fragments are seeded through the admin endpoint as an ingest would write them."""

import time

import pytest
from oss2 import exceptions as exc

from conformance_helpers import AUTH_MODES, channel_info, expect_error, make_bucket, parse_m3u8

CH = "vod-channel"
# A whole second two hours ago: fragments start at T0, T0+5, ..., T0+45.
T0 = int(time.time()) // 60 * 60 - 7200
FRAGMENTS = 10
FRAG_SECONDS = 5


def seeded_bucket(emu, bucket_name, bucket):
    bucket.create_live_channel(CH, channel_info())
    emu.seed_fragments(bucket_name, CH, T0 * 1000, FRAG_SECONDS, FRAGMENTS)
    return bucket


@pytest.mark.parametrize("mode", AUTH_MODES)
def test_no_fragments_in_range(bucket_for, mode):
    bucket = bucket_for(mode)
    bucket.create_live_channel(CH, channel_info())
    now = int(time.time())
    expect_error(lambda: bucket.post_vod_playlist(CH, "vod.m3u8", now - 3600, now), 400, "InvalidArgument")
    e = expect_error(lambda: bucket.get_vod_playlist(CH, now - 3600, now), 400, "InvalidArgument",
                     ec="0044-00000308")
    assert isinstance(e, exc.InvalidArgument)


@pytest.mark.parametrize("mode", AUTH_MODES)
def test_get_vod_playlist_selects_fragments_by_start_time(emu, bucket_name, bucket_for, mode):
    bucket = seeded_bucket(emu, bucket_name, bucket_for(mode))

    full = bucket.get_vod_playlist(CH, T0, T0 + 45)
    assert full.status == 200 and full.request_id
    assert full.headers.get("content-type", "").lower().startswith("application/x-mpegurl")
    all_segments = parse_m3u8(full.playlist)
    assert len(all_segments) == FRAGMENTS
    assert {duration for duration, _ in all_segments} == {float(FRAG_SECONDS)}
    assert len({name for _, name in all_segments}) == FRAGMENTS

    # [S, E] is inclusive at both ends: starts T0+10 ... T0+30 are five fragments.
    middle = parse_m3u8(bucket.get_vod_playlist(CH, T0 + 10, T0 + 30).playlist)
    assert middle == all_segments[2:7]
    last = parse_m3u8(bucket.get_vod_playlist(CH, T0 + 45, T0 + 46).playlist)
    assert last == all_segments[9:]
    # A fragment that started before S is out, even though it is still playing at S.
    assert parse_m3u8(bucket.get_vod_playlist(CH, T0 + 1, T0 + 9).playlist) == all_segments[1:2]
    expect_error(lambda: bucket.get_vod_playlist(CH, T0 + 46, T0 + 100), 400, "InvalidArgument")


@pytest.mark.parametrize("mode", AUTH_MODES)
def test_post_vod_playlist_succeeds_with_fragments(emu, bucket_name, bucket_for, mode):
    bucket = seeded_bucket(emu, bucket_name, bucket_for(mode))
    # oss2 sends the key as CHANNEL%2FPLAYLIST and signs it with a raw '/' (§1.8).
    result = bucket.post_vod_playlist(CH, "vod.m3u8", T0, T0 + 45)
    assert result.status == 200 and result.request_id


@pytest.mark.parametrize("mode", AUTH_MODES)
def test_bad_time_ranges(emu, bucket_name, bucket_for, mode):
    bucket = seeded_bucket(emu, bucket_name, bucket_for(mode))
    cases = [
        ((T0 + 10, T0 + 10), None),             # E must be greater than S
        ((T0 + 30, T0 + 10), "0044-00000306"),  # start after end
        ((T0, T0 + 86401), "0044-00000307"),    # span over one day
    ]
    for (start, end), ec in cases:
        expect_error(lambda: bucket.get_vod_playlist(CH, start, end), 400, "InvalidArgument", ec=ec)
        expect_error(lambda: bucket.post_vod_playlist(CH, "vod.m3u8", start, end), 400, "InvalidArgument")
    # Exactly one day is still allowed.
    assert len(parse_m3u8(bucket.get_vod_playlist(CH, T0, T0 + 86400).playlist)) == FRAGMENTS
    assert bucket.post_vod_playlist(CH, "vod.m3u8", T0, T0 + 86400).status == 200


def test_post_vod_playlist_name_must_end_in_m3u8(emu, bucket_name, bucket_for):
    bucket = seeded_bucket(emu, bucket_name, bucket_for())
    expect_error(lambda: bucket.post_vod_playlist(CH, "vod.txt", T0, T0 + 45), 400, "InvalidArgument")


def test_posted_playlist_is_readable_as_an_object(emu, bucket_name, bucket_for):
    bucket = seeded_bucket(emu, bucket_name, bucket_for())
    bucket.post_vod_playlist(CH, "vod.m3u8", T0 + 10, T0 + 30)
    expected = bucket.get_vod_playlist(CH, T0 + 10, T0 + 30).playlist
    # The emulator serves the objects a channel writes: an error here (a ServerError from
    # get_object) is a failure of this test, like a body that differs.
    body = bucket.get_object(f"{CH}/vod.m3u8").read().decode()
    assert body == expected


@pytest.mark.parametrize("mode", AUTH_MODES)
def test_post_vod_playlist_on_a_name_needing_escapes(emu, addressing, bucket_name, mode):
    # Key "CHANNEL/PLAYLIST" goes out as one escaped segment (%2F, %20, %2B ...) while
    # V1 signs it raw and V4 signs it with '/' kept (§1.8, §5), in either addressing style.
    channel = "odd chan+\u00fc"
    bucket = make_bucket(addressing.endpoint, bucket_name, mode)
    bucket.create_live_channel(channel, channel_info())
    emu.seed_fragments(bucket_name, channel, T0 * 1000, FRAG_SECONDS, 3)
    assert bucket.post_vod_playlist(channel, "my vod.m3u8", T0, T0 + 10).status == 200
    assert len(parse_m3u8(bucket.get_vod_playlist(channel, T0, T0 + 10).playlist)) == 3
