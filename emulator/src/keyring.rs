//! The access keys and STS tokens the emulator accepts, changed while it runs: keys are
//! added and revoked (the admin endpoint `/_emulator/credentials`, [`Emulator`]'s
//! methods, the ECS metadata service issuing STS credentials), and an added key may expire.
//!
//! Checks read an [`Authority`], the plain value the signature code has always taken: the
//! keyring hands out a snapshot of it, rebuilt on each change and when a key expires, so
//! a request is checked against one consistent set of keys however they change meanwhile.
//!
//! [`Emulator`]: crate::Emulator

use std::sync::{Arc, RwLock};
use std::time::SystemTime;

use crate::auth::{AccessKey, Authority};

/// An access key to accept, with the STS token that goes with it and the time it stops
/// being accepted. `Debug` shows the id only.
#[derive(Clone)]
pub struct Credential {
    /// The public id, `LTAI…` or `STS.…`.
    pub access_key_id: String,
    /// The secret.
    pub access_key_secret: String,
    /// The STS security token accepted with it; revoked with it.
    pub security_token: Option<String>,
    /// When it stops being accepted; `None` for never.
    pub expires: Option<SystemTime>,
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credential")
            .field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &"<redacted>")
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| "<redacted>"),
            )
            .field("expires", &self.expires.map(crate::dates::iso8601))
            .finish()
    }
}

impl Credential {
    /// A key that never expires.
    pub fn new(access_key_id: impl Into<String>, access_key_secret: impl Into<String>) -> Self {
        Credential {
            access_key_id: access_key_id.into(),
            access_key_secret: access_key_secret.into(),
            security_token: None,
            expires: None,
        }
    }

    /// Accepts this STS token with it (and revokes it with it).
    pub fn with_security_token(mut self, token: impl Into<String>) -> Self {
        self.security_token = Some(token.into());
        self
    }

    /// Stops accepting it at `expires`.
    pub fn expiring_at(mut self, expires: SystemTime) -> Self {
        self.expires = Some(expires);
        self
    }

    /// `AK:SK` or `AK:SK:TOKEN`, as `--credential` takes it (the token may hold `:`).
    pub fn parse_flag(text: &str) -> Result<Credential, String> {
        let mut parts = text.splitn(3, ':');
        let (Some(id), Some(secret)) = (parts.next(), parts.next()) else {
            return Err("expected ACCESS_KEY_ID:ACCESS_KEY_SECRET[:SECURITY_TOKEN]".to_owned());
        };
        let credential = Credential::new(id, secret);
        let credential = match parts.next() {
            Some(token) => credential.with_security_token(token),
            None => credential,
        };
        credential.check()?;
        Ok(credential)
    }

    /// Refuses what no client could send: an empty id, secret or token, or one with a
    /// control character.
    pub fn check(&self) -> Result<(), String> {
        let fields = [
            ("access key id", Some(&self.access_key_id)),
            ("access key secret", Some(&self.access_key_secret)),
            ("security token", self.security_token.as_ref()),
        ];
        for (what, value) in fields {
            let Some(value) = value else { continue };
            if value.is_empty() {
                return Err(format!("the {what} is empty"));
            }
            if value.bytes().any(|b| b.is_ascii_control()) {
                return Err(format!("the {what} holds a control character"));
            }
        }
        Ok(())
    }
}

/// The accepted keys (see the module documentation).
pub struct Keyring {
    state: RwLock<State>,
}

struct State {
    region: String,
    /// Every key, in the order added; an id appears once.
    keys: Vec<Credential>,
    /// Tokens accepted without a key of their own (`--security-token`), never revoked.
    loose_tokens: Vec<String>,
    snapshot: Arc<Authority>,
    /// The earliest expiry among the keys: the snapshot is rebuilt once it passes.
    next_expiry: Option<SystemTime>,
}

impl State {
    fn rebuild(&mut self) {
        let mut tokens = self.loose_tokens.clone();
        tokens.extend(self.keys.iter().filter_map(|k| k.security_token.clone()));
        self.snapshot = Arc::new(Authority {
            access_keys: self
                .keys
                .iter()
                .map(|k| AccessKey {
                    id: k.access_key_id.clone(),
                    secret: k.access_key_secret.clone(),
                })
                .collect(),
            security_tokens: tokens,
            region: self.region.clone(),
        });
        self.next_expiry = self.keys.iter().filter_map(|k| k.expires).min();
    }
}

impl Keyring {
    /// A keyring accepting what `authority` accepts: its keys (revocable) and tokens.
    pub fn new(authority: Authority) -> Keyring {
        let keys = authority
            .access_keys
            .iter()
            .map(|k| Credential::new(k.id.clone(), k.secret.clone()))
            .collect();
        let mut state = State {
            region: authority.region.clone(),
            keys,
            loose_tokens: authority.security_tokens.clone(),
            snapshot: Arc::new(authority),
            next_expiry: None,
        };
        state.rebuild();
        Keyring {
            state: RwLock::new(state),
        }
    }

