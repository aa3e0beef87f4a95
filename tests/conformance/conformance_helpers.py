"""Helpers shared by the oss2-against-emulator conformance tests.

oss2 2.19.1 was written against real OSS, so every helper here drives the
emulator through oss2 itself (or, where oss2 cannot express a request,
through oss2's own signing path) and judges the emulator by what oss2 sees.
"""

import http.client
import os
import re
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import oss2
import pytest
from oss2.models import LiveChannelInfo, LiveChannelInfoTarget

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_BIN = REPO_ROOT / "target" / "debug" / "osslive-emulator"

ACCESS_KEY_ID = "LTAI5tConformanceKeyId"
ACCESS_KEY_SECRET = "ConfSecret7f3a9c1e5b2d4f6a8c0eXy"
# Only characters that survive percent-encoding unchanged, so that a token
# leaked into a logged query string is still caught by the log scan.
SECURITY_TOKEN = "STS.ConfToken9d2c4a7e1b3f5d8c"
REGION = "cn-hangzhou"

AUTH_MODES = ["v1", "v4", "sts", "sts-v4"]
V1_MODES = ["v1", "sts"]

READY_RE = re.compile(r"^osslive-emulator listening on http://127\.0\.0\.1:(\d+)$")

# The virtual-hosted tests resolve *.example to 127.0.0.1 inside this process.
FAKE_DOMAIN = "oss-test.example"

# Without this every hung request would hang the suite for oss2's default 60 s.
CLIENT_TIMEOUT = 10

_ADMIN = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def emulator_binary():
    path = Path(os.environ.get("OSSLIVE_EMULATOR_BIN") or DEFAULT_BIN)
    if not path.is_file() or not os.access(path, os.X_OK):
        pytest.fail(
            f"osslive-emulator binary not found at {path}. "
            f"Build it first: `cargo build -p osslive-emulator` in {REPO_ROOT} "
            "(or point OSSLIVE_EMULATOR_BIN at it).",
            pytrace=False,
        )
    return path


def server_args(tokens=(SECURITY_TOKEN,), buckets=(), data_dir=None, credentials=True,
                bucket_acls=()):
    """Command-line flags; bucket_acls holds "BUCKET=ACL" values (buckets are private
    unless one says public-read)."""
    args = []
    if credentials:
        args += ["--access-key-id", ACCESS_KEY_ID, "--access-key-secret", ACCESS_KEY_SECRET]
    for token in tokens:
        args += ["--security-token", token]
    for bucket in buckets:
        args += ["--bucket", bucket]
    for acl in bucket_acls:
        args += ["--bucket-acl", acl]
    if data_dir is not None:
        args += ["--data-dir", str(data_dir)]
    return args + ["--region", REGION]


