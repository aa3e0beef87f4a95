//! Running the examples: directly or under valgrind, with a clean environment, a timeout,
//! and no sanitizer or valgrind finding allowed.

use std::ffi::OsStr;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::build::*;
use crate::env::*;

/// The variables the examples read; removed from the inherited environment of every run
/// so a developer's real credentials (or tuning) never reach a test.
const OSS_VARS: &[&str] = &[
    "OSS_ENDPOINT",
    "OSS_BUCKET",
    "OSS_ACCESS_KEY_ID",
    "OSS_ACCESS_KEY_SECRET",
    "OSS_SESSION_TOKEN",
    "OSS_REGION",
    "OSSLIVE_TIMEOUT_MS",
    "OSSLIVE_CONNECT_TIMEOUT_MS",
    "OSSLIVE_MAX_ATTEMPTS",
    "OSSLIVE_DEADLINE_MS",
    "OSSLIVE_SIGNATURE_VERSION",
];

const SANITIZER_ENV: &[(&str, &str)] = &[
    ("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=1"),
    ("UBSAN_OPTIONS", "halt_on_error=1:print_stacktrace=1"),
];

/// Definite and indirect leaks are findings. "Possibly lost" blocks are not: Rust's
/// standard library keeps per-thread data (the current `Thread`) behind pointers into the
/// middle of an allocation, which valgrind cannot tell from a leak; showing only the kinds
/// that count keeps every line valgrind prints a real finding.
const VALGRIND_ARGS: &[&str] = &[
    "--leak-check=full",
    "--errors-for-leak-kinds=definite,indirect",
    "--show-leak-kinds=definite,indirect",
    "--error-exitcode=99",
    "-q",
];

/// How to run the programs of one build: directly or under valgrind.
pub struct Runner {
    pub kind: Kind,
    pub valgrind: bool,
}

impl Runner {
    pub fn new(kind: Kind) -> Runner {
        Runner {
            kind,
            valgrind: false,
        }
    }

    pub fn valgrind(kind: Kind) -> Runner {
        Runner {
            kind,
            valgrind: true,
        }
    }

    /// Valgrind runs the unoptimised library 20 to 50 times slower.
    fn timeout(&self) -> Duration {
        if self.valgrind {
            Duration::from_secs(300)
        } else {
            Duration::from_secs(120)
        }
    }

    fn command(&self, program: &str) -> Command {
        let bin = built().bin(self.kind, program);
        if self.valgrind {
            let mut c = clean_command("valgrind");
            c.args(VALGRIND_ARGS).arg(bin);
            c
        } else {
            clean_command(bin)
        }
    }

    /// Runs `program args` with `env`, and checks it exited with `code` and that neither
    /// a sanitizer nor valgrind reported anything.
    pub fn expect(&self, env: &Env, code: i32, program: &str, args: &[&str]) -> Run {
        let what = format!(
            "{:?}{} {program} {args:?}",
            self.kind,
            if self.valgrind { " under valgrind" } else { "" }
        );
        let command = self.command(program);
        expect_exit(command, program, env, code, args, &what, self.timeout())
    }

    pub fn ok(&self, env: &Env, program: &str, args: &[&str]) -> Run {
        self.expect(env, 0, program, args)
    }
}

/// A command for `program` with none of the developer's OSS variables and with the
/// sanitizers' options.
fn clean_command(program: impl AsRef<OsStr>) -> Command {
    let mut command = Command::new(program);
    // And what the default credentials chain reads besides HOME (tests give their own).
    for var in OSS_VARS
        .iter()
        .chain(osslive::credentials::DEFAULT_CHAIN_VARIABLES)
    {
        command.env_remove(var);
    }
    for (name, value) in SANITIZER_ENV {
        command.env(name, value);
    }
    command
}

/// Runs a program built outside the examples Makefile (the CMake consumer) as
/// [`Runner::expect`] runs the examples.
pub fn expect_program(bin: &Path, env: &Env, code: i32, args: &[&str]) -> Run {
    let what = format!("{} {args:?}", bin.display());
    let program = bin.file_name().and_then(OsStr::to_str).unwrap_or_default();
    expect_exit(
        clean_command(bin),
        program,
        env,
        code,
        args,
        &what,
        Duration::from_secs(120),
    )
}

