//! Sections `signing` and `xml`: micro-benchmarks of one step alone, in ns or µs per
//! operation: V4 (whole and step by step), V1 and RTMP signing, and parsing the stat,
//! create and 1000-channel list documents.

use std::hint::black_box;
use std::time::Instant;

use osslive::TokenForm;
use osslive::signing::rtmp::RtmpUrlParams;
use osslive::signing::{RequestToSign, v1, v4};

use crate::canned;
use crate::report::{Report, Target};
use crate::settings::{AK, BUCKET, CHANNEL, REGION, SK, Settings};

fn ns_per_op(iters: usize, mut f: impl FnMut()) -> f64 {
    for _ in 0..iters / 10 {
        f();
    }
    let start = Instant::now();
    for _ in 0..iters {
        f();
    }
    start.elapsed().as_nanos() as f64 / iters as f64
}

/// One timed job of a round: returns ns per operation.
type Job<'a> = Box<dyn FnMut() -> f64 + 'a>;

pub fn section_signing(s: &Settings, report: &mut Report) {
    eprintln!("== signing");
    // What osslive signs for a GetLiveChannelStat call.
    let v4_headers = [
        ("date", "Mon, 01 Jan 2024 00:00:00 GMT"),
        ("x-oss-date", "20240101T000000Z"),
        ("x-oss-content-sha256", "UNSIGNED-PAYLOAD"),
    ];
    let v1_headers = [("date", "Mon, 01 Jan 2024 00:00:00 GMT")];
    let query = [("live", ""), ("comp", "stat")];
    let v4_req = RequestToSign {
        method: "GET",
        bucket: BUCKET,
        key: Some(CHANNEL),
        query: &query,
        headers: &v4_headers,
    };
    let v1_req = RequestToSign {
        headers: &v1_headers,
        ..v4_req
    };
    let rtmp = RtmpUrlParams {
        bucket: BUCKET,
        channel: CHANNEL,
        playlist_name: Some("playlist.m3u8"),
        expires: 1_900_000_000,
        access_key_id: AK,
        security_token: None,
        token_form: TokenForm::Signed,
    };
    let mut v4_all = Vec::new();
    let mut v4_kept = Vec::new();
    let mut v4_key = Vec::new();
    let mut v4_canonical = Vec::new();
    let mut v4_sts = Vec::new();
    let mut v4_hmac = Vec::new();
    let mut v1_all = Vec::new();
    let mut rtmp_all = Vec::new();
    let canonical = v4::canonical_request(&v4_req, &[]);
    let key = v4::signing_key(SK, "20240101", REGION);
    let sts = v4::string_to_sign("20240101T000000Z", REGION, &canonical);
    let n = s.sign_iters;
    for round in 0..s.rounds {
        let mut jobs: Vec<(&mut Vec<f64>, Job<'_>)> = vec![
            (
                &mut v4_all,
                Box::new(|| {
                    ns_per_op(n, || {
                        let sig = v4::sign(
                            black_box(AK),
                            black_box(SK),
                            black_box(REGION),
                            black_box(&v4_req),
                            &[],
                        );
                        black_box(sig.unwrap());
                    })
                }),
            ),
            (
                &mut v4_kept,
                Box::new(|| {
                    ns_per_op(n, || {
                        let sig = v4::sign_with(
                            black_box(AK),
                            black_box(REGION),
                            black_box(&v4_req),
                            &[],
                            |_| black_box(key),
                        );
                        black_box(sig.unwrap());
                    })
                }),
            ),
            (
                &mut v4_key,
                Box::new(|| {
                    ns_per_op(n, || {
                        black_box(v4::signing_key(
                            black_box(SK),
                            black_box("20240101"),
                            black_box(REGION),
                        ));
                    })
                }),
            ),
            (
                &mut v4_canonical,
                Box::new(|| {
                    ns_per_op(n, || {
                        black_box(v4::canonical_request(black_box(&v4_req), &[]));
                    })
                }),
            ),
            (
                &mut v4_sts,
                Box::new(|| {
                    ns_per_op(n, || {
                        black_box(v4::string_to_sign(
                            black_box("20240101T000000Z"),
                            black_box(REGION),
                            black_box(&canonical),
                        ));
                    })
                }),
            ),
            (
                &mut v4_hmac,
                Box::new(|| {
                    ns_per_op(n, || {
                        black_box(v4::signature(black_box(&key), black_box(&sts)));
                    })
                }),
            ),
            (
                &mut v1_all,
                Box::new(|| {
                    ns_per_op(n, || {
                        black_box(v1::authorization(
                            black_box(AK),
                            black_box(SK),
                            black_box(&v1_req),
                        ));
                    })
                }),
            ),
            (
                &mut rtmp_all,
                Box::new(|| {
                    ns_per_op(n, || {
                        black_box(black_box(&rtmp).signed_query(black_box(SK)));
                    })
                }),
            ),
        ];
        let len = jobs.len();
        jobs.rotate_left(round % len);
        for (out, job) in jobs.iter_mut() {
            out.push(job());
        }
    }
    report.add_target(
        "signing",
        "V4 header (v4::sign, whole)",
        "ns/op",
        v4_all,
        Target::AtMost(2000.0),
    );
    report.add(
        "signing",
        "  of which: V4 signing key (4 × HMAC-SHA256)",
        "ns/op",
        v4_key,
    );
    report.add(
        "signing",
        "  of which: V4 canonical request",
        "ns/op",
        v4_canonical,
    );
    report.add(
        "signing",
        "  of which: V4 string-to-sign (SHA-256 of the canonical request)",
        "ns/op",
        v4_sts,
    );
    report.add(
        "signing",
        "  of which: V4 signature (HMAC-SHA256 + hex)",
        "ns/op",
        v4_hmac,
    );
    report.add(
        "signing",
        "V4 header, key given (v4::sign_with; a client's kept key)",
        "ns/op",
        v4_kept,
    );
    report.add("signing", "V1 header (v1::authorization)", "ns/op", v1_all);
    report.add_target(
        "signing",
        "RTMP URL (RtmpUrlParams::signed_query)",
        "ns/op",
        rtmp_all,
        Target::AtMost(1000.0),
    );
}

