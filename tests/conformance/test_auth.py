"""Request authentication and bucket checks through oss2 (spec §3, §5)."""

import base64
import datetime
import hashlib
import time
from email.utils import formatdate

import oss2
import pytest
from oss2 import exceptions as exc

from conformance_helpers import (
    ACCESS_KEY_ID,
    ACCESS_KEY_SECRET,
    AUTH_MODES,
    REGION,
    SECURITY_TOKEN,
    channel_info,
    check_error_envelope,
    describe,
    expect_error,
    make_bucket,
    put_channel_raw,
    server_args,
)

CH = "auth-channel"
STS_MODES = ["sts", "sts-v4"]
V4_MODES = ["v4", "sts-v4"]


def record_strings_to_sign(monkeypatch):
    """Record every HMAC message oss2 computes; the last one of a request is
    its StringToSign (V1: the only one; V4: after the signing-key chain)."""
    messages = []
    real_new = oss2.auth.hmac.new

    def spy(key, msg=None, digestmod=None):
        messages.append(msg)
        return real_new(key, msg, digestmod)

    monkeypatch.setattr(oss2.auth.hmac, "new", spy)
    return messages


def skew_client_clock(monkeypatch, seconds):
    """Shift the clock oss2 signs with: Date for V1, x-oss-date for V4."""
    monkeypatch.setattr(oss2.utils, "http_date",
                        lambda timeval=None: formatdate((timeval or time.time()) + seconds, usegmt=True))

    class SkewedDatetime(datetime.datetime):
        @classmethod
        def utcnow(cls):
            return datetime.datetime.utcnow() + datetime.timedelta(seconds=seconds)

    monkeypatch.setattr(oss2.auth, "datetime", SkewedDatetime)


@pytest.fixture
def channel(bucket_for):
    bucket_for().create_live_channel(CH, channel_info())
    return CH


@pytest.mark.parametrize("mode", AUTH_MODES)
def test_wrong_secret_reports_the_servers_string_to_sign(bucket_for, channel, monkeypatch, mode):
    bucket = bucket_for(mode, secret="WrongSecretWrongSecretWrongSecret")
    signed = record_strings_to_sign(monkeypatch)
    e = expect_error(lambda: bucket.get_live_channel(channel), 403, "SignatureDoesNotMatch")
    assert isinstance(e, exc.SignatureDoesNotMatch)
    # With the right key id and a wrong secret both sides build the same string.
    assert e.details.get("StringToSign") == signed[-1].decode(), describe(e)


@pytest.mark.parametrize("mode", AUTH_MODES)
def test_unknown_access_key_id(bucket_for, channel, mode):
    bucket = bucket_for(mode, access_key_id="LTAI5tNoSuchAccessKey")
    expect_error(lambda: bucket.get_live_channel(channel), 403, "InvalidAccessKeyId")


@pytest.mark.parametrize("operation", ["get", "stat", "history", "status", "delete", "create", "list"])
def test_anonymous_requests_are_denied(bucket_for, channel, operation):
    bucket = bucket_for("anonymous")
    calls = {
        "get": lambda: bucket.get_live_channel(channel),
        "stat": lambda: bucket.get_live_channel_stat(channel),
        "history": lambda: bucket.get_live_channel_history(channel),
        "status": lambda: bucket.put_live_channel_status(channel, "disabled"),
        "delete": lambda: bucket.delete_live_channel(channel),
        "create": lambda: bucket.create_live_channel("anon", channel_info()),
        "list": lambda: bucket.list_live_channel(),
    }
    e = expect_error(calls[operation], 403, "AccessDenied")
    assert isinstance(e, exc.AccessDenied)
    assert bucket_for().get_live_channel(channel).status == "enabled"


@pytest.mark.parametrize("mode", STS_MODES)
def test_unknown_security_token(bucket_for, channel, mode):
    bucket = bucket_for(mode, token="STS.NotAConfiguredToken")
    expect_error(lambda: bucket.get_live_channel(channel), 403, "InvalidSecurityToken")


@pytest.mark.parametrize("mode", STS_MODES)
def test_security_token_when_server_has_none(start_emulator, bucket_name, mode):
    emu = start_emulator(server_args(tokens=()))
    make_bucket(emu.endpoint, bucket_name, "v1").create_live_channel(CH, channel_info())
    bucket = make_bucket(emu.endpoint, bucket_name, mode)
    expect_error(lambda: bucket.get_live_channel(CH), 403, "InvalidSecurityToken")


