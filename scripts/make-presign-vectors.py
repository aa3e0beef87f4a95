#!/usr/bin/env python3
"""Writes tests/data/oss2-presign-vectors.json: presigned URLs made by the official Python
SDK's Bucket.sign_url, V1 (ProviderAuth) and V4 (ProviderAuthV4), with and without an STS
token, under a fixed clock and fixed test keys.

tests/signing_vectors.rs and the unit tests of src/presign_url.rs check osslive against the
file byte for byte. Run it with the pinned oss2 (tests/conformance/requirements.txt):

    python3 -m venv .venv && .venv/bin/pip install -q -r tests/conformance/requirements.txt
    .venv/bin/python scripts/make-presign-vectors.py

Nothing is sent: sign_url only computes. The output is deterministic, so running the
script again must leave the committed file unchanged.
"""

import ast
import base64
import datetime as real_datetime
import hashlib
import hmac
import json
import logging
import os
import sys
import time
from urllib.parse import unquote

import oss2
from oss2 import auth as oss2_auth
from oss2.credentials import StaticCredentialsProvider

ACCESS_KEY_ID = "LTAI5tTestAccessKeyId"
ACCESS_KEY_SECRET = "TestAccessKeySecret0123456789abc"
SECURITY_TOKEN = "STS.TestSecurityToken+/="
REGION = "cn-hangzhou"
BUCKET = "examplebucket"
# 2016-08-24T11:11:28Z, the instant of the header and RTMP vectors in oss2-vectors.json.
FIXED_UNIX_NOW = 1472037088
FIXED_DATETIME = real_datetime.datetime(2016, 8, 24, 11, 11, 28)

ENDPOINTS = {
    "virtual-hosted": ("https://oss-cn-hangzhou.aliyuncs.com", {}),
    "path-style": ("http://127.0.0.1:9100", {}),
    "cname": ("http://live.example.com", {"is_cname": True}),
}


class FixedDatetime(real_datetime.datetime):
    """What oss2's V4 signer sees as `datetime`: utcnow() is the fixed instant."""

    @classmethod
    def utcnow(cls):
        return FIXED_DATETIME


def fix_the_clock():
    # V1 reads time.time() for Expires, V4 datetime.utcnow() for x-oss-date.
    time.time = lambda: float(FIXED_UNIX_NOW)
    oss2_auth.datetime = FixedDatetime


