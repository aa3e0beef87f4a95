//! osslive: a blocking client for Alibaba Cloud OSS LiveChannel, with a C ABI.
//!
//! This crate so far holds the pieces the client and the local emulator share: the OSS
//! signatures ([`signing`]), percent-encoding ([`encoding`]), the wire date formats
//! ([`time`]) and the validation rules of the LiveChannel API ([`validate`]).

pub mod encoding;
pub mod signing;
pub mod time;
pub mod validate;
