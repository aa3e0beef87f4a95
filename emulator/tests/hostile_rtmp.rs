//! Issue 14, the RTMP rows: input that used to abort the emulator, wedge a channel `Live`
//! or make it buffer megabytes for anybody. Each probe runs against the emulator binary
//! on 127.0.0.1 and ends with the checks of "Done when": `/_emulator/health` and a signed
//! request answered within a second, the channel `Idle` (or the input refused), and the
//! binary's peak RSS (VmHWM) under a bound.

mod support;

use std::io::Write;
use std::net::TcpStream;
use std::thread;
use std::time::{Duration, Instant};

use rml_rtmp::rml_amf0::{self, Amf0Value};
use support::hostile::{ANSWER_WITHIN, RtmpClient, Spawned, chunked, element};

/// Peak RSS bound of these probes. Measured on x86-64 Linux (debug build): 6 MiB for the
/// nesting and publish probes, 8 MiB for twenty 16 MB messages (1.47 GB before).
const PEAK_RSS_MIB: u64 = 64;

/// An AMF0 command named `name` whose third value nests `depth` containers: strict
/// arrays of one element, or objects of one property.
fn deeply_nested_command(name: &str, depth: usize, objects: bool) -> Vec<u8> {
    let mut payload = rml_amf0::serialize(&vec![
        Amf0Value::Utf8String(name.into()),
        Amf0Value::Number(1.0),
    ])
    .unwrap();
    for _ in 0..depth {
        if objects {
            payload.extend_from_slice(&[0x03, 0, 1, b'k']);
        } else {
            payload.extend_from_slice(&[0x0a, 0, 0, 0, 1]);
        }
    }
    payload.push(0x05);
    payload
}

#[test]
fn amf0_nested_10000_deep_before_authentication_is_refused() {
    let e = Spawned::start(&[]);
    for objects in [false, true] {
        // 50 KB of strict arrays (40 KB of objects): under the 64 KiB an unauthenticated
        // client may send, so it is the depth bound that refuses it.
        let payload = deeply_nested_command("connect", 10_000, objects);
        assert!(payload.len() < 64 * 1024);
        let mut client = RtmpClient::handshake(e.addr);
        client.send(&chunked(3, 0, 20, 0, &payload));
        client.assert_closed_within(ANSWER_WITHIN);
        e.assert_answers();
    }
    let log = e.log();
    assert!(
        log.contains("message type 20: AMF0 objects and arrays nest deeper than 32"),
        "{log}"
    );
    e.assert_peak_rss_under(PEAK_RSS_MIB);
}

#[test]
fn a_broken_message_during_a_publish_ends_it_like_a_disconnect() {
    let e = Spawned::start(&[]);
    e.create_channel("ch");
    let two_values = rml_amf0::serialize(&vec![
        Amf0Value::Utf8String("FCUnpublish".into()),
        Amf0Value::Number(5.0),
    ])
    .unwrap();
    let set_data_frame =
        rml_amf0::serialize(&vec![Amf0Value::Utf8String("@setDataFrame".into())]).unwrap();
    // The first chunk of a 300-byte video message, then a new message on the same chunk
    // stream before it is finished.
    let video = chunked(6, 40, 9, 1, &[0x17; 300]);
    let mut restarted = video[..12 + 128].to_vec();
    restarted.extend_from_slice(&video);
    let probes: [(&str, Vec<u8>); 4] = [
        (
            "an AMF0 command of two values",
            chunked(3, 0, 20, 1, &two_values),
        ),
        (
            "@setDataFrame without arguments",
            chunked(4, 0, 18, 1, &set_data_frame),
        ),
        (
            "a deeply nested command after publish",
            chunked(3, 0, 20, 1, &deeply_nested_command("x", 10_000, false)),
        ),
        ("a new message on a chunk stream mid-message", restarted),
    ];
    for (pushes, (what, bytes)) in probes.into_iter().enumerate() {
        let mut client = RtmpClient::publish(e.addr, "ch");
        e.wait_for_status("ch", "Live", ANSWER_WITHIN);
        client.send(&bytes);
        client.assert_closed_within(ANSWER_WITHIN);
        // The push ended as a disconnect ends it: Idle, one more history record, and the
        // channel takes the next publisher.
        e.wait_for_status("ch", "Idle", ANSWER_WITHIN);
        assert_eq!(e.history_len("ch"), pushes + 1, "{what}");
        e.assert_answers();
    }
    // Not wedged: it can be deleted.
    let (status, body) = e.signed("DELETE", "/ch?live", "/ch?live", "");
    assert_eq!(status, 204, "{body}");
    e.assert_peak_rss_under(PEAK_RSS_MIB);
}

