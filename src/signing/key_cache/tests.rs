use super::SigningKeyCache;
use crate::signing::{RequestToSign, v4};

// The credentials of the oss2 signature vectors (tests/signing_vectors.rs).
const AK: &str = "LTAI5tTestAccessKeyId";
const SK: &str = "TestAccessKeySecret0123456789abc";
const REGION: &str = "cn-hangzhou";
/// A secret the key id is rotated to.
const ROTATED_SK: &str = "RotatedAccessKeySecret0123456789";

/// The signature of the spec's PutLiveChannelStatus vector, signed through `cache`.
fn status_signature(cache: &SigningKeyCache) -> String {
    let headers = [
        ("x-oss-date", "20160824T111128Z"),
        ("x-oss-content-sha256", "UNSIGNED-PAYLOAD"),
    ];
    let query = [("live", ""), ("status", "enabled")];
    let req = RequestToSign {
        method: "PUT",
        bucket: "examplebucket",
        key: Some("test-channel"),
        query: &query,
        headers: &headers,
    };
    v4::sign_with(AK, REGION, &req, &[], |date| {
        cache.signing_key(AK, SK, date, REGION)
    })
    .unwrap()
    .signature
}

#[test]
fn a_kept_key_signs_byte_for_byte_as_a_derived_one() {
    let cache = SigningKeyCache::default();
    for _ in 0..3 {
        // The spec prints it shortened to its first 8 and last 6 hex digits.
        let signature = status_signature(&cache);
        assert!(
            signature.starts_with("38c869c9") && signature.ends_with("5c8e1b"),
            "{signature}"
        );
    }
    assert_eq!(cache.derived(), 1, "the key is derived once, then found");
}

#[test]
fn the_key_is_the_pure_functions_and_is_derived_once_per_day_and_region() {
    let cache = SigningKeyCache::default();
    let key = cache.signing_key(AK, SK, "20240101", REGION);
    assert_eq!(key, v4::signing_key(SK, "20240101", REGION));
    assert_eq!(cache.signing_key(AK, SK, "20240101", REGION), key);
    assert_eq!(cache.derived(), 1);

    // A new day is another key.
    let next_day = cache.signing_key(AK, SK, "20240102", REGION);
    assert_eq!(next_day, v4::signing_key(SK, "20240102", REGION));
    assert_ne!(next_day, key);
    assert_eq!(cache.derived(), 2);

    // Another region is another key.
    let other_region = cache.signing_key(AK, SK, "20240102", "cn-shanghai");
    assert_eq!(other_region, v4::signing_key(SK, "20240102", "cn-shanghai"));
    assert_eq!(cache.derived(), 3);

    // Each is found again while kept.
    assert_eq!(cache.signing_key(AK, SK, "20240102", REGION), next_day);
    assert_eq!(
        cache.signing_key(AK, SK, "20240102", "cn-shanghai"),
        other_region
    );
    assert_eq!(cache.derived(), 3);
}

#[test]
fn a_rotated_secret_is_never_signed_for_with_the_old_ones_keys() {
    let cache = SigningKeyCache::default();
    let old = cache.signing_key(AK, SK, "20240101", REGION);
    cache.signing_key(AK, SK, "20240101", "cn-shanghai");
    assert_eq!(cache.kept(), 2);

    let rotated = cache.signing_key(AK, ROTATED_SK, "20240101", REGION);
    assert_eq!(rotated, v4::signing_key(ROTATED_SK, "20240101", REGION));
    assert_ne!(rotated, old);
    assert_eq!(cache.derived(), 3);
    // Every key of the old secret went, the other region's too.
    assert_eq!(cache.kept(), 1);

    // Back to the old secret: derived again, not found.
    assert_eq!(cache.signing_key(AK, SK, "20240101", REGION), old);
    assert_eq!(cache.derived(), 4);
}

#[test]
fn another_key_id_with_the_same_secret_has_keys_of_its_own() {
    let cache = SigningKeyCache::default();
    cache.signing_key(AK, SK, "20240101", REGION);
    cache.signing_key("LTAI5tOtherAccessKeyId", SK, "20240101", REGION);
    assert_eq!(cache.derived(), 2);
    assert_eq!(cache.kept(), 2);
}

#[test]
fn a_new_day_replaces_the_key_of_the_day_before() {
    let cache = SigningKeyCache::default();
    cache.signing_key(AK, SK, "20240101", REGION);
    cache.signing_key(AK, SK, "20240101", "cn-shanghai");
    assert_eq!(cache.kept(), 2);
    let next_day = cache.signing_key(AK, SK, "20240102", REGION);
    assert_eq!(next_day, v4::signing_key(SK, "20240102", REGION));
    // The other region's key stays; the day before's key of this region went.
    assert_eq!(cache.kept(), 2);
    assert_eq!(cache.derived(), 3);
    cache.signing_key(AK, SK, "20240101", "cn-shanghai");
    assert_eq!(cache.derived(), 3);
    cache.signing_key(AK, SK, "20240101", REGION);
    assert_eq!(cache.derived(), 4);
}

#[test]
fn at_most_a_few_keys_are_kept() {
    let cache = SigningKeyCache::default();
    for region in 1..=10 {
        let region = format!("cn-region-{region}");
        assert_eq!(
            cache.signing_key(AK, SK, "20240101", &region),
            v4::signing_key(SK, "20240101", &region)
        );
    }
    assert_eq!(cache.kept(), super::SLOTS);
    assert_eq!(cache.derived(), 10);
    // The latest is still kept.
    cache.signing_key(AK, SK, "20240101", "cn-region-10");
    assert_eq!(cache.derived(), 10);
}

#[test]
fn a_date_that_is_not_a_day_is_derived_and_not_kept() {
    let cache = SigningKeyCache::default();
    let key = cache.signing_key(AK, SK, "2024", REGION);
    assert_eq!(key, v4::signing_key(SK, "2024", REGION));
    assert_eq!(cache.kept(), 0);
}

#[test]
fn debug_shows_no_key_fingerprint_or_secret() {
    let cache = SigningKeyCache::default();
    let key = cache.signing_key(AK, SK, "20240101", REGION);
    let shown = format!("{cache:?}");
    assert_eq!(shown, "SigningKeyCache { kept: 1 }");
    assert!(!shown.contains(SK) && !shown.contains(&crate::signing::hex(&key)));
}
