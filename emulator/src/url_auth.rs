//! Checks presigned URLs the way OSS does: a V1 or V4 signature in the query instead of an
//! `Authorization` header, with or without an STS token, recomputed with the emulator's own
//! [`crate::verify::presign`] code.
//!
//! The order follows the header check ([`crate::auth`]): the URL's parameters must be
//! there and well formed, then the key must be known, then the token, then the URL must be
//! within its validity, and last the signature must match.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::auth::{Authority, MAX_SKEW};
use crate::dates::{iso8601, parse_v4_datetime, unix_seconds, v4_day};
use crate::error::{OssError, ec};
use crate::verify::presign::{self, Presign, Signer, UrlSigning, V1Params, V4Params};
use crate::verify::{SignedRequest, constant_time_eq, v1, v4};

/// A presigned request that verified: who signed it and how, enough to sign other URLs
/// the same way (the segment URIs of `x-oss-process=hls/sign`).
///
/// Its `Debug` output leaves out the secret and the token.
#[derive(Clone)]
pub struct Presigned {
    access_key_id: String,
    secret: String,
    security_token: Option<String>,
    form: Form,
}

#[derive(Debug, Clone)]
enum Form {
    V1 {
        expires: u64,
    },
    V4 {
        date: String,
        day: String,
        region: String,
        expires: u64,
        additional_headers: Vec<(String, String)>,
    },
}

impl std::fmt::Debug for Presigned {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Presigned")
            .field("access_key_id", &self.access_key_id)
            .field("secret", &"<redacted>")
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| "<redacted>"),
            )
            .field("form", &self.form)
            .finish()
    }
}

impl Presigned {
    /// The AccessKey id that signed.
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// 1 or 4: the signature version of the URL.
    pub fn version(&self) -> u8 {
        match self.form {
            Form::V1 { .. } => 1,
            Form::V4 { .. } => 4,
        }
    }

    /// The query of a GET of `bucket`/`key` signed the same way as this request: same
    /// version, same key and token, same expiry (V1 `Expires`; V4 `x-oss-date` and
    /// `x-oss-expires`), the same additional headers with the values this request carried.
    /// `extra` parameters (such as `x-oss-process`) are signed along.
    pub fn sign_get(&self, bucket: &str, key: &str, extra: &[(&str, &str)]) -> String {
        let signer = Signer {
            access_key_id: &self.access_key_id,
            secret: &self.secret,
            security_token: self.security_token.as_deref(),
        };
        let signing = match &self.form {
            Form::V1 { expires } => UrlSigning::V1 { expires: *expires },
            Form::V4 {
                date,
                day,
                region,
                expires,
                additional_headers,
            } => UrlSigning::V4 {
                date,
                day,
                region,
                expires: *expires,
                additional_headers,
            },
        };
        presign::encode_query(&presign::sign_url_query(
            &signer, &signing, bucket, key, extra,
        ))
    }
}

/// Verifies the signature in the query of a request received at `now` (the server clock):
/// `Ok(None)` when the query carries none, the [`Presigned`] when it verifies, OSS's error
/// when it does not.
pub fn check(
    authority: &Authority,
    req: &SignedRequest<'_>,
    now: SystemTime,
) -> Result<Option<Presigned>, OssError> {
    match presign::find(req.query) {
        None => Ok(None),
        Some(Presign::V1(params)) => check_v1(authority, req, params, now).map(Some),
        Some(Presign::V4(params)) => check_v4(authority, req, params, now).map(Some),
    }
}

fn required<'a>(value: Option<&'a str>, version: u8, name: &str) -> Result<&'a str, OssError> {
    value.filter(|v| !v.is_empty()).ok_or_else(|| {
        let all = match version {
            1 => "OSSAccessKeyId, Expires and Signature",
            _ => {
                "x-oss-signature-version, x-oss-credential, x-oss-date, x-oss-expires and \
                 x-oss-signature"
            }
        };
        OssError::presigned_url_refused(
            ec::ACCESS_DENIED,
            format!("The V{version} signed URL has no {name}; it needs {all}."),
        )
    })
}

fn check_tokens(
    authority: &Authority,
    req: &SignedRequest<'_>,
    in_query: Option<&str>,
) -> Result<(), OssError> {
    if let Some(token) = in_query {
        authority.check_token_value(token)?;
    }
    authority.check_token(req)
}

fn at_unix(secs: u64) -> SystemTime {
    UNIX_EPOCH
        .checked_add(Duration::from_secs(secs))
        .unwrap_or(UNIX_EPOCH)
}

