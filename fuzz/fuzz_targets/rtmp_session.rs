//! Raw bytes as what an RTMP client sends after the handshake, through the emulator's
//! whole input path: its bounded chunk reader, the AMF0 and message-shape checks, then
//! `rml_rtmp`'s session (which answers `connect`, `createStream`, `publish`...). Every
//! `connect` and `publish` is accepted, so a publisher's metadata and media paths run too.
//! See `osslive_emulator::fuzzing::rtmp_session_input`.
//!
//! A panic anywhere is a crash: the checks in front of `rml_rtmp` exist so that nothing a
//! client sends reaches a panic (in production a panic would still only end that session).
//! Also checked: never more buffered than the limit, and the same messages whatever the
//! read boundaries.

#![no_main]

use libfuzzer_sys::fuzz_target;
use osslive_emulator::fuzzing::rtmp_session_input;

fuzz_target!(|data: &[u8]| {
    rtmp_session_input(data);
});
