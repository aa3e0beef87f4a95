//! The rules each client setting follows on its own. `ClientBuilder::build` checks them,
//! and the C setters check them at once (a settings dialog validates field by field), so
//! Rust and C refuse the same values with the same words. What needs several settings
//! together (a region for V4 signing) stays in `build`.
//!
//! Each rule names the `field` it is given: `build` passes the builder setting
//! (`connect_timeout`), a C setter its parameter (`connect_ms`).

use std::time::Duration;

use crate::error::Error;
use crate::settings::MAX_HEADER_VALUE_BYTES;
use crate::transport::Endpoint;
use crate::validate::InvalidInput;

/// The longest timeout, deadline or retry base delay: one day. Longer ones are mistakes
/// (a negative number read as unsigned, milliseconds taken for microseconds), and a call
/// that hangs for days looks like a hang.
pub(crate) const MAX_SETTING_DURATION: Duration = Duration::from_secs(24 * 3600);

/// The most attempts one call may make, the first included.
pub(crate) const MAX_ATTEMPTS: u32 = 100;

/// The longest a region name may be.
const MAX_REGION_BYTES: usize = 64;

fn refuse<T>(field: &'static str, rule: impl Into<String>) -> Result<T, InvalidInput> {
    Err(InvalidInput {
        field,
        rule: rule.into(),
    })
}

/// The endpoint: `host[:port]` with an optional `http://` or `https://`, not empty, and a
/// port, when given, from 1 to 65535.
pub(crate) fn endpoint(field: &'static str, text: &str) -> Result<Endpoint, InvalidInput> {
    let parsed = Endpoint::parse(text).or_else(|e| match e {
        // Endpoint::parse's message already quotes the endpoint and says why.
        Error::Config(c) => refuse(field, c.to_string()),
        other => refuse(field, other.to_string()),
    })?;
    // After a bracketed IPv6 address, or after the last ':' of a name or IPv4 address.
    let port = match parsed.host.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((_, "")) => None,
            Some((_, rest)) => Some(rest.strip_prefix(':').unwrap_or(rest)),
            None => {
                return refuse(
                    field,
                    format!("endpoint {text:?}: no ']' after an IPv6 address"),
                );
            }
        },
        None => parsed.host.rsplit_once(':').map(|(_, p)| p),
    };
    if let Some(p) = port {
        if !p.bytes().all(|b| b.is_ascii_digit()) || !matches!(p.parse::<u32>(), Ok(1..=65535)) {
            return refuse(
                field,
                format!("endpoint {text:?}: the port must be a number from 1 to 65535"),
            );
        }
    }
    Ok(parsed)
}

/// A region: empty (derived from the endpoint) or letters, digits and '-', at most 64.
pub(crate) fn region(field: &'static str, region: &str) -> Result<(), InvalidInput> {
    if region.len() > MAX_REGION_BYTES
        || !region
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return refuse(
            field,
            format!(
                "region {region:?} may hold only letters, digits and '-', at most {MAX_REGION_BYTES} of them"
            ),
        );
    }
    Ok(())
}

/// The `User-Agent` value: a header value, so no control character (CR, LF...) and at
/// most [`MAX_HEADER_VALUE_BYTES`].
pub(crate) fn user_agent(field: &'static str, user_agent: &str) -> Result<(), InvalidInput> {
    if user_agent.len() > MAX_HEADER_VALUE_BYTES {
        return refuse(
            field,
            format!("the user agent is longer than {MAX_HEADER_VALUE_BYTES} bytes"),
        );
    }
    if user_agent.bytes().any(|b| b.is_ascii_control()) {
        return refuse(field, "the user agent must not contain control characters");
    }
    Ok(())
}

/// A timeout or the deadline: more than zero, at most [`MAX_SETTING_DURATION`].
pub(crate) fn timeout(field: &'static str, value: Duration) -> Result<(), InvalidInput> {
    if value.is_zero() {
        return refuse(field, "timeouts and the deadline must be greater than zero");
    }
    at_most_a_day(field, value)
}

/// The retry base delay: zero (retry at once) up to [`MAX_SETTING_DURATION`].
pub(crate) fn retry_base_delay(field: &'static str, value: Duration) -> Result<(), InvalidInput> {
    at_most_a_day(field, value)
}

fn at_most_a_day(field: &'static str, value: Duration) -> Result<(), InvalidInput> {
    if value > MAX_SETTING_DURATION {
        return refuse(
            field,
            format!(
                "must be at most {} s (one day)",
                MAX_SETTING_DURATION.as_secs()
            ),
        );
    }
    Ok(())
}

/// Attempts per call, the first included: 1 (no retry) to [`MAX_ATTEMPTS`].
pub(crate) fn max_attempts(field: &'static str, attempts: u32) -> Result<(), InvalidInput> {
    if !(1..=MAX_ATTEMPTS).contains(&attempts) {
        return refuse(
            field,
            format!("max_attempts must be at least 1 and at most {MAX_ATTEMPTS}"),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints() {
        for good in [
            "oss-cn-hangzhou.aliyuncs.com",
            "http://127.0.0.1:9100",
            "https://[::1]:443/",
            "[::1]",
        ] {
            assert!(endpoint("endpoint", good).is_ok(), "{good}");
        }
        for bad in [
            "", "ftp://x", "http://", "a b", "h:0", "h:65536", "h:", "h:x", "[::1]x", "[::1",
        ] {
            let e = endpoint("endpoint", bad).unwrap_err();
            assert_eq!(e.field, "endpoint", "{bad}");
        }
    }

    #[test]
    fn durations_and_counts() {
        assert!(timeout("t", Duration::ZERO).is_err());
        assert!(timeout("t", MAX_SETTING_DURATION).is_ok());
        assert!(timeout("t", MAX_SETTING_DURATION + Duration::from_millis(1)).is_err());
        assert!(retry_base_delay("d", Duration::ZERO).is_ok());
        assert!(max_attempts("m", 0).is_err());
        assert!(max_attempts("m", MAX_ATTEMPTS).is_ok());
        assert!(max_attempts("m", MAX_ATTEMPTS + 1).is_err());
    }

    #[test]
    fn regions_and_user_agents() {
        assert!(region("region", "").is_ok());
        assert!(region("region", "cn-hangzhou").is_ok());
        assert!(region("region", "cn hangzhou").is_err());
        assert!(user_agent("user_agent", "app/1.0").is_ok());
        assert!(user_agent("user_agent", "a\r\nX-Evil: 1").is_err());
        assert!(user_agent("user_agent", &"a".repeat(MAX_HEADER_VALUE_BYTES + 1)).is_err());
    }
}
