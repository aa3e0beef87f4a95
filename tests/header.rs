//! The committed C header is what build.rs generates from the current Rust code, and its
//! version macros agree with Cargo.toml and `osslive_version()`.

use std::ffi::CStr;

const GENERATED: &str = include_str!(concat!(env!("OUT_DIR"), "/osslive.h"));

#[test]
fn committed_header_is_current() {
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/include/osslive.h"))
            .expect("include/osslive.h is committed");
    assert!(
        committed == GENERATED,
        "include/osslive.h is stale: run `scripts/build-capi` and commit it with the change"
    );
}

#[test]
fn version_macros_match_the_package() {
    let version = env!("CARGO_PKG_VERSION");
    let parts: Vec<u32> = version.split('.').map(|p| p.parse().unwrap()).collect();
    let number = parts[0] * 10000 + parts[1] * 100 + parts[2];
    for expected in [
        format!("#define OSSLIVE_VERSION \"{version}\"\n"),
        format!("#define OSSLIVE_VERSION_MAJOR {}\n", parts[0]),
        format!("#define OSSLIVE_VERSION_MINOR {}\n", parts[1]),
        format!("#define OSSLIVE_VERSION_PATCH {}\n", parts[2]),
        format!("#define OSSLIVE_VERSION_NUMBER {number}\n"),
    ] {
        assert!(GENERATED.contains(&expected), "header lacks {expected:?}");
    }
    let runtime = unsafe { CStr::from_ptr(osslive::ffi::osslive_version()) }
        .to_str()
        .unwrap();
    assert_eq!(runtime, version);
    assert_eq!(
        osslive::ffi::osslive_version_number(),
        i32::try_from(number).unwrap()
    );
}

#[test]
fn every_exported_function_is_documented_in_the_header() {
    // Each declaration is preceded by the end of a doc comment.
    let lines: Vec<&str> = GENERATED.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let is_declaration = line.starts_with(|c: char| c.is_ascii_alphabetic())
            && line.contains("osslive_")
            && line.contains('(')
            && !line.starts_with("typedef");
        if is_declaration {
            assert!(i > 0 && lines[i - 1].trim() == "*/", "undocumented: {line}");
        }
    }
}
