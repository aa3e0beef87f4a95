//! How the programs are linked: static ones carry the library, shared ones load it by its
//! SONAME, only the ASan build is instrumented; and the C++ program.

use std::path::PathBuf;
use std::process::Command;

use crate::build::*;
use crate::env::*;
use crate::run::*;

/// Every program the Makefile builds: the C examples, the test programs (from tests/c/)
/// and the C++ `hello`.
const PROGRAMS: &[&str] = &[
    "create_channel",
    "list_channels",
    "set_channel_status",
    "sign_rtmp_url",
    "sign_play_url",
    "get_channel_stat",
    "get_channel_info",
    "post_vod_playlist",
    "get_vod_playlist",
    "get_channel_history",
    "delete_channel",
    "client_threads",
    "encoder_push",
    "hostile_input",
    "credentials_rotation",
    "cancel_calls",
    "hello",
];

#[test]
fn cpp_program_uses_the_header_and_the_library() {
    let env = Env::for_endpoint("http://127.0.0.1:9");
    for kind in [Kind::Static, Kind::Shared] {
        let run = Runner::new(kind).ok(&env, "hello", &[]);
        let version = env!("CARGO_PKG_VERSION");
        run.has_line(&format!("hello from C++: {version} (header {version})"));
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
