"""PutLiveChannel validation (spec §1.1, §1.10, §2). No SDK checks these
fields, so the server is the only guard: every bad value must come back as an
OSS error with the right status, Code and EC, and every edge value must pass."""

import pytest
from oss2.exceptions import ServerError

from conformance_helpers import (
    AUTH_MODES,
    channel_info,
    check_error_envelope,
    describe,
    expect_error,
    put_channel_raw,
)

CH = "valid-channel"
E = "\u00e9"  # two bytes in UTF-8

# (id, channel_info kwargs, EC named by spec §1.10 or None when no source names one)
REJECTED = [
    ("description-129-bytes-multibyte", dict(description=E * 64 + "a"), "0044-00000001"),
    ("description-129-bytes-ascii", dict(description="a" * 129), "0044-00000001"),
    ("status-paused", dict(status="paused"), "0044-00000002"),
    ("status-capitalised", dict(status="Enabled"), "0044-00000002"),
    ("type-not-hls", dict(type="RTMP"), "0044-00000013"),
    ("frag-duration-0", dict(frag_duration=0), "0044-00000014"),
    ("frag-duration-101", dict(frag_duration=101), "0044-00000014"),
    ("frag-duration-not-int", dict(frag_duration="five"), "0044-00000014"),
    ("frag-count-0", dict(frag_count=0), "0044-00000015"),
    ("frag-count-101", dict(frag_count=101), "0044-00000015"),
    ("playlist-without-m3u8", dict(playlist_name="playlist.m3u"), "0044-00000018"),
    ("playlist-5-chars", dict(playlist_name=".m3u8"), None),
    ("playlist-129-chars", dict(playlist_name="a" * 124 + ".m3u8"), None),
    ("playlist-with-slash", dict(playlist_name="dir/a.m3u8"), None),
]

ACCEPTED = [
    ("description-128-bytes-multibyte", dict(description=E * 64)),
    ("description-128-bytes-ascii", dict(description="a" * 128)),
    ("frag-duration-1-count-1", dict(frag_duration=1, frag_count=1)),
    ("frag-duration-100-count-100", dict(frag_duration=100, frag_count=100)),
    ("playlist-6-chars", dict(playlist_name="a.m3u8")),
    ("playlist-128-chars", dict(playlist_name="a" * 123 + ".m3u8")),
]


@pytest.mark.parametrize("kwargs,ec", [r[1:] for r in REJECTED], ids=[r[0] for r in REJECTED])
def test_invalid_config_is_rejected(bucket_for, kwargs, ec):
    bucket = bucket_for()
    expect_error(lambda: bucket.create_live_channel(CH, channel_info(**kwargs)), 400, "InvalidArgument", ec=ec)
    # Nothing half-created.
    expect_error(lambda: bucket.get_live_channel(CH), 404, "NoSuchLiveChannel")


@pytest.mark.parametrize("kwargs", [r[1] for r in ACCEPTED], ids=[r[0] for r in ACCEPTED])
def test_edge_config_is_accepted(bucket_for, kwargs):
    bucket = bucket_for()
    bucket.create_live_channel(CH, channel_info(**kwargs))
    got = bucket.get_live_channel(CH)
    for key, value in kwargs.items():
        actual = got.description if key == "description" else getattr(got.target, key)
        assert actual == str(value), key


@pytest.mark.parametrize("mode", AUTH_MODES)
def test_validation_is_the_same_in_every_auth_mode(bucket_for, mode):
    bucket = bucket_for(mode)
    expect_error(lambda: bucket.create_live_channel(CH, channel_info(frag_count=101)),
                 400, "InvalidArgument", ec="0044-00000015")


def config_xml(snapshots="", target="<Target><Type>HLS</Type><FragDuration>5</FragDuration>"
               "<FragCount>3</FragCount><PlaylistName>p.m3u8</PlaylistName></Target>"):
    return f"<LiveChannelConfiguration><Description/><Status>enabled</Status>{target}{snapshots}" \
           "</LiveChannelConfiguration>".encode()


