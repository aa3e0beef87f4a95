"""A player on a private bucket, with the URLs oss2 signs: ffmpeg pushes a few
seconds of H.264/AAC to the URL Bucket.sign_rtmp_url makes, then ffprobe plays
the live and the VOD playlist through Bucket.sign_url(..., params={'x-oss-process':
'hls/sign'}) (V1 and V4, with and without an STS token), as users of oss2 do it by
hand. The same URLs unsigned, tampered with or expired play nothing.

Needs ffmpeg and ffprobe (apt-get install ffmpeg): without them the tests fail."""

import subprocess
import time
import urllib.parse

import pytest

from conformance_helpers import (
    HLS_SIGN,
    SIGNERS,
    channel_info,
    fetch,
    make_bucket,
    signing_bucket,
    tamper,
)

CH = "played-channel"
PUSH_SECONDS = 4


def run(args, timeout=30):
    """(returncode, stdout, stderr) of a tool; a missing tool fails the test."""
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)
    except FileNotFoundError as e:
        pytest.fail(f"{args[0]} is needed (apt-get install ffmpeg): {e}", pytrace=False)
    return done.returncode, done.stdout, done.stderr


def ffprobe(url, *entries):
    return run(["ffprobe", "-v", "error", *entries, url])


@pytest.fixture(scope="module")
def pushed(emu):
    """A bucket of the module's emulator holding one push of PUSH_SECONDS to CH
    (1 s fragments) and the VOD playlist vod.m3u8 over it; returns its name."""
    bucket_name = "conf-played-bucket"
    bucket = make_bucket(emu.endpoint, bucket_name)
    bucket.create_live_channel(CH, channel_info(frag_duration=1, frag_count=3,
                                                playlist_name="playlist.m3u8"))
    start = int(time.time()) - 2
    url = bucket.sign_rtmp_url(CH, "playlist.m3u8", 60)
    code, _, err = run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-re",
                        "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25",
                        "-f", "lavfi", "-i", "sine", "-t", str(PUSH_SECONDS),
                        "-c:v", "libx264", "-preset", "veryfast", "-g", "25",
                        "-c:a", "aac", "-f", "flv", url])
    assert code == 0, err
    deadline = time.monotonic() + 5
    while bucket.get_live_channel_stat(CH).status != "Idle":
        assert time.monotonic() < deadline, "the channel stayed Live after the push"
        time.sleep(0.1)
    bucket.post_vod_playlist(CH, "vod.m3u8", start, int(time.time()) + 2)
    return bucket_name


@pytest.mark.parametrize("signer", SIGNERS)
def test_ffprobe_plays_the_live_and_vod_playlists(emu, pushed, signer):
    bucket = signing_bucket(emu.endpoint, pushed, signer)
    live = bucket.sign_url("GET", f"{CH}/playlist.m3u8", 60, params=dict(HLS_SIGN))
    code, out, err = ffprobe(live, "-show_streams")
    assert code == 0, (live, err)
    for want in ("codec_name=h264", "width=320", "height=240", "codec_name=aac"):
        assert want in out, (want, out)
    vod = bucket.sign_url("GET", f"{CH}/vod.m3u8", 60, params=dict(HLS_SIGN))
    code, out, err = ffprobe(vod, "-show_entries", "format=duration", "-of", "csv=p=0")
    assert code == 0, (vod, err)
    assert PUSH_SECONDS - 1 <= float(out) <= PUSH_SECONDS + 1, out


@pytest.mark.parametrize("signer", SIGNERS)
def test_unsigned_tampered_and_expired_urls_play_nothing(emu, pushed, signer):
    bucket = signing_bucket(emu.endpoint, pushed, signer)
    for key in (f"{CH}/playlist.m3u8", f"{CH}/vod.m3u8"):
        url = bucket.sign_url("GET", key, 60, params=dict(HLS_SIGN))
        for refused in (url.split("?", 1)[0], tamper(url)):
            assert fetch(refused)[0] == 403, refused
            assert ffprobe(refused, "-show_streams")[0] != 0, refused
    # Valid for 2 s: the playlist and a segment it signed read now, not 3 s later.
    url = bucket.sign_url("GET", f"{CH}/vod.m3u8", 2, params=dict(HLS_SIGN))
    status, _, body = fetch(url)
    assert status == 200, body
    uri = next(line for line in body.decode().splitlines() if line and not line.startswith("#"))
    segment = urllib.parse.urljoin(url, uri)
    assert fetch(segment)[0] == 200, segment
    time.sleep(3)
    for expired in (url, segment):
        assert fetch(expired)[0] == 403, expired
        assert ffprobe(expired, "-show_streams")[0] != 0, expired
