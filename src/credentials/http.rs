//! HTTP for the sources that fetch credentials: the ECS metadata service and a
//! credentials URI. A ureq agent of their own (a provider lives apart from any client),
//! with short timeouts, no proxy (the metadata service is link-local: a proxy could not
//! reach it, and must not see what it answers), no redirects and a small body limit.
//!
//! With `OSSLIVE_CREDENTIALS_LOOPBACK_ONLY=1` (this repository's `.cargo/config.toml`
//! sets it for every test, example and C program cargo runs, and osslive's own unit tests
//! force it), every address other than loopback is refused after name resolution and
//! before anything is sent: no test can send a packet to `100.100.100.200`, whatever it
//! forgets to set.

use std::io;
use std::time::Duration;

use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

use super::access_key::wipe;

/// Set to `1` (or `true`) to refuse fetching credentials from any address but loopback.
pub const LOOPBACK_ONLY_VAR: &str = "OSSLIVE_CREDENTIALS_LOOPBACK_ONLY";

/// Far more than any credentials answer (an STS token is 1-2 KB), far less than memory.
const MAX_BODY_BYTES: u64 = 64 * 1024;

/// An answer: its status and body, the body wiped from memory on drop.
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) body: String,
}

impl std::fmt::Debug for Answer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Answer {{ status: {}, body: {} bytes }}",
            self.status,
            self.body.len()
        )
    }
}

impl Drop for Answer {
    fn drop(&mut self) {
        wipe(&mut self.body);
    }
}

/// The agent of one credentials source.
pub(crate) struct CredentialsHttp {
    agent: ureq::Agent,
}

impl std::fmt::Debug for CredentialsHttp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CredentialsHttp")
    }
}

impl CredentialsHttp {
    /// An agent that gives up connecting after `connect` and on a whole exchange after
    /// `total`. Whether only loopback is allowed is read now, from the environment.
    pub(crate) fn new(connect: Duration, total: Duration) -> CredentialsHttp {
        let loopback_only = cfg!(test)
            || std::env::var(LOOPBACK_ONLY_VAR)
                .is_ok_and(|v| v == "1" || v.eq_ignore_ascii_case("true"));
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(connect))
            .timeout_global(Some(total))
            .max_redirects(0)
            .proxy(None)
            .user_agent(format!("osslive/{} (rust)", env!("CARGO_PKG_VERSION")))
            .build();
        let resolver = GuardedResolver {
            system: DefaultResolver::default(),
            loopback_only,
        };
        CredentialsHttp {
            agent: ureq::Agent::with_parts(config, DefaultConnector::default(), resolver),
        }
    }

    /// Sends `method url` (GET or PUT, no body) with `headers`; any status is an answer.
    /// The error says what went wrong on the network, never what was sent.
    pub(crate) fn send(
        &self,
        method: &'static str,
        url: &str,
        headers: &[(&str, &str)],
    ) -> Result<Answer, String> {
        let mut request = ureq::http::Request::builder().method(method).uri(url);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = request
            .body(())
            .map_err(|e| format!("cannot build the request: {e}"))?;
        let mut response = self.agent.run(request).map_err(describe)?;
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_BODY_BYTES)
            .read_to_string()
            .map_err(describe)?;
        Ok(Answer { status, body })
    }
}

/// A ureq error in words: its own text names the failure (refused, timed out, too
/// large), the host at most, never headers or bodies.
fn describe(e: ureq::Error) -> String {
    match e {
        ureq::Error::Io(io) => io.to_string(),
        other => other.to_string(),
    }
}

/// The system resolver, refusing every address but loopback when told to.
#[derive(Debug)]
struct GuardedResolver {
    system: DefaultResolver,
    loopback_only: bool,
}

impl Resolver for GuardedResolver {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let addrs = self.system.resolve(uri, config, timeout)?;
        if self.loopback_only {
            if let Some(addr) = addrs.iter().find(|a| !a.ip().is_loopback()) {
                return Err(ureq::Error::Io(io::Error::new(
                    io::ErrorKind::PermissionDenied,
                    format!(
                        "{} is not a loopback address, and {LOOPBACK_ONLY_VAR} allows no other",
                        addr.ip()
                    ),
                )));
            }
        }
        Ok(addrs)
    }
}

/// `url` without its query and fragment, which may carry a token: how errors name it.
pub(crate) fn shown_url(url: &str) -> &str {
    let end = url.find(['?', '#']).unwrap_or(url.len());
    &url[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_tests_never_leave_loopback() {
        let http = CredentialsHttp::new(Duration::from_secs(1), Duration::from_secs(1));
        let err = http
            .send("GET", "http://100.100.100.200/latest/meta-data/", &[])
            .unwrap_err();
        assert!(
            err.contains("100.100.100.200 is not a loopback address"),
            "{err}"
        );
    }

    #[test]
    fn urls_are_shown_without_their_query() {
        assert_eq!(
            shown_url("http://127.0.0.1:8/creds?token=abc#x"),
            "http://127.0.0.1:8/creds"
        );
        assert_eq!(shown_url("http://h/p"), "http://h/p");
    }
}
