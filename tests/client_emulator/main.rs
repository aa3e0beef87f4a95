//! The osslive client against an in-process osslive-emulator.
//!
//! Every test starts its own emulator on 127.0.0.1:0, so tests are independent and can run
//! in parallel. Environment-variable credentials are tested in `client_env.rs`, a separate
//! test binary, because the environment is process-global.
//!
//! `support` holds what the tests share; each other module is one topic: a group of
//! operations, listing and pagination, validation, errors, RTMP URLs, concurrency.

mod support;

mod channels;
mod concurrency;
mod history;
mod listing;
mod pagination;
mod rtmp_urls;
mod service_errors;
mod status_and_stat;
mod transport_errors;
mod validation;
mod vod;
