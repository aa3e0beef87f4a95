//! Issue 14, the connection rows: clients that hold connection slots without doing
//! anything (idle, or trickling one byte at a time after an RTMP handshake) used to lock
//! every other HTTP and RTMP client out. Each probe runs against the emulator binary on
//! 127.0.0.1 with short deadlines (the defaults are 10 s to publish and 60 s idle), holds
//! its connections while checking that the emulator answers within a second, and checks
//! that the deadlines then close them.

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::thread;
use std::time::{Duration, Instant};

use support::hostile::{ANSWER_WITHIN, RtmpClient, Spawned, raise_open_file_limit};

/// Peak RSS bound of these probes. Measured on x86-64 Linux (debug build, 2 cores):
/// 95 MiB with 1,024 trickling RTMP sessions (about 90 KiB each: a thread and its
/// buffers), 16 MiB with 1,030 idle connections.
const PEAK_RSS_MIB: u64 = 256;

/// Whether the server closed `stream`, waiting at most `limit` for it.
fn closed_by_server(stream: &mut TcpStream, limit: Duration) -> bool {
    stream.set_read_timeout(Some(limit)).unwrap();
    let mut buf = [0u8; 256];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => {}
            Err(e) => {
                return !matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                );
            }
        }
    }
}

#[test]
fn rtmp_clients_trickling_after_the_handshake_lock_nobody_out() {
    raise_open_file_limit();
    let setup = Duration::from_secs(5);
    let e = Spawned::start(&["--rtmp-setup-timeout", "5s"]);
    e.create_channel("ch");
    let opened = Instant::now();
    let mut tricklers: Vec<RtmpClient> = (0..1024).map(|_| RtmpClient::handshake(e.addr)).collect();
    let all_open = opened.elapsed();
    // A valid chunk header, one byte at a time: the first message never completes.
    let prefix = [3u8, 0, 0, 0, 0, 0, 100, 20, 0, 0, 0, 0];
    let mut tick = 0;
    let mut trickle = |tricklers: &mut Vec<RtmpClient>| {
        for client in tricklers.iter_mut() {
            let _ = client.stream.write_all(&prefix[tick % prefix.len()..][..1]);
        }
        tick += 1;
    };
    trickle(&mut tricklers);
    // Every slot is held, yet HTTP and RTMP clients get in (each takes the slot of the
    // client that waited longest).
    e.assert_answers();
    let publisher = RtmpClient::publish(e.addr, "ch");
    e.wait_for_status("ch", "Live", ANSWER_WITHIN);
    drop(publisher);
    e.wait_for_status("ch", "Idle", ANSWER_WITHIN);
    // Trickling does not extend the deadline: all are closed once it passed.
    let deadline = opened + all_open + setup + Duration::from_secs(1);
    while Instant::now() < deadline {
        thread::sleep(Duration::from_millis(500));
        trickle(&mut tricklers);
    }
    let still_open = tricklers
        .iter_mut()
        .map(|c| !closed_by_server(&mut c.stream, Duration::from_millis(200)))
        .filter(|&open| open)
        .count();
    assert_eq!(
        still_open, 0,
        "trickling connections outlived the setup deadline"
    );
    e.assert_answers();
    e.assert_peak_rss_under(PEAK_RSS_MIB);
    let log = e.log();
    assert!(
        log.contains("closed: no accepted publish within 5000 ms"),
        "{log}"
    );
}

#[test]
fn idle_connections_over_the_cap_lock_nobody_out() {
    raise_open_file_limit();
    let e = Spawned::start(&[]);
    let mut idle: Vec<TcpStream> = (0..1030)
        .map(|_| TcpStream::connect(e.addr).unwrap())
        .collect();
    // The default idle timeout is a minute; a new client does not wait for it.
    e.assert_answers();
    e.create_channel("after-idle");
    // The connections idle the longest gave their slots away, the last ones still wait.
    // (Each evicted connection is closed by its own thread: on a loaded machine that can
    // take longer than the second the new clients were answered in.)
    assert!(closed_by_server(&mut idle[0], Duration::from_secs(10)));
    assert!(!closed_by_server(
        idle.last_mut().unwrap(),
        Duration::from_millis(100)
    ));
    e.assert_peak_rss_under(PEAK_RSS_MIB);
}

#[test]
fn a_publisher_that_sends_no_media_is_cut_off() {
    let e = Spawned::start(&["--rtmp-media-timeout", "1s"]);
    e.create_channel("quiet");
    let mut publisher = RtmpClient::publish(e.addr, "quiet");
    e.wait_for_status("quiet", "Live", ANSWER_WITHIN);
    publisher.assert_closed_within(Duration::from_secs(2));
    e.wait_for_status("quiet", "Idle", ANSWER_WITHIN);
    assert_eq!(e.history_len("quiet"), 1);
    e.assert_answers();
    assert!(e.log().contains("closed: no audio or video for 1000 ms"));
}
