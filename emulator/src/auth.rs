//! Checks request signatures the way OSS does: V1 and V4 headers, with or without an STS
//! token, recomputed with the emulator's own [`crate::verify`] code.

use std::time::{Duration, SystemTime};

use crate::dates::{http_date, parse_http_date, parse_v4_datetime, v4_datetime};
use crate::error::OssError;
use crate::rules::{self, Rule};
use crate::verify::{SignedRequest, constant_time_eq, v1, v4};

/// OSS refuses a request whose date is further than this from its own clock.
pub const MAX_SKEW: Duration = Duration::from_secs(15 * 60);

/// An access key the emulator accepts.
#[derive(Clone)]
pub struct AccessKey {
    /// The public id, `LTAI…` or `STS.…`.
    pub id: String,
    /// The secret; never printed.
    pub secret: String,
}

impl std::fmt::Debug for AccessKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessKey")
            .field("id", &self.id)
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// Who may call the emulator, and in which region it signs.
#[derive(Clone, Default)]
pub struct Authority {
    /// Accepted access keys.
    pub access_keys: Vec<AccessKey>,
    /// STS security tokens accepted in `x-oss-security-token` (with any accepted key).
    pub security_tokens: Vec<String>,
    /// The region V4 signatures must be scoped to, for example `cn-hangzhou`.
    pub region: String,
}

impl std::fmt::Debug for Authority {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authority")
            .field("access_keys", &self.access_keys)
            .field(
                "security_tokens",
                &format_args!("<{} redacted>", self.security_tokens.len()),
            )
            .field("region", &self.region)
            .finish()
    }
}

/// The two header signature schemes, as found in `Authorization`.
enum Scheme<'a> {
    V1 {
        access_key_id: &'a str,
        signature: &'a str,
    },
    V4 {
        access_key_id: &'a str,
        date: &'a str,
        region: &'a str,
        additional: Vec<&'a str>,
        signature: &'a str,
    },
}

fn parse_authorization(value: &str) -> Result<Scheme<'_>, OssError> {
    let malformed =
        || OssError::invalid_argument_message("Authorization", "Authorization header is invalid.");
    if let Some(rest) = value.strip_prefix("OSS ") {
        let (id, sig) = rest.rsplit_once(':').ok_or_else(malformed)?;
        return Ok(Scheme::V1 {
            access_key_id: id.trim(),
            signature: sig.trim(),
        });
    }
    let rest = value.strip_prefix(v4::ALGORITHM).ok_or_else(malformed)?;
    let (mut credential, mut signature, mut additional) = (None, None, Vec::new());
    // Python writes ", " between the parts and Go writes ","; both reach OSS.
    for part in rest.split(',').map(str::trim) {
        if let Some(v) = part.strip_prefix("Credential=") {
            credential = Some(v);
        } else if let Some(v) = part.strip_prefix("Signature=") {
            signature = Some(v);
        } else if let Some(v) = part.strip_prefix("AdditionalHeaders=") {
            // OSS refuses an empty list and an empty name in it (`host;`) rather than
            // ignoring them; see the EC pages cited in `error::ec`.
            if v.is_empty() {
                return Err(Rule::AdditionalHeadersEmpty.error_without_value());
            }
            additional = v.split(';').collect();
            if additional.iter().any(|h| h.is_empty()) {
                return Err(Rule::AdditionalHeadersEntry.error(v));
            }
        } else if !part.is_empty() {
            return Err(malformed());
        }
    }
    let mut scope = credential.ok_or_else(malformed)?.split('/');
    let (Some(id), Some(date), Some(region), Some("oss"), Some("aliyun_v4_request"), None) = (
        scope.next(),
        scope.next(),
        scope.next(),
        scope.next(),
        scope.next(),
        scope.next(),
    ) else {
        return Err(malformed());
    };
    Ok(Scheme::V4 {
        access_key_id: id,
        date,
        region,
        additional,
        signature: signature.ok_or_else(malformed)?,
    })
}

impl Authority {
    /// The secret of an accepted key, or OSS's `InvalidAccessKeyId`.
    pub(crate) fn secret_of(&self, access_key_id: &str) -> Result<&str, OssError> {
        self.access_keys
            .iter()
            .find(|k| k.id == access_key_id)
            .map(|k| k.secret.as_str())
            .ok_or_else(|| OssError::invalid_access_key_id(access_key_id))
    }

