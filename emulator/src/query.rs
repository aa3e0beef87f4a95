//! The query string of a request, percent-decoded, in arrival order: what the OSS
//! operations and the admin endpoints read their parameters from.

use crate::error::{OssError, quoted};
use crate::percent;

/// The query of a request, decoded, in arrival order.
pub(crate) struct Query(Vec<(String, String)>);

impl Query {
    /// Decodes `raw` (what follows `?`); a pair that is not percent-encoded UTF-8 is an
    /// `InvalidRequest`.
    pub(crate) fn parse(raw: &str) -> Result<Query, OssError> {
        raw.split('&')
            .filter(|p| !p.is_empty())
            .map(|pair| {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                match (percent::decode(k, true), percent::decode(v, true)) {
                    (Some(k), Some(v)) => Ok((k, v)),
                    _ => Err(OssError::invalid_request(format!(
                        "the query parameter {} is not valid percent-encoded UTF-8",
                        quoted(pair)
                    ))),
                }
            })
            .collect::<Result<_, _>>()
            .map(Query)
    }

    /// The first value of `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every name and value, in arrival order.
    pub(crate) fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Whether `name` is present, with or without a value.
    pub(crate) fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }
}
