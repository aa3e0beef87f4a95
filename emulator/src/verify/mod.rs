//! Request signatures checked with the emulator's own code, written from OSS's
//! documentation and the official SDKs' wire behaviour, never with the client's signer: the
//! emulator is a second, independent implementation that a client is tested against.
//!
//! - [`v1`]: `Authorization: OSS AK:SIG` (HMAC-SHA1).
//! - [`v4`]: `Authorization: OSS4-HMAC-SHA256 Credential=…` (HMAC-SHA256), with the date
//!   from `x-oss-date` or, as the Go SDK sends it, from `Date`.
//! - [`presign`]: presigned URLs, V1 (`OSSAccessKeyId`/`Expires`/`Signature`) and V4
//!   (`x-oss-signature-version`/`x-oss-credential`/…), which it can also sign, for the
//!   segment URIs of `x-oss-process=hls/sign`.
//! - [`rtmp`]: signed RTMP push URLs (HMAC-SHA1), in both STS token forms.
//!
//! Each computes what the request should carry; the caller ([`crate::auth`],
//! [`crate::url_auth`], [`crate::rtmp_auth`]) compares it with [`constant_time_eq`] and builds OSS's error.

mod mac;
pub mod presign;
mod request;
pub mod rtmp;
pub mod v1;
pub mod v4;

pub use mac::constant_time_eq;
pub use request::SignedRequest;