def snapshot(interval="10", role="AliyunMTSDefaultRole", dest="snapshot-bucket", topic="snapshot-topic"):
    return (f"<Snapshot><RoleName>{role}</RoleName><DestBucket>{dest}</DestBucket>"
            f"<NotifyTopic>{topic}</NotifyTopic><Interval>{interval}</Interval></Snapshot>")


# oss2 cannot send Snapshot, so these bodies go through its signing path raw.
SNAPSHOT_REJECTED = [
    ("interval-0", snapshot(interval="0"), "0044-00000005"),
    ("interval-101", snapshot(interval="101"), "0044-00000005"),
    ("empty-notify-topic", snapshot(topic=""), "0044-00000006"),
    ("empty-role-name", snapshot(role=""), "0044-00000007"),
    ("bad-dest-bucket", snapshot(dest="Bad_Bucket"), "0044-00000008"),
    ("two-snapshots", snapshot() + snapshot(), "0044-00000003"),
]


@pytest.mark.parametrize("body,ec", [r[1:] for r in SNAPSHOT_REJECTED], ids=[r[0] for r in SNAPSHOT_REJECTED])
def test_invalid_snapshot_is_rejected(bucket_for, body, ec):
    bucket = bucket_for()
    expect_error(lambda: put_channel_raw(bucket, CH, config_xml(body)), 400, "InvalidArgument", ec=ec)


@pytest.mark.parametrize("interval", ["1", "100"])
def test_valid_snapshot_is_accepted(bucket_for, interval):
    bucket = bucket_for()
    assert put_channel_raw(bucket, CH, config_xml(snapshot(interval=interval))).status == 200
    assert bucket.get_live_channel(CH).target.playlist_name == "p.m3u8"


MALFORMED = [
    ("truncated", b"<LiveChannelConfiguration><Target><Type>HLS</Type>"),
    ("not-xml", b"this is not xml"),
    ("mismatched-tags", b"<LiveChannelConfiguration><Target></Status></LiveChannelConfiguration>"),
    ("empty-body", b""),
]


@pytest.mark.parametrize("body", [r[1] for r in MALFORMED], ids=[r[0] for r in MALFORMED])
def test_malformed_xml(bucket_for, body):
    bucket = bucket_for()
    expect_error(lambda: put_channel_raw(bucket, CH, body), 400, "MalformedXML")


def test_missing_target_is_a_client_error(bucket_for):
    # Target is required (§1.1); no source names the Code, so accept either 400 family member.
    bucket = bucket_for()
    with pytest.raises(ServerError) as info:
        put_channel_raw(bucket, CH, b"<LiveChannelConfiguration><Status>enabled</Status></LiveChannelConfiguration>")
    e = info.value
    assert e.status == 400 and e.code in ("InvalidArgument", "MalformedXML"), describe(e)
    check_error_envelope(e)


SDK_BODIES = [
    # Go: omitempty drops every optional element; defaults apply (§6).
    ("go-minimal", b"<LiveChannelConfiguration><Target><Type>HLS</Type></Target></LiveChannelConfiguration>",
     ("enabled", "5", "3", "playlist.m3u8")),
    # C: XML declaration, all six elements.
    ("c-with-declaration",
     b'<?xml version="1.0" encoding="UTF-8"?>\n<LiveChannelConfiguration><Description>c</Description>'
     b"<Status>disabled</Status><Target><Type>HLS</Type><FragDuration>7</FragDuration>"
     b"<FragCount>4</FragCount><PlaylistName>c.m3u8</PlaylistName></Target></LiveChannelConfiguration>",
     ("disabled", "7", "4", "c.m3u8")),
]


@pytest.mark.parametrize("body,expected", [r[1:] for r in SDK_BODIES], ids=[r[0] for r in SDK_BODIES])
def test_bodies_of_other_sdks_are_accepted(bucket_for, body, expected):
    # §6: the server accepts the Go, Python and C body styles.
    bucket = bucket_for()
    assert put_channel_raw(bucket, CH, body).status == 200
    got = bucket.get_live_channel(CH)
    assert (got.status, got.target.frag_duration, got.target.frag_count, got.target.playlist_name) == expected