// ---------------------------------------------------------------------------------------
// Section: XML parsing alone
// ---------------------------------------------------------------------------------------

pub fn section_xml(s: &Settings, report: &mut Report) {
    eprintln!("== xml");
    let stat = canned::stat_body();
    let created = canned::create_body(BUCKET, CHANNEL);
    let page = canned::list_body(0, 1000, 100_000, "", 1000);
    assert_eq!(
        osslive::fuzzing::parse_list(page.as_bytes())
            .expect("the page parses")
            .channels
            .len(),
        1000
    );
    let mut stat_ns = Vec::new();
    let mut create_ns = Vec::new();
    let mut list_ns = Vec::new();
    for round in 0..s.rounds {
        let mut order = [0, 1, 2];
        order.rotate_left(round % 3);
        for which in order {
            match which {
                0 => stat_ns.push(ns_per_op(s.xml_stat_iters, || {
                    black_box(osslive::fuzzing::parse_stat(black_box(stat.as_bytes())).unwrap());
                })),
                1 => create_ns.push(ns_per_op(s.xml_stat_iters, || {
                    black_box(
                        osslive::fuzzing::parse_create_result(black_box(created.as_bytes()))
                            .unwrap(),
                    );
                })),
                _ => list_ns.push(ns_per_op(s.xml_list_iters, || {
                    black_box(osslive::fuzzing::parse_list(black_box(page.as_bytes())).unwrap());
                })),
            }
        }
    }
    report.add(
        "xml",
        format!("parse a stat document ({} bytes)", stat.len()),
        "µs/op",
        stat_ns.iter().map(|v| v / 1000.0).collect(),
    );
    report.add(
        "xml",
        format!("parse a create result ({} bytes)", created.len()),
        "µs/op",
        create_ns.iter().map(|v| v / 1000.0).collect(),
    );
    report.add(
        "xml",
        format!("parse a 1000-channel list page ({} bytes)", page.len()),
        "µs/op",
        list_ns.iter().map(|v| v / 1000.0).collect(),
    );
}
