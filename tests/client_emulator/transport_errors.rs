//! Answers that are broken on the way: a non-XML body, cut and reset connections, stalls
//! and oversized bodies.

use std::time::{Duration, Instant};

use osslive::{Error, LiveChannelConfiguration, LiveStatus};
use osslive_emulator::faults::Fault;

use crate::support::*;

#[test]
fn non_xml_success_body_is_an_invalid_response_with_a_snippet() {
    let emulator = emulator();
    let bucket = bucket(&emulator, PLAIN);
    bucket
        .create_live_channel("c", &LiveChannelConfiguration::default())
        .unwrap();
    emulator.inject_fault(Fault::NonXml, 1);
    match bucket.get_live_channel_stat("c").unwrap_err() {
        Error::InvalidResponse(osslive::InvalidResponse {
            status,
            reason,
            snippet,
            request_id,
            ..
        }) => {
            assert_eq!(status, 200);
            assert!(snippet.contains("this is not XML"), "{snippet:?}");
            assert!(!reason.is_empty());
            assert!(request_id.is_some());
        }
        other => panic!("expected InvalidResponse, got {other:?}"),
    }
    assert_eq!(
        bucket.get_live_channel_stat("c").unwrap().status,
        LiveStatus::Idle
    );
}

#[test]
fn truncated_dropped_and_reset_answers_are_retryable_and_the_client_recovers() {
    let emulator = emulator();
    bucket(&emulator, PLAIN)
        .create_live_channel("c", &LiveChannelConfiguration::default())
        .unwrap();
    for fault in [
        Fault::Truncated,
        Fault::Drop,
        Fault::Reset,
        Fault::WrongContentLength,
    ] {
        // A fresh client, so the fault meets a fresh connection as well as a pooled one.
        for warm in [false, true] {
            let bucket = bucket(&emulator, PLAIN);
            if warm {
                bucket.get_live_channel_info("c").unwrap();
            }
            emulator.inject_fault(fault, 1);
            let err = bucket
                .get_live_channel_info("c")
                .expect_err(&format!("{fault:?} warm={warm}"));
            assert!(
                matches!(err, Error::Transport(_) | Error::InvalidResponse { .. }),
                "{fault:?} warm={warm}: {err:?}"
            );
            assert!(err.is_retryable(), "{fault:?} warm={warm}: {err:?}");
            assert_eq!(
                bucket.get_live_channel_info("c").unwrap().frag_count,
                Some(3),
                "{fault:?} warm={warm}"
            );
        }
    }
}

#[test]
fn stalled_answer_times_out_promptly() {
    let emulator = emulator();
    let bucket = builder(&emulator, PLAIN)
        .request_timeout(Duration::from_millis(300))
        .build()
        .unwrap()
        .bucket(&PLAIN.bucket_name())
        .unwrap();
    emulator.inject_fault(Fault::Stall(Duration::from_secs(2)), 1);
    let started = Instant::now();
    let err = bucket.get_live_channel_stat("c").unwrap_err();
    let took = started.elapsed();
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    assert!(err.is_retryable());
    assert!(
        took >= Duration::from_millis(250) && took < Duration::from_millis(1500),
        "took {took:?}"
    );
}

#[test]
fn stalled_body_times_out_promptly() {
    let emulator = emulator();
    let bucket = builder(&emulator, PLAIN)
        .request_timeout(Duration::from_millis(300))
        .build()
        .unwrap()
        .bucket(&PLAIN.bucket_name())
        .unwrap();
    bucket
        .create_live_channel("c", &LiveChannelConfiguration::default())
        .unwrap();
    emulator.inject_fault(Fault::StallBody(Duration::from_secs(2)), 1);
    let started = Instant::now();
    let err = bucket.get_live_channel_info("c").unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn oversized_answer_is_refused_at_the_limit() {
    let emulator = emulator();
    let bucket = bucket(&emulator, PLAIN);
    bucket
        .create_live_channel("c", &LiveChannelConfiguration::default())
        .unwrap();
    emulator.inject_fault(Fault::Oversized(20 * 1024 * 1024), 1);
    match bucket.get_live_channel_info("c").unwrap_err() {
        Error::InvalidResponse(osslive::InvalidResponse { status, reason, .. }) => {
            assert_eq!(status, 200);
            assert!(
                reason.contains(&osslive::DEFAULT_MAX_RESPONSE_BYTES.to_string()),
                "{reason}"
            );
        }
        other => panic!("expected InvalidResponse, got {other:?}"),
    }

    // A smaller limit is honoured too; padding under it is harmless white space.
    let small = builder(&emulator, PLAIN)
        .max_response_bytes(4096)
        .build()
        .unwrap()
        .bucket(&PLAIN.bucket_name())
        .unwrap();
    emulator.inject_fault(Fault::Oversized(8192), 1);
    let err = small.get_live_channel_info("c").unwrap_err();
    assert!(
        matches!(&err, Error::InvalidResponse(osslive::InvalidResponse { reason, .. }) if reason.contains("4096")),
        "{err:?}"
    );
    emulator.inject_fault(Fault::Oversized(4000), 1);
    assert_eq!(
        small.get_live_channel_info("c").unwrap().frag_duration,
        Some(5)
    );
}
