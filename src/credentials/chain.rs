//! The default chain of `credentials-go`'s `DefaultCredentialsProvider`, in its order:
//!
//! 1. the environment ([`EnvironmentCredentials`]: `OSS_*`, then `ALIBABA_CLOUD_*`);
//! 2. the Alibaba Cloud CLI's `~/.aliyun/config.json` ([`CliProfileCredentials`]), unless
//!    `ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true`;
//! 3. the INI file `~/.alibabacloud/credentials` ([`ProfileCredentials`]);
//! 4. the ECS instance's RAM role ([`EcsRamRoleCredentials`]), unless
//!    `ALIBABA_CLOUD_ECS_METADATA_DISABLED=true`;
//! 5. the credentials URI in `ALIBABA_CLOUD_CREDENTIALS_URI` ([`UriCredentials`]), when set.
//!
//! (`credentials-go` also tries OIDC role assumption after the environment; it needs
//! calls to STS that osslive does not make.) The first step that gives credentials is
//! kept for every later call, as `credentials-go` keeps it: a process whose credentials
//! came from the environment does not turn to the metadata service when they fail.

use std::sync::Arc;

use super::access_key::Credentials;
use super::cli_config::CliProfileCredentials;
use super::ecs_ram_role::EcsRamRoleCredentials;
use super::env;
use super::environment::EnvironmentCredentials;
use super::profile::ProfileCredentials;
use super::provider::{CredentialsProvider, Remembered, reason};
use super::uri::{CREDENTIALS_URI_VAR, UriCredentials};
use crate::Error;

/// Every environment variable the default chain reads for credentials, besides `HOME`
/// (`USERPROFILE` on Windows) for the files' default places: for a program (or a test)
/// that must run with none of them set, or that documents what it passes through. (Not
/// listed: `OSSLIVE_CREDENTIALS_LOOPBACK_ONLY`, a safety switch rather than a source.)
pub const DEFAULT_CHAIN_VARIABLES: &[&str] = &[
    "OSS_ACCESS_KEY_ID",
    "OSS_ACCESS_KEY_SECRET",
    "OSS_SESSION_TOKEN",
    "ALIBABA_CLOUD_ACCESS_KEY_ID",
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
    "ALIBABA_CLOUD_SECURITY_TOKEN",
    "ALIBABA_CLOUD_PROFILE",
    "ALIBABA_CLOUD_CONFIG_FILE",
    "ALIBABA_CLOUD_CREDENTIALS_FILE",
    "ALIBABA_CLOUD_CLI_PROFILE_DISABLED",
    "ALIBABA_CLOUD_ECS_METADATA",
    "ALIBABA_CLOUD_ECS_METADATA_DISABLED",
    "ALIBABA_CLOUD_IMDSV1_DISABLED",
    "ALIBABA_CLOUD_CREDENTIALS_URI",
    "OSSLIVE_ECS_METADATA_ENDPOINT",
];

/// One step of the chain: its name, and its source or why it is not there.
type Step = (&'static str, Result<Arc<dyn CredentialsProvider>, String>);

/// The default chain (see the module documentation). The steps are made, and the
/// variables that switch them read, each time the chain looks for credentials, until one
/// step gives them. When none does, the error lists what each step found.
#[derive(Debug, Default)]
pub struct DefaultCredentialsChain {
    ecs_metadata_endpoint: Option<String>,
    chosen: Remembered,
}

impl DefaultCredentialsChain {
    /// The chain, looking for credentials at its first call.
    pub fn new() -> DefaultCredentialsChain {
        DefaultCredentialsChain::default()
    }

    /// Where the ECS metadata service is (`http://HOST[:PORT]`), for the RAM role step,
    /// instead of `OSSLIVE_ECS_METADATA_ENDPOINT` or `http://100.100.100.200`.
    pub fn ecs_metadata_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.ecs_metadata_endpoint = Some(endpoint.into());
        self
    }

    /// The steps, in order, made now; a step switched off is reported as its reason.
    fn steps(&self) -> Vec<Step> {
        let switched_off = |var: &str| Err(format!("switched off by {var}=true"));
        let mut steps: Vec<Step> = vec![("environment", Ok(Arc::new(EnvironmentCredentials)))];
        steps.push((
            "Alibaba Cloud CLI profile",
            if env::flag("ALIBABA_CLOUD_CLI_PROFILE_DISABLED") {
                switched_off("ALIBABA_CLOUD_CLI_PROFILE_DISABLED")
            } else {
                Ok(Arc::new(CliProfileCredentials::new()))
            },
        ));
        steps.push(("credentials file", Ok(Arc::new(ProfileCredentials::new()))));
        steps.push((
            "ECS RAM role",
            if env::flag("ALIBABA_CLOUD_ECS_METADATA_DISABLED") {
                switched_off("ALIBABA_CLOUD_ECS_METADATA_DISABLED")
            } else {
                let ecs = EcsRamRoleCredentials::new();
                Ok(Arc::new(match &self.ecs_metadata_endpoint {
                    Some(endpoint) => ecs.endpoint(endpoint.clone()),
                    None => ecs,
                }))
            },
        ));
        steps.push((
            "credentials URI",
            match env::var(CREDENTIALS_URI_VAR) {
                Some(uri) => Ok(Arc::new(UriCredentials::new(uri))),
                None => Err(format!("{CREDENTIALS_URI_VAR} is not set")),
            },
        ));
        steps
    }

    /// Tries each step in order: the first that gives credentials, with them.
    fn find(&self) -> Result<(Arc<dyn CredentialsProvider>, Credentials), Error> {
        let mut found = Vec::new();
        for (name, step) in self.steps() {
            let result = step.and_then(|provider| match provider.credentials() {
                Ok(creds) => Ok((provider, creds)),
                Err(e) => Err(reason(&e)),
            });
            match result {
                Ok(done) => return Ok(done),
                // The sources name themselves in their errors, under these same names.
                Err(why) if why.starts_with(name) => found.push(why),
                Err(why) => found.push(format!("{name}: {why}")),
            }
        }
        Err(Error::credentials(format!(
            "no step of the default credentials chain gave credentials ({})",
            found.join("; ")
        )))
    }
}

impl CredentialsProvider for DefaultCredentialsChain {
    fn credentials(&self) -> Result<Credentials, Error> {
        if let Some(provider) = self.chosen.get() {
            return provider.credentials();
        }
        let mut first = None;
        let provider = self.chosen.get_or_find(|| {
            let (provider, creds) = self.find()?;
            first = Some(creds);
            Ok::<_, Error>(provider)
        })?;
        match first {
            Some(creds) => Ok(creds),
            // Another thread found it while this one waited.
            None => provider.credentials(),
        }
    }
}
