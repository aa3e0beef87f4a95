//! Who is calling, and whether they may: a header signature ([`crate::auth`]), a presigned
//! URL ([`crate::url_auth`]) or nobody, the last judged by the bucket's ACL
//! ([`crate::acl`]), as OSS decides for a private or a public-read bucket.

use std::time::SystemTime;

use crate::acl::BucketAcl;
use crate::auth::Authority;
use crate::error::OssError;
use crate::url_auth::{self, Presigned};
use crate::verify::SignedRequest;

/// Who made a request that was let through.
#[derive(Debug, Clone)]
pub enum Caller {
    /// Signed in the `Authorization` header.
    Signed,
    /// Signed in the URL (a presigned URL).
    Presigned(Presigned),
    /// Nobody: an object read of a public-read bucket.
    Anonymous,
}

/// Authenticates `req`, received at `now`, and lets it through when its caller may make
/// it: a request with a valid header signature or presigned URL always (what it asks is
/// then up to the operation), an unsigned one only when it reads an object
/// (`object_read`: `GET`/`HEAD` of an object) of a bucket whose `acl` allows it.
///
/// An `Authorization` header wins over a signature in the query. An unsigned object read
/// of a private bucket gets OSS's `AccessDenied` "because of bucket acl"; any other
/// unsigned request gets the header check's `AccessDenied`.
pub fn authorize(
    authority: &Authority,
    acl: BucketAcl,
    req: &SignedRequest<'_>,
    object_read: bool,
    now: SystemTime,
) -> Result<Caller, OssError> {
    if req.header("authorization").is_none() {
        if let Some(presigned) = url_auth::check(authority, req, now)? {
            return Ok(Caller::Presigned(presigned));
        }
        if object_read {
            return if acl.allows_anonymous_reads() {
                Ok(Caller::Anonymous)
            } else {
                Err(OssError::anonymous_object_access())
            };
        }
    }
    // A header signature, or no signature at all, which the header check refuses.
    authority.verify(req, now)?;
    Ok(Caller::Signed)
}