class Emulator:
    """One emulator process; its stdout and stderr go to files so it can never
    block on a full pipe, and so teardown can scan them for leaked secrets."""

    def __init__(self, binary, logdir, args, env_extra=None, secrets=(ACCESS_KEY_SECRET, SECURITY_TOKEN)):
        self.secrets = [s for s in secrets if s]
        logdir = Path(logdir)
        logdir.mkdir(parents=True, exist_ok=True)
        self.stdout_path = logdir / "emulator.stdout"
        self.stderr_path = logdir / "emulator.stderr"
        # The child must not pick up real credentials from the developer's shell.
        env = {k: v for k, v in os.environ.items() if not k.startswith("OSS_")}
        env.update(env_extra or {})
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.proc = subprocess.Popen(
                [str(binary), "--listen", "127.0.0.1:0", *args],
                stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env, cwd=logdir,
            )
        self.stopped = False
        self.port = self._wait_ready()
        self.host = f"127.0.0.1:{self.port}"
        self.endpoint = f"http://{self.host}"

    def _wait_ready(self):
        deadline = time.monotonic() + 15
        while True:
            data = self.stdout_path.read_bytes()
            if b"\n" in data:
                break
            if self.proc.poll() is not None:
                pytest.fail(f"emulator exited with {self.proc.returncode} before announcing its port; "
                            f"stderr:\n{self.stderr_path.read_text(errors='replace')[-4000:]}", pytrace=False)
            if time.monotonic() > deadline:
                self.proc.kill()
                pytest.fail("emulator did not print its listening line within 15 s", pytrace=False)
            time.sleep(0.01)
        first = data.split(b"\n", 1)[0].decode(errors="replace")
        match = READY_RE.match(first)
        if not match:
            self.proc.kill()
            pytest.fail(f"emulator's first stdout line is {first!r}, expected "
                        "'osslive-emulator listening on http://127.0.0.1:PORT'", pytrace=False)
        return int(match.group(1))

    def stop(self):
        """Stop the process; return a list of contract violations seen."""
        if self.stopped:
            return []
        self.stopped = True
        problems = []
        exited = self.proc.poll()
        if exited is not None:
            problems.append(f"emulator died during the tests (exit status {exited})")
        else:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
                problems.append("emulator ignored SIGTERM for 10 s")
        for path in (self.stdout_path, self.stderr_path):
            text = path.read_bytes()
            for secret in self.secrets:
                if secret.encode() in text:
                    problems.append(f"{path.name} contains the secret {secret[:6]}...")
        return problems

    def alive(self):
        return self.proc.poll() is None

    # -- admin endpoints (plain HTTP, no auth) --------------------------------

    def admin(self, method, path, params=None, timeout=CLIENT_TIMEOUT):
        url = self.endpoint + path
        if params:
            url += "?" + "&".join(f"{k}={urllib.parse.quote(str(v), safe='')}" for k, v in params.items())
        req = urllib.request.Request(url, method=method, data=b"" if method in ("POST", "PUT") else None)
        try:
            with _ADMIN.open(req, timeout=timeout) as resp:
                return resp.status, resp.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def admin_ok(self, method, path, params=None):
        status, body = self.admin(method, path, params)
        assert 200 <= status < 300, f"admin {method} {path} {params} -> {status} {body!r}"
        return body

    def queue_fault(self, spec, count=1):
        self.admin_ok("POST", "/_emulator/faults", {"fault": spec, "count": count})

    def clear_faults(self):
        self.admin_ok("DELETE", "/_emulator/faults")

    def set_clock_offset(self, seconds):
        self.admin_ok("POST", "/_emulator/clock", {"offset": int(seconds)})

    def publish(self, bucket, channel, remote, **media):
        """Simulate an RTMP publisher; media keys use '_' for the '-' on the wire."""
        params = {"bucket": bucket, "channel": channel, "remote": remote}
        params.update({k.replace("_", "-"): v for k, v in media.items()})
        return self.admin("POST", "/_emulator/publish", params)[0]

    def unpublish(self, bucket, channel):
        return self.admin("DELETE", "/_emulator/publish", {"bucket": bucket, "channel": channel})[0]

    def seed_fragments(self, bucket, channel, start_ms, duration, count=1):
        self.admin_ok("POST", "/_emulator/fragments", {
            "bucket": bucket, "channel": channel, "start": start_ms, "duration": duration, "count": count})

    def check_rtmp_url(self, url):
        status, body = self.admin("POST", "/_emulator/check-rtmp-url", {"url": url})
        return status, body.strip()

    def health(self):
        status, body = self.admin("GET", "/_emulator/health")
        return status, body.strip()


# -- oss2 clients ------------------------------------------------------------

def make_auth(mode, access_key_id=ACCESS_KEY_ID, secret=ACCESS_KEY_SECRET, token=SECURITY_TOKEN):
    if mode == "v1":
        return oss2.Auth(access_key_id, secret)
    if mode == "v4":
        return oss2.AuthV4(access_key_id, secret)
    if mode == "sts":
        return oss2.StsAuth(access_key_id, secret, token)
    if mode == "sts-v4":
        return oss2.ProviderAuthV4(oss2.StaticCredentialsProvider(access_key_id, secret, token))
    if mode == "anonymous":
        return oss2.AnonymousAuth()
    raise ValueError(mode)


def make_bucket(endpoint, bucket_name, mode="v1", region=REGION, connect_timeout=CLIENT_TIMEOUT, **auth_kw):
    return oss2.Bucket(make_auth(mode, **auth_kw), endpoint, bucket_name,
                       region=region, connect_timeout=connect_timeout)


def channel_info(status="enabled", description="", frag_duration=5, frag_count=3,
                 playlist_name="", type="HLS"):
    # A fresh Target each time: LiveChannelInfo's default Target is a shared object.
    return LiveChannelInfo(status=status, description=description,
                           target=LiveChannelInfoTarget(type, frag_duration, frag_count, playlist_name))


