//! Issue 14, the value rows: names XML cannot carry, values echoed whole into errors, and
//! an admin endpoint that grew memory without bound. Each probe runs against the emulator
//! binary on 127.0.0.1 and ends with `/_emulator/health` and a signed request answered
//! within a second and the peak RSS under a bound.

mod support;

use support::CONFIG_XML;
use support::hostile::{Spawned, element};

/// Peak RSS bound of these probes. Measured on x86-64 Linux (debug build): 6 MiB for the
/// names, 8 MiB for the 1 MB Description, 42 MiB for ten fragment requests of 100,000
/// (before: +28 MB each, without end).
const PEAK_RSS_MIB: u64 = 128;

/// `name` percent-encoded for a path segment.
fn encoded(name: &str) -> String {
    name.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[test]
fn channel_names_xml_cannot_carry_are_refused_and_listings_stay_readable() {
    let e = Spawned::start(&[]);
    e.create_channel("plain");
    let specials = (1u32..0x20)
        .chain([0, 0xfffe, 0xffff])
        .filter_map(char::from_u32);
    let mut accepted = vec!["plain".to_owned()];
    for c in specials {
        let name = format!("a{c}b");
        let (status, body) = e.signed(
            "PUT",
            &format!("/{}?live", encoded(&name)),
            &format!("/{name}?live"),
            CONFIG_XML,
        );
        if matches!(c, '\t' | '\n' | '\r') {
            assert_eq!(status, 200, "{name:?}: {body}");
            accepted.push(name);
        } else {
            assert_eq!(status, 400, "{name:?}: {body}");
            assert_eq!(element(&body, "Code").as_deref(), Some("InvalidArgument"));
            assert_eq!(element(&body, "EC").as_deref(), Some("0044-00000990"));
            assert_eq!(
                element(&body, "ArgumentName").as_deref(),
                Some("LiveChannel")
            );
        }
    }
    // The listing parses, and the names XML can carry come back as they were.
    let (status, body) = e.signed("GET", "/?live", "/?live", "");
    assert_eq!(status, 200);
    let doc = roxmltree::Document::parse(&body).expect("well-formed listing");
    let mut names: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("Name"))
        .map(|n| n.text().unwrap_or_default().to_owned())
        .collect();
    names.sort();
    accepted.sort();
    assert_eq!(names, accepted);
    e.assert_answers();
    e.assert_peak_rss_under(PEAK_RSS_MIB);
}

#[test]
fn a_megabyte_description_is_refused_with_a_short_error() {
    let e = Spawned::start(&[]);
    let huge = "d".repeat(1_000_000);
    let body = CONFIG_XML.replace(
        "<Description>d</Description>",
        &format!("<Description>{huge}</Description>"),
    );
    let (status, answer) = e.signed("PUT", "/big?live", "/big?live", &body);
    assert_eq!(status, 400);
    // oss2 reads the first 4 KB of an error: all of it must fit.
    assert!(answer.len() < 4096, "{} bytes", answer.len());
    assert_eq!(element(&answer, "Code").as_deref(), Some("InvalidArgument"));
    assert_eq!(
        element(&answer, "ArgumentName").as_deref(),
        Some("Description")
    );
    assert_eq!(
        element(&answer, "ArgumentValue"),
        Some(format!("{}...", &huge[..256]))
    );
    e.assert_answers();
    e.assert_peak_rss_under(PEAK_RSS_MIB);
}

#[test]
fn admin_fragments_are_bounded_per_channel() {
    let e = Spawned::start(&[]);
    e.create_channel("vod");
    let post = |count: u32| {
        e.request(
            "POST",
            &format!(
                "/_emulator/fragments?bucket=examplebucket&channel=vod&start=0&duration=1&count={count}"
            ),
            &[("Host", "127.0.0.1")],
            "",
        )
    };
    assert_eq!(post(100_000), (200, "100000 fragments\n".to_owned()));
    for _ in 0..9 {
        let (status, body) = post(100_000);
        assert_eq!(status, 400, "{body}");
        assert!(
            body.contains("the channel holds 100000 fragments"),
            "{body}"
        );
    }
    let (status, _) = post(1);
    assert_eq!(status, 400);
    e.assert_answers();
    e.assert_peak_rss_under(PEAK_RSS_MIB);
}
