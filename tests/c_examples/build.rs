//! Building the examples, once per test binary: finding the `libosslive.a` and
//! `libosslive.so` cargo built for this test, and running the examples Makefile (static,
//! shared and ASan builds) against them.

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

fn c_compiler() -> String {
    std::env::var("CC").unwrap_or_else(|_| "gcc".to_owned())
}

pub fn cxx_compiler() -> String {
    std::env::var("CXX").unwrap_or_else(|_| "g++".to_owned())
}

fn build_examples() -> Result<Built, String> {
    require_tool("make", "GNU make")?;
    require_tool(&c_compiler(), "the C compiler")?;
    require_tool(&cxx_compiler(), "the C++ compiler")?;

    // This binary is target/<profile>/deps/c_examples-HASH. Building it built the library
    // with every crate type of Cargo.toml (rlib, staticlib, cdylib) into that same deps/
    // directory, but cargo copies libosslive.a/.so up to target/<profile> only for
    // `cargo build`. The deps/ pair is the very code this test binary links, so it comes
    // first; the uplifted pair, then a `cargo build`, are the fallbacks.
    let exe = std::env::current_exe().map_err(|e| format!("cannot locate the test binary: {e}"))?;
    let deps_dir = exe
        .parent()
        .ok_or("the test binary is not in target/<profile>/deps")?
        .to_path_buf();
    let profile_dir = deps_dir
        .parent()
        .ok_or("the test binary is not in target/<profile>/deps")?
        .to_path_buf();
    let has_libraries =
        |dir: &Path| dir.join("libosslive.a").is_file() && dir.join("libosslive.so").is_file();
    let lib_dir = if has_libraries(&deps_dir) {
        deps_dir
    } else {
        if !has_libraries(&profile_dir) {
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
            let mut command = Command::new(cargo);
            command
                .args(["build", "-p", "osslive"])
                .current_dir(repo_root());
            if profile_dir.file_name().is_some_and(|n| n == "release") {
                command.arg("--release");
            }
            let output = command
                .output()
                .map_err(|e| format!("cannot run cargo build: {e}"))?;
            if !output.status.success() || !has_libraries(&profile_dir) {
                return Err(format!(
                    "cargo build -p osslive did not produce libosslive.a and libosslive.so in {}:\n{}",
                    profile_dir.display(),
                    String::from_utf8_lossy(&output.stderr)
                ));
            }
        }
        profile_dir
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
