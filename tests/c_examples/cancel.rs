//! Cancelling blocked calls from C (`cancel_calls`, from tests/c/cancel/): 8 threads
//! stuck reading a body the emulator stalls, stopped by `osslive_client_interrupt`, then
//! 8 more by `osslive_client_shutdown`, after which a call fails at once and the client
//! is freed. Natively and under ASan every stuck call must return within 200 ms of the
//! cancellation; under valgrind, which runs one thread at a time and many times slower,
//! the calls must all be cancelled, with no finding, within a second.

use std::time::Duration;

use osslive::LiveChannelConfiguration;
use osslive_emulator::faults::Fault;

use crate::build::*;
use crate::env::*;
use crate::run::*;

/// Long enough that a call the cancellation missed fails the test's time limit by far.
const STALL: Duration = Duration::from_secs(10);
const CHANNEL: &str = "c-cancel";

fn cancel(runner: &Runner, limit_ms: u64) {
    let emulator = start_emulator();
    one_attempt_client(&emulator)
        .bucket(BUCKET)
        .unwrap()
        .create_live_channel(CHANNEL, &LiveChannelConfiguration::default())
        .unwrap();
    // 8 calls for the interrupt, 8 for the shutdown.
    emulator.inject_fault(Fault::StallBody(STALL), 16);
    let run = runner.ok(&Env::for_emulator(&emulator), "cancel_calls", &[CHANNEL]);
    run.has_line("interrupted: 8")
        .has_line("shut down: 8")
        .has_line("later call: cancelled");
    for label in ["slowest after interrupt ms", "slowest after shutdown ms"] {
        let ms: u64 = Run::value(&run.stdout, label)
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no {label} in {}", run.stdout));
        assert!(
            ms < limit_ms,
            "{label}: {ms} (limit {limit_ms})\n{}",
            run.stdout
        );
    }
}

#[test]
fn stuck_calls_are_cancelled_promptly() {
    cancel(&Runner::new(Kind::Static), 200);
    cancel(&Runner::new(Kind::Shared), 200);
}

#[test]
fn stuck_calls_are_cancelled_under_asan() {
    cancel(&Runner::new(Kind::Asan), 200);
}

#[test]
fn stuck_calls_are_cancelled_under_valgrind() {
    require_tool("valgrind", "valgrind").unwrap_or_else(|e| panic!("{e}"));
    cancel(&Runner::valgrind(Kind::Static), 1000);
}
