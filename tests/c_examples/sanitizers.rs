//! Every scenario of the examples under valgrind and with ASan, LeakSanitizer and UBSan.

use crate::build::*;
use crate::env::*;
use crate::errors::{service_errors, usage_errors};
use crate::lifecycle::lifecycle;
use crate::play::play_urls;
use crate::run::*;

/// One pass over every scenario under valgrind (it is slow): no definite or indirect
/// leak, no invalid access, on success and on every failure path.
#[test]
fn static_build_is_clean_under_valgrind() {
    require_tool("valgrind", "valgrind").unwrap_or_else(|e| panic!("{e}"));
    let runner = Runner::valgrind(Kind::Static);
    let emulator = start_emulator();
    lifecycle(&runner, &emulator);
    play_urls(&runner, &emulator);
    service_errors(&runner, &emulator);
    usage_errors(&runner);
    runner.ok(&Env::for_endpoint("http://127.0.0.1:9"), "hello", &[]);
}

/// Every scenario with ASan, LeakSanitizer and UBSan watching the C side and every
/// allocation the library makes for it.
#[test]
fn asan_build_is_clean() {
    let runner = Runner::new(Kind::Asan);
    let emulator = start_emulator();
    lifecycle(&runner, &emulator);
    play_urls(&runner, &emulator);
    service_errors(&runner, &emulator);
    usage_errors(&runner);
    runner.ok(&Env::for_endpoint("http://127.0.0.1:9"), "hello", &[]);
}
