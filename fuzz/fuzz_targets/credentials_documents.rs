//! The credentials documents: the CLI's `config.json`, the INI credentials file, and the
//! STS answers of the ECS metadata service and of a credentials URI (all from files or
//! servers osslive does not control). Never panics, and no error quotes a secret: the seeds
//! carry the marker below where secrets go, and no error may contain it.

#![no_main]

use libfuzzer_sys::fuzz_target;
use osslive::fuzzing;

/// Stands where the seeds put secrets (`AccessKeySecret`, `SecurityToken`, `access_key_secret`).
const MARKER: &str = "FuzzSecretMarker";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return; // every reader takes text: the callers refuse other bytes first
    };
    for error in fuzzing::read_credentials_documents(text) {
        assert!(!error.contains(MARKER), "an error quotes the document: {error}");
    }
});
