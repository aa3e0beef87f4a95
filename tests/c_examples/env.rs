//! What a run gets: the credentials and environment variables of the examples, and the
//! emulator they talk to.

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use osslive_emulator::auth::{AccessKey, Authority};
use osslive_emulator::{Config, Emulator};

pub const AK: &str = "LTAI5tTestAccessKeyId";
pub const SK: &str = "TestAccessKeySecret0123456789abc";
/// An STS token with characters that must be escaped in a URL.
pub const TOKEN: &str = "STS.CExamplesToken+/=";
pub const REGION: &str = "cn-hangzhou";
pub const BUCKET: &str = "c-examples";

/// 1700000000 is 2023-11-14T22:13:20Z: a publisher's connect time with a known rendering.
pub const CONNECTED_UNIX: u64 = 1_700_000_000;
pub const CONNECTED_LINE: &str = "2023-11-14T22:13:20Z (1700000000)";

/// The environment one run gets.
#[derive(Clone)]
pub struct Env {
    pub vars: BTreeMap<&'static str, String>,
}

impl Env {
    /// Everything set, pointing at `emulator` with STS credentials.
    pub fn for_emulator(emulator: &Emulator) -> Env {
        Env::for_endpoint(&emulator.endpoint())
    }

    pub fn for_endpoint(endpoint: &str) -> Env {
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

    pub fn with(mut self, name: &'static str, value: &str) -> Env {
        self.vars.insert(name, value.to_owned());
        self
    }

    pub fn without(mut self, name: &'static str) -> Env {
        self.vars.remove(name);
        self
    }
}

pub fn start_emulator() -> Emulator {
    Emulator::start(Config::new(AK, SK).security_token(TOKEN).region(REGION))
        .expect("start the emulator")
}

pub fn authority() -> Authority {
    Authority {
        access_keys: vec![AccessKey {
            id: AK.to_owned(),
            secret: SK.to_owned(),
        }],
        security_tokens: vec![TOKEN.to_owned()],
        region: REGION.to_owned(),
    }
}

pub fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs() as i64
}

/// A Rust client of `emulator` that makes one attempt per call, so a queued fault shows.
pub fn one_attempt_client(emulator: &Emulator) -> osslive::Client {
    osslive::Client::builder()
        .endpoint(emulator.endpoint())
        .region(REGION)
        .credentials(osslive::Credentials::new(AK, SK).with_security_token(TOKEN))
        .max_attempts(1)
        .build()
        .expect("a client of the emulator")
}
