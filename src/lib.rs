//! osslive: a blocking client for Alibaba Cloud OSS LiveChannel, with a C ABI.
//!
//! Create a channel, sign an RTMP URL an encoder can push to and a URL a player can play
//! from a private bucket, watch the channel's state, and build VOD playlists from what was
//! recorded. HTTP requests are signed with V4
//! (`OSS4-HMAC-SHA256`) by default, as OSS requires of new accounts and buckets.
//!
//! ```no_run
//! use std::time::Duration;
//! use osslive::{Client, Credentials, LiveChannelConfiguration};
//!
//! let client = Client::builder()
//!     .endpoint("oss-cn-hangzhou.aliyuncs.com")
//!     .credentials(Credentials::from_env()?)
//!     .build()?;
//! let bucket = client.bucket("examplebucket")?;
//! bucket.create_live_channel("mychannel", &LiveChannelConfiguration::default())?;
//! let push = bucket.sign_rtmp_url_valid_for("mychannel", None, Duration::from_secs(3600))?;
//! println!("ffmpeg -re -i input.mp4 -c copy -f flv '{}'", push.url);
//! let play = bucket.sign_play_url("mychannel", None, Duration::from_secs(3600))?;
//! println!("ffplay '{}'", play.url);
//! # Ok::<(), osslive::Error>(())
//! ```
//!
//! The C ABI (the `ffi` module, `include/osslive.h`) is the `capi` feature; `scripts/build-capi`
//! builds `libosslive.a` and `libosslive.so` with it.

#![deny(missing_docs)]

mod answer;
mod bucket;
// A few crate-private builder methods (custom CA certificates, dropping a log hook) serve
// only the C ABI: without the `capi` feature they are unused, not dead.
#[cfg_attr(not(feature = "capi"), allow(dead_code))]
mod client;
pub mod credentials;
pub mod encoding;
pub mod error;
#[cfg(feature = "capi")]
pub mod ffi;
#[doc(hidden)]
pub mod fuzzing;
pub mod models;
mod presign_url;
mod retry;
mod setting_rules;
mod settings;
pub mod signing;
pub mod time;
mod transport;
pub mod validate;
pub(crate) mod xml;

pub use bucket::{Bucket, LiveChannelIter, LiveChannelPages};
pub use client::{Client, ClientBuilder};
pub use credentials::{
    Credentials, CredentialsProvider, DefaultCredentialsChain, EnvironmentCredentials,
    RefreshingCredentials,
};
pub use error::{
    CancelReason, CancelledError, ConfigError, CredentialsError, Error, InvalidResponse,
    ServiceError, TimeoutError, TimeoutKind, TlsError, TransportError, TransportErrorKind,
};
pub use models::*;
pub use retry::{
    DEFAULT_DEADLINE, DEFAULT_MAX_ATTEMPTS, DEFAULT_RETRY_BASE_DELAY, MAX_RETRY_DELAY,
};
pub use settings::{
    Addressing, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_REQUEST_TIMEOUT,
    LogHook, MAX_HEADER_VALUE_BYTES, SignatureVersion,
};
pub use signing::rtmp::TokenForm;
