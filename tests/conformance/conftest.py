"""Fixtures: emulator processes, unique buckets, fake DNS for virtual hosts."""

import itertools
import os
import socket
from types import SimpleNamespace

import pytest

from conformance_helpers import (
    FAKE_DOMAIN,
    Emulator,
    emulator_binary,
    make_bucket,
    server_args,
)

# requests honours *_proxy variables; every request here must reach 127.0.0.1.
for _var in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
    os.environ.pop(_var, None)
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "*"

_bucket_counter = itertools.count(1)


@pytest.fixture(scope="session")
def emulator_bin():
    return emulator_binary()


def _stop_and_check(emulator):
    problems = emulator.stop()
    if problems:
        pytest.fail("emulator contract violated: " + "; ".join(problems), pytrace=False)


@pytest.fixture(scope="module")
def emu(emulator_bin, tmp_path_factory):
    """One emulator per test module. Tests that need isolation use their own
    bucket (any valid name is served), so they cannot see each other."""
    emulator = Emulator(emulator_bin, tmp_path_factory.mktemp("emu"), server_args())
    yield emulator
    _stop_and_check(emulator)


@pytest.fixture
def start_emulator(emulator_bin, tmp_path):
    """Factory for emulators with custom flags, or for tests that change global
    state (clock, fault queue, process lifetime)."""
    started = []

    def start(args=None, env_extra=None, name=None):
        logdir = tmp_path / (name or f"emu{len(started)}")
        emulator = Emulator(emulator_bin, logdir, server_args() if args is None else args, env_extra)
        started.append(emulator)
        return emulator

    yield start
    for emulator in started:
        _stop_and_check(emulator)


@pytest.fixture
def fresh_emu(start_emulator):
    return start_emulator()


@pytest.fixture
def bucket_name():
    return f"conf-bucket-{next(_bucket_counter):04d}"


@pytest.fixture
def bucket_for(emu, bucket_name):
    """bucket_for(mode) -> oss2.Bucket on this test's own bucket."""
    return lambda mode="v1", **kw: make_bucket(emu.endpoint, bucket_name, mode, **kw)


@pytest.fixture
def fake_dns(monkeypatch):
    """Resolve *.example to 127.0.0.1 in this process so oss2 can use a
    virtual-hosted endpoint (Host: BUCKET.oss-test.example:PORT)."""
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if isinstance(host, bytes):
            host = host.decode()
        if isinstance(host, str) and host.endswith(".example"):
            host = "127.0.0.1"
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture(params=["path-style", "virtual-hosted"])
def addressing(request, emu):
    """Endpoint plus the HOST part the emulator must echo in URLs."""
    if request.param == "path-style":
        return SimpleNamespace(endpoint=emu.endpoint, host=emu.host, virtual=False)
    request.getfixturevalue("fake_dns")
    host = f"{FAKE_DOMAIN}:{emu.port}"
    return SimpleNamespace(endpoint=f"http://{host}", host=host, virtual=True)
