//! The answer of the ECS metadata service and of a credentials URI: temporary (STS)
//! credentials as JSON, `{"AccessKeyId", "AccessKeySecret", "SecurityToken",
//! "Expiration": "2006-01-02T15:04:05Z"}`, with `"Code": "Success"` from the metadata
//! service. The fields required are those `credentials-go` requires of each.

use super::access_key::Credentials;
use super::json;

/// Whether the answer must carry `"Code": "Success"`: the metadata service's does, a
/// credentials URI's need not (`credentials-go` checks it for the former only).
#[derive(Clone, Copy)]
pub(crate) enum CodeCheck {
    Required,
    Ignored,
}

/// The credentials in `body`, with their expiry. The error names what is missing or
/// wrong, never a value.
pub(crate) fn parse(body: &str, code: CodeCheck) -> Result<Credentials, String> {
    let doc = json::parse(body).map_err(|e| format!("the answer is not JSON: {e}"))?;
    if let CodeCheck::Required = code {
        match doc.get("Code").and_then(json::Json::as_str) {
            Some("Success") => {}
            Some(_) => return Err("the answer's Code is not Success".to_owned()),
            None => return Err("the answer has no Code".to_owned()),
        }
    }
    let field = |name: &str| {
        doc.str_field(name)
            .ok_or_else(|| format!("the answer has no {name}"))
    };
    let id = field("AccessKeyId")?;
    let secret = field("AccessKeySecret")?;
    let token = field("SecurityToken")?;
    let expiration_text = field("Expiration")?;
    let expiration = crate::time::parse_iso8601(expiration_text).ok_or_else(|| {
        format!("the answer's Expiration {expiration_text:?} is not an ISO 8601 UTC time")
    })?;
    Ok(Credentials::new(id, secret)
        .with_security_token(token)
        .with_expiration(expiration))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{"Code": "Success", "AccessKeyId": "STS.id",
        "AccessKeySecret": "SessionSecretValue", "SecurityToken": "SessionTokenValue",
        "Expiration": "2023-11-14T22:13:20Z", "LastUpdated": "2023-11-14T16:13:20Z"}"#;

    #[test]
    fn reads_the_shape_of_the_metadata_service() {
        let creds = parse(GOOD, CodeCheck::Required).unwrap();
        assert_eq!(creds.access_key_id(), "STS.id");
        assert_eq!(creds.access_key_secret(), "SessionSecretValue");
        assert_eq!(creds.security_token(), Some("SessionTokenValue"));
        assert_eq!(
            creds.expiration(),
            Some(crate::time::from_unix_seconds(1_700_000_000))
        );
    }

    #[test]
    fn says_what_is_missing_without_quoting_values() {
        let without = |field: &str| GOOD.replace(&format!("\"{field}\""), "\"Other\"");
        for field in [
            "AccessKeyId",
            "AccessKeySecret",
            "SecurityToken",
            "Expiration",
        ] {
            let err = parse(&without(field), CodeCheck::Ignored).unwrap_err();
            assert_eq!(err, format!("the answer has no {field}"));
        }
        assert_eq!(
            parse(&without("Code"), CodeCheck::Required).unwrap_err(),
            "the answer has no Code"
        );
        assert!(parse(&without("Code"), CodeCheck::Ignored).is_ok());
        let failed = GOOD.replace("Success", "Failed");
        assert!(parse(&failed, CodeCheck::Required).is_err());
        let bad_time = GOOD.replace("2023-11-14T22:13:20Z", "tomorrow");
        assert!(
            parse(&bad_time, CodeCheck::Ignored)
                .unwrap_err()
                .contains("ISO 8601")
        );
        let err = parse("SessionSecretValue", CodeCheck::Ignored).unwrap_err();
        assert!(!err.contains("SessionSecretValue"), "{err}");
    }
}