    /// What is accepted at `now` (the emulator's clock): keys that expired are dropped.
    pub fn authority(&self, now: SystemTime) -> Arc<Authority> {
        {
            let state = self.state.read().unwrap_or_else(|p| p.into_inner());
            if state.next_expiry.is_none_or(|at| now < at) {
                return Arc::clone(&state.snapshot);
            }
        }
        let mut state = self.state.write().unwrap_or_else(|p| p.into_inner());
        state.keys.retain(|k| k.expires.is_none_or(|at| now < at));
        state.rebuild();
        Arc::clone(&state.snapshot)
    }

    /// Accepts `credential` from now on, replacing a key of the same id.
    pub fn add(&self, credential: Credential) -> Result<(), String> {
        credential.check()?;
        let mut state = self.state.write().unwrap_or_else(|p| p.into_inner());
        state
            .keys
            .retain(|k| k.access_key_id != credential.access_key_id);
        state.keys.push(credential);
        state.rebuild();
        Ok(())
    }

    /// Stops accepting the key `access_key_id` and the token added with it; whether there
    /// was one.
    pub fn revoke(&self, access_key_id: &str) -> bool {
        let mut state = self.state.write().unwrap_or_else(|p| p.into_inner());
        let before = state.keys.len();
        state.keys.retain(|k| k.access_key_id != access_key_id);
        let revoked = state.keys.len() != before;
        if revoked {
            state.rebuild();
        }
        revoked
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn keyring() -> Keyring {
        Keyring::new(Authority {
            access_keys: vec![AccessKey {
                id: "LTAIbase".to_owned(),
                secret: "KeyringBaseSecret0123".to_owned(),
            }],
            security_tokens: vec!["STS.loose-token".to_owned()],
            region: "cn-hangzhou".to_owned(),
        })
    }

    fn ids(authority: &Authority) -> Vec<&str> {
        authority
            .access_keys
            .iter()
            .map(|k| k.id.as_str())
            .collect()
    }

    #[test]
    fn keys_are_added_replaced_and_revoked_with_their_tokens() {
        let ring = keyring();
        let now = SystemTime::now();
        ring.add(Credential::new("STS.a", "KeyringSecretA-0123").with_security_token("tokA"))
            .unwrap();
        ring.add(Credential::new("STS.a", "KeyringSecretA2-0123").with_security_token("tokA2"))
            .unwrap();
        let authority = ring.authority(now);
        assert_eq!(ids(&authority), ["LTAIbase", "STS.a"]);
        assert_eq!(
            authority.secret_of("STS.a").unwrap(),
            "KeyringSecretA2-0123"
        );
        assert!(authority.check_token_value("tokA2").is_ok());
        assert!(authority.check_token_value("tokA").is_err(), "replaced");
        assert!(authority.check_token_value("STS.loose-token").is_ok());
        assert_eq!(authority.region, "cn-hangzhou");

        assert!(ring.revoke("STS.a"));
        assert!(!ring.revoke("STS.a"));
        let after = ring.authority(now);
        assert_eq!(ids(&after), ["LTAIbase"]);
        assert!(after.check_token_value("tokA2").is_err());
        // A snapshot taken before is not changed under a request using it.
        assert_eq!(ids(&authority), ["LTAIbase", "STS.a"]);
        assert!(ring.revoke("LTAIbase"));
        assert!(ring.authority(now).access_keys.is_empty());
    }

    #[test]
    fn expired_keys_are_dropped_by_the_emulator_clock() {
        let ring = keyring();
        let now = SystemTime::now();
        let soon = now + Duration::from_secs(60);
        ring.add(
            Credential::new("STS.short", "KeyringSecretS-0123")
                .with_security_token("tokS")
                .expiring_at(soon),
        )
        .unwrap();
        assert_eq!(ids(&ring.authority(now)), ["LTAIbase", "STS.short"]);
        let later = ring.authority(soon);
        assert_eq!(ids(&later), ["LTAIbase"]);
        assert!(later.check_token_value("tokS").is_err());
    }

    #[test]
    fn flags_and_bad_credentials() {
        let c = Credential::parse_flag("LTAIx:FlagSecret-0123:STS.tok:en").unwrap();
        assert_eq!(c.access_key_id, "LTAIx");
        assert_eq!(c.access_key_secret, "FlagSecret-0123");
        assert_eq!(c.security_token.as_deref(), Some("STS.tok:en"));
        assert_eq!(
            Credential::parse_flag("LTAIx:FlagSecret-0123")
                .unwrap()
                .security_token,
            None
        );
        for bad in [
            "LTAIx",
            ":FlagSecret-0123",
            "LTAIx:",
            "LTAIx:FlagSecret-0123:",
            "a:b\n",
        ] {
            assert!(Credential::parse_flag(bad).is_err(), "{bad:?}");
        }
        let shown = format!("{c:?}");
        assert!(
            !shown.contains("FlagSecret") && !shown.contains("tok:en"),
            "{shown}"
        );
        assert!(keyring().add(Credential::new("", "x")).is_err());
    }
}
