"""PutLiveChannel / GetLiveChannelInfo / PutLiveChannelStatus / DeleteLiveChannel
through oss2 (spec §1.1, §1.3-§1.5, §7.1-§7.6)."""

import pytest
from oss2 import exceptions as exc

from conformance_helpers import (
    AUTH_MODES,
    channel_info,
    expect_error,
    expected_urls,
    is_2xx,
    make_bucket,
)

CH = "test-channel"


def assert_config(got, status, description, frag_duration, frag_count, playlist):
    # oss2 hands FragDuration/FragCount back as the raw strings of the XML.
    assert (got.status, got.description) == (status, description)
    assert (got.target.type, got.target.frag_duration, got.target.frag_count, got.target.playlist_name) == (
        "HLS", str(frag_duration), str(frag_count), playlist)


@pytest.mark.parametrize("mode", AUTH_MODES)
def test_create_with_defaults_then_get(emu, addressing, bucket_name, mode):
    bucket = make_bucket(addressing.endpoint, bucket_name, mode)
    created = bucket.create_live_channel(CH, channel_info())
    # The result class inherits LiveChannelInfo, whose .status shadows the HTTP status.
    assert created.resp.status == 200 and created.request_id
    assert (created.publish_url, created.play_url) == expected_urls(
        addressing.host, bucket_name, CH, "playlist.m3u8", addressing.virtual)

    got = bucket.get_live_channel(CH)
    assert got.resp.status == 200 and got.request_id
    # oss2 sends an empty <PlaylistName/>; §2 says the server then uses the default.
    assert_config(got, "enabled", "", 5, 3, "playlist.m3u8")


@pytest.mark.parametrize("mode", AUTH_MODES)
def test_create_with_full_custom_config_then_get(emu, addressing, bucket_name, mode):
    bucket = make_bucket(addressing.endpoint, bucket_name, mode)
    info = channel_info("disabled", "custom channel", 100, 99, "myplay.m3u8")
    created = bucket.create_live_channel(CH, info)
    assert (created.publish_url, created.play_url) == expected_urls(
        addressing.host, bucket_name, CH, "myplay.m3u8", addressing.virtual)
    assert_config(bucket.get_live_channel(CH), "disabled", "custom channel", 100, 99, "myplay.m3u8")


def test_localhost_endpoint_is_path_style(emu, bucket_name):
    # oss2 treats "localhost" like an IP (path style); the emulator must too.
    host = f"localhost:{emu.port}"
    bucket = make_bucket(f"http://{host}", bucket_name)
    created = bucket.create_live_channel(CH, channel_info())
    assert (created.publish_url, created.play_url) == expected_urls(host, bucket_name, CH, "playlist.m3u8", False)


def test_request_ids_are_present_and_distinct(bucket_for):
    bucket = bucket_for()
    ids = [bucket.create_live_channel(CH, channel_info()).request_id,
           bucket.get_live_channel(CH).request_id,
           bucket.get_live_channel(CH).request_id]
    assert all(ids) and len(set(ids)) == 3, ids


@pytest.mark.parametrize("mode", AUTH_MODES)
def test_description_with_xml_special_characters_round_trips(bucket_for, mode):
    # oss2 escapes only & < >; quotes go out raw (§6).
    bucket = bucket_for(mode)
    description = 'desc & <test> "quoted" \'single\''
    bucket.create_live_channel(CH, channel_info(description=description))
    assert bucket.get_live_channel(CH).description == description


@pytest.mark.parametrize("mode", AUTH_MODES)
@pytest.mark.parametrize("name", ["chan one", "chan+plus", "kanal-\u00fc-\u65e5\u672c", "a=b&c"])
def test_channel_names_needing_percent_encoding(bucket_for, mode, name):
    # The wire path is percent-encoded while the signed resource is raw (§3, §7.13).
    bucket = bucket_for(mode)
    bucket.create_live_channel(name, channel_info(description="odd name"))
    assert bucket.get_live_channel(name).description == "odd name"
    assert bucket.get_live_channel_stat(name).status == "Idle"
    assert bucket.get_live_channel_history(name).records == []
    assert [c.name for c in bucket.list_live_channel().channels] == [name]
    assert bucket.delete_live_channel(name).status == 204


