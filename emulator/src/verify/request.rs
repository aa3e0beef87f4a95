//! The parts of an HTTP request that OSS header signatures cover.

/// A request as the server read it: addressing worked out, query decoded.
///
/// Its `Debug` output leaves out header values and query values, which can hold an STS
/// token.
#[derive(Clone, Copy)]
pub struct SignedRequest<'a> {
    /// HTTP method as sent, for example `PUT`.
    pub method: &'a str,
    /// The bucket the request addresses.
    pub bucket: &'a str,
    /// The object key (a channel, or `channel/playlist.m3u8`), decoded; `None` for
    /// bucket-level requests.
    pub key: Option<&'a str>,
    /// Query parameters, decoded, in arrival order; a bare key has an empty value.
    pub query: &'a [(&'a str, &'a str)],
    /// Headers in arrival order, names as sent (any case).
    pub headers: &'a [(&'a str, &'a str)],
}

impl std::fmt::Debug for SignedRequest<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names =
            |pairs: &[(&str, &str)]| pairs.iter().map(|(n, _)| n.to_string()).collect::<Vec<_>>();
        f.debug_struct("SignedRequest")
            .field("method", &self.method)
            .field("bucket", &self.bucket)
            .field("key", &self.key)
            .field("query_keys", &names(self.query))
            .field("header_names", &names(self.headers))
            .finish()
    }
}

impl<'a> SignedRequest<'a> {
    /// The first value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&'a str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
    }

    /// Every `x-oss-*` header, name lower-cased, sorted by name (stable for repeats): the
    /// block V1 and V4 both sign.
    pub(crate) fn oss_headers(&self) -> Vec<(String, &'a str)> {
        let mut picked: Vec<(String, &str)> = self
            .headers
            .iter()
            .map(|(n, v)| (n.to_ascii_lowercase(), *v))
            .filter(|(n, _)| n.starts_with("x-oss-"))
            .collect();
        picked.sort_by(|a, b| a.0.cmp(&b.0));
        picked
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_no_header_or_query_value() {
        let req = SignedRequest {
            method: "GET",
            bucket: "b",
            key: Some("c"),
            query: &[("security-token", "STS.secret-token")],
            headers: &[
                ("X-Oss-Security-Token", "STS.secret-token"),
                ("x-oss-date", "d"),
            ],
        };
        let shown = format!("{req:?}");
        assert!(!shown.contains("secret-token"), "{shown}");
        assert!(shown.contains("X-Oss-Security-Token"), "{shown}");
        assert_eq!(req.header("x-oss-security-token"), Some("STS.secret-token"));
        assert_eq!(
            req.oss_headers(),
            [
                ("x-oss-date".to_string(), "d"),
                ("x-oss-security-token".to_string(), "STS.secret-token")
            ]
        );
    }
}