#[test]
fn interleaved_chunk_streams_are_read_as_rtmp_allows() {
    let e = Spawned::start(&[]);
    e.create_channel("mix");
    let mut client = RtmpClient::publish(e.addr, "mix");
    // A 300-byte AVC video message on chunk stream 6 and a 200-byte AAC audio message on
    // chunk stream 4, their chunks interleaved: what rml_rtmp's own reader panicked on.
    let video = chunked(6, 40, 9, 1, &[0x17; 300]);
    let audio = chunked(4, 40, 8, 1, &[0xaf; 200]);
    let mut wire = video[..12 + 128].to_vec();
    wire.extend_from_slice(&audio[..12 + 128]);
    wire.extend_from_slice(&video[12 + 128..]);
    wire.extend_from_slice(&audio[12 + 128..]);
    client.send(&wire);
    // Both came out whole: the stat shows both codecs, and the push goes on.
    let started = Instant::now();
    loop {
        let (status, body) = e.signed("GET", "/mix?live&comp=stat", "/mix?comp=stat&live", "");
        assert_eq!(status, 200);
        if body.contains("<Video>") && body.contains("<Audio>") {
            assert_eq!(element(&body, "Status").as_deref(), Some("Live"));
            break;
        }
        assert!(started.elapsed() < ANSWER_WITHIN, "{body}");
        thread::sleep(Duration::from_millis(20));
    }
    drop(client);
    e.wait_for_status("mix", "Idle", ANSWER_WITHIN);
    assert_eq!(e.history_len("mix"), 1);
    e.assert_answers();
    e.assert_peak_rss_under(PEAK_RSS_MIB);
}

#[test]
fn twenty_unauthenticated_16_mb_messages_are_refused_at_their_header() {
    let e = Spawned::start(&[]);
    let clients: Vec<_> = (0..20)
        .map(|_| {
            let addr = e.addr;
            thread::spawn(move || {
                let mut client = RtmpClient::handshake(addr);
                // A type 0 header declaring a 16,777,215-byte AMF0 command...
                let mut stream: &TcpStream = &client.stream;
                let header = [3, 0, 0, 0, 0xff, 0xff, 0xff, 20, 0, 0, 0, 0];
                let mut sent = 0usize;
                if stream.write_all(&header).is_ok() {
                    // ...and as much of it as the server takes before it closes.
                    let nulls = vec![0x05u8; 64 * 1024];
                    while sent < 16 << 20 && stream.write_all(&nulls).is_ok() {
                        sent += nulls.len();
                    }
                }
                client.assert_closed_within(ANSWER_WITHIN);
                sent
            })
        })
        .collect();
    for client in clients {
        let sent = client.join().unwrap();
        assert!(sent < 16 << 20, "the server read a whole 16 MB message");
    }
    e.assert_answers();
    e.assert_peak_rss_under(PEAK_RSS_MIB);
    assert!(e.rss_mib() < PEAK_RSS_MIB);
    let log = e.log();
    assert!(
        log.contains("a message of 16777215 bytes is over the limit of 65536 bytes"),
        "{log}"
    );
}

/// The last line of defence: a panic anywhere inside a session (here the embedder's log
/// callback, on the line about a malformed media tag) ends the push like a disconnect.
#[test]
fn a_panic_inside_a_session_ends_its_push_like_a_disconnect() {
    use osslive::{Client, Credentials, LiveChannelConfiguration, LiveStatus};
    use osslive_emulator::{Config, Emulator};

    let e = Emulator::start(Config::new(support::AK, support::SK).request_log(|line| {
        if line.contains("dropped a video tag") {
            panic!("the log callback panics on purpose");
        }
    }))
    .unwrap();
    let bucket = Client::builder()
        .endpoint(e.endpoint())
        .region(support::REGION)
        .credentials(Credentials::new(support::AK, support::SK))
        .build()
        .unwrap()
        .bucket(support::hostile::BUCKET)
        .unwrap();
    bucket
        .create_live_channel("ch", &LiveChannelConfiguration::default())
        .unwrap();
    let mut client = RtmpClient::publish(e.addr(), "ch");
    assert_eq!(
        bucket.get_live_channel_stat("ch").unwrap().status,
        LiveStatus::Live
    );
    // An AVC sequence header too short to hold a configuration: the segmenter drops it.
    client.send(&chunked(6, 0, 9, 1, &[0x17, 0, 0, 0, 0, 1]));
    client.assert_closed_within(ANSWER_WITHIN);
    let started = Instant::now();
    while bucket.get_live_channel_stat("ch").unwrap().status != LiveStatus::Idle {
        assert!(started.elapsed() < ANSWER_WITHIN, "still Live");
        thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(
        bucket.get_live_channel_history("ch").unwrap().records.len(),
        1
    );
    bucket.delete_live_channel("ch").unwrap();
}
