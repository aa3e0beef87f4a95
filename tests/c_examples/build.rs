//! Building the examples, once per test binary: finding the `libosslive.a` and
//! `libosslive.so` cargo built for this test, and running the examples Makefile (static,
//! shared and ASan builds) against them, `encoder_push` on FFmpeg's libraries included.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// Where cargo put the library this test was built with, and where the examples go.
pub struct Built {
    /// Holds the `libosslive.a` and `libosslive.so` the examples link.
    pub lib_dir: PathBuf,
    /// The Makefile's `BUILD_DIR`, with `static/`, `shared/`, `asan/` and `lib/`.
    pub build_dir: PathBuf,
}

impl Built {
    pub fn bin(&self, kind: Kind, program: &str) -> PathBuf {
        self.build_dir.join(kind.dir()).join(program)
    }
}

static BUILT: OnceLock<Result<Built, String>> = OnceLock::new();

/// Builds every example (static, shared, ASan) the first time it is called; later calls,
/// from any test thread, wait for that build and share it.
pub fn built() -> &'static Built {
    match BUILT.get_or_init(build_examples) {
        Ok(built) => built,
        Err(why) => panic!("{why}"),
    }
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Fails with what to install when a tool the tests need is missing.
pub fn require_tool(program: &str, what: &str) -> Result<(), String> {
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

/// The libraries of FFmpeg that `encoder_push` is built with, as pkg-config names them.
const LIBAV: &[&str] = &["libavformat", "libavcodec", "libswscale", "libavutil"];

/// Fails with what to install when pkg-config or FFmpeg's development files are missing.
fn require_libav() -> Result<(), String> {
    const INSTALL: &str = "Install them (Debian/Ubuntu: `apt-get install pkg-config \
                           libavformat-dev libavcodec-dev libavutil-dev libswscale-dev`).";
    let found = Command::new("pkg-config")
        .arg("--exists")
        .args(LIBAV)
        .status()
        .map_err(|e| {
            format!("pkg-config cannot be run ({e}): encoder_push is built with it. {INSTALL}")
        })?;
    if found.success() {
        Ok(())
    } else {
        Err(format!(
            "pkg-config finds no {}: the C example tests build encoder_push with FFmpeg's \
             libraries. {INSTALL}",
            LIBAV.join(", ")
        ))
    }
}

/// Runs another target of the examples Makefile with the settings of the shared build;
/// returns what make printed.
pub fn make(built: &Built, args: &[&str]) -> String {
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

pub fn c_compiler() -> String {
    std::env::var("CC").unwrap_or_else(|_| "gcc".to_owned())
}

pub fn cxx_compiler() -> String {
    std::env::var("CXX").unwrap_or_else(|_| "g++".to_owned())
}

fn build_examples() -> Result<Built, String> {
    require_tool("make", "GNU make")?;
    require_tool(&c_compiler(), "the C compiler")?;
    require_tool(&cxx_compiler(), "the C++ compiler")?;
    require_libav()?;

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

/// The three builds of every program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
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