fn check_v1(
    authority: &Authority,
    req: &SignedRequest<'_>,
    params: V1Params<'_>,
    now: SystemTime,
) -> Result<Presigned, OssError> {
    let access_key_id = required(params.access_key_id, 1, "OSSAccessKeyId")?;
    let signature = required(params.signature, 1, "Signature")?;
    let expires_text = params.expires.filter(|e| !e.is_empty()).ok_or_else(|| {
        OssError::presigned_url_refused(
            ec::URL_EXPIRES_MISSING,
            "The signed URL has no Expires: it needs the Unix time it expires at.",
        )
    })?;
    let secret = authority.secret_of(access_key_id)?;
    check_tokens(authority, req, params.security_token)?;
    let expires: u64 = expires_text.parse().map_err(|_| {
        OssError::presigned_url_refused(
            ec::URL_EXPIRES_INVALID,
            format!("Expires {expires_text:?} is not a Unix time in seconds."),
        )
    })?;
    if unix_seconds(now) > expires {
        return Err(OssError::request_expired(
            ec::URL_EXPIRED,
            &iso8601(at_unix(expires)),
            &iso8601(now),
        ));
    }
    let string_to_sign = presign::v1_string_to_sign(req, expires_text);
    let expected = v1::signature(secret, &string_to_sign);
    if !constant_time_eq(expected.as_bytes(), signature.as_bytes()) {
        return Err(OssError::signature_does_not_match(
            &string_to_sign,
            signature,
            access_key_id,
        ));
    }
    Ok(Presigned {
        access_key_id: access_key_id.to_owned(),
        secret: secret.to_owned(),
        security_token: params.security_token.map(str::to_owned),
        form: Form::V1 { expires },
    })
}

fn check_v4(
    authority: &Authority,
    req: &SignedRequest<'_>,
    params: V4Params<'_>,
    now: SystemTime,
) -> Result<Presigned, OssError> {
    let version = required(params.version, 4, "x-oss-signature-version")?;
    if version != v4::ALGORITHM {
        return Err(OssError::presigned_url_refused(
            ec::ACCESS_DENIED,
            format!(
                "x-oss-signature-version {version:?} is not verified by the emulator; \
                 sign with {}.",
                v4::ALGORITHM
            ),
        ));
    }
    let credential_text = required(params.credential, 4, "x-oss-credential")?;
    let date_text = required(params.date, 4, "x-oss-date")?;
    let expires_text = required(params.expires, 4, "x-oss-expires")?;
    let signature = required(params.signature, 4, "x-oss-signature")?;
    let credential = presign::parse_credential(credential_text).ok_or_else(|| {
        OssError::presigned_url_refused(
            ec::ACCESS_DENIED,
            format!(
                "x-oss-credential {credential_text:?} is not \
                 AccessKeyId/YYYYMMDD/REGION/oss/aliyun_v4_request."
            ),
        )
    })?;
    let secret = authority.secret_of(credential.access_key_id)?;
    check_tokens(authority, req, params.security_token)?;
    let date = parse_v4_datetime(date_text).ok_or_else(|| {
        OssError::presigned_url_refused(
            ec::ACCESS_DENIED,
            format!("x-oss-date {date_text:?} is not of the form YYYYMMDDTHHMMSSZ."),
        )
    })?;
    let expires: u64 = expires_text.parse().map_err(|_| {
        OssError::presigned_url_refused(
            ec::URL_EXPIRES_INVALID,
            format!("x-oss-expires {expires_text:?} is not a number of seconds."),
        )
    })?;
    if !(1..=presign::V4_MAX_EXPIRES_SECS).contains(&expires) {
        return Err(OssError::presigned_url_refused(
            ec::URL_V4_EXPIRES_RANGE,
            format!(
                "x-oss-expires {expires} is out of range: a V4 signed URL is valid 1 to {} \
                 seconds (7 days).",
                presign::V4_MAX_EXPIRES_SECS
            ),
        ));
    }
    if date.duration_since(now).is_ok_and(|ahead| ahead > MAX_SKEW) {
        return Err(OssError::presigned_url_refused(
            ec::URL_V4_NOT_YET_VALID,
            format!(
                "The signed URL is not valid yet: it was signed at {date_text}, more than 15 \
                 minutes after the server time {}.",
                iso8601(now)
            ),
        ));
    }
    let end = date + Duration::from_secs(expires);
    if now > end {
        return Err(OssError::request_expired(
            ec::URL_V4_EXPIRED,
            &iso8601(end),
            &iso8601(now),
        ));
    }
    let day = v4_day(date);
    let additional: Vec<&str> = params
        .additional_headers
        .map(|list| list.split(';').collect())
        .unwrap_or_default();
    let computed =
        presign::v4_compute(secret, &authority.region, req, date_text, &day, &additional);
    let scope_ok = credential.day == day && credential.region == authority.region;
    if !scope_ok || !constant_time_eq(computed.signature.as_bytes(), signature.as_bytes()) {
        let mut err = OssError::signature_does_not_match(
            &computed.string_to_sign,
            signature,
            credential.access_key_id,
        )
        .with_detail("CanonicalRequest", computed.canonical_request);
        if credential.region != authority.region {
            err.message = format!(
                "The request signature we calculated does not match the signature you provided. \
                 The credential scope names region {:?}, this server is in {:?}.",
                credential.region, authority.region
            );
        }
        return Err(err);
    }
    let additional_headers = v4::additional_header_names(&additional)
        .into_iter()
        .map(|name| {
            let value = req.header(&name).unwrap_or_default().to_owned();
            (name, value)
        })
        .collect();
    Ok(Presigned {
        access_key_id: credential.access_key_id.to_owned(),
        secret: secret.to_owned(),
        security_token: params.security_token.map(str::to_owned),
        form: Form::V4 {
            date: date_text.to_owned(),
            day,
            region: authority.region.clone(),
            expires,
            additional_headers,
        },
    })
}

#[cfg(test)]
mod tests;
