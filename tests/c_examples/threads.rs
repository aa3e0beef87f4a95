//! One client shared by eight threads (`client_threads`), also under ASan.

use crate::build::*;
use crate::env::*;
use crate::run::*;

fn client_threads(r: &Runner) {
    let emulator = start_emulator();
    let env = Env::for_emulator(&emulator);
    r.ok(&env, "client_threads", &["threads"])
        .has_line("threads: 8")
        .has_line("channels: 160")
        .has_line("failures: 0");
    // Every thread deleted what it created.
    r.ok(&env, "list_channels", &["threads"])
        .has_line("channels: 0");
}

#[test]
fn one_client_shared_by_eight_threads() {
    client_threads(&Runner::new(Kind::Static));
}

#[test]
fn one_client_shared_by_eight_threads_under_asan() {
    client_threads(&Runner::new(Kind::Asan));
}
