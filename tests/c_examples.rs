//! The C examples in `examples-c/`, built with their Makefile against the library cargo
//! just built, run against an in-process emulator: linked statically, linked to the
//! shared library, under valgrind, and built with ASan + UBSan. Each must print the
//! right things, exit with the right code, and leave no sanitizer or valgrind finding.
//!
//! Needs `make`, a C compiler, a C++ compiler and `valgrind` (Debian/Ubuntu:
//! `apt-get install make gcc g++ valgrind`); without them the tests fail, never skip.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use osslive_emulator::auth::{AccessKey, Authority};
use osslive_emulator::faults::{Fault, NON_XML_BODY};
use osslive_emulator::model::{
    AudioStat, Channel, ChannelConfig, ChannelStatus, Fragment, LiveSession, Target, VideoStat,
};
use osslive_emulator::rtmp_auth::check_push_url;
use osslive_emulator::{Config, Emulator};

const AK: &str = "LTAI5tTestAccessKeyId";
const SK: &str = "TestAccessKeySecret0123456789abc";
/// An STS token with characters that must be escaped in a URL.
const TOKEN: &str = "STS.CExamplesToken+/=";
const REGION: &str = "cn-hangzhou";
const BUCKET: &str = "c-examples";

/// Every C program the Makefile builds from a `.c` file, plus the C++ one.
const PROGRAMS: &[&str] = &[
    "create_channel",
    "list_channels",
    "set_channel_status",
    "sign_rtmp_url",
    "get_channel_stat",
    "get_channel_info",
    "post_vod_playlist",
    "get_vod_playlist",
    "get_channel_history",
    "delete_channel",
    "client_threads",
    "hostile_input",
    "hello",
];

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

// ---------------------------------------------------------------------------------------
// Building the examples, once per test binary.
// ---------------------------------------------------------------------------------------

/// Where cargo put the library this test was built with, and where the examples go.
struct Built {
    /// Holds the `libosslive.a` and `libosslive.so` the examples link.
    lib_dir: PathBuf,
    /// The Makefile's `BUILD_DIR`, with `static/`, `shared/`, `asan/` and `lib/`.
    build_dir: PathBuf,
}

impl Built {
    fn bin(&self, kind: Kind, program: &str) -> PathBuf {
        self.build_dir.join(kind.dir()).join(program)
    }
}

static BUILT: OnceLock<Result<Built, String>> = OnceLock::new();

/// Builds every example (static, shared, ASan) the first time it is called; later calls,
/// from any test thread, wait for that build and share it.
fn built() -> &'static Built {
    match BUILT.get_or_init(build_examples) {
        Ok(built) => built,
        Err(why) => panic!("{why}"),
    }
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Fails with what to install when a tool the tests need is missing.
fn require_tool(program: &str, what: &str) -> Result<(), String> {
    match Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
    {
        Ok(_) => Ok(()),
        Err(e) => Err(format!(
            "{what} `{program}` cannot be run ({e}): the C example tests need it. \
             Install it (Debian/Ubuntu: `apt-get install make gcc g++ valgrind`)."
        )),
    }
}

fn c_compiler() -> String {
    std::env::var("CC").unwrap_or_else(|_| "gcc".to_owned())
}

fn cxx_compiler() -> String {
    std::env::var("CXX").unwrap_or_else(|_| "g++".to_owned())
}

fn build_examples() -> Result<Built, String> {
    require_tool("make", "GNU make")?;
    require_tool(&c_compiler(), "the C compiler")?;
    require_tool(&cxx_compiler(), "the C++ compiler")?;

    // This binary is target/<profile>/deps/c_examples-HASH. The C libraries are not crate
    // types of the package: scripts/build-capi builds them (the `capi` feature) for the
    // same profile into the same target directory, leaving the committed header alone.
    let exe = std::env::current_exe().map_err(|e| format!("cannot locate the test binary: {e}"))?;
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .ok_or("the test binary is not in target/<profile>/deps")?;
    let target_dir = profile_dir
        .parent()
        .ok_or("the test binary is not in target/<profile>/deps")?;
    let mut command = Command::new(repo_root().join("scripts/build-capi"));
    command
        .arg("--no-header")
        .env("CARGO_TARGET_DIR", target_dir)
        .current_dir(repo_root());
    if profile_dir.file_name().is_some_and(|n| n == "release") {
        command.arg("--release");
    }
    let output = command
        .output()
        .map_err(|e| format!("cannot run scripts/build-capi: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let lib_dir = match stdout.lines().last() {
        Some(dir) if output.status.success() => PathBuf::from(dir),
        _ => {
            return Err(format!(
                "scripts/build-capi did not build libosslive.a and libosslive.so ({}):\n{}",
                output.status,
                String::from_utf8_lossy(&output.stderr)
            ));
        }
    };

    // Under cargo's target directory, not the source tree: tests never touch examples-c/build.
    let build_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("c-examples");
    let jobs = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .to_string();
    let output = Command::new("make")
        .arg("-C")
        .arg(repo_root().join("examples-c"))
        .arg(format!("-j{jobs}"))
        .arg(format!("OSSLIVE_LIB_DIR={}", lib_dir.display()))
        .arg(format!("BUILD_DIR={}", build_dir.display()))
        .args(["static", "shared", "asan"])
        // cargo may pass its jobserver down; make must not try to join it.
        .env_remove("MAKEFLAGS")
        .env_remove("MFLAGS")
        .output()
        .map_err(|e| format!("cannot run make: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "make -C examples-c failed ({}):\n{}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(Built { lib_dir, build_dir })
}

// ---------------------------------------------------------------------------------------
// Running the examples.
// ---------------------------------------------------------------------------------------

/// The three builds of every program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Static,
    Shared,
    Asan,
}

impl Kind {
    fn dir(self) -> &'static str {
        match self {
            Kind::Static => "static",
            Kind::Shared => "shared",
            Kind::Asan => "asan",
        }
    }
}

/// How to run the programs of one build: directly or under valgrind.
struct Runner {
    kind: Kind,
    valgrind: bool,
}

impl Runner {
    fn new(kind: Kind) -> Runner {
        Runner {
            kind,
            valgrind: false,
        }
    }

    fn valgrind(kind: Kind) -> Runner {
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
        let mut command = if self.valgrind {
            let mut c = Command::new("valgrind");
            c.args(VALGRIND_ARGS).arg(bin);
            c
        } else {
            Command::new(bin)
        };
        for var in OSS_VARS {
            command.env_remove(var);
        }
        for (name, value) in SANITIZER_ENV {
            command.env(name, value);
        }
        command
    }

    /// Runs `program args` with `env`, and checks it exited with `code` and that neither
    /// a sanitizer nor valgrind reported anything.
    fn expect(&self, env: &Env, code: i32, program: &str, args: &[&str]) -> Run {
        let mut command = self.command(program);
        command.args(args);
        for (name, value) in &env.vars {
            command.env(name, value);
        }
        let what = format!(
            "{:?}{} {program} {args:?}",
            self.kind,
            if self.valgrind { " under valgrind" } else { "" }
        );
        let run = run_with_timeout(command, self.timeout(), &what);
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
        assert_no_findings(&what, &run);
        run
    }

    fn ok(&self, env: &Env, program: &str, args: &[&str]) -> Run {
        self.expect(env, 0, program, args)
    }
}

/// What a program did.
struct Run {
    /// `None` when killed by a signal.
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    /// Asserts that stdout has exactly this line.
    fn has_line(&self, line: &str) -> &Run {
        assert!(
            self.stdout.lines().any(|l| l == line),
            "stdout lacks the line {line:?}:\n{}",
            self.stdout
        );
        self
    }

    /// Asserts that stderr has exactly this line.
    fn has_err_line(&self, line: &str) -> &Run {
        assert!(
            self.stderr.lines().any(|l| l == line),
            "stderr lacks the line {line:?}:\n{}",
            self.stderr
        );
        self
    }

    /// The value of the first `label: value` line of `text`.
    fn value<'a>(text: &'a str, label: &str) -> Option<&'a str> {
        let prefix = format!("{label}: ");
        text.lines().find_map(|l| l.strip_prefix(prefix.as_str()))
    }

    fn count_lines_starting(&self, prefix: &str) -> usize {
        self.stdout
            .lines()
            .filter(|l| l.starts_with(prefix))
            .count()
    }
}

