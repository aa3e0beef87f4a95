//! The header alone (C99, C11, C++98, C++11, C++17; gcc and clang), and `make install`
//! with its pkg-config files (its CMake package is `cmake.rs`'s).

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use crate::build::*;
use crate::run::*;

#[test]
fn header_compiles_alone_as_c99_and_cpp98_to_cpp17_with_gcc_and_clang() {
    require_tool("clang", "clang").unwrap_or_else(|e| panic!("{e}"));
    let built = built();
    let output = make(built, &["check-header"]);
    for std in [
        "-std=c99",
        "-std=c11",
        "-std=c++98",
        "-std=c++11",
        "-std=c++17",
    ] {
        assert!(output.contains(std), "{std} missing:\n{output}");
    }
    assert!(output.contains("clang -std=c99"), "{output}");
    assert!(output.contains("-pedantic-errors"), "{output}");
}

/// `make install` lays out the header, both libraries, the CMake package and a
/// pkg-config file that a program can be built with.
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
    for file in ["osslive-config.cmake", "osslive-config-version.cmake"] {
        assert!(lib.join("cmake/osslive").join(file).is_file(), "{file}");
    }
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
        run.stdout
            .starts_with(&format!("hello from C++: {version} (header {version})")),
        "{}",
        run.stdout
    );
}
