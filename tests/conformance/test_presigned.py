"""Presigned URLs made by oss2's Bucket.sign_url (oss2.Auth for V1,
oss2.ProviderAuthV4 with a StaticCredentialsProvider for V4, with and without an
STS token) read the objects of a private bucket, and x-oss-process=hls/sign
returns a playlist whose segment URIs are signed the same way. Unsigned,
tampered and expired, the same URLs are refused as OSS refuses them."""

import re
import time
import urllib.parse

import oss2
import pytest

from conformance_helpers import (
    FAKE_DOMAIN,
    HLS_SIGN,
    SECURITY_TOKEN,
    SIGNERS,
    channel_info,
    fetch,
    make_bucket,
    parse_m3u8,
    server_args,
    signing_bucket,
    tamper,
)

CH = "presigned-channel"


def error_fields(body):
    text = body.decode()
    return {name: (re.search(f"<{name}>(.*?)</{name}>", text, re.S) or [None, None])[1]
            for name in ("Code", "Message", "EC", "Expires", "ServerTime", "StringToSign")}


def expect_refusal(url, code, ec=None):
    status, headers, body = fetch(url)
    fields = error_fields(body)
    assert status == 403 and fields["Code"] == code, (url, status, body)
    assert headers.get("x-oss-ec") == fields["EC"], (headers, body)
    if ec is not None:
        assert fields["EC"] == ec, body
    return fields


def stock(emu, endpoint, bucket_name):
    """A channel with three seeded fragments (whole minutes an hour ago) and the VOD
    playlist vod.m3u8 over them; returns the fragment names."""
    t0 = int(time.time()) // 60 * 60 - 3600
    bucket = make_bucket(endpoint, bucket_name)
    bucket.create_live_channel(CH, channel_info())
    emu.seed_fragments(bucket_name, CH, t0 * 1000, 5, 3)
    bucket.post_vod_playlist(CH, "vod.m3u8", t0, t0 + 10)
    return [f"{(t0 + 5 * i) * 1000}.ts" for i in range(3)]


@pytest.mark.parametrize("slash_safe", [False, True], ids=["slash-escaped", "slash-safe"])
@pytest.mark.parametrize("signer", SIGNERS)
def test_hls_sign_playlist_and_every_segment_are_readable(emu, bucket_name, signer, slash_safe):
    names = stock(emu, emu.endpoint, bucket_name)
    bucket = signing_bucket(emu.endpoint, bucket_name, signer)
    url = bucket.sign_url("GET", f"{CH}/vod.m3u8", 60, params=dict(HLS_SIGN), slash_safe=slash_safe)
    status, headers, body = fetch(url)
    assert status == 200, (url, body)
    assert headers.get("access-control-allow-origin") == "*"
    segments = parse_m3u8(re.sub(r"\?.*", "", body.decode()))
    assert [name.rsplit("/", 1)[-1] for _, name in segments] == names
    uris = [line for line in body.decode().splitlines() if line and not line.startswith("#")]
    for uri in uris:
        assert uri.startswith(f"/{bucket_name}/{CH}/"), uri
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(uri).query)
        if signer.startswith("v1"):
            assert query["Expires"] == urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["Expires"]
        else:
            assert query["x-oss-expires"] == ["60"] and "x-oss-signature" in query
        token_name = "security-token" if signer.startswith("v1") else "x-oss-security-token"
        assert (query.get(token_name) == [SECURITY_TOKEN]) == signer.endswith("-sts"), uri
        # The URI resolves against the playlist URL to a readable segment.
        status, headers, _ = fetch(urllib.parse.urljoin(url, uri))
        assert status == 200, uri
        assert headers.get("content-type") == "video/MP2T"


@pytest.mark.parametrize("signer", SIGNERS)
def test_a_single_object_url_and_its_refusals(emu, bucket_name, signer):
    names = stock(emu, emu.endpoint, bucket_name)
    bucket = signing_bucket(emu.endpoint, bucket_name, signer)
    url = bucket.sign_url("GET", f"{CH}/{names[0]}", 60)
    assert fetch(url)[0] == 200
    unsigned = url.split("?", 1)[0]
    fields = expect_refusal(unsigned, "AccessDenied", "0003-00000001")
    assert fields["Message"] == "You have no right to access this object because of bucket acl."
    fields = expect_refusal(tamper(url), "SignatureDoesNotMatch")
    assert fields["StringToSign"]
    # A signature is bound to its object.
    other = url.replace(names[0], names[1], 1)
    expect_refusal(other, "SignatureDoesNotMatch")


