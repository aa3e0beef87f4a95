//! With the `capi` feature (the C ABI), generates the C header from `src/ffi/` with
//! cbindgen, without `cargo metadata` (so builds stay offline) and writing only to
//! `OUT_DIR`, unless asked to refresh the committed copy with `OSSLIVE_UPDATE_HEADER=1`
//! (scripts/build-capi does). The shared library's SONAME is set by scripts/build-capi.

fn main() {
    // Cargo sets CARGO_FEATURE_CAPI and cfg feature="capi" together; cbindgen is an
    // optional build-dependency only the feature brings in, so the check is at compile
    // time. Without the feature nothing in src/ matters to this script.
    #[cfg(feature = "capi")]
    header::generate();
    #[cfg(not(feature = "capi"))]
    println!("cargo:rerun-if-changed=build.rs");
}

#[cfg(feature = "capi")]
mod header {
    use std::path::PathBuf;

    /// Writes `OUT_DIR/osslive.h`, and `include/osslive.h` too under
    /// `OSSLIVE_UPDATE_HEADER=1`.
    pub fn generate() {
        println!("cargo:rerun-if-changed=src");
        println!("cargo:rerun-if-changed=cbindgen.toml");
        println!("cargo:rerun-if-env-changed=OSSLIVE_UPDATE_HEADER");
        // docs.rs builds in a read-only tree and needs no header.
        if std::env::var_os("DOCS_RS").is_some() {
            return;
        }
        let crate_dir = PathBuf::from(
            std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
        );
        let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));

        let mut config = match cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")) {
            Ok(config) => config,
            Err(e) => {
                println!("cargo:warning=cannot read cbindgen.toml: {e}");
                return;
            }
        };
        let version = env!("CARGO_PKG_VERSION");
        let number = |i: usize| {
            version
                .split('.')
                .nth(i)
                .and_then(|p| p.parse::<u32>().ok())
                .unwrap_or(0)
        };
        let (major, minor, patch) = (number(0), number(1), number(2));
        config.after_includes = Some(format!(
            "\n/** The osslive version this header belongs to, \"MAJOR.MINOR.PATCH\"; osslive_version() gives the library's in the same form. */\n\
             #define OSSLIVE_VERSION \"{version}\"\n\
             #define OSSLIVE_VERSION_MAJOR {major}\n\
             #define OSSLIVE_VERSION_MINOR {minor}\n\
             #define OSSLIVE_VERSION_PATCH {patch}\n\
             /** MAJOR * 10000 + MINOR * 100 + PATCH, for #if comparisons; osslive_version_number() gives the library's. */\n\
             #define OSSLIVE_VERSION_NUMBER {}\n",
            major * 10000 + minor * 100 + patch
        ));

        let generated = cbindgen::Builder::new()
            .with_config(config)
            .with_src(crate_dir.join("src/ffi/mod.rs"))
            .generate();
        let bindings = match generated {
            Ok(b) => b,
            Err(e) => {
                // Not fatal for the Rust build; tests/header.rs fails loudly without the header.
                println!("cargo:warning=cbindgen could not generate the header: {e}");
                return;
            }
        };
        let mut text = Vec::new();
        bindings.write(&mut text);
        // cbindgen closes its `extern "C"` block with `// __cplusplus` comments; block
        // comments keep the header one comment style, and C89 compilers (and clang's
        // -Wcomment under -std=c89) from choking on it.
        let text = String::from_utf8_lossy(&text).replace("// __cplusplus", "/* __cplusplus */");
        let write = |path: PathBuf| {
            if let Err(e) = std::fs::write(&path, &text) {
                println!("cargo:warning=cannot write {}: {e}", path.display());
            }
        };
        write(out_dir.join("osslive.h"));
        if std::env::var_os("OSSLIVE_UPDATE_HEADER").is_some_and(|v| v == "1") {
            write(crate_dir.join("include/osslive.h"));
        }
    }
}
