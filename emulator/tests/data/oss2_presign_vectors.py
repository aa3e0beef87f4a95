"""Prints presigned GET URLs made by oss2's Bucket.sign_url under a fixed clock.

Its output is oss2_presigned_urls.txt beside it, one "SIGNER URL" per line: the
emulator signs these URLs byte for byte (emulator/src/verify/presign/tests.rs) and serves
the objects they name (emulator/tests/presigned_urls.rs). Regenerate with the
conformance suite's virtualenv:

    .venv/bin/python emulator/tests/data/oss2_presign_vectors.py \
        > emulator/tests/data/oss2_presigned_urls.txt
"""

import datetime

import oss2
import oss2.auth

AK = "LTAI5tTestAccessKeyId"
SK = "TestAccessKeySecret0123456789abc"
TOKEN = "STS.TestSecurityToken+/="
NOW = 1796618100  # 2026-12-07T04:35:00Z, the emulator tests' clock


class FixedDatetime(datetime.datetime):
    @classmethod
    def utcnow(cls):
        return datetime.datetime(2026, 12, 7, 4, 35, 0)


oss2.auth.time.time = lambda: NOW
oss2.auth.datetime = FixedDatetime

AUTHS = {
    "v1": oss2.Auth(AK, SK),
    "v1-sts": oss2.StsAuth(AK, SK, TOKEN),
    "v4": oss2.ProviderAuthV4(oss2.StaticCredentialsProvider(AK, SK)),
    "v4-sts": oss2.ProviderAuthV4(oss2.StaticCredentialsProvider(AK, SK, TOKEN)),
}
CASES = [
    ("test-channel/playlist.m3u8", {"x-oss-process": "hls/sign"}, True),
    ("test-channel/1796618095000.ts", None, True),
    ("with space+plus/\u9891\u9053.m3u8", {"x-oss-process": "hls/sign"}, False),
]

for name, auth in AUTHS.items():
    bucket = oss2.Bucket(auth, "http://127.0.0.1:9100", "examplebucket", region="cn-hangzhou")
    for key, params, slash_safe in CASES:
        url = bucket.sign_url("GET", key, 60, params=dict(params) if params else None, slash_safe=slash_safe)
        print(name, url)
