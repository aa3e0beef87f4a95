//! The XML documents of the LiveChannel API: the one request body we send and the answers
//! we read.
//!
//! Writing follows the official Python SDK byte for byte, because that is the form the
//! published signature vectors were made with and the one OSS is known to accept.
//!
//! Reading is lenient where OSS and the SDKs are (missing optional elements, any time
//! fraction, whitespace, unknown elements) so that a harmless change on the server side
//! does not break clients, and strict where a silent default would mislead the caller
//! (the wrong document, a value that cannot be the type the model promises). Every
//! document is parsed once: by [`plain`] when it is a plain document, as OSS's answers
//! are (no attributes, references, comments, CDATA or DTD), which is several times faster;
//! else by `roxmltree`, whose default options refuse DTDs, so a hostile body cannot expand
//! entities. Both give the walkers the same elements through [`element::Element`].
//!
//! [`write`] builds the request body; [`read`] walks the answers, on the element helpers of
//! [`node`], which also say how a body that is not the expected document is reported.

mod element;
mod node;
mod plain;
mod read;
mod write;

pub(crate) use node::XmlError;
pub(crate) use read::{
    ErrorDocument, parse_channel_info, parse_create_result, parse_error, parse_error_header,
    parse_history, parse_list, parse_stat,
};
pub(crate) use write::write_configuration;

#[cfg(test)]
mod tests;
