//! Credentials from a profile of the older INI credentials file,
//! `~/.alibabacloud/credentials`, as `credentials-go` reads it: the file
//! `ALIBABA_CLOUD_CREDENTIALS_FILE` names, else `~/.alibabacloud/credentials`; the
//! section `ALIBABA_CLOUD_PROFILE` names, else `default`.
//!
//! ```ini
//! [default]
//! type = access_key
//! access_key_id = ...
//! access_key_secret = ...
//!
//! [temporary]
//! type = sts
//! access_key_id = STS....
//! access_key_secret = ...
//! security_token = ...
//!
//! [instance]
//! type = ecs_ram_role
//! role_name = my-role
//! ```
//!
//! Types `access_key` and `ecs_ram_role` are those of `credentials-go`'s current
//! `ProfileCredentialsProvider`; `sts` is its older `ProfileProvider`'s (and Python's).
//! The others (`ram_role_arn`, `rsa_key_pair`...) need calls to STS that osslive does not
//! make, and are reported as such.

use std::path::PathBuf;
use std::sync::Arc;

use super::access_key::{Credentials, wipe};
use super::cli_config::PROFILE_VAR;
use super::ecs_ram_role::EcsRamRoleCredentials;
use super::env;
use super::ini::Ini;
use super::provider::{CredentialsProvider, Remembered};
use crate::Error;

/// The variable naming another credentials file.
pub const CREDENTIALS_FILE_VAR: &str = "ALIBABA_CLOUD_CREDENTIALS_FILE";

/// A profile of the INI credentials file (see the module documentation). The file is
/// read at the first call and the profile kept, as `credentials-go` does.
#[derive(Debug)]
pub struct ProfileCredentials {
    path: Option<PathBuf>,
    profile: String,
    loaded: Remembered,
}

impl Default for ProfileCredentials {
    fn default() -> Self {
        ProfileCredentials::new()
    }
}

impl ProfileCredentials {
    /// Takes the file and profile from `ALIBABA_CLOUD_CREDENTIALS_FILE` and
    /// `ALIBABA_CLOUD_PROFILE`, read now.
    pub fn new() -> ProfileCredentials {
        ProfileCredentials {
            path: env::var(CREDENTIALS_FILE_VAR).map(PathBuf::from),
            profile: env::var(PROFILE_VAR).unwrap_or_else(|| "default".to_owned()),
            loaded: Remembered::default(),
        }
    }

    /// Reads this file instead.
    pub fn path(mut self, path: impl Into<PathBuf>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// Uses this section instead.
    pub fn profile(mut self, name: impl Into<String>) -> Self {
        self.profile = name.into();
        self
    }

    fn file(&self) -> Result<PathBuf, String> {
        match &self.path {
            Some(path) => Ok(path.clone()),
            None => env::home_dir()
                .map(|home| home.join(".alibabacloud").join("credentials"))
                .ok_or_else(|| "no home directory to find .alibabacloud/credentials in".to_owned()),
        }
    }

    fn load(&self) -> Result<Arc<dyn CredentialsProvider>, String> {
        let path = self.file()?;
        let shown = path.display();
        let mut text =
            std::fs::read_to_string(&path).map_err(|e| format!("cannot read {shown}: {e}"))?;
        let parsed = Ini::parse(&text);
        wipe(&mut text);
        let ini = parsed.map_err(|e| format!("{shown}: {e}"))?;
        let name = self.profile.as_str();
        if !ini.has_section(name) {
            return Err(format!("{shown} has no profile [{name}]"));
        }
        let field = |key: &str| {
            ini.get(name, key)
                .filter(|v| !v.is_empty())
                .ok_or_else(|| format!("profile [{name}] of {shown} has no {key}"))
        };
        let kind = field("type")?;
        Ok(match kind {
            "access_key" => Arc::new(Credentials::new(
                field("access_key_id")?,
                field("access_key_secret")?,
            )),
            "sts" => Arc::new(
                Credentials::new(field("access_key_id")?, field("access_key_secret")?)
                    .with_security_token(field("security_token")?),
            ),
            "ecs_ram_role" => Arc::new(EcsRamRoleCredentials::new().role_name(field("role_name")?)),
            other => {
                return Err(format!(
                    "profile [{name}] of {shown} has type {other:?}; osslive supports \
                     access_key, sts and ecs_ram_role"
                ));
            }
        })
    }
}

impl CredentialsProvider for ProfileCredentials {
    fn credentials(&self) -> Result<Credentials, Error> {
        let provider = self
            .loaded
            .get_or_find(|| self.load())
            .map_err(|why| Error::credentials(format!("credentials file: {why}")))?;
        provider.credentials()
    }
}
