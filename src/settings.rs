//! What the client builder, the transport and the credentials check all need to agree
//! on: how requests are signed and addressed, and the default limits. A module of its
//! own so that none of them has to import another for it.

use std::sync::Arc;
use std::time::Duration;

/// How HTTP requests are signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SignatureVersion {
    /// `OSS4-HMAC-SHA256`: required by OSS for accounts and buckets created since 2025.
    #[default]
    V4,
    /// `OSS AK:SIG` (HMAC-SHA1): for old buckets that still accept it.
    V1,
}

/// How a bucket is named in requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Addressing {
    /// `https://BUCKET.ENDPOINT/CHANNEL`: what OSS expects of domain endpoints.
    VirtualHosted,
    /// `https://ENDPOINT/BUCKET/CHANNEL`: used automatically for IP and `localhost` endpoints.
    PathStyle,
    /// `https://CNAME/CHANNEL`: the endpoint is a custom domain bound to one bucket.
    Cname,
}

/// Default time to establish a connection (TCP and TLS).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time for one whole request, from connecting to the last byte of the answer.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// The longest value osslive puts in one header (user agent, access key id, security
/// token): far above real values (an STS token is about 1–2 KB), far below what HTTP
/// servers and the request writer accept, so an absurd value fails at once, clearly.
pub const MAX_HEADER_VALUE_BYTES: usize = 16 * 1024;

/// Default cap on a response body: a 1000-channel list page is about half a megabyte.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 16 * 1024 * 1024;

/// Receives what a client is doing (requests, retries, backoffs, clock corrections),
/// never a secret. Also sent to the `log` facade under the target `osslive`.
pub type LogHook = Arc<dyn Fn(log::Level, &str) + Send + Sync>;
