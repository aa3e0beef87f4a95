//! Credentials from a profile of the Alibaba Cloud CLI's configuration file,
//! `~/.aliyun/config.json`, as `credentials-go`'s `CLIProfileCredentialsProvider` reads
//! it: the file `ALIBABA_CLOUD_CONFIG_FILE` names, else `~/.aliyun/config.json`; the
//! profile `ALIBABA_CLOUD_PROFILE` names, else the file's `current` one.
//!
//! ```json
//! {"current": "default", "profiles": [
//!   {"name": "default", "mode": "AK", "access_key_id": "...", "access_key_secret": "..."},
//!   {"name": "sts", "mode": "StsToken", "access_key_id": "STS....",
//!    "access_key_secret": "...", "sts_token": "..."},
//!   {"name": "ecs", "mode": "EcsRamRole", "ram_role_name": "my-role"}]}
//! ```
//!
//! Modes `AK`, `StsToken` and `EcsRamRole` are supported; the others (`RamRoleArn`,
//! `OIDC`, `CloudSSO`...) need calls to STS that osslive does not make, and are reported
//! as such.

use std::path::PathBuf;
use std::sync::Arc;

use super::access_key::{Credentials, wipe};
use super::ecs_ram_role::EcsRamRoleCredentials;
use super::env;
use super::json::{self, Json};
use super::provider::{CredentialsProvider, Remembered};
use crate::Error;

/// The variable naming another configuration file.
pub const CLI_CONFIG_FILE_VAR: &str = "ALIBABA_CLOUD_CONFIG_FILE";
/// The variable naming the profile, here and in the INI credentials file.
pub const PROFILE_VAR: &str = "ALIBABA_CLOUD_PROFILE";

/// A profile of the CLI's configuration (see the module documentation). The file is read
/// at the first call and the profile kept, as `credentials-go` does: a process started
/// before a key was changed keeps the old one.
#[derive(Debug)]
pub struct CliProfileCredentials {
    path: Option<PathBuf>,
    profile: Option<String>,
    loaded: Remembered,
}

impl Default for CliProfileCredentials {
    fn default() -> Self {
        CliProfileCredentials::new()
    }
}

impl CliProfileCredentials {
    /// Takes the file and profile from `ALIBABA_CLOUD_CONFIG_FILE` and
    /// `ALIBABA_CLOUD_PROFILE`, read now.
    pub fn new() -> CliProfileCredentials {
        CliProfileCredentials {
            path: env::var(CLI_CONFIG_FILE_VAR).map(PathBuf::from),
            profile: env::var(PROFILE_VAR),
            loaded: Remembered::default(),
        }
    }

    /// Reads this file instead.
    pub fn path(mut self, path: impl Into<PathBuf>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// Uses this profile instead.
    pub fn profile(mut self, name: impl Into<String>) -> Self {
        self.profile = Some(name.into());
        self
    }

    fn file(&self) -> Result<PathBuf, String> {
        match &self.path {
            Some(path) => Ok(path.clone()),
            None => env::home_dir()
                .map(|home| home.join(".aliyun").join("config.json"))
                .ok_or_else(|| "no home directory to find .aliyun/config.json in".to_owned()),
        }
    }

    fn load(&self) -> Result<Arc<dyn CredentialsProvider>, String> {
        let path = self.file()?;
        let shown = path.display();
        let mut text =
            std::fs::read_to_string(&path).map_err(|e| format!("cannot read {shown}: {e}"))?;
        let parsed = json::parse(&text);
        wipe(&mut text);
        let config = parsed.map_err(|e| format!("{shown} is not valid JSON: {e}"))?;
        let profiles = config
            .get("profiles")
            .and_then(Json::as_array)
            .filter(|p| !p.is_empty())
            .ok_or_else(|| format!("{shown} has no profiles"))?;
        let name = match &self.profile {
            Some(name) => name.as_str(),
            None => config
                .str_field("current")
                .ok_or_else(|| format!("{shown} names no current profile"))?,
        };
        let profile = profiles
            .iter()
            .find(|p| p.str_field("name") == Some(name))
            .ok_or_else(|| format!("{shown} has no profile {name:?}"))?;
        let field = |key: &str| {
            profile
                .str_field(key)
                .ok_or_else(|| format!("profile {name:?} of {shown} has no {key}"))
        };
        let mode = profile.str_field("mode").unwrap_or("");
        Ok(match mode {
            "AK" => Arc::new(Credentials::new(
                field("access_key_id")?,
                field("access_key_secret")?,
            )),
            "StsToken" => Arc::new(
                Credentials::new(field("access_key_id")?, field("access_key_secret")?)
                    .with_security_token(field("sts_token")?),
            ),
            "EcsRamRole" => {
                let ecs = EcsRamRoleCredentials::new();
                Arc::new(match profile.str_field("ram_role_name") {
                    Some(role) => ecs.role_name(role),
                    None => ecs,
                })
            }
            other => {
                return Err(format!(
                    "profile {name:?} of {shown} has mode {other:?}; osslive supports AK, \
                     StsToken and EcsRamRole"
                ));
            }
        })
    }
}

impl CredentialsProvider for CliProfileCredentials {
    fn credentials(&self) -> Result<Credentials, Error> {
        let provider = self
            .loaded
            .get_or_find(|| self.load())
            .map_err(|why| Error::credentials(format!("Alibaba Cloud CLI profile: {why}")))?;
        provider.credentials()
    }
}