    /// Refuses an `x-oss-security-token` header the emulator was not given.
    pub(crate) fn check_token(&self, req: &SignedRequest<'_>) -> Result<(), OssError> {
        match req.header("x-oss-security-token") {
            Some(token) => self.check_token_value(token),
            None => Ok(()),
        }
    }

    /// Refuses an STS token the emulator was not given, wherever the request carried it.
    pub(crate) fn check_token_value(&self, token: &str) -> Result<(), OssError> {
        if self.security_tokens.iter().any(|t| t == token) {
            Ok(())
        } else {
            Err(OssError::invalid_security_token())
        }
    }

    /// Verifies the `Authorization` header of a request received at `now` (the server clock).
    ///
    /// The order follows OSS: a request without credentials is refused first, then an
    /// unknown key, an unknown token, a skewed clock, and last a wrong signature.
    pub fn verify(&self, req: &SignedRequest<'_>, now: SystemTime) -> Result<(), OssError> {
        let Some(authorization) = req.header("authorization") else {
            return Err(OssError::access_denied(
                "You have no right to access this object because of bucket acl.",
            ));
        };
        match parse_authorization(authorization)? {
            Scheme::V1 {
                access_key_id,
                signature,
            } => {
                let secret = self.secret_of(access_key_id)?;
                self.check_token(req)?;
                let date_text = req
                    .header("x-oss-date")
                    .filter(|d| !d.is_empty())
                    .or_else(|| req.header("date"))
                    .ok_or_else(|| {
                        OssError::access_denied(
                            "The request must carry a Date or x-oss-date header.",
                        )
                    })?;
                // x-oss-date may be in either format when it stands in for Date.
                let date = parse_http_date(date_text)
                    .or_else(|| parse_v4_datetime(date_text))
                    .ok_or_else(|| {
                        OssError::access_denied(format!(
                            "The date {date_text:?} is not an RFC 1123 date."
                        ))
                    })?;
                check_skew(date, date_text, now)?;
                let string_to_sign = v1::string_to_sign(req);
                let expected = v1::signature(secret, &string_to_sign);
                if !constant_time_eq(expected.as_bytes(), signature.as_bytes()) {
                    return Err(OssError::signature_does_not_match(
                        &string_to_sign,
                        signature,
                        access_key_id,
                    ));
                }
                Ok(())
            }
            Scheme::V4 {
                access_key_id,
                date,
                region,
                additional,
                signature,
            } => {
                // OSS refuses another payload hash before it looks at the credentials.
                if let Some(hash) = req.header("x-oss-content-sha256") {
                    rules::content_sha256(hash).map_err(|rule| rule.error(hash))?;
                }
                let secret = self.secret_of(access_key_id)?;
                self.check_token(req)?;
                let request_date =
                    v4::request_date(req).map_err(|e| OssError::access_denied(e.to_string()))?;
                check_skew(request_date.time, request_date.text, now)?;
                let signed = v4::compute(secret, &self.region, req, &request_date, &additional);
                let scope_ok = date == request_date.day && region == self.region;
                if !scope_ok || !constant_time_eq(signed.signature.as_bytes(), signature.as_bytes())
                {
                    let mut err = OssError::signature_does_not_match(
                        &signed.string_to_sign,
                        signature,
                        access_key_id,
                    )
                    .with_detail("CanonicalRequest", signed.canonical_request);
                    if region != self.region {
                        err.message = format!(
                            "The request signature we calculated does not match the signature you provided. \
                             The credential scope names region {region:?}, this server is in {:?}.",
                            self.region
                        );
                    }
                    return Err(err);
                }
                Ok(())
            }
        }
    }
}

fn check_skew(
    request_time: SystemTime,
    request_text: &str,
    now: SystemTime,
) -> Result<(), OssError> {
    let skew = match now.duration_since(request_time) {
        Ok(d) => d,
        Err(e) => e.duration(),
    };
    if skew > MAX_SKEW {
        let server_time = if request_text.contains(',') {
            http_date(now)
        } else {
            v4_datetime(now)
        };
        return Err(OssError::request_time_too_skewed(
            request_text,
            &server_time,
        ));
    }
    Ok(())
}
