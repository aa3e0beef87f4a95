//! The emulator started in-process, driven with raw HTTP requests signed by the osslive
//! signing functions: what later tests and examples of osslive do.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use osslive::encoding::percent_encode;
use osslive::signing::{RequestToSign, v1, v4};
use osslive_emulator::faults::Fault;
use osslive_emulator::{Config, Emulator};

const AK: &str = "LTAI5tTestAccessKeyId";
const SK: &str = "TestAccessKeySecret0123456789abc";
const CONFIG_XML: &str = "<LiveChannelConfiguration><Description>d</Description><Status>enabled</Status><Target><Type>HLS</Type><FragDuration>5</FragDuration><FragCount>3</FragCount><PlaylistName>test.m3u8</PlaylistName></Target></LiveChannelConfiguration>";

struct Reply {
    status: u16,
    headers: String,
    body: String,
}

enum Auth {
    V1,
    V4,
    WrongSecret,
}

/// Sends one signed request; `host` decides the addressing style, as on OSS.
#[allow(clippy::too_many_arguments)] // one flat call per request reads best in these tests
fn call(
    emulator: &Emulator,
    host: &str,
    method: &str,
    bucket: &str,
    key: Option<&str>,
    query: &[(&str, &str)],
    body: &str,
    auth: Auth,
) -> Reply {
    let now = emulator.now();
    let date = osslive::time::http_date(now);
    let v4_date = osslive::time::v4_datetime(now);
    let mut headers: Vec<(&str, &str)> = vec![("Date", &date)];
    if matches!(auth, Auth::V4) {
        headers.push(("x-oss-date", &v4_date));
        headers.push(("x-oss-content-sha256", "UNSIGNED-PAYLOAD"));
    }
    let req = RequestToSign {
        method,
        bucket,
        key,
        query,
        headers: &headers,
    };
    let authorization = match auth {
        Auth::V1 => v1::authorization(AK, SK, &req),
        Auth::WrongSecret => v1::authorization(AK, "not-the-secret", &req),
        Auth::V4 => {
            v4::sign(AK, SK, "cn-hangzhou", &req, &[])
                .unwrap()
                .authorization
        }
    };
    let path_style = host.starts_with("127.");
    let mut path = String::from("/");
    if path_style {
        path.push_str(bucket);
        path.push('/');
    }
    if let Some(key) = key {
        path.push_str(&percent_encode(key, false));
    }
    let query_text: Vec<String> = query
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k, false), percent_encode(v, false)))
        .collect();
    let mut wire = format!(
        "{method} {path}?{} HTTP/1.1\r\nHost: {host}\r\nAuthorization: {authorization}\r\nContent-Length: {}\r\nConnection: close\r\n",
        query_text.join("&"),
        body.len()
    );
    for (k, v) in &headers {
        wire.push_str(&format!("{k}: {v}\r\n"));
    }
    wire.push_str("\r\n");
    wire.push_str(body);
    let mut stream = TcpStream::connect(emulator.addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(wire.as_bytes()).unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    Reply {
        status: head[9..12].parse().unwrap(),
        headers: head.to_owned(),
        body: body.to_owned(),
    }
}

fn start() -> Emulator {
    Emulator::start(Config::new(AK, SK)).unwrap()
}

#[test]
fn v4_create_then_stat_in_process() {
    let emulator = start();
    let host = emulator.addr().to_string();
    let created = call(
        &emulator,
        &host,
        "PUT",
        "bucket-1",
        Some("chan"),
        &[("live", "")],
        CONFIG_XML,
        Auth::V4,
    );
    assert_eq!(created.status, 200, "{}", created.body);
    assert!(
        created
            .body
            .contains(&format!("<Url>rtmp://{host}/bucket-1/live/chan</Url>")),
        "{}",
        created.body
    );
    assert!(created.headers.contains("x-oss-request-id: "));
    let stat = call(
        &emulator,
        &host,
        "GET",
        "bucket-1",
        Some("chan"),
        &[("live", ""), ("comp", "stat")],
        "",
        Auth::V1,
    );
    assert_eq!(stat.status, 200);
    assert!(stat.body.contains("<Status>Idle</Status>"), "{}", stat.body);
}

#[test]
fn virtual_hosted_requests_build_urls_from_the_host() {
    let emulator = start();
    let host = format!(
        "mybucket.oss-cn-hangzhou.aliyuncs.com:{}",
        emulator.addr().port()
    );
    let created = call(
        &emulator,
        &host,
        "PUT",
        "mybucket",
        Some("chan"),
        &[("live", "")],
        CONFIG_XML,
        Auth::V1,
    );
    assert_eq!(created.status, 200, "{}", created.body);
    assert!(
        created
            .body
            .contains(&format!("<Url>rtmp://{host}/live/chan</Url>")),
        "{}",
        created.body
    );
    assert!(
        created
            .body
            .contains(&format!("<Url>http://{host}/chan/test.m3u8</Url>")),
        "{}",
        created.body
    );
}

