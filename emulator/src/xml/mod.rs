//! The XML documents of the LiveChannel API: parsing the PutLiveChannel body and rendering
//! every response body, in the layout of OSS's documented examples.
//!
//! `parse` reads the request body, `render` writes the response documents, and `text`
//! holds the escaping and time format both they and the error documents use. This module
//! only re-exports what callers use.

mod parse;
mod render;
mod text;

#[cfg(test)]
mod tests;

pub use parse::{
    DEFAULT_FRAG_COUNT, DEFAULT_FRAG_DURATION, DEFAULT_PLAYLIST_NAME, parse_channel_config,
};
pub use render::{ListEntry, channel_info, create_result, history, list_result, stat};
pub use text::{escape_text, is_xml_char, iso8601_seconds};