@pytest.mark.parametrize("mode", AUTH_MODES)
def test_overwrite_idle_channel(bucket_for, mode):
    # §1.1: an idle channel can be re-created with PutLiveChannel.
    bucket = bucket_for(mode)
    bucket.create_live_channel(CH, channel_info())
    bucket.create_live_channel(CH, channel_info("disabled", "second", 10, 20, "other.m3u8"))
    assert_config(bucket.get_live_channel(CH), "disabled", "second", 10, 20, "other.m3u8")


@pytest.mark.parametrize("mode", AUTH_MODES)
def test_status_disabled_enabled_disabled(bucket_for, mode):
    bucket = bucket_for(mode)
    bucket.create_live_channel(CH, channel_info())
    for status in ["disabled", "enabled", "disabled"]:
        assert bucket.put_live_channel_status(CH, status).status == 200
        assert bucket.get_live_channel(CH).status == status


@pytest.mark.parametrize("mode", AUTH_MODES)
def test_random_status_value_is_rejected(bucket_for, mode):
    bucket = bucket_for(mode)
    bucket.create_live_channel(CH, channel_info())
    expect_error(lambda: bucket.put_live_channel_status(CH, "qwertyuio"), 400, "InvalidArgument")
    assert bucket.get_live_channel(CH).status == "enabled"


@pytest.mark.parametrize("mode", AUTH_MODES)
def test_delete_then_delete_again(bucket_for, mode):
    bucket = bucket_for(mode)
    bucket.create_live_channel(CH, channel_info())
    assert bucket.delete_live_channel(CH).status == 204
    expect_error(lambda: bucket.delete_live_channel(CH), 404, "NoSuchLiveChannel")
    expect_error(lambda: bucket.get_live_channel(CH), 404, "NoSuchLiveChannel")


@pytest.mark.parametrize("mode", AUTH_MODES)
def test_operations_on_missing_channel(bucket_for, mode):
    bucket = bucket_for(mode)
    for call in (bucket.get_live_channel, bucket.get_live_channel_stat, bucket.get_live_channel_history):
        e = expect_error(lambda: call("no-such-channel"), 404, "NoSuchLiveChannel")
        assert isinstance(e, exc.NoSuchLiveChannel)


@pytest.mark.parametrize("mode", AUTH_MODES)
def test_live_channel_cannot_be_deleted_or_overwritten_but_can_be_disabled(emu, bucket_name, bucket_for, mode):
    bucket = bucket_for(mode)
    bucket.create_live_channel(CH, channel_info())
    assert is_2xx(emu.publish(bucket_name, CH, "10.1.2.3:47745"))
    assert bucket.get_live_channel_stat(CH).status == "Live"

    # §1.1/§1.3: a Live channel cannot be updated or deleted (EC 0044-00000201).
    e = expect_error(lambda: bucket.delete_live_channel(CH), 409, "ChannelStillLive", ec="0044-00000201")
    assert isinstance(e, exc.ChannelStillLive)
    expect_error(lambda: bucket.create_live_channel(CH, channel_info(description="new")),
                 409, "ChannelStillLive", ec="0044-00000201")
    assert bucket.get_live_channel(CH).description == ""

    # §1.4: while Live the one allowed change is to disabled, which ends the push.
    assert bucket.put_live_channel_status(CH, "disabled").status == 200
    assert bucket.get_live_channel_stat(CH).status == "Disabled"
    assert bucket.get_live_channel(CH).status == "disabled"
    assert bucket.delete_live_channel(CH).status == 204