/// Runs `command args` (the example `program`, maybe under valgrind) with `env`, and
/// checks it exited with `code` and that neither a sanitizer nor valgrind reported anything.
fn expect_exit(
    mut command: Command,
    program: &str,
    env: &Env,
    code: i32,
    args: &[&str],
    what: &str,
    timeout: Duration,
) -> Run {
    command.args(args);
    for (name, value) in &env.vars {
        command.env(name, value);
    }
    let run = run_with_timeout(command, timeout, what);
    // Captured by the test harness: shown for a failing test, and with `--nocapture`,
    // where scripts/test-all scans everything the programs printed for secrets.
    println!(
        "=== {what}: exit {:?}\n--- stdout\n{}--- stderr\n{}",
        run.code,
        loggable_stdout(program, &run.stdout),
        run.stderr
    );
    assert_eq!(
        run.code,
        Some(code),
        "{what}: expected exit code {code}, got {:?}\n--- stdout\n{}--- stderr\n{}",
        run.code,
        run.stdout,
        run.stderr
    );
    assert_no_findings(what, &run);
    run
}

/// What a program did.
pub struct Run {
    /// `None` when killed by a signal.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Asserts that stdout has exactly this line.
    pub fn has_line(&self, line: &str) -> &Run {
        assert!(
            self.stdout.lines().any(|l| l == line),
            "stdout lacks the line {line:?}:\n{}",
            self.stdout
        );
        self
    }

    /// Asserts that stderr has exactly this line.
    pub fn has_err_line(&self, line: &str) -> &Run {
        assert!(
            self.stderr.lines().any(|l| l == line),
            "stderr lacks the line {line:?}:\n{}",
            self.stderr
        );
        self
    }

    /// The value of the first `label: value` line of `text`.
    pub fn value<'a>(text: &'a str, label: &str) -> Option<&'a str> {
        let prefix = format!("{label}: ");
        text.lines().find_map(|l| l.strip_prefix(prefix.as_str()))
    }

    pub fn count_lines_starting(&self, prefix: &str) -> usize {
        self.stdout
            .lines()
            .filter(|l| l.starts_with(prefix))
            .count()
    }
}

/// A run's stdout as the harness shows it: all of it, except the STS token in the signed
/// URL that `sign_rtmp_url` and `sign_play_url` exist to print (`security-token=`, and
/// V4's `x-oss-security-token=`). That URL carries the token by OSS's design and is a
/// bearer credential the header says not to log, so the harness does not log it either;
/// anything else, and those programs' stderr, is shown as printed, so the secret scan of
/// scripts/test-all still sees a token that leaks anywhere else.
fn loggable_stdout(program: &str, stdout: &str) -> String {
    if program != "sign_rtmp_url" && program != "sign_play_url" {
        return stdout.to_owned();
    }
    stdout
        .lines()
        .map(|line| {
            let mut shown = String::new();
            let mut rest = line;
            while let Some(at) = rest.find("security-token=") {
                let value = at + "security-token=".len();
                shown.push_str(&rest[..value]);
                shown.push_str("<redacted>");
                rest = &rest[value..];
                rest = &rest[rest.find('&').unwrap_or(rest.len())..];
            }
            shown.push_str(rest);
            shown.push('\n');
            shown
        })
        .collect()
}

/// Runs a command, reading its output as it comes (a full pipe must not stall it) and
/// killing it if it outlives `timeout`.
pub fn run_with_timeout(mut command: Command, timeout: Duration, what: &str) -> Run {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{what}: cannot start: {e}"));
    let mut stdout = child.stdout.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    let out_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the child") {
            break status;
        }
        if started.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running after {timeout:?}; killed");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Run {
        code: status.code(),
        stdout: out_reader.join().expect("stdout reader"),
        stderr: err_reader.join().expect("stderr reader"),
    }
}

/// ASan, LSan, UBSan and valgrind all write `==PID==` lines or `runtime error:`.
fn assert_no_findings(what: &str, run: &Run) {
    let finding = run.stderr.lines().find(|l| {
        l.starts_with("==")
            || l.contains("runtime error:")
            || l.contains("AddressSanitizer")
            || l.contains("LeakSanitizer")
    });
    assert!(
        finding.is_none(),
        "{what}: sanitizer or valgrind finding:\n{}",
        run.stderr
    );
}
