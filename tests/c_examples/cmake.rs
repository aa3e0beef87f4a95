//! The CMake package `make install` writes: the consumer project `examples-c/cmake/`
//! built against an installed prefix with `find_package(osslive 0.1 CONFIG REQUIRED)`,
//! statically and dynamically linked, run against the emulator; and what the package
//! promises besides (its version check, a moved prefix).
//!
//! Needs `cmake` (Debian/Ubuntu: `apt-get install cmake`); without it the tests fail.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::build::*;
use crate::env::*;
use crate::run::*;

/// A prefix with osslive installed by `make install`, shared by the tests of this module.
fn installed_prefix() -> &'static Path {
    static PREFIX: OnceLock<PathBuf> = OnceLock::new();
    PREFIX.get_or_init(|| {
        require_cmake();
        let built = built();
        let prefix = tmp_dir("c-examples-cmake-prefix");
        make(built, &["install", &format!("PREFIX={}", prefix.display())]);
        prefix
    })
}

/// Fails, saying what to install, when cmake cannot be run.
fn require_cmake() {
    if let Err(e) = Command::new("cmake").arg("--version").output() {
        panic!(
            "`cmake` cannot be run ({e}): the CMake package tests need it. \
             Install it (Debian/Ubuntu: `apt-get install cmake`)."
        );
    }
}

/// An empty directory of this name under cargo's temporary directory for tests.
fn tmp_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create a temporary directory");
    dir
}

