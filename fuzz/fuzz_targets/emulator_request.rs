//! Raw bytes as one HTTP connection to an in-process emulator: the server's own request
//! parsing (head, Content-Length, chunked bodies, pipelining), then the app (addressing,
//! query decoding, signature checks, the operations, the admin endpoints).
//!
//! The bytes go over a loopback socket because the server parses only from a TcpStream;
//! see `osslive_emulator::fuzzing`. A first request carrying `Authorization: fuzz-v1` (or
//! `fuzz-v4`) is signed for real by the harness, so the seeds reach the operations.
//!
//! A panic anywhere in the emulator, even in a connection thread that the server would
//! survive, aborts the process (libFuzzer's panic hook) and is reported as a crash.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use osslive_emulator::fuzzing::FuzzServer;

fn server() -> &'static FuzzServer {
    static SERVER: OnceLock<FuzzServer> = OnceLock::new();
    SERVER.get_or_init(|| FuzzServer::start().expect("start the in-process emulator"))
}

fuzz_target!(|data: &[u8]| {
    let reply = server().exchange(data);
    // Silence (a dropped request, or one never completed) is fine; anything else must be
    // HTTP/1.1 responses. (A handler panic needs no check here: it aborts, see above.)
    assert!(
        reply.is_empty() || reply.starts_with(b"HTTP/1.1 "),
        "not an HTTP answer: {:?}",
        String::from_utf8_lossy(&reply[..reply.len().min(200)])
    );
});
