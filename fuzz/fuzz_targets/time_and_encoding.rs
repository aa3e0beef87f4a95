//! The date parsers (`Date`, `x-oss-date`, XML times) and percent-decoding, on any text:
//! never panic, and whatever they accept must print and parse back to the same value.
//! The first 8 bytes also make an instant that every formatter must round-trip.
//!
//! The emulator has its own parsers (`osslive_emulator::{dates, percent}`): they obey the
//! same round trips, and where the client and the emulator both accept a text they must
//! read the same value from it.

#![no_main]

use std::time::{Duration, UNIX_EPOCH};

use libfuzzer_sys::fuzz_target;
use osslive::fuzzing;
use osslive_emulator::{dates, percent};

/// 10000-01-01T00:00:00Z: the formats have four-digit years.
const YEAR_10000: u64 = 253_402_300_800;

fn text_properties(s: &str) {
    if let Some(t) = fuzzing::parse_http_date(s) {
        let printed = fuzzing::http_date(t);
        assert_eq!(
            fuzzing::parse_http_date(&printed),
            Some(t),
            "{s:?} -> {printed:?}"
        );
    }
    if let Some(t) = fuzzing::parse_v4_datetime(s) {
        let printed = fuzzing::v4_datetime(t);
        assert_eq!(
            fuzzing::parse_v4_datetime(&printed),
            Some(t),
            "{s:?} -> {printed:?}"
        );
    }
    if let Some(t) = fuzzing::parse_iso8601(s) {
        let printed = fuzzing::iso8601(t);
        assert_eq!(
            fuzzing::parse_iso8601(&printed),
            Some(t),
            "{s:?} -> {printed:?}"
        );
    }
    for plus_as_space in [false, true] {
        if let Some(decoded) = fuzzing::percent_decode(s, plus_as_space) {
            let encoded = fuzzing::percent_encode(&decoded, false);
            assert_eq!(
                fuzzing::percent_decode(&encoded, plus_as_space).as_deref(),
                Some(decoded.as_str()),
                "{s:?} -> {decoded:?} -> {encoded:?}"
            );
        }
    }
    for keep_slash in [false, true] {
        let encoded = fuzzing::percent_encode(s, keep_slash);
        assert_eq!(
            fuzzing::percent_decode(&encoded, false).as_deref(),
            Some(s),
            "{encoded:?}"
        );
    }
}

fn emulator_text_properties(s: &str) {
    if let Some(t) = dates::parse_http_date(s) {
        let printed = dates::http_date(t);
        assert_eq!(
            dates::parse_http_date(&printed),
            Some(t),
            "{s:?} -> {printed:?}"
        );
        if let Some(client) = fuzzing::parse_http_date(s) {
            assert_eq!(client, t, "client and emulator read {s:?} differently");
        }
    }
    if let Some(t) = dates::parse_v4_datetime(s) {
        let printed = dates::v4_datetime(t);
        assert_eq!(
            dates::parse_v4_datetime(&printed),
            Some(t),
            "{s:?} -> {printed:?}"
        );
        if let Some(client) = fuzzing::parse_v4_datetime(s) {
            assert_eq!(client, t, "client and emulator read {s:?} differently");
        }
    }
    for plus_as_space in [false, true] {
        if let Some(decoded) = percent::decode(s, plus_as_space) {
            let encoded = percent::encode(&decoded, false);
            assert_eq!(
                percent::decode(&encoded, plus_as_space).as_deref(),
                Some(decoded.as_str()),
                "{s:?} -> {decoded:?} -> {encoded:?}"
            );
            if let Some(client) = fuzzing::percent_decode(s, plus_as_space) {
                assert_eq!(
                    client, decoded,
                    "client and emulator decode {s:?} differently"
                );
            }
        }
    }
}

fn instant_properties(bytes: [u8; 8]) {
    let n = u64::from_le_bytes(bytes);
    let t = UNIX_EPOCH + Duration::from_millis(n % (YEAR_10000 * 1000));
    let whole = UNIX_EPOCH + Duration::from_secs(t.duration_since(UNIX_EPOCH).unwrap().as_secs());
    let printed = fuzzing::http_date(t);
    assert_eq!(
        fuzzing::parse_http_date(&printed),
        Some(whole),
        "{printed:?}"
    );
    let printed = fuzzing::v4_datetime(t);
    assert_eq!(
        fuzzing::parse_v4_datetime(&printed),
        Some(whole),
        "{printed:?}"
    );
    let printed = fuzzing::iso8601(t);
    assert_eq!(fuzzing::parse_iso8601(&printed), Some(t), "{printed:?}");
    // The emulator formats the same instant the same way.
    assert_eq!(dates::http_date(t), fuzzing::http_date(t));
    assert_eq!(dates::v4_datetime(t), fuzzing::v4_datetime(t));
    assert_eq!(dates::iso8601(t), fuzzing::iso8601(t));
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    text_properties(&text);
    emulator_text_properties(&text);
    if let Some(head) = data.first_chunk::<8>() {
        instant_properties(*head);
    }
});