/// A run's stdout as the harness shows it: all of it, except the STS token in the signed
/// RTMP URL that `sign_rtmp_url` exists to print. That URL carries the token by OSS's
/// design and is a bearer credential the header says not to log, so the harness does not
/// log it either; anything else, and that program's stderr, is shown as printed, so the
/// secret scan of scripts/test-all still sees a token that leaks anywhere else.
fn loggable_stdout(program: &str, stdout: &str) -> String {
    if program != "sign_rtmp_url" {
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
fn run_with_timeout(mut command: Command, timeout: Duration, what: &str) -> Run {
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

/// The environment one run gets.
#[derive(Clone)]
struct Env {
    vars: BTreeMap<&'static str, String>,
}

impl Env {
    /// Everything set, pointing at `emulator` with STS credentials.
    fn for_emulator(emulator: &Emulator) -> Env {
        Env::for_endpoint(&emulator.endpoint())
    }

    fn for_endpoint(endpoint: &str) -> Env {
        let vars = [
            ("OSS_ENDPOINT", endpoint),
            ("OSS_BUCKET", BUCKET),
            ("OSS_ACCESS_KEY_ID", AK),
            ("OSS_ACCESS_KEY_SECRET", SK),
            ("OSS_SESSION_TOKEN", TOKEN),
            ("OSS_REGION", REGION),
        ];
        Env {
            vars: vars.into_iter().map(|(k, v)| (k, v.to_owned())).collect(),
        }
    }

    fn with(mut self, name: &'static str, value: &str) -> Env {
        self.vars.insert(name, value.to_owned());
        self
    }

    fn without(mut self, name: &'static str) -> Env {
        self.vars.remove(name);
        self
    }
}

fn start_emulator() -> Emulator {
    Emulator::start(Config::new(AK, SK).security_token(TOKEN).region(REGION))
        .expect("start the emulator")
}

fn authority() -> Authority {
    Authority {
        access_keys: vec![AccessKey {
            id: AK.to_owned(),
            secret: SK.to_owned(),
        }],
        security_tokens: vec![TOKEN.to_owned()],
        region: REGION.to_owned(),
    }
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs() as i64
}

// ---------------------------------------------------------------------------------------
// Scenarios, each run by several builds.
// ---------------------------------------------------------------------------------------

/// 1700000000 is 2023-11-14T22:13:20Z: a publisher's connect time with a known rendering.
const CONNECTED_UNIX: u64 = 1_700_000_000;
const CONNECTED_LINE: &str = "2023-11-14T22:13:20Z (1700000000)";

/// The guide's whole lifecycle: create, inspect, list, disable, history, sign, VOD, delete.
fn lifecycle(r: &Runner, emulator: &Emulator) {
    let env = Env::for_emulator(emulator);
    let host = emulator.addr().to_string();

    // Create: the URLs follow the emulator's path-style answer for an IP endpoint.
    let created = r.ok(&env, "create_channel", &["c-flow", "flow description"]);
    created
        .has_line("channel: c-flow")
        .has_line(&format!("publish url: rtmp://{host}/{BUCKET}/live/c-flow"))
        .has_line(&format!(
            "play url: http://{host}/{BUCKET}/c-flow/playlist.m3u8"
        ));
    assert!(
        Run::value(&created.stdout, "request id").is_some_and(|id| !id.is_empty()),
        "{}",
        created.stdout
    );
    r.ok(&env, "create_channel", &["c-flow-2"]);
    r.ok(&env, "create_channel", &["other"]);

    // Info: the configuration create_channel sent, as in the guide.
    r.ok(&env, "get_channel_info", &["c-flow"])
        .has_line("description: flow description")
        .has_line("status: enabled")
        .has_line("target type: HLS")
        .has_line("frag duration: 5")
        .has_line("frag count: 3")
        .has_line("playlist name: playlist.m3u8")
        .has_line("snapshot: none");

    // Stat: idle, then live while a publisher is connected.
    let idle = r.ok(&env, "get_channel_stat", &["c-flow"]);
    idle.has_line("status: Idle");
    assert!(
        !idle.stdout.contains("video:") && !idle.stdout.contains("remote addr:"),
        "{}",
        idle.stdout
    );
    emulator
        .begin_publish(
            BUCKET,
            "c-flow",
            LiveSession {
                connected_time: UNIX_EPOCH + Duration::from_secs(CONNECTED_UNIX),
                remote_addr: "10.1.2.3:5678".to_owned(),
                video: Some(VideoStat {
                    width: 1280,
                    height: 720,
                    frame_rate: 30,
                    bandwidth: 100_000,
                    codec: "H264".to_owned(),
                }),
                audio: Some(AudioStat {
                    bandwidth: 16_000,
                    sample_rate: 44_100,
                    codec: "AAC".to_owned(),
                }),
            },
        )
        .expect("begin a publish");
    r.ok(&env, "get_channel_stat", &["c-flow"])
        .has_line("status: Live")
        .has_line(&format!("connected time: {CONNECTED_LINE}"))
        .has_line("remote addr: 10.1.2.3:5678")
        .has_line("video: 1280x720, 30 fps, 100000 B/s, H264")
        .has_line("audio: 44100 Hz, 16000 B/s, AAC");
    assert!(
        emulator
            .end_publish(BUCKET, "c-flow")
            .expect("end the publish")
    );

    // List: a prefix, and a page size of 1 so the pager must follow markers.
    let listed = r.ok(&env, "list_channels", &["c-flow", "1"]);
    listed
        .has_line("channel: c-flow")
        .has_line("channel: c-flow-2")
        .has_line("channels: 2");
    assert!(
        !listed.stdout.contains("channel: other"),
        "{}",
        listed.stdout
    );
    let pages: usize = Run::value(&listed.stdout, "pages")
        .and_then(|p| p.parse().ok())
        .expect("a pages line");
    assert!(
        pages >= 2,
        "page size 1 and 2 channels gave {pages} page(s)"
    );
    assert_eq!(
        listed.count_lines_starting("  last modified: 20"),
        2,
        "{}",
        listed.stdout
    );
    assert!(
        listed
            .stdout
            .lines()
            .filter_map(|l| l.strip_prefix("  last modified: "))
            .all(|v| v.len() > 22
                && v.as_bytes()[10] == b'T'
                && v.as_bytes()[19] == b'Z'
                && v.ends_with(')')),
        "last modified is not ISO-8601 UTC plus the number:\n{}",
        listed.stdout
    );
    listed.has_line(&format!(
        "  publish url: rtmp://{host}/{BUCKET}/live/c-flow"
    ));
    r.ok(&env, "list_channels", &[])
        .has_line("channel: other")
        .has_line("channels: 3");

    // Status: disabled shows in the stat, the info and the list; then back to enabled.
    r.ok(&env, "set_channel_status", &["c-flow", "disabled"])
        .has_line("channel: c-flow")
        .has_line("status: disabled");
    r.ok(&env, "get_channel_stat", &["c-flow"])
        .has_line("status: Disabled");
    r.ok(&env, "get_channel_info", &["c-flow"])
        .has_line("status: disabled");
    let after = r.ok(&env, "list_channels", &["c-flow"]);
    let c_flow_block: String = after
        .stdout
        .split("channel: ")
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    assert!(
        c_flow_block.starts_with("c-flow\n") && c_flow_block.contains("  status: disabled"),
        "{}",
        after.stdout
    );
    r.ok(&env, "set_channel_status", &["c-flow", "enabled"])
        .has_line("status: enabled");
    r.ok(&env, "get_channel_stat", &["c-flow"])
        .has_line("status: Idle");

    // History: the push above.
    let history = r.ok(&env, "get_channel_history", &["c-flow"]);
    history
        .has_line("records: 1")
        .has_line("record 1:")
        .has_line(&format!("  start time: {CONNECTED_LINE}"))
        .has_line("  remote addr: 10.1.2.3:5678");
    assert_eq!(
        history.count_lines_starting("  end time: 20"),
        1,
        "{}",
        history.stdout
    );
    r.ok(&env, "get_channel_history", &["c-flow-2"])
        .has_line("records: 0");

    // Sign: only the URL is printed, and the emulator's RTMP check accepts it.
    let expires = (unix_now() + 3600).to_string();
    let signed = r.ok(
        &env,
        "sign_rtmp_url",
        &["c-flow", "playlist.m3u8", &expires],
    );
    let url = signed.stdout.trim_end();
    assert_eq!(
        signed.stdout.lines().count(),
        1,
        "more than the URL printed:\n{}",
        signed.stdout
    );
    assert!(
        url.starts_with(&format!("rtmp://{host}/{BUCKET}/live/c-flow?")),
        "{url}"
    );
    assert!(url.contains(&format!("Expires={expires}")), "{url}");
    let accepted =
        check_push_url(url, &authority(), emulator.now()).unwrap_or_else(|e| panic!("{url}: {e}"));
    assert_eq!(
        (accepted.bucket.as_str(), accepted.channel.as_str()),
        (BUCKET, "c-flow")
    );
    assert_eq!(accepted.playlist_name.as_deref(), Some("playlist.m3u8"));
    assert_eq!(accepted.access_key_id, AK);
    assert!(
        accepted.token_form.is_some(),
        "the STS token must be in the URL: {url}"
    );
    let bare = r.ok(&env, "sign_rtmp_url", &["c-flow", "", &expires]);
    let bare_url = bare.stdout.trim_end();
    assert!(!bare_url.contains("playlistName"), "{bare_url}");
    let accepted = check_push_url(bare_url, &authority(), emulator.now())
        .unwrap_or_else(|e| panic!("{bare_url}: {e}"));
    assert_eq!(accepted.playlist_name, None);

    // VOD: three fragments recorded ten minutes ago, collected and read back.
    let t0 = unix_now() - 600;
    let fragments = (0..3)
        .map(|i| {
            let start_ms = (t0 as u64) * 1000 + i * 5000;
            let fragment = Fragment {
                start_time: UNIX_EPOCH + Duration::from_millis(start_ms),
                duration: 5.0,
                name: format!("{start_ms}.ts"),
            };
            (fragment, Vec::new())
        })
        .collect();
    emulator
        .add_fragments(BUCKET, "c-flow", fragments)
        .expect("seed fragments");
    let (start, end) = ((t0 - 10).to_string(), (t0 + 60).to_string());
    r.ok(
        &env,
        "post_vod_playlist",
        &["c-flow", "vod.m3u8", &start, &end],
    )
    .has_line("playlist: c-flow/vod.m3u8")
    .has_line(&format!("start time: {} ({start})", iso_utc(t0 - 10)));
    let vod = r.ok(&env, "get_vod_playlist", &["c-flow", &start, &end]);
    vod.has_line("#EXTM3U").has_line("#EXT-X-ENDLIST");
    for i in 0..3 {
        vod.has_line(&format!("{}.ts", (t0 as u64) * 1000 + i * 5000));
    }

    // Delete all three; the list is empty and the channel is gone.
    for channel in ["c-flow", "c-flow-2", "other"] {
        r.ok(&env, "delete_channel", &[channel])
            .has_line(&format!("deleted channel: {channel}"));
    }
    r.ok(&env, "list_channels", &[]).has_line("channels: 0");
    r.expect(&env, 1, "get_channel_info", &["c-flow"])
        .has_err_line("code: NoSuchLiveChannel");
}

/// Errors OSS answers: status text, HTTP status, code and request id on stderr, exit 1.
fn service_errors(r: &Runner, emulator: &Emulator) {
    let env = Env::for_emulator(emulator);

    for (program, args) in [
        ("get_channel_info", &["no-such-channel"][..]),
        ("get_channel_stat", &["no-such-channel"][..]),
        ("delete_channel", &["no-such-channel"][..]),
        ("set_channel_status", &["no-such-channel", "disabled"][..]),
    ] {
        let run = r.expect(&env, 1, program, args);
        run.has_err_line("error: OSS answered with an error")
            .has_err_line("http status: 404")
            .has_err_line("code: NoSuchLiveChannel");
        assert!(
            Run::value(&run.stderr, "message").is_some(),
            "{}",
            run.stderr
        );
        assert!(
            Run::value(&run.stderr, "request id").is_some_and(|id| !id.is_empty()),
            "no request id:\n{}",
            run.stderr
        );
        assert!(
            run.stdout.is_empty(),
            "{program} printed a result on failure:\n{}",
            run.stdout
        );
    }

    // A wrong secret: OSS recomputes the signature and refuses it.
    let wrong = env.clone().with("OSS_ACCESS_KEY_SECRET", "not-the-secret");
    for (program, args) in [
        ("create_channel", &["c-err"][..]),
        ("list_channels", &[][..]),
    ] {
        r.expect(&wrong, 1, program, args)
            .has_err_line("error: OSS answered with an error")
            .has_err_line("http status: 403")
            .has_err_line("code: SignatureDoesNotMatch");
    }

    // Refused by osslive before any request: no HTTP status, no request id.
    r.ok(&env, "create_channel", &["c-err"]);
    let local = r.expect(&env, 1, "get_vod_playlist", &["c-err", "100", "50"]);
    local.has_err_line("error: invalid argument");
    assert!(
        !local.stderr.contains("request id:") && !local.stderr.contains("http status:"),
        "{}",
        local.stderr
    );
    // No fragments in the range: OSS's answer, not a crash.
    r.expect(
        &env,
        1,
        "post_vod_playlist",
        &["c-err", "vod.m3u8", "100", "200"],
    )
    .has_err_line("error: OSS answered with an error");
    r.ok(&env, "delete_channel", &["c-err"]);
}

/// Missing variables and bad arguments: a message and exit 2, before any request.
fn usage_errors(r: &Runner) {
    // Nothing listens here: a usage error must not get as far as connecting.
    let env = Env::for_endpoint("http://127.0.0.1:9");
    for var in [
        "OSS_ENDPOINT",
        "OSS_BUCKET",
        "OSS_ACCESS_KEY_ID",
        "OSS_ACCESS_KEY_SECRET",
    ] {
        let run = r.expect(&env.clone().without(var), 2, "get_channel_info", &["c"]);
        assert!(
            run.stderr.contains(var),
            "the message does not name {var}:\n{}",
            run.stderr
        );
        // An empty variable is as missing as an unset one.
        let run = r.expect(&env.clone().with(var, ""), 2, "create_channel", &["c"]);
        assert!(
            run.stderr.contains(var),
            "the message does not name {var}:\n{}",
            run.stderr
        );
    }
    let nothing = env.clone().without("OSS_BUCKET").without("OSS_ENDPOINT");
    let run = r.expect(&nothing, 2, "list_channels", &[]);
    assert!(
        run.stderr.contains("OSS_BUCKET") && run.stderr.contains("OSS_ENDPOINT"),
        "{}",
        run.stderr
    );

    // The optional tuning variables: digits only, 1 to 4294967295, named when wrong.
    for (var, value) in [
        ("OSSLIVE_TIMEOUT_MS", "abc"),
        ("OSSLIVE_TIMEOUT_MS", "0"),
        ("OSSLIVE_TIMEOUT_MS", "300ms"),
        ("OSSLIVE_CONNECT_TIMEOUT_MS", " 100"),
        ("OSSLIVE_MAX_ATTEMPTS", "-1"),
        ("OSSLIVE_MAX_ATTEMPTS", "+3"),
        ("OSSLIVE_DEADLINE_MS", "4294967296"),
        ("OSSLIVE_DEADLINE_MS", "1.5"),
    ] {
        let run = r.expect(&env.clone().with(var, value), 2, "get_channel_stat", &["c"]);
        assert!(
            run.stderr.contains(var) && run.stderr.contains(&format!("\"{value}\"")),
            "the message does not name {var}={value:?}:\n{}",
            run.stderr
        );
    }
    // Every bad variable is listed at once, with the missing ones.
    let run = r.expect(
        &env.clone()
            .without("OSS_BUCKET")
            .with("OSSLIVE_MAX_ATTEMPTS", "0")
            .with("OSSLIVE_DEADLINE_MS", "x"),
        2,
        "get_channel_info",
        &["c"],
    );
    for var in ["OSS_BUCKET", "OSSLIVE_MAX_ATTEMPTS", "OSSLIVE_DEADLINE_MS"] {
        assert!(run.stderr.contains(var), "{var}:\n{}", run.stderr);
    }

    for (program, args) in [
        ("create_channel", &[][..]),
        ("create_channel", &["a", "b", "c"][..]),
        ("list_channels", &["p", "0"][..]),
        ("list_channels", &["p", "1001"][..]),
        ("list_channels", &["p", "5x"][..]),
        ("set_channel_status", &["c"][..]),
        ("set_channel_status", &["c", "Disabled"][..]),
        ("sign_rtmp_url", &["c", "playlist.m3u8"][..]),
        ("sign_rtmp_url", &["c", "playlist.m3u8", "12abc"][..]),
        ("sign_rtmp_url", &["c", "playlist.m3u8", ""][..]),
        (
            "sign_rtmp_url",
            &["c", "playlist.m3u8", "99999999999999999999"][..],
        ),
        ("get_channel_stat", &[][..]),
        ("get_channel_info", &["a", "b"][..]),
        ("get_channel_history", &[][..]),
        ("delete_channel", &[][..]),
        ("post_vod_playlist", &["c", "vod.m3u8", "100"][..]),
        ("post_vod_playlist", &["c", "vod.m3u8", " 100", "200"][..]),
        ("get_vod_playlist", &["c", "-5", "10"][..]),
        ("get_vod_playlist", &["c", "+5", "10"][..]),
        ("get_vod_playlist", &["c", "5", "10.5"][..]),
        ("client_threads", &["a", "b"][..]),
    ] {
        let run = r.expect(&env, 2, program, args);
        assert!(
            !run.stderr.is_empty(),
            "{program} {args:?}: exit 2 without a message"
        );
    }
}

/// `YYYY-MM-DDTHH:MM:SSZ` for Unix seconds (days to civil date, Howard Hinnant's method).
fn iso_utc(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

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

// ---------------------------------------------------------------------------------------
// Hostile input: `hostile_input` feeds the C API NULLs, bad UTF-8, empty and 1 MB strings,
// out-of-range indexes, constants and times; every call must fail cleanly, send nothing,
// and leave no sanitizer or valgrind finding.
// ---------------------------------------------------------------------------------------

/// The channel `hostile_input results` reads the history of: one push record.
const HOSTILE_SEEDED: &str = "hostile-seeded";

/// The size of the "1 MB" strings under valgrind: hashing megabytes through the
/// unoptimised library under valgrind takes minutes, and 160 KiB passes the same limits
/// (a URL's 64 KiB, the HTTP layer's 128 KiB request head) through the same code.
const VALGRIND_HUGE_BYTES: &str = "163840";

/// A Rust client of `emulator` that makes one attempt per call, so a queued fault shows.
fn one_attempt_client(emulator: &Emulator) -> osslive::Client {
    osslive::Client::builder()
        .endpoint(emulator.endpoint())
        .region(REGION)
        .credentials(osslive::Credentials::new(AK, SK).with_security_token(TOKEN))
        .max_attempts(1)
        .build()
        .expect("a client of the emulator")
}

/// An admin request to the emulator, over plain HTTP as any tool would send it.
fn emulator_admin(emulator: &Emulator, method: &str, target: &str) {
    let mut stream = TcpStream::connect(emulator.addr()).expect("connect to the emulator");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("a read timeout");
    write!(
        stream,
        "{method} {target} HTTP/1.1\r\nHost: {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        emulator.addr()
    )
    .expect("send the admin request");
    let mut answer = String::new();
    stream
        .read_to_string(&mut answer)
        .expect("read the admin answer");
    assert!(
        answer.starts_with("HTTP/1.1 200"),
        "{method} {target}:\n{answer}"
    );
}

/// Neither the access key secret nor the token appears in what a run printed.
fn assert_no_secret(what: &str, run: &Run) {
    for secret in [SK, TOKEN] {
        assert!(
            !run.stdout.contains(secret) && !run.stderr.contains(secret),
            "{what}: the output shows the secret {secret:?}"
        );
    }
}

/// The run got to its end: the last line counts the checks that passed.
fn checks_passed(what: &str, run: &Run) -> usize {
    let count = Run::value(&run.stdout, "checks passed")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{what}: no \"checks passed\" line:\n{}", run.stdout));
    assert!(
        !run.stdout.lines().any(|l| l.starts_with("FAIL")),
        "{what}:\n{}",
        run.stdout
    );
    count
}

fn hostile_input(r: &Runner, huge_bytes: Option<&str>) {
    // Every line the emulator would log: OSS requests, admin requests and requests it
    // could not even parse.
    let requests = Arc::new(Mutex::new(Vec::<String>::new()));
    let log = requests.clone();
    let emulator = Emulator::start(
        Config::new(AK, SK)
            .security_token(TOKEN)
            .region(REGION)
            .request_log(move |line| log.lock().expect("the log").push(line.to_owned())),
    )
    .expect("start the emulator");
    let env = Env::for_emulator(&emulator);

    // The channel whose history the results mode reads: created, pushed to once.
    one_attempt_client(&emulator)
        .bucket(BUCKET)
        .and_then(|b| {
            b.create_live_channel(
                HOSTILE_SEEDED,
                &osslive::LiveChannelConfiguration::default(),
            )
        })
        .expect("create the seeded channel");
    emulator
        .begin_publish(
            BUCKET,
            HOSTILE_SEEDED,
            LiveSession {
                connected_time: UNIX_EPOCH + Duration::from_secs(CONNECTED_UNIX),
                remote_addr: "10.9.8.7:1935".to_owned(),
                video: None,
                audio: None,
            },
        )
        .expect("begin a publish");
    assert!(
        emulator
            .end_publish(BUCKET, HOSTILE_SEEDED)
            .expect("end the publish")
    );

    // The next OSS request, whoever sends it, gets a 500 and uses the fault up.
    emulator_admin(
        &emulator,
        "POST",
        "/_emulator/faults?fault=status:500&count=1",
    );
    let before = requests.lock().expect("the log").len();
    let mut args = vec!["calls"];
    args.extend(huge_bytes);
    let calls = r.ok(&env, "hostile_input", &args);
    let what = format!("{:?} hostile_input calls", r.kind);
    assert!(
        checks_passed(&what, &calls) > 1000,
        "{what}: fewer checks than expected:\n{}",
        calls.stdout
    );
    assert_no_secret(&what, &calls);

    // Nothing reached the emulator: no line in its log, and the fault is still queued.
    let sent = requests.lock().expect("the log")[before..].to_vec();
    assert!(
        sent.is_empty(),
        "{what}: hostile calls reached the emulator:\n{}",
        sent.join("\n")
    );
    match one_attempt_client(&emulator)
        .bucket(BUCKET)
        .and_then(|b| b.get_live_channel_info(HOSTILE_SEEDED))
    {
        Err(osslive::Error::Service(e)) if e.status == 500 => {}
        other => panic!(
            "{what}: the fault queued before the hostile calls is gone, so one of them was \
             sent: the next request got {other:?}"
        ),
    }

    // Out-of-range indexes on real results, and huge headers sent to a live server.
    let mut args = vec!["results", HOSTILE_SEEDED];
    args.extend(huge_bytes);
    let results = r.ok(&env, "hostile_input", &args);
    let what = format!("{:?} hostile_input results", r.kind);
    checks_passed(&what, &results);
    assert_no_secret(&what, &results);
}

// ---------------------------------------------------------------------------------------
// Faults: the emulator misbehaves on purpose before a run (a 503, a reset or dropped
// connection, a stall, a truncated, non-XML or oversized body, a proxy's HTML error page,
// a wrong Content-Length). Every run must end in success or a specific error, in time,
// and leave no sanitizer or valgrind finding.
// ---------------------------------------------------------------------------------------

/// The channel the fault scenarios read: live, with video and audio, so a run that
/// succeeds shows the whole document was read despite the fault.
const FAULTY: &str = "c-faults";

/// The library's default limit on a response body (`DEFAULT_MAX_RESPONSE_BYTES`).
const MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

fn faulty_session() -> LiveSession {
    LiveSession {
        connected_time: UNIX_EPOCH + Duration::from_secs(CONNECTED_UNIX),
        remote_addr: "10.4.5.6:1935".to_owned(),
        video: Some(VideoStat {
            width: 1920,
            height: 1080,
            frame_rate: 25,
            bandwidth: 250_000,
            codec: "H264".to_owned(),
        }),
        audio: Some(AudioStat {
            bandwidth: 16_000,
            sample_rate: 48_000,
            codec: "AAC".to_owned(),
        }),
    }
}

/// The size of the GetLiveChannelStat body the emulator sends for `FAULTY`.
fn faulty_stat_bytes() -> usize {
    let channel = Channel {
        name: FAULTY.to_owned(),
        config: ChannelConfig {
            description: String::new(),
            status: ChannelStatus::Enabled,
            target: Target {
                frag_duration: 5,
                frag_count: 3,
                playlist_name: "playlist.m3u8".to_owned(),
            },
            snapshot: None,
        },
        last_modified: UNIX_EPOCH,
        live: Some(faulty_session()),
        history: Default::default(),
        fragments: Vec::new(),
    };
    osslive_emulator::xml::stat(&channel).len()
}

/// An emulator that logs its requests, so that the attempts of each run can be counted,
/// with `FAULTY` created and live.
struct FaultRig {
    emulator: Emulator,
    log: Arc<Mutex<Vec<String>>>,
}

impl FaultRig {
    fn start() -> FaultRig {
        let log = Arc::new(Mutex::new(Vec::<String>::new()));
        let sink = log.clone();
        let emulator = Emulator::start(
            Config::new(AK, SK)
                .security_token(TOKEN)
                .region(REGION)
                .request_log(move |line| sink.lock().expect("the log").push(line.to_owned())),
        )
        .expect("start the emulator");
        one_attempt_client(&emulator)
            .bucket(BUCKET)
            .and_then(|b| {
                b.create_live_channel(FAULTY, &osslive::LiveChannelConfiguration::default())
            })
            .expect("create the channel of the fault scenarios");
        emulator
            .begin_publish(BUCKET, FAULTY, faulty_session())
            .expect("begin a publish");
        FaultRig { emulator, log }
    }

    /// Queues `fault` for the next `count` requests, runs `program FAULTY` with `env`,
    /// checks its exit code (and findings), and returns the run, how many requests for
    /// `FAULTY` reached the emulator meanwhile, and how long the run took. A stalled
    /// request is logged only once its stall is over, so it is not counted.
    fn run(
        &self,
        r: &Runner,
        env: &Env,
        fault: Option<(Fault, usize)>,
        code: i32,
        program: &str,
    ) -> (Run, usize, Duration) {
        if let Some((fault, count)) = fault {
            println!("=== queued {count} x {fault}");
            self.emulator.inject_fault(fault, count);
        }
        let before = self.log.lock().expect("the log").len();
        let started = Instant::now();
        let run = r.expect(env, code, program, &[FAULTY]);
        let took = started.elapsed();
        let requests = self.log.lock().expect("the log")[before..]
            .iter()
            .filter(|line| {
                line.split(' ')
                    .nth(1)
                    .is_some_and(|path| path.ends_with(&format!("/{FAULTY}")))
                    && !line.contains("with fault stall:")
            })
            .count();
        println!("=== {requests} request(s) in {took:?}");
        (run, requests, took)
    }
}

/// The stat of `FAULTY`, every field of it.
fn assert_faulty_stat(run: &Run) {
    run.has_line(&format!("channel: {FAULTY}"))
        .has_line("status: Live")
        .has_line(&format!("connected time: {CONNECTED_LINE}"))
        .has_line("remote addr: 10.4.5.6:1935")
        .has_line("video: 1920x1080, 25 fps, 250000 B/s, H264")
        .has_line("audio: 48000 Hz, 16000 B/s, AAC");
    assert!(
        Run::value(&run.stdout, "request id").is_some_and(|id| !id.is_empty()),
        "{}",
        run.stdout
    );
}

/// The info of `FAULTY` as `LiveChannelConfiguration::default()` made it.
fn assert_faulty_info(run: &Run) {
    run.has_line(&format!("channel: {FAULTY}"))
        .has_line("status: enabled")
        .has_line("target type: HLS")
        .has_line("frag count: 3")
        .has_line("snapshot: none");
}

fn assert_success(program: &str, run: &Run) {
    match program {
        "get_channel_stat" => assert_faulty_stat(run),
        "get_channel_info" => assert_faulty_info(run),
        other => unreachable!("{other}"),
    }
}

/// A failure printed nothing on stdout, and its message says `text`.
fn assert_failure_message(run: &Run, text: &str) {
    assert!(
        run.stdout.is_empty(),
        "a result printed on failure:\n{}",
        run.stdout
    );
    let message = Run::value(&run.stderr, "message").unwrap_or_default();
    assert!(
        message.contains(text),
        "the message lacks {text:?}:\n{}",
        run.stderr
    );
}

/// Under valgrind (about two seconds a run) the cut-off bodies are tried with one program
/// each instead of both; every kind of fault still comes up.
fn fault_scenarios(r: &Runner) {
    let rig = FaultRig::start();
    let env = Env::for_emulator(&rig.emulator);
    // Three attempts, said explicitly so the expected messages do not hang on a default.
    let three = env.clone().with("OSSLIVE_MAX_ATTEMPTS", "3");
    let stat = "get_channel_stat";
    let info = "get_channel_info";

    // Without a fault: one request, the whole stat.
    let (run, requests, _) = rig.run(r, &env, None, 0, stat);
    assert_faulty_stat(&run);
    assert_eq!(requests, 1);

    // A 503 once: retried (with the default attempts), then the answer.
    let (run, requests, _) = rig.run(r, &env, Some((Fault::Status(503), 1)), 0, stat);
    assert_faulty_stat(&run);
    assert_eq!(requests, 2, "one 503, then the answer");

    // A 503 on every attempt: OSS's error after three attempts.
    let (run, requests, _) = rig.run(r, &three, Some((Fault::Status(503), 3)), 1, stat);
    run.has_err_line("error: OSS answered with an error")
        .has_err_line("http status: 503")
        .has_err_line("code: ServiceUnavailable");
    assert_failure_message(&run, "(after 3 attempts)");
    assert!(
        Run::value(&run.stderr, "request id").is_some_and(|id| !id.is_empty()),
        "{}",
        run.stderr
    );
    assert_eq!(requests, 3);

    // A reset and a dropped connection: retried, then the answer.
    for (fault, program) in [(Fault::Reset, stat), (Fault::Drop, info)] {
        let (run, requests, _) = rig.run(r, &env, Some((fault, 1)), 0, program);
        assert_success(program, &run);
        assert_eq!(requests, 2, "{fault}: one cut connection, then the answer");
    }

    // Half a body, and a Content-Length longer than the body: the emulator closes the
    // connection before the body is complete. Once is retried; on every attempt it is a
    // transport failure, never a crash, a hang or a half-read document taken as the answer.
    let cut_off = [
        (Fault::Truncated, stat),
        (Fault::WrongContentLength, info),
        (Fault::Truncated, info),
        (Fault::WrongContentLength, stat),
    ];
    let cut_off = if r.valgrind {
        &cut_off[..2]
    } else {
        &cut_off[..]
    };
    for &(fault, program) in cut_off {
        let (run, requests, _) = rig.run(r, &env, Some((fault, 1)), 0, program);
        assert_success(program, &run);
        assert_eq!(requests, 2, "{fault} once, then the answer");

        let (run, requests, _) = rig.run(r, &three, Some((fault, 3)), 1, program);
        run.has_err_line("error: network or TLS failure");
        assert_failure_message(&run, "transport: ");
        assert_failure_message(&run, "(after 3 attempts)");
        assert!(
            !run.stderr.contains("http status:") && !run.stderr.contains("code:"),
            "{fault}: {}",
            run.stderr
        );
        assert_eq!(requests, 3, "{fault} on every attempt");
    }

    // 200 with a body that is not XML: an invalid response, not retried (the same request
    // would get the same answer). One request, and no fault left for the next run.
    let (run, requests, _) = rig.run(r, &three, Some((Fault::NonXml, 1)), 1, stat);
    run.has_err_line("error: invalid response from OSS")
        .has_err_line("http status: 200");
    assert_failure_message(&run, "invalid response (200)");
    assert_failure_message(&run, NON_XML_BODY);
    assert_eq!(requests, 1, "a non-XML answer is not retried");
    // (The largest value a tuning variable takes is accepted.)
    let patient = three.clone().with("OSSLIVE_DEADLINE_MS", "4294967295");
    let (run, requests, _) = rig.run(r, &patient, None, 0, stat);
    assert_faulty_stat(&run);
    assert_eq!(requests, 1);

    // A proxy's HTML 502 page: a service error with the status and a snippet of the body,
    // but no OSS code; retried like any 502.
    let (run, requests, _) = rig.run(r, &three, Some((Fault::NonXmlError, 3)), 1, info);
    run.has_err_line("error: OSS answered with an error")
        .has_err_line("http status: 502");
    assert!(
        !run.stderr.lines().any(|l| l.starts_with("code:")),
        "a code for a body that has none:\n{}",
        run.stderr
    );
    assert_failure_message(&run, "<h1>502 Bad Gateway</h1>");
    assert_failure_message(&run, "(after 3 attempts)");
    assert_eq!(requests, 3);

    // A body padded to ten times its size, far under the limit: white space, read through.
    let ten_times = 10 * faulty_stat_bytes();
    let (run, requests, _) = rig.run(r, &env, Some((Fault::Oversized(ten_times), 1)), 0, stat);
    assert_faulty_stat(&run);
    assert_eq!(requests, 1);

    // 20 MiB: refused at the limit, naming it; not retried.
    let (run, requests, _) = rig.run(
        r,
        &three,
        Some((Fault::Oversized(20 * 1024 * 1024), 1)),
        1,
        stat,
    );
    run.has_err_line("error: invalid response from OSS")
        .has_err_line("http status: 200");
    assert_failure_message(&run, &format!("limit of {MAX_RESPONSE_BYTES} bytes"));
    assert_eq!(requests, 1, "an oversized answer is not retried");

    // A stall longer than the request timeout on every attempt: a timeout, well before the
    // stall would have ended (the deadline bounds the attempts and backoffs together).
    // Last, because the emulator's stalled handlers sleep on after the run.
    let stall = Duration::from_secs(5);
    let impatient = three
        .clone()
        .with("OSSLIVE_TIMEOUT_MS", "300")
        .with("OSSLIVE_CONNECT_TIMEOUT_MS", "2000")
        .with("OSSLIVE_DEADLINE_MS", "1500");
    let (run, _, took) = rig.run(r, &impatient, Some((Fault::Stall(stall), 3)), 1, stat);
    run.has_err_line("error: timeout");
    assert_failure_message(&run, "timeout: ");
    // More than one attempt fitted in the deadline: the request timeout ended each one.
    assert_failure_message(&run, " attempts)");
    assert!(
        !run.stderr.contains("http status:"),
        "an answer to a stalled request:\n{}",
        run.stderr
    );
    // Valgrind starts the program and the library slowly; the timeouts run on the clock.
    let limit = if r.valgrind {
        Duration::from_millis(4500)
    } else {
        Duration::from_millis(3000)
    };
    assert!(
        took >= Duration::from_millis(300) && took < limit,
        "the stalled run took {took:?}, not between one request timeout and {limit:?}"
    );
    rig.emulator.clear_faults();
}

// ---------------------------------------------------------------------------------------
// Tests.
// ---------------------------------------------------------------------------------------

#[test]
fn iso_utc_helper_is_right() {
    assert_eq!(iso_utc(0), "1970-01-01T00:00:00Z");
    assert_eq!(iso_utc(CONNECTED_UNIX as i64), "2023-11-14T22:13:20Z");
    assert_eq!(iso_utc(951_782_400), "2000-02-29T00:00:00Z");
}

#[test]
fn static_build_runs_the_lifecycle() {
    lifecycle(&Runner::new(Kind::Static), &start_emulator());
}

#[test]
fn static_build_reports_service_errors() {
    service_errors(&Runner::new(Kind::Static), &start_emulator());
}

#[test]
fn static_build_rejects_bad_usage() {
    usage_errors(&Runner::new(Kind::Static));
}

#[test]
fn shared_build_runs_the_lifecycle() {
    lifecycle(&Runner::new(Kind::Shared), &start_emulator());
}

#[test]
fn shared_build_reports_service_errors() {
    service_errors(&Runner::new(Kind::Shared), &start_emulator());
}

#[test]
fn shared_build_rejects_bad_usage() {
    usage_errors(&Runner::new(Kind::Shared));
}

/// One pass over every scenario under valgrind (it is slow): no definite or indirect
/// leak, no invalid access, on success and on every failure path.
#[test]
fn static_build_is_clean_under_valgrind() {
    require_tool("valgrind", "valgrind").unwrap_or_else(|e| panic!("{e}"));
    let runner = Runner::valgrind(Kind::Static);
    let emulator = start_emulator();
    lifecycle(&runner, &emulator);
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
    service_errors(&runner, &emulator);
    usage_errors(&runner);
    runner.ok(&Env::for_endpoint("http://127.0.0.1:9"), "hello", &[]);
}

#[test]
fn static_build_refuses_hostile_input() {
    hostile_input(&Runner::new(Kind::Static), None);
}

/// Hostile input with ASan, LeakSanitizer and UBSan watching: zero findings.
#[test]
fn asan_build_refuses_hostile_input_cleanly() {
    hostile_input(&Runner::new(Kind::Asan), None);
}

/// Hostile input under valgrind: no invalid access, no definite or indirect leak.
#[test]
fn hostile_input_is_clean_under_valgrind() {
    require_tool("valgrind", "valgrind").unwrap_or_else(|e| panic!("{e}"));
    hostile_input(&Runner::valgrind(Kind::Static), Some(VALGRIND_HUGE_BYTES));
}

/// The emulator's faults before each run: retried to success, or a specific error in
/// time; never a crash or a hang.
#[test]
fn static_build_survives_faults() {
    fault_scenarios(&Runner::new(Kind::Static));
}

/// The same faults under valgrind: no invalid access, no definite or indirect leak on the
/// retry, timeout and parse-failure paths.
#[test]
fn faults_are_clean_under_valgrind() {
    require_tool("valgrind", "valgrind").unwrap_or_else(|e| panic!("{e}"));
    fault_scenarios(&Runner::valgrind(Kind::Static));
}

#[test]
fn one_client_shared_by_eight_threads() {
    client_threads(&Runner::new(Kind::Static));
}

#[test]
fn one_client_shared_by_eight_threads_under_asan() {
    client_threads(&Runner::new(Kind::Asan));
}

#[test]
fn cpp_program_uses_the_header_and_the_library() {
    let env = Env::for_endpoint("http://127.0.0.1:9");
    for kind in [Kind::Static, Kind::Shared] {
        let run = Runner::new(kind).ok(&env, "hello", &[]);
        let version = env!("CARGO_PKG_VERSION");
        run.has_line(&format!(
            "hello from C++: osslive/{version} (header {version})"
        ));
    }
}

/// Static programs carry the library; shared ones load it by its SONAME through the
/// rpath; only the ASan build is instrumented.
#[test]
fn programs_are_linked_as_intended() {
    let built = built();
    let soname = format!("libosslive.so.{}", env!("CARGO_PKG_VERSION"));
    for program in PROGRAMS {
        let dynamic = |kind| {
            tool_output(
                "readelf",
                &[
                    std::ffi::OsStr::new("-d"),
                    built.bin(kind, program).as_os_str(),
                ],
            )
        };
        let static_dyn = dynamic(Kind::Static);
        assert!(
            !static_dyn.contains("libosslive"),
            "static {program} needs libosslive:\n{static_dyn}"
        );
        let shared_dyn = dynamic(Kind::Shared);
        assert!(
            shared_dyn.contains(&format!("Shared library: [{soname}]")),
            "shared {program}:\n{shared_dyn}"
        );
        let rpath = built.build_dir.join("lib");
        assert!(
            shared_dyn.contains(&rpath.display().to_string()),
            "shared {program} has no rpath to {}",
            rpath.display()
        );

        let symbols = |kind| tool_output("nm", &[built.bin(kind, program).as_os_str()]);
        assert!(
            symbols(Kind::Asan).contains("__asan_init"),
            "asan {program} is not instrumented"
        );
        assert!(
            !symbols(Kind::Static).contains("__asan_init"),
            "static {program} is instrumented"
        );
    }
    // The shared build's private lib directory: the SONAME file and the -l link name.
    let lib = built.build_dir.join("lib");
    assert!(lib.join(&soname).is_file());
    let link = std::fs::read_link(lib.join("libosslive.so")).expect("libosslive.so is a symlink");
    assert_eq!(link, PathBuf::from(&soname));
    assert!(built.lib_dir.join("libosslive.a").is_file());
}

#[test]
fn header_compiles_alone_as_c99_and_cpp11() {
    let built = built();
    let output = make(built, &["check-header"]);
    assert!(
        output.contains("-std=c99") && output.contains("-std=c++11"),
        "{output}"
    );
}

/// `make install` lays out the header, both libraries and a pkg-config file that a
/// program can be built with.
#[test]
fn install_lays_out_a_usable_prefix() {
    let built = built();
    let prefix = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("c-examples-prefix");
    let _ = std::fs::remove_dir_all(&prefix);
    make(built, &["install", &format!("PREFIX={}", prefix.display())]);

    let version = env!("CARGO_PKG_VERSION");
    let lib = prefix.join("lib");
    let soname = format!("libosslive.so.{version}");
    assert!(prefix.join("include/osslive.h").is_file());
    assert!(lib.join("libosslive.a").is_file());
    assert!(lib.join(&soname).is_file());
    assert_eq!(
        std::fs::read_link(lib.join("libosslive.so")).expect("a symlink"),
        PathBuf::from(&soname)
    );
    let pc = std::fs::read_to_string(lib.join("pkgconfig/osslive.pc")).expect("osslive.pc");
    for line in [
        format!("prefix={}", prefix.display()),
        "libdir=${prefix}/lib".to_owned(),
        "includedir=${prefix}/include".to_owned(),
        format!("Version: {version}"),
        "Libs: -L${libdir} -losslive".to_owned(),
        "Libs.private: -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc".to_owned(),
        "Cflags: -I${includedir}".to_owned(),
    ] {
        assert!(
            pc.lines().any(|l| l == line),
            "osslive.pc lacks {line:?}:\n{pc}"
        );
    }

    // Build the C++ hello from the installed files only, with pkg-config's flags.
    require_tool("pkg-config", "pkg-config").unwrap_or_else(|e| panic!("{e}"));
    let flags = Command::new("pkg-config")
        .args(["--cflags", "--libs", "osslive"])
        .env("PKG_CONFIG_PATH", lib.join("pkgconfig"))
        .output()
        .expect("run pkg-config");
    assert!(
        flags.status.success(),
        "{}",
        String::from_utf8_lossy(&flags.stderr)
    );
    let flags = String::from_utf8(flags.stdout).expect("UTF-8");
    let exe = prefix.join("hello-installed");
    let mut compile = Command::new(cxx_compiler());
    compile
        .args([
            "-std=c++11",
            "-Wall",
            "-Wextra",
            "-Wpedantic",
            "-Werror",
            "-o",
        ])
        .arg(&exe)
        .arg(repo_root().join("examples-c/hello.cpp"))
        .args(flags.split_whitespace())
        .arg(format!("-Wl,-rpath,{}", lib.display()));
    let compiled = compile.output().expect("run the C++ compiler");
    assert!(
        compiled.status.success(),
        "{}",
        String::from_utf8_lossy(&compiled.stderr)
    );
    let run = run_with_timeout(
        Command::new(&exe),
        Duration::from_secs(60),
        "installed hello",
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stdout.starts_with("hello from C++: osslive/"),
        "{}",
        run.stdout
    );
}

fn tool_output(program: &str, args: &[&std::ffi::OsStr]) -> String {
    let output = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program} ({e}); install binutils"));
    assert!(
        output.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Runs another target of the examples Makefile with the settings of the shared build.
fn make(built: &Built, args: &[&str]) -> String {
    let output = Command::new("make")
        .arg("-C")
        .arg(repo_root().join("examples-c"))
        .arg(format!("OSSLIVE_LIB_DIR={}", built.lib_dir.display()))
        .arg(format!("BUILD_DIR={}", built.build_dir.display()))
        .args(args)
        .env_remove("MAKEFLAGS")
        .env_remove("MFLAGS")
        .output()
        .expect("run make");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "make {args:?} failed:\n{text}");
    text
}
