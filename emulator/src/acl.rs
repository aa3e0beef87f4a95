//! Bucket ACLs: who may read a bucket's objects without a signature.
//!
//! OSS creates buckets `private`: every object read needs a header signature or a
//! presigned URL. A `public-read` bucket also serves anonymous `GET`/`HEAD` of its objects
//! (never its LiveChannel operations, which always need a signature). The emulator serves
//! every bucket privately unless told otherwise with `--bucket-acl BUCKET=public-read` or
//! [`crate::Config::bucket_acl`], where `*` stands for every bucket.

use std::fmt;
use std::str::FromStr;

/// The ACL of a bucket, as OSS names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BucketAcl {
    /// Only signed requests (OSS's default).
    #[default]
    Private,
    /// Anyone may read objects; everything else needs a signature.
    PublicRead,
}

impl BucketAcl {
    /// Whether an unsigned `GET`/`HEAD` of an object is served.
    pub fn allows_anonymous_reads(self) -> bool {
        self == BucketAcl::PublicRead
    }
}

impl fmt::Display for BucketAcl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BucketAcl::Private => "private",
            BucketAcl::PublicRead => "public-read",
        })
    }
}

impl FromStr for BucketAcl {
    type Err = String;

    fn from_str(text: &str) -> Result<BucketAcl, String> {
        match text {
            "private" => Ok(BucketAcl::Private),
            "public-read" => Ok(BucketAcl::PublicRead),
            // The emulator has no object writes for anonymous callers to make.
            "public-read-write" => Err(
                "public-read-write is not served: the emulator has no anonymous writes; \
                 use public-read"
                    .into(),
            ),
            other => Err(format!(
                "{other:?} is not a bucket ACL: use private or public-read"
            )),
        }
    }
}

/// The bucket ACLs an emulator was given: a bucket's own entry, else the `*` entry, else
/// [`BucketAcl::Private`]. A later entry for the same name replaces an earlier one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BucketAcls {
    entries: Vec<(String, BucketAcl)>,
}

impl BucketAcls {
    /// Sets the ACL of `bucket` (`*`: of every bucket without an entry of its own).
    pub fn set(&mut self, bucket: impl Into<String>, acl: BucketAcl) {
        let bucket = bucket.into();
        self.entries.retain(|(name, _)| *name != bucket);
        self.entries.push((bucket, acl));
    }

    /// The ACL `bucket` is served with.
    pub fn get(&self, bucket: &str) -> BucketAcl {
        let find = |name: &str| {
            self.entries
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, acl)| *acl)
        };
        find(bucket).or_else(|| find("*")).unwrap_or_default()
    }

    /// The bucket names (and `*`) given an ACL, in the order set.
    pub fn buckets(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(name, _)| name.as_str())
    }
}

/// Reads a `--bucket-acl` value, `BUCKET=ACL` (`*=ACL` for every bucket).
pub fn parse_flag(text: &str) -> Result<(String, BucketAcl), String> {
    let (bucket, acl) = text
        .split_once('=')
        .ok_or_else(|| format!("{text:?}: expected BUCKET=ACL, e.g. examplebucket=public-read"))?;
    if bucket.is_empty() {
        return Err(format!(
            "{text:?}: no bucket name before '=' (use * for every bucket)"
        ));
    }
    Ok((bucket.to_owned(), acl.parse()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_entry_then_star_then_private() {
        let mut acls = BucketAcls::default();
        assert_eq!(acls.get("b"), BucketAcl::Private);
        acls.set("*", BucketAcl::PublicRead);
        acls.set("secret", BucketAcl::Private);
        assert_eq!(acls.get("b"), BucketAcl::PublicRead);
        assert_eq!(acls.get("secret"), BucketAcl::Private);
        acls.set("secret", BucketAcl::PublicRead);
        assert_eq!(acls.get("secret"), BucketAcl::PublicRead);
        assert_eq!(acls.buckets().collect::<Vec<_>>(), ["*", "secret"]);
        assert!(BucketAcl::PublicRead.allows_anonymous_reads());
        assert!(!BucketAcl::Private.allows_anonymous_reads());
    }

    #[test]
    fn flags() {
        assert_eq!(
            parse_flag("examplebucket=public-read"),
            Ok(("examplebucket".to_owned(), BucketAcl::PublicRead))
        );
        assert_eq!(
            parse_flag("*=private"),
            Ok(("*".to_owned(), BucketAcl::Private))
        );
        for bad in [
            "examplebucket",
            "=public-read",
            "b=public",
            "b=public-read-write",
        ] {
            assert!(parse_flag(bad).is_err(), "{bad}");
        }
        assert_eq!(BucketAcl::PublicRead.to_string(), "public-read");
    }
}
