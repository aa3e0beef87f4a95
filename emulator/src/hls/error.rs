//! Why the remuxer rejects a media tag. Its own module because every part of the remuxer
//! (the codec parsers, the TS muxer, the segmenter) returns it.

use std::fmt;

/// Why a tag was rejected. The segmenter's state is unchanged by a rejected tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HlsError {
    /// The tag does not parse.
    Malformed(&'static str),
    /// Media arrived before its sequence header (AVC configuration or AudioSpecificConfig).
    MissingConfig(&'static str),
    /// The TS encoder refused a value (not expected with parsed input).
    Mux(String),
}

impl fmt::Display for HlsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HlsError::Malformed(what) => write!(f, "malformed media tag: {what}"),
            HlsError::MissingConfig(what) => write!(f, "{what} before its sequence header"),
            HlsError::Mux(e) => write!(f, "TS muxing failed: {e}"),
        }
    }
}

impl std::error::Error for HlsError {}
