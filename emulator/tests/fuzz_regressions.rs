//! Inputs fuzzing found that used to panic the emulator or corrupt a value; each must now
//! get a clear answer (see fuzz/regressions/).

use std::io::{Read, Write};
use std::net::TcpStream;

use osslive_emulator::{Config, Emulator};

fn post(emulator: &Emulator, path_and_query: &str) -> String {
    let mut stream = TcpStream::connect(emulator.addr()).unwrap();
    write!(stream, "POST {path_and_query} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

#[test]
fn absurd_clock_offsets_are_refused_and_the_clock_keeps_working() {
    let emulator = Emulator::start(Config::new(
        "LTAI5tFuzzRegression",
        "FuzzRegressionSecret0123456789ab",
    ))
    .unwrap();
    for offset in [i64::MAX, i64::MIN, 4_000_000_000] {
        let answer = post(&emulator, &format!("/_emulator/clock?offset={offset}"));
        assert!(answer.starts_with("HTTP/1.1 400"), "{offset}: {answer}");
    }
    assert!(post(&emulator, "/_emulator/clock?offset=3600").starts_with("HTTP/1.1 200"));
    // The library call takes any offset; one beyond SystemTime's range leaves it unshifted.
    emulator.set_clock_offset(i64::MAX);
    let _ = emulator.now();
    emulator.set_clock_offset(i64::MIN);
    let _ = emulator.now();
    // And the server still answers.
    let mut stream = TcpStream::connect(emulator.addr()).unwrap();
    stream
        .write_all(
            b"GET /_emulator/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
        )
        .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[test]
fn fragment_times_that_overflow_are_refused() {
    let emulator = Emulator::start(Config::new(
        "LTAI5tFuzzRegression",
        "FuzzRegressionSecret0123456789ab",
    ))
    .unwrap();
    for query in [
        "start=9223372036854775000&duration=5&count=4",
        "start=0&duration=1e300&count=3",
        "start=-5&duration=5&count=1",
    ] {
        let answer = post(
            &emulator,
            &format!("/_emulator/fragments?bucket=b-1&channel=c&{query}"),
        );
        assert!(answer.starts_with("HTTP/1.1 400"), "{query}: {answer}");
    }
}

#[test]
fn a_carriage_return_in_a_description_survives_the_round_trip() {
    let body = b"<LiveChannelConfiguration><Description>a&#13;b</Description><Target><Type>HLS</Type></Target></LiveChannelConfiguration>";
    let config = osslive_emulator::xml::parse_channel_config(body).unwrap();
    assert_eq!(config.description, "a\rb");
    assert!(
        osslive_emulator::xml::channel_info(&config).contains("<Description>a&#13;b</Description>")
    );
}