#[test]
fn wrong_secret_and_skewed_clock_are_refused_like_oss() {
    let emulator = start();
    let host = emulator.addr().to_string();
    let wrong = call(
        &emulator,
        &host,
        "GET",
        "bucket-1",
        Some("c"),
        &[("live", "")],
        "",
        Auth::WrongSecret,
    );
    assert_eq!(wrong.status, 403);
    assert!(wrong.body.contains("<Code>SignatureDoesNotMatch</Code>"));
    assert!(
        wrong.body.contains("<StringToSign>GET\n\n\n"),
        "{}",
        wrong.body
    );
    assert!(!wrong.body.contains(SK));

    // The client signs with the real time while the server runs an hour ahead.
    let client_time_request = {
        emulator.set_clock_offset(0);
        let date = osslive::time::http_date(emulator.now());
        emulator.set_clock_offset(3600);
        date
    };
    let headers = [("Date", client_time_request.as_str())];
    let req = RequestToSign {
        method: "GET",
        bucket: "bucket-1",
        key: Some("c"),
        query: &[("live", "")],
        headers: &headers,
    };
    let wire = format!(
        "GET /bucket-1/c?live HTTP/1.1\r\nHost: {host}\r\nDate: {client_time_request}\r\nAuthorization: {}\r\nConnection: close\r\n\r\n",
        v1::authorization(AK, SK, &req)
    );
    let mut stream = TcpStream::connect(emulator.addr()).unwrap();
    stream.write_all(wire.as_bytes()).unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).unwrap();
    assert!(raw.starts_with("HTTP/1.1 403"), "{raw}");
    assert!(raw.contains("<Code>RequestTimeTooSkewed</Code>"), "{raw}");
}

#[test]
fn injected_503_fails_once_then_requests_succeed() {
    let emulator = start();
    let host = emulator.addr().to_string();
    emulator.inject_fault(Fault::Status(503), 1);
    let failed = call(
        &emulator,
        &host,
        "PUT",
        "bucket-1",
        Some("c"),
        &[("live", "")],
        CONFIG_XML,
        Auth::V1,
    );
    assert_eq!(failed.status, 503);
    assert!(failed.body.contains("<Code>ServiceUnavailable</Code>"));
    // The faulted request was not carried out.
    let missing = call(
        &emulator,
        &host,
        "GET",
        "bucket-1",
        Some("c"),
        &[("live", "")],
        "",
        Auth::V1,
    );
    assert_eq!(missing.status, 404);
    let created = call(
        &emulator,
        &host,
        "PUT",
        "bucket-1",
        Some("c"),
        &[("live", "")],
        CONFIG_XML,
        Auth::V1,
    );
    assert_eq!(created.status, 200);
}

#[test]
fn channels_survive_a_restart_with_a_data_dir() {
    let dir = std::env::temp_dir().join(format!("osslive-emulator-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    {
        let emulator = Emulator::start(Config::new(AK, SK).data_dir(&dir)).unwrap();
        let host = emulator.addr().to_string();
        let created = call(
            &emulator,
            &host,
            "PUT",
            "bucket-1",
            Some("kept"),
            &[("live", "")],
            CONFIG_XML,
            Auth::V1,
        );
        assert_eq!(created.status, 200);
        emulator.shutdown();
    }
    let emulator = Emulator::start(Config::new(AK, SK).data_dir(&dir)).unwrap();
    let host = emulator.addr().to_string();
    let info = call(
        &emulator,
        &host,
        "GET",
        "bucket-1",
        Some("kept"),
        &[("live", "")],
        "",
        Auth::V4,
    );
    assert_eq!(info.status, 200, "{}", info.body);
    assert!(info.body.contains("<PlaylistName>test.m3u8</PlaylistName>"));
    emulator.shutdown();
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn restricted_buckets_answer_no_such_bucket() {
    let emulator = Emulator::start(Config::new(AK, SK).bucket("only-this")).unwrap();
    let host = emulator.addr().to_string();
    let other = call(
        &emulator,
        &host,
        "GET",
        "other-bucket",
        None,
        &[("live", "")],
        "",
        Auth::V1,
    );
    assert_eq!(other.status, 404);
    assert!(other.body.contains("<Code>NoSuchBucket</Code>"));
    let served = call(
        &emulator,
        &host,
        "GET",
        "only-this",
        None,
        &[("live", "")],
        "",
        Auth::V1,
    );
    assert_eq!(served.status, 200, "{}", served.body);
}
