"""What OSS refuses, seen through oss2 (the referee): the status, Code and EC of
each refusal, and the exception class oss2 raises for it. The refusals oss2
cannot provoke (it always sends x-oss-content-sha256: UNSIGNED-PAYLOAD and no
AdditionalHeaders) are tested with raw requests in emulator/tests/oss_refusals.rs."""

import base64
import hashlib

import pytest
from oss2 import exceptions as exc

from conformance_helpers import AUTH_MODES, channel_info, expect_error, is_2xx

CH = "refusal-channel"
BODY = b"<LiveChannelConfiguration><Target><Type>HLS</Type></Target></LiveChannelConfiguration>"


@pytest.mark.parametrize("mode", AUTH_MODES)
def test_a_live_channel_can_only_be_disabled(emu, bucket_name, bucket_for, mode):
    # PutLiveChannelStatus page: while a stream is pushed, only `disabled` is allowed.
    bucket = bucket_for(mode)
    bucket.create_live_channel(CH, channel_info())
    assert is_2xx(emu.publish(bucket_name, CH, "10.1.2.3:47745"))
    e = expect_error(lambda: bucket.put_live_channel_status(CH, "enabled"),
                     409, "ChannelStillLive", "0044-00000201")
    assert isinstance(e, exc.ChannelStillLive)
    assert bucket.get_live_channel_stat(CH).status == "Live"
    assert bucket.put_live_channel_status(CH, "disabled").status == 200
    assert bucket.get_live_channel_stat(CH).status == "Disabled"


@pytest.mark.parametrize("mode", ["v1", "v4"])
def test_content_md5_must_be_the_body_digest(bucket_for, mode):
    bucket = bucket_for(mode)

    def put(content_md5):
        return bucket._Bucket__do_object("PUT", CH, data=BODY, params={"live": ""},
                                         headers={"Content-MD5": content_md5})

    wrong = base64.b64encode(hashlib.md5(b"another body").digest()).decode()
    e = expect_error(lambda: put(wrong), 400, "InvalidDigest", "0017-00000503")
    assert isinstance(e, exc.InvalidDigest)
    expect_error(lambda: put("not-base64-md5"), 400, "InvalidDigest", "0017-00000502")
    expect_error(lambda: bucket.get_live_channel(CH), 404, "NoSuchLiveChannel")
    assert put(base64.b64encode(hashlib.md5(BODY).digest()).decode()).status == 200
