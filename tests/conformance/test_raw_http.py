"""Malformed HTTP over a raw socket: always an OSS error response, never a
crash, and the emulator keeps serving afterwards."""

import xml.etree.ElementTree as ElementTree

import pytest

from conformance_helpers import channel_info, make_bucket, raw_exchange

BAD_REQUESTS = [
    ("garbage-request-line", b"THIS IS NOT HTTP\r\n\r\n"),
    ("absurd-content-length",
     b"PUT /conf-raw/ch?live HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000000000000000\r\n\r\n<a>"),
    ("missing-host", b"GET /conf-raw/ch?live HTTP/1.1\r\nUser-Agent: raw\r\n\r\n"),
]


@pytest.mark.parametrize("payload", [r[1] for r in BAD_REQUESTS], ids=[r[0] for r in BAD_REQUESTS])
def test_bad_request_gets_an_oss_error_and_the_server_survives(emu, bucket_name, payload):
    status, headers, body = raw_exchange(emu.port, payload)
    assert status == 400, (status, body)
    root = ElementTree.fromstring(body)
    assert root.tag == "Error", body
    fields = {child.tag: child.text for child in root}
    assert fields.get("Code") and fields.get("Message"), body
    assert fields.get("RequestId") == headers.get("x-oss-request-id"), (headers, body)

    assert emu.alive()
    assert emu.health() == (200, "ok")
    bucket = make_bucket(emu.endpoint, bucket_name)
    assert bucket.create_live_channel("after", channel_info()).resp.status == 200
