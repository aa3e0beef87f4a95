//! Credentials, and where a client gets them: fixed keys, the environment, the files the
//! Alibaba Cloud CLI and SDKs keep, the ECS instance's RAM role, a credentials URI, or
//! [`DefaultCredentialsChain`], all of them in the order the official
//! `alibabacloud-credentials` libraries try them (where those differ, osslive follows
//! `credentials-go`; each source says what it follows).
//!
//! - [`EnvironmentCredentials`] reads `OSS_ACCESS_KEY_ID`, `OSS_ACCESS_KEY_SECRET`,
//!   `OSS_SESSION_TOKEN`; else `ALIBABA_CLOUD_ACCESS_KEY_ID`,
//!   `ALIBABA_CLOUD_ACCESS_KEY_SECRET`, `ALIBABA_CLOUD_SECURITY_TOKEN`.
//! - [`CliProfileCredentials`] reads `~/.aliyun/config.json` (or `ALIBABA_CLOUD_CONFIG_FILE`),
//!   the profile `ALIBABA_CLOUD_PROFILE` names or the current one.
//! - [`ProfileCredentials`] reads `~/.alibabacloud/credentials` (or
//!   `ALIBABA_CLOUD_CREDENTIALS_FILE`), the profile `ALIBABA_CLOUD_PROFILE` names or
//!   `default`.
//! - [`EcsRamRoleCredentials`] reads the ECS metadata service, for the role
//!   `ALIBABA_CLOUD_ECS_METADATA` names or the one attached; `ALIBABA_CLOUD_IMDSV1_DISABLED`,
//!   `ALIBABA_CLOUD_ECS_METADATA_DISABLED`, and osslive's `OSSLIVE_ECS_METADATA_ENDPOINT`.
//! - [`UriCredentials`] reads `ALIBABA_CLOUD_CREDENTIALS_URI`.
//!
//! A client keeps the credentials that carry an expiry and refreshes them a margin before
//! it, from one thread at a time ([`RefreshingCredentials`]). Secrets read from any
//! source never appear in an error, a log line or a `Debug` output.
//!
//! Modules: `access_key` ([`Credentials`]) and `provider` ([`CredentialsProvider`]) are
//! what everything else uses; `env`, `json`, `ini`, `http` and `session` read variables,
//! files and answers; then one module per source, `chain` over them all, and `refresh`.

mod access_key;
mod chain;
mod cli_config;
mod ecs_ram_role;
mod env;
mod environment;
mod http;
pub(crate) mod ini;
pub(crate) mod json;
mod profile;
mod provider;
mod refresh;
pub(crate) mod session;
mod uri;

pub use access_key::Credentials;
pub use chain::{DEFAULT_CHAIN_VARIABLES, DefaultCredentialsChain};
pub use cli_config::{CLI_CONFIG_FILE_VAR, CliProfileCredentials, PROFILE_VAR};
pub use ecs_ram_role::{
    DEFAULT_ECS_METADATA_ENDPOINT, ECS_METADATA_ENDPOINT_VAR, EcsRamRoleCredentials,
};
pub use environment::EnvironmentCredentials;
pub use http::LOOPBACK_ONLY_VAR;
pub use profile::{CREDENTIALS_FILE_VAR, ProfileCredentials};
pub use provider::CredentialsProvider;
pub(crate) use provider::fetch;
pub use refresh::{DEFAULT_REFRESH_MARGIN, RefreshingCredentials};
pub use uri::{CREDENTIALS_URI_VAR, UriCredentials};