def put_channel_raw(bucket, channel, body):
    """PutLiveChannel with a hand-written body, still signed by oss2."""
    return bucket._Bucket__do_object("PUT", channel, data=body, params={"live": ""})


def expected_urls(host, bucket, channel, playlist, virtual):
    """(publish, play) URL forms the emulator must build from the Host header."""
    if virtual:
        return (f"rtmp://{bucket}.{host}/live/{channel}", f"http://{bucket}.{host}/{channel}/{playlist}")
    return (f"rtmp://{host}/{bucket}/live/{channel}", f"http://{host}/{bucket}/{channel}/{playlist}")


# -- error checks --------------------------------------------------------------

def describe(e):
    return f"status={e.status} code={e.code!r} ec={getattr(e, 'ec', None)!r} details={e.details!r}"


def check_error_envelope(e, ec=None):
    """The OSS error XML must carry what oss2 exposes to users."""
    assert e.request_id, f"no x-oss-request-id header on the error: {describe(e)}"
    assert e.details.get("RequestId") == e.request_id, f"RequestId in body differs from header: {describe(e)}"
    assert e.details.get("Message"), f"empty Message: {describe(e)}"
    assert e.details.get("HostId"), f"empty HostId: {describe(e)}"
    assert e.ec, f"empty EC: {describe(e)}"
    if ec is not None:
        assert e.ec == ec, f"EC {e.ec!r}, expected {ec!r}: {describe(e)}"


def expect_error(call, status, code, ec=None):
    """Run call(); it must raise an oss2 ServerError with this status/code."""
    with pytest.raises(oss2.exceptions.ServerError) as info:
        call()
    e = info.value
    assert (e.status, e.code) == (status, code), describe(e)
    check_error_envelope(e, ec)
    return e


# -- raw HTTP ----------------------------------------------------------------------

def raw_exchange(port, payload, timeout=5):
    """Send bytes on a fresh connection; return (status, headers, body)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(payload)
        resp = http.client.HTTPResponse(sock)
        resp.begin()
        body = resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, body


# -- m3u8 ----------------------------------------------------------------------------

def parse_m3u8(text):
    """Return the (duration, segment-name) pairs of a VOD playlist after
    checking the framing that spec §1.9 lists."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    assert lines[0] == "#EXTM3U", text
    assert lines[-1] == "#EXT-X-ENDLIST", text
    assert "#EXT-X-VERSION:3" in lines, text
    assert any(line.startswith("#EXT-X-TARGETDURATION:") for line in lines), text
    assert any(line.startswith("#EXT-X-MEDIA-SEQUENCE:") for line in lines), text
    segments = []
    for i, line in enumerate(lines):
        if line.startswith("#EXTINF:"):
            name = lines[i + 1]
            assert not name.startswith("#") and name.endswith(".ts"), text
            segments.append((float(line[len("#EXTINF:"):].split(",")[0]), name))
    return segments


def is_2xx(status):
    return 200 <= status < 300


# -- presigned URLs --------------------------------------------------------------

# The ways Bucket.sign_url signs: V1 (oss2.Auth, oss2.StsAuth) and V4
# (oss2.ProviderAuthV4), each with and without an STS token.
SIGNERS = ["v1", "v1-sts", "v4", "v4-sts"]
HLS_SIGN = {"x-oss-process": "hls/sign"}

_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def signing_auth(signer):
    token = SECURITY_TOKEN if signer.endswith("-sts") else None
    if signer.startswith("v1"):
        if token:
            return oss2.StsAuth(ACCESS_KEY_ID, ACCESS_KEY_SECRET, token)
        return oss2.Auth(ACCESS_KEY_ID, ACCESS_KEY_SECRET)
    provider = oss2.StaticCredentialsProvider(ACCESS_KEY_ID, ACCESS_KEY_SECRET, token)
    return oss2.ProviderAuthV4(provider)


def signing_bucket(endpoint, bucket_name, signer):
    return oss2.Bucket(signing_auth(signer), endpoint, bucket_name, region=REGION)


def fetch(url, method="GET"):
    """(status, headers, body) of a plain HTTP request, as a player makes it."""
    request = urllib.request.Request(url, method=method)
    try:
        with _OPENER.open(request, timeout=10) as resp:
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


def tamper(url):
    """The URL with its signature changed."""
    for name in ("Signature=", "x-oss-signature="):
        if "&" + name in url:
            return url.replace("&" + name, "&" + name + "0")
    raise AssertionError(url)
