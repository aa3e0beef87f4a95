//! The parts of an HTTP request that OSS header signatures cover.

/// A request as the server read it: addressing worked out, query decoded.
#[derive(Debug, Clone, Copy)]
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
