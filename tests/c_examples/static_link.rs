//! Static linking that is static: `osslive-static.pc` links `libosslive.a` by its path,
//! and both libraries export only `osslive_*`, so that the archive links beside another
//! Rust static library (each with its own Rust std) with GNU ld and with lld.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::build::make;
use crate::build::*;
use crate::run::*;

fn output(command: &mut Command, what: &str) -> String {
    let out = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The libraries a program needs at run time (the NEEDED entries of its dynamic section).
fn needed(exe: &Path) -> String {
    output(Command::new("readelf").arg("-d").arg(exe), "readelf -d")
        .lines()
        .filter(|l| l.contains("(NEEDED)"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `make install` puts osslive-static.pc beside osslive.pc; a program built with its
/// flags carries the library and runs without it installed where the loader looks.
#[test]
fn static_pkg_config_route_links_the_archive() {
    let built = built();
    // Its own prefix: install.rs's test installs to another one at the same time.
    let prefix = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("c-examples-prefix-static");
    let _ = std::fs::remove_dir_all(&prefix);
    make(built, &["install", &format!("PREFIX={}", prefix.display())]);
    let pkgconfig = prefix.join("lib/pkgconfig");
    let pc = std::fs::read_to_string(pkgconfig.join("osslive-static.pc"))
        .expect("osslive-static.pc is installed");
    assert!(
        pc.lines().any(|l| l == "Libs: ${libdir}/libosslive.a -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"),
        "{pc}"
    );
    let flags = output(
        Command::new("pkg-config")
            .args(["--cflags", "--libs", "osslive-static"])
            .env("PKG_CONFIG_PATH", &pkgconfig),
        "pkg-config osslive-static",
    );
    assert!(flags.contains("libosslive.a"), "{flags}");
    let exe = prefix.join("hello-static");
    output(
        Command::new(cxx_compiler())
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
            .args(flags.split_whitespace()),
        "the C++ compiler",
    );
    let deps = needed(&exe);
    assert!(!deps.contains("libosslive"), "{deps}");
    // The installed .so is removed: the program must not need it.
    for entry in std::fs::read_dir(prefix.join("lib")).unwrap() {
        let path = entry.unwrap().path();
        if path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("libosslive.so")
        {
            std::fs::remove_file(path).unwrap();
        }
    }
    let run = run_with_timeout(Command::new(&exe), Duration::from_secs(60), "hello-static");
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let version = env!("CARGO_PKG_VERSION");
    assert!(
        run.stdout
            .starts_with(&format!("hello from C++: {version} (header {version})")),
        "{}",
        run.stdout
    );
}

/// The global symbols a library defines (`nm` flags select which table).
fn defined_globals(nm_args: &[&str], lib: &Path) -> Vec<String> {
    output(Command::new("nm").args(nm_args).arg(lib), "nm")
        .lines()
        .filter_map(|l| {
            let fields: Vec<&str> = l.split_whitespace().collect();
            // "ADDRESS TYPE NAME"; archive member headers and blank lines are skipped.
            (fields.len() == 3).then(|| fields[2].to_owned())
        })
        .collect()
}

#[test]
fn libraries_export_only_osslive_symbols() {
    let built = built();
    for (lib, args) in [
        ("libosslive.a", &["-g", "--defined-only"][..]),
        ("libosslive.so", &["-D", "--defined-only"][..]),
    ] {
        let symbols = defined_globals(args, &built.lib_dir.join(lib));
        assert!(
            symbols.iter().any(|s| s == "osslive_client_new"),
            "{lib}: {symbols:?}"
        );
        let foreign: Vec<&String> = symbols
            .iter()
            .filter(|s| !s.starts_with("osslive_"))
            .collect();
        assert!(foreign.is_empty(), "{lib} exports {foreign:?}");
    }
}

/// A C program links libosslive.a and a second, independent Rust static library, in
/// both orders, with GNU ld and with lld, and runs.
#[test]
fn archive_links_beside_another_rust_static_library() {
    require_tool("ld.lld", "lld").unwrap_or_else(|e| panic!("{e}"));
    let built = built();
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("two-rust-libs");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let sources = repo_root().join("tests/c/two_rust_libs");
    let other = dir.join("libother.a");
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    output(
        Command::new(rustc)
            .args(["--edition", "2024", "--crate-type", "staticlib", "-O", "-o"])
            .arg(&other)
            .arg(sources.join("other.rs")),
        "rustc other.rs",
    );
    let ours = built.lib_dir.join("libosslive.a");
    let native = [
        "-lgcc_s",
        "-lutil",
        "-lrt",
        "-lpthread",
        "-lm",
        "-ldl",
        "-lc",
    ];
    let version = env!("CARGO_PKG_VERSION");
    for linker in ["bfd", "lld"] {
        for (name, libs) in [
            ("ours-first", [&ours, &other]),
            ("other-first", [&other, &ours]),
        ] {
            let exe = dir.join(format!("two-{linker}-{name}"));
            output(
                Command::new(c_compiler())
                    .args(["-std=c99", "-Wall", "-Wextra", "-Wpedantic", "-Werror"])
                    .arg(format!("-fuse-ld={linker}"))
                    .arg("-I")
                    .arg(repo_root().join("include"))
                    .arg("-o")
                    .arg(&exe)
                    .arg(sources.join("main.c"))
                    .args(libs)
                    .args(native),
                &format!("linking with {linker}, {name}"),
            );
            let run = run_with_timeout(Command::new(&exe), Duration::from_secs(60), name);
            assert_eq!(run.code, Some(0), "{linker} {name}: {}", run.stderr);
            assert_eq!(
                run.stdout.trim(),
                format!("two rust libs: osslive {version}, other 55"),
                "{linker} {name}"
            );
        }
    }
}
