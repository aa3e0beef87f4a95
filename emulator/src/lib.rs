//! A local Alibaba Cloud OSS LiveChannel emulator.
//!
//! It answers the nine LiveChannel HTTP operations as OSS does, byte for byte where the
//! wire spec says so, verifies V1 and V4 signatures (with STS tokens) in headers and in
//! presigned URLs, takes real RTMP pushes on the same port (checking their signed URLs)
//! and turns them into HLS objects, serves those objects from private buckets (or
//! public-read ones, [`Config::bucket_acl`]) with `x-oss-process=hls/sign`, and can be
//! told to fail on purpose. Start it in-process:
//!
//! ```no_run
//! let emulator = osslive_emulator::Emulator::start(
//!     osslive_emulator::Config::new("LTAI5tTestAccessKeyId", "TestAccessKeySecret0123456789abc"),
//! )
//! .unwrap();
//! println!("endpoint: {}", emulator.endpoint());
//! ```
//!
//! or as the `osslive-emulator` binary (see its `--help`).

#![deny(missing_docs)]

pub mod access;
pub mod acl;
mod admin;
pub mod app;
pub mod atomic_file;
pub mod auth;
pub mod dates;
pub mod ecs_metadata;
mod emulator;
pub mod error;
pub mod faults;
#[doc(hidden)]
pub mod fuzzing;
pub mod hls;
pub mod hls_sign;
pub mod http;
pub mod keyring;
pub mod model;
pub mod objects;
pub mod percent;
pub mod persist;
pub mod playlist;
mod query;
mod request_log;
pub mod rtmp;
pub mod rtmp_auth;
pub mod rules;
pub mod store;
#[cfg(test)]
mod test_dir;
pub mod tls;
pub mod url_auth;
pub mod verify;
pub mod xml;

pub use emulator::{Config, Emulator};
