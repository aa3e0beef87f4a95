"""GetLiveChannelStat / GetLiveChannelHistory through oss2, with pushes
simulated by the emulator's admin endpoint (spec §1.6, §1.7, §7.7)."""

import time

import pytest

from conformance_helpers import AUTH_MODES, channel_info, is_2xx

CH = "stat-channel"
MEDIA = dict(width=1280, height=536, frame_rate=24, video_bandwidth=123456, video_codec="H264",
             audio_bandwidth=4321, sample_rate=44100, audio_codec="AAC")


def assert_not_live(stat, status):
    # ConnectedTime, RemoteAddr, Video and Audio appear only when Live (§1.6).
    assert (stat.status, stat.remote_addr, stat.connected_time, stat.video, stat.audio) == (
        status, "", "", None, None)


@pytest.mark.parametrize("mode", AUTH_MODES)
def test_fresh_channel_is_idle(bucket_for, mode):
    bucket = bucket_for(mode)
    bucket.create_live_channel(CH, channel_info())
    stat = bucket.get_live_channel_stat(CH)
    assert stat.request_id
    assert_not_live(stat, "Idle")


@pytest.mark.parametrize("mode", AUTH_MODES)
def test_disabled_channel_stat(bucket_for, mode):
    bucket = bucket_for(mode)
    bucket.create_live_channel(CH, channel_info(status="disabled"))
    assert_not_live(bucket.get_live_channel_stat(CH), "Disabled")
    bucket.put_live_channel_status(CH, "enabled")
    assert_not_live(bucket.get_live_channel_stat(CH), "Idle")


@pytest.mark.parametrize("mode", AUTH_MODES)
def test_never_pushed_channel_has_empty_history(bucket_for, mode):
    bucket = bucket_for(mode)
    bucket.create_live_channel(CH, channel_info())
    history = bucket.get_live_channel_history(CH)
    assert history.status == 200 and history.records == []


@pytest.mark.parametrize("mode", AUTH_MODES)
def test_push_shows_live_then_leaves_one_history_record(emu, bucket_name, bucket_for, mode):
    bucket = bucket_for(mode)
    bucket.create_live_channel(CH, channel_info())
    before = int(time.time())
    assert is_2xx(emu.publish(bucket_name, CH, "10.1.2.3:47745", **MEDIA))

    stat = bucket.get_live_channel_stat(CH)
    assert (stat.status, stat.remote_addr) == ("Live", "10.1.2.3:47745")
    # oss2 only parses times ending exactly in ".000Z" (§6), so this also checks the format.
    assert before - 2 <= stat.connected_time <= time.time() + 2
    video, audio = stat.video, stat.audio
    assert (video.width, video.height, video.frame_rate, video.bandwidth, video.codec) == (
        1280, 536, 24, 123456, "H264")
    assert (audio.bandwidth, audio.sample_rate, audio.codec) == (4321, 44100, "AAC")

    assert is_2xx(emu.unpublish(bucket_name, CH))
    assert_not_live(bucket.get_live_channel_stat(CH), "Idle")

    (record,) = bucket.get_live_channel_history(CH).records
    assert record.remote_addr == "10.1.2.3:47745"
    assert abs(record.start_time - stat.connected_time) <= 1
    assert record.start_time <= record.end_time <= time.time() + 2


def test_history_keeps_only_the_ten_most_recent_pushes(emu, bucket_name, bucket_for):
    bucket = bucket_for()
    bucket.create_live_channel(CH, channel_info())
    remotes = [f"10.0.0.{i}:{1935 + i}" for i in range(12)]
    for remote in remotes:
        assert is_2xx(emu.publish(bucket_name, CH, remote))
        assert is_2xx(emu.unpublish(bucket_name, CH))
    records = bucket.get_live_channel_history(CH).records
    assert sorted(r.remote_addr for r in records) == sorted(remotes[2:])


def test_publish_admin_conflicts(emu, bucket_name, bucket_for):
    # The admin publish shares the RTMP listener's rules: one pusher, enabled channels only.
    bucket = bucket_for()
    bucket.create_live_channel(CH, channel_info())
    bucket.create_live_channel("off", channel_info(status="disabled"))
    assert emu.publish(bucket_name, "missing", "10.0.0.1:1") == 404
    assert emu.publish(bucket_name, "off", "10.0.0.1:1") == 409
    assert is_2xx(emu.publish(bucket_name, CH, "10.0.0.1:1"))
    assert emu.publish(bucket_name, CH, "10.0.0.2:2") == 409
    assert bucket.get_live_channel_stat(CH).remote_addr == "10.0.0.1:1"