@pytest.mark.parametrize("mode", AUTH_MODES)
def test_server_clock_skew(start_emulator, bucket_name, mode):
    emu = start_emulator()
    bucket = make_bucket(emu.endpoint, bucket_name, mode)
    bucket.create_live_channel(CH, channel_info())
    for offset in (16 * 60, -16 * 60):
        emu.set_clock_offset(offset)
        expect_error(lambda: bucket.get_live_channel(CH), 403, "RequestTimeTooSkewed")
    for offset in (14 * 60, -14 * 60, 0):
        emu.set_clock_offset(offset)
        assert bucket.get_live_channel(CH).status == "enabled"


@pytest.mark.parametrize("mode", AUTH_MODES)
def test_client_clock_skew(bucket_for, channel, monkeypatch, mode):
    bucket = bucket_for(mode)
    skew_client_clock(monkeypatch, -20 * 60)
    expect_error(lambda: bucket.get_live_channel(channel), 403, "RequestTimeTooSkewed")
    skew_client_clock(monkeypatch, 20 * 60)
    expect_error(lambda: bucket.get_live_channel(channel), 403, "RequestTimeTooSkewed")
    skew_client_clock(monkeypatch, 14 * 60)
    assert bucket.get_live_channel(channel).status == "enabled"


@pytest.mark.parametrize("mode", V4_MODES)
def test_v4_with_wrong_region(bucket_for, channel, mode):
    bucket = bucket_for(mode, region="cn-beijing")
    with pytest.raises(exc.ServerError) as info:
        bucket.get_live_channel(channel)
    assert info.value.status == 403, describe(info.value)
    check_error_envelope(info.value)


def test_v4_without_region_is_refused_by_oss2(emu, bucket_name):
    bucket = make_bucket(emu.endpoint, bucket_name, "v4", region=None)
    with pytest.raises(exc.ClientError):
        bucket.get_live_channel(CH)


@pytest.mark.parametrize("mode", ["v1", "v4"])
def test_optional_signed_headers_are_honoured(bucket_for, mode):
    # Java always sends Content-MD5 and C signs a Content-Type: both enter the
    # StringToSign (§1 "Request bodies", §3, §5) and must verify.
    bucket = bucket_for(mode)
    body = (b"<LiveChannelConfiguration><Target><Type>HLS</Type></Target></LiveChannelConfiguration>")
    headers = {"Content-MD5": base64.b64encode(hashlib.md5(body).digest()).decode(),
               "Content-Type": "application/xml"}
    resp = bucket._Bucket__do_object("PUT", CH, data=body, params={"live": ""}, headers=headers)
    assert resp.status == 200
    assert put_channel_raw(bucket, CH, body).status == 200


@pytest.mark.parametrize("mode", ["v1", "v4"])
def test_bucket_restriction(start_emulator, mode):
    emu = start_emulator(server_args(buckets=["allowed-bucket"]))
    allowed = make_bucket(emu.endpoint, "allowed-bucket", mode)
    assert allowed.create_live_channel(CH, channel_info()).resp.status == 200
    other = make_bucket(emu.endpoint, "other-bucket", mode)
    e = expect_error(lambda: other.get_live_channel(CH), 404, "NoSuchBucket")
    assert isinstance(e, exc.NoSuchBucket)
    expect_error(lambda: other.list_live_channel(), 404, "NoSuchBucket")
    expect_error(lambda: other.create_live_channel(CH, channel_info()), 404, "NoSuchBucket")


def test_credentials_from_environment(start_emulator, bucket_name):
    emu = start_emulator(server_args(credentials=False, tokens=()), env_extra={
        "OSS_ACCESS_KEY_ID": ACCESS_KEY_ID, "OSS_ACCESS_KEY_SECRET": ACCESS_KEY_SECRET})
    bucket = make_bucket(emu.endpoint, bucket_name)
    assert bucket.create_live_channel(CH, channel_info()).resp.status == 200
    wrong = make_bucket(emu.endpoint, bucket_name, secret="WrongSecretWrongSecretWrongSecret")
    expect_error(lambda: wrong.get_live_channel(CH), 403, "SignatureDoesNotMatch")


@pytest.mark.parametrize("name", ["a", "aa", "aAa", "a_123", "-a123", "a123-", "a" * 64, ""])
def test_invalid_bucket_names_are_refused_by_oss2(name):
    # Client side: nothing is sent, so no emulator is needed.
    with pytest.raises(exc.ClientError):
        oss2.Bucket(oss2.Auth(ACCESS_KEY_ID, ACCESS_KEY_SECRET), "http://127.0.0.1:9", name, region=REGION)


def test_sts_token_is_sent_and_accepted(bucket_for, channel, monkeypatch):
    # Sanity check for the STS cases above: the configured token works.
    signed = record_strings_to_sign(monkeypatch)
    assert bucket_for("sts").get_live_channel(channel).status == "enabled"
    assert f"x-oss-security-token:{SECURITY_TOKEN}\n".encode() in signed[-1]