@pytest.mark.parametrize("signer", SIGNERS)
def test_urls_expire_with_every_segment_they_signed(start_emulator, bucket_name, signer):
    emu = start_emulator()
    stock(emu, emu.endpoint, bucket_name)
    bucket = signing_bucket(emu.endpoint, bucket_name, signer)
    url = bucket.sign_url("GET", f"{CH}/vod.m3u8", 60, params=dict(HLS_SIGN))
    status, _, body = fetch(url)
    assert status == 200, body
    uri = next(line for line in body.decode().splitlines() if line and not line.startswith("#"))
    segment = urllib.parse.urljoin(url, uri)
    emu.set_clock_offset(120)
    ec = "0002-00000069" if signer.startswith("v1") else "0002-00000236"
    for expired in (url, segment):
        fields = expect_refusal(expired, "AccessDenied", ec)
        assert fields["Message"] == "Request has expired.", fields
        assert fields["Expires"] and fields["ServerTime"], fields
    emu.set_clock_offset(0)
    assert fetch(url)[0] == 200


def test_v4_urls_are_valid_for_at_most_seven_days(emu, bucket_name):
    stock(emu, emu.endpoint, bucket_name)
    bucket = signing_bucket(emu.endpoint, bucket_name, "v4")
    assert fetch(bucket.sign_url("GET", f"{CH}/vod.m3u8", 7 * 86400))[0] == 200
    expect_refusal(bucket.sign_url("GET", f"{CH}/vod.m3u8", 8 * 86400), "AccessDenied", "0002-00000232")


def test_hls_sign_needs_the_signature_in_the_url(emu, bucket_name):
    stock(emu, emu.endpoint, bucket_name)
    bucket = make_bucket(emu.endpoint, bucket_name)
    with pytest.raises(oss2.exceptions.ServerError) as info:
        bucket.get_object(f"{CH}/vod.m3u8", process="hls/sign")
    assert (info.value.status, info.value.code, info.value.ec) == (403, "AccessDenied", "0002-00000038")
    # The same read without the process is a plain signed GetObject.
    assert bucket.get_object(f"{CH}/vod.m3u8").read().startswith(b"#EXTM3U")


@pytest.mark.parametrize("signer", ["v1", "v4-sts"])
def test_virtual_hosted_playlists_point_at_the_same_host(emu, fake_dns, bucket_name, signer):
    endpoint = f"http://{FAKE_DOMAIN}:{emu.port}"
    stock(emu, endpoint, bucket_name)
    bucket = signing_bucket(endpoint, bucket_name, signer)
    url = bucket.sign_url("GET", f"{CH}/vod.m3u8", 60, params=dict(HLS_SIGN))
    assert urllib.parse.urlsplit(url).hostname == f"{bucket_name}.{FAKE_DOMAIN}"
    status, _, body = fetch(url)
    assert status == 200, body
    for uri in [line for line in body.decode().splitlines() if line and not line.startswith("#")]:
        assert uri.startswith(f"/{CH}/"), uri
        assert fetch(urllib.parse.urljoin(url, uri))[0] == 200, uri


def test_a_public_read_bucket_serves_anonymous_reads(start_emulator, bucket_name):
    emu = start_emulator(server_args(bucket_acls=[f"{bucket_name}=public-read"]))
    names = stock(emu, emu.endpoint, bucket_name)
    base = f"{emu.endpoint}/{bucket_name}/{CH}"
    status, _, body = fetch(f"{base}/vod.m3u8")
    assert status == 200, body
    assert fetch(f"{base}/{names[0]}")[0] == 200
    # LiveChannel operations still need a signature, and other buckets stay private.
    anonymous = make_bucket(emu.endpoint, bucket_name, "anonymous")
    with pytest.raises(oss2.exceptions.AccessDenied):
        anonymous.get_live_channel(CH)
    expect_refusal(f"{emu.endpoint}/other-bucket/{CH}/vod.m3u8", "AccessDenied", "0003-00000001")