/// Runs cmake with `args`; returns (success, stdout and stderr).
fn cmake(args: &[&str]) -> (bool, String) {
    let output = Command::new("cmake")
        .args(args)
        .env_remove("MAKEFLAGS")
        .env_remove("MFLAGS")
        .env_remove("CMAKE_PREFIX_PATH")
        .env_remove("osslive_DIR")
        .output()
        .unwrap_or_else(|e| panic!("cannot run cmake ({e}); Debian: apt-get install cmake"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

/// Configures a project made of `body` (no compiler: `project(... NONE)`) with
/// CMAKE_PREFIX_PATH at `prefix`; returns (success, output).
fn configure_snippet(name: &str, prefix: &Path, body: &str) -> (bool, String) {
    let source = tmp_dir(&format!("c-examples-cmake-{name}"));
    std::fs::write(
        source.join("CMakeLists.txt"),
        format!("cmake_minimum_required(VERSION 3.16)\nproject({name} NONE)\n{body}\n"),
    )
    .expect("write CMakeLists.txt");
    let build = source.join("build");
    cmake(&[
        "-S",
        &source.display().to_string(),
        "-B",
        &build.display().to_string(),
        &format!("-DCMAKE_PREFIX_PATH={}", prefix.display()),
    ])
}

/// The README's commands: configure and build examples-c/cmake against the prefix, then
/// run the static and the shared program against the emulator.
#[test]
fn cmake_consumer_builds_static_and_shared_and_runs() {
    let prefix = installed_prefix();
    let build = tmp_dir("c-examples-cmake-consumer");
    let mut configure = vec![
        "-S".to_owned(),
        repo_root().join("examples-c/cmake").display().to_string(),
        "-B".to_owned(),
        build.display().to_string(),
        format!("-DCMAKE_PREFIX_PATH={}", prefix.display()),
    ];
    if let Ok(cc) = std::env::var("CC") {
        configure.push(format!("-DCMAKE_C_COMPILER={cc}"));
    }
    let configure: Vec<&str> = configure.iter().map(String::as_str).collect();
    let (ok, text) = cmake(&configure);
    assert!(ok, "cmake configure failed:\n{text}");
    let package_dir = prefix.join("lib/cmake/osslive");
    assert!(
        text.contains(&format!(
            "osslive {} from {}",
            env!("CARGO_PKG_VERSION"),
            package_dir.display()
        )),
        "{text}"
    );
    let (ok, text) = cmake(&["--build", &build.display().to_string()]);
    assert!(ok, "cmake --build failed:\n{text}");

    // The static program carries the library and its system libraries; the shared one
    // loads it by its SONAME from the prefix.
    let soname = format!("libosslive.so.{}", env!("CARGO_PKG_VERSION"));
    let needed = |program: &str| {
        let output = Command::new("readelf")
            .arg("-d")
            .arg(build.join(program))
            .output()
            .expect("run readelf (binutils)");
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let static_needs = needed("channel_status_static");
    assert!(!static_needs.contains("libosslive"), "{static_needs}");
    let shared_needs = needed("channel_status_shared");
    assert!(
        shared_needs.contains(&format!("Shared library: [{soname}]")),
        "{shared_needs}"
    );

    let emulator = start_emulator();
    let env = Env::for_emulator(&emulator);
    let host = emulator.addr();
    let version_line = format!("library: {}", env!("CARGO_PKG_VERSION"));
    let push_server = format!("push server: rtmp://{host}/{BUCKET}/live");
    expect_program(
        &build.join("channel_status_static"),
        &env,
        0,
        &["from-cmake"],
    )
    .has_line(&version_line)
    .has_line("created: from-cmake")
    .has_line("status: Idle")
    .has_line(&push_server);
    let shared = expect_program(
        &build.join("channel_status_shared"),
        &env,
        0,
        &["from-cmake"],
    );
    shared
        .has_line(&version_line)
        .has_line("status: Idle")
        .has_line(&push_server);
    assert!(
        !shared.stdout.contains("created:"),
        "the channel existed:\n{}",
        shared.stdout
    );
}

/// 0.1 and 0.1.0 find the package, as does a range holding it; 0.2, 1.0 and a later
/// patch release do not (0.x minor versions may break the ABI).
#[test]
fn cmake_package_checks_the_version() {
    let prefix = installed_prefix();
    let version = env!("CARGO_PKG_VERSION");
    let cases = [
        ("wanted_minor", "0.1", true),
        ("wanted_exact", &format!("{version} EXACT"), true),
        ("wanted_range", "0.1...1.0", true),
        ("wanted_next_minor", "0.2", false),
        ("wanted_major", "1.0", false),
        ("wanted_later_patch", "0.1.99", false),
    ];
    for (name, wanted, found) in cases {
        let (ok, text) = configure_snippet(
            name,
            prefix,
            &format!(
                "find_package(osslive {wanted} CONFIG)\n\
                 message(STATUS \"found=${{osslive_FOUND}} version=${{osslive_VERSION}}\")"
            ),
        );
        assert!(ok, "{wanted}: {text}");
        let expected = if found {
            format!("found=1 version={version}")
        } else {
            "found=0 version=".to_owned()
        };
        assert!(text.contains(&expected), "{wanted}: {text}");
    }
}

/// The package finds its library and header relative to itself: a prefix copied
/// elsewhere works from its new place.
#[test]
fn cmake_package_follows_a_moved_prefix() {
    let prefix = installed_prefix();
    let moved = tmp_dir("c-examples-cmake-moved");
    // Hard links: the copy costs no space (the debug libosslive.a is large).
    let copied = Command::new("cp")
        .arg("-al")
        .arg(format!("{}/.", prefix.display()))
        .arg(&moved)
        .status()
        .expect("run cp");
    assert!(copied.success());
    let (ok, text) = configure_snippet(
        "moved_prefix",
        &moved,
        "find_package(osslive 0.1 CONFIG REQUIRED)\n\
         foreach(target osslive::osslive osslive::osslive_static)\n\
           get_target_property(location ${target} IMPORTED_LOCATION)\n\
           get_target_property(include ${target} INTERFACE_INCLUDE_DIRECTORIES)\n\
           get_target_property(libs ${target} INTERFACE_LINK_LIBRARIES)\n\
           message(STATUS \"${target}: ${location} | ${include} | ${libs}\")\n\
         endforeach()",
    );
    assert!(ok, "{text}");
    let moved = moved.display();
    let soname = format!("libosslive.so.{}", env!("CARGO_PKG_VERSION"));
    for line in [
        format!("osslive::osslive: {moved}/lib/{soname} | {moved}/include | libs-NOTFOUND"),
        format!(
            "osslive::osslive_static: {moved}/lib/libosslive.a | {moved}/include | \
             gcc_s;util;rt;pthread;m;dl;c"
        ),
    ] {
        assert!(
            text.lines().any(|l| l == format!("-- {line}")),
            "{line:?} in\n{text}"
        );
    }
}