class Captured(logging.Handler):
    """oss2 logs the strings it signs at DEBUG level, as the repr of bytes."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.values = {}

    def emit(self, record):
        message = record.getMessage()
        for label, prefix in (
            ("canonical_request", "Make signature: canonical_request = "),
            ("string_to_sign", "Make signature: string to be signed = "),
        ):
            if message.startswith(prefix):
                text = message[len(prefix):]
                value = ast.literal_eval(text) if text.startswith("b'") or text.startswith('b"') else text
                self.values[label] = value.decode("utf-8") if isinstance(value, bytes) else value


def query_pairs(url):
    """The decoded query parameters of a URL, in order; a bare key has an empty value."""
    query = url.split("?", 1)[1]
    pairs = []
    for part in query.split("&"):
        key, _, value = part.partition("=")
        pairs.append([unquote(key), unquote(value)])
    return pairs


def auth_for(version, sts):
    token = SECURITY_TOKEN if sts else ""
    provider = StaticCredentialsProvider(ACCESS_KEY_ID, ACCESS_KEY_SECRET, token)
    if version == 1:
        return oss2.ProviderAuth(provider)
    return oss2.ProviderAuthV4(provider)


def sign(version, case, captured):
    endpoint, options = ENDPOINTS[case["addressing"]]
    bucket = oss2.Bucket(auth_for(version, case["sts"]), endpoint, BUCKET, region=REGION, **options)
    captured.values.clear()
    kwargs = {
        "headers": dict(case.get("headers", [])) or None,
        "params": dict(case.get("params", [])) or None,
        "slash_safe": case.get("slash_safe", True),
    }
    if case.get("additional_headers"):
        kwargs["additional_headers"] = case["additional_headers"]
    url = bucket.sign_url(case["method"], case["key"], case["expires_in"], **kwargs)
    out = dict(case)
    out.setdefault("params", [])
    out.setdefault("headers", [])
    out["slash_safe"] = kwargs["slash_safe"]
    out["endpoint"] = endpoint
    out["signed_url"] = url
    out["query"] = query_pairs(url)
    if version == 4:
        out.setdefault("additional_headers", [])
        out["canonical_request"] = captured.values["canonical_request"]
    out["string_to_sign"] = captured.values["string_to_sign"]
    signature_param = "Signature" if version == 1 else "x-oss-signature"
    out["signature"] = dict(out["query"])[signature_param]
    out["recomputed_matches_oss2"] = recompute(version, out) == out["signature"]
    if not out["recomputed_matches_oss2"]:
        sys.exit("a recomputed signature differs from oss2's: " + case["name"])
    return out


def recompute(version, case):
    """The signature computed here from the captured string-to-sign, as a cross-check."""
    message = case["string_to_sign"].encode("utf-8")
    if version == 1:
        digest = hmac.new(ACCESS_KEY_SECRET.encode(), message, hashlib.sha1).digest()
        return base64.b64encode(digest).decode()
    key = ("aliyun_v4" + ACCESS_KEY_SECRET).encode()
    for part in (FIXED_DATETIME.strftime("%Y%m%d"), REGION, "oss", "aliyun_v4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


PLAY = [["x-oss-process", "hls/sign"]]

# Each case is signed with both versions unless it says otherwise.
CASES = [
    {"name": "play_live", "method": "GET", "key": "test-channel/playlist.m3u8",
     "params": PLAY, "expires_in": 3600, "sts": False, "addressing": "virtual-hosted"},
    {"name": "play_live_sts", "method": "GET", "key": "test-channel/playlist.m3u8",
     "params": PLAY, "expires_in": 3600, "sts": True, "addressing": "virtual-hosted"},
    {"name": "play_vod", "method": "GET", "key": "test-channel/vod.m3u8",
     "params": PLAY, "expires_in": 60, "sts": False, "addressing": "virtual-hosted"},
    {"name": "play_path_style_sts", "method": "GET", "key": "test-channel/playlist.m3u8",
     "params": PLAY, "expires_in": 1800, "sts": True, "addressing": "path-style"},
    {"name": "play_cname", "method": "GET", "key": "test-channel/playlist.m3u8",
     "params": PLAY, "expires_in": 1800, "sts": False, "addressing": "cname"},
    {"name": "segment", "method": "GET", "key": "test-channel/1472037088000.ts",
     "expires_in": 300, "sts": False, "addressing": "virtual-hosted"},
    {"name": "key_with_spaces_and_non_ascii", "method": "GET",
     "key": "my dir/chan 01/é+ü~(1).m3u8", "params": PLAY, "expires_in": 900,
     "sts": True, "addressing": "virtual-hosted"},
    {"name": "key_slash_escaped", "method": "GET", "key": "test-channel/playlist.m3u8",
     "params": PLAY, "expires_in": 3600, "sts": False, "addressing": "virtual-hosted",
     "slash_safe": False},
    {"name": "longest_validity", "method": "GET", "key": "test-channel/vod.m3u8",
     "params": PLAY, "expires_in": 604800, "sts": True, "addressing": "virtual-hosted"},
    {"name": "put_with_content_type", "method": "PUT", "key": "uploads/a b.ts",
     "headers": [["Content-Type", "video/MP2T"], ["x-oss-meta-origin", "encoder 1"]],
     "expires_in": 120, "sts": False, "addressing": "virtual-hosted"},
    {"name": "additional_host_header", "method": "GET", "key": "test-channel/playlist.m3u8",
     "params": PLAY, "headers": [["Host", "examplebucket.oss-cn-hangzhou.aliyuncs.com"]],
     "additional_headers": ["host"], "expires_in": 3600, "sts": True,
     "addressing": "virtual-hosted", "versions": [4]},
]


def main():
    fix_the_clock()
    captured = Captured()
    logger = logging.getLogger("oss2.auth")
    logger.setLevel(logging.DEBUG)
    logger.addHandler(captured)
    logger.propagate = False

    out = {
        "note": (
            "Produced by scripts/make-presign-vectors.py: the official Python SDK oss2 "
            f"{oss2.__version__} signing URLs with Bucket.sign_url (oss2.ProviderAuth for V1, "
            "oss2.ProviderAuthV4 for V4) under a fixed clock and fixed test keys. Nothing was "
            "sent. Every string_to_sign and canonical_request is what oss2 logged while signing; "
            "recomputed_matches_oss2 says the script's own HMAC of it gave oss2's signature."
        ),
        "inputs": {
            "access_key_id": ACCESS_KEY_ID,
            "access_key_secret": ACCESS_KEY_SECRET,
            "security_token": SECURITY_TOKEN,
            "region": REGION,
            "bucket": BUCKET,
            "fixed_unix_now": FIXED_UNIX_NOW,
            "fixed_v4_datetime": FIXED_DATETIME.strftime("%Y%m%dT%H%M%SZ"),
            "oss2_version": oss2.__version__,
        },
        "presign_v1": [],
        "presign_v4": [],
    }
    for case in CASES:
        versions = case.get("versions", [1, 4])
        case = {k: v for k, v in case.items() if k != "versions"}
        for version in versions:
            if version == 1 and case.get("additional_headers"):
                continue
            out[f"presign_v{version}"].append(sign(version, case, captured))

    path = os.path.join(os.path.dirname(__file__), "..", "tests", "data", "oss2-presign-vectors.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"wrote {len(out['presign_v1'])} V1 and {len(out['presign_v4'])} V4 vectors to {os.path.normpath(path)}")


if __name__ == "__main__":
    main()
