//! Failures the examples report: errors OSS answers with (exit 1) and usage errors
//! caught before any request (exit 2), in the static and the shared build.

use osslive_emulator::Emulator;

use crate::build::*;
use crate::env::*;
use crate::run::*;

/// Errors OSS answers: status text, HTTP status, code and request id on stderr, exit 1.
pub fn service_errors(r: &Runner, emulator: &Emulator) {
    let env = Env::for_emulator(emulator);

    for (program, args) in [
        ("get_channel_info", &["no-such-channel"][..]),
        ("get_channel_stat", &["no-such-channel"][..]),
        ("delete_channel", &["no-such-channel"][..]),
        ("set_channel_status", &["no-such-channel", "disabled"][..]),
    ] {
        let run = r.expect(&env, 1, program, args);
        run.has_err_line("error: OSS answered with an error")
            .has_err_line("http status: 404")
            .has_err_line("code: NoSuchLiveChannel");
        assert!(
            Run::value(&run.stderr, "message").is_some(),
            "{}",
            run.stderr
        );
        assert!(
            Run::value(&run.stderr, "request id").is_some_and(|id| !id.is_empty()),
            "no request id:\n{}",
            run.stderr
        );
        assert!(
            run.stdout.is_empty(),
            "{program} printed a result on failure:\n{}",
            run.stdout
        );
    }

    // A wrong secret: OSS recomputes the signature and refuses it.
    let wrong = env.clone().with("OSS_ACCESS_KEY_SECRET", "not-the-secret");
    for (program, args) in [
        ("create_channel", &["c-err"][..]),
        ("list_channels", &[][..]),
    ] {
        r.expect(&wrong, 1, program, args)
            .has_err_line("error: OSS answered with an error")
            .has_err_line("http status: 403")
            .has_err_line("code: SignatureDoesNotMatch");
    }

    // Refused by osslive before any request: no HTTP status, no request id.
    r.ok(&env, "create_channel", &["c-err"]);
    let local = r.expect(&env, 1, "get_vod_playlist", &["c-err", "100", "50"]);
    local.has_err_line("error: invalid argument");
    assert!(
        !local.stderr.contains("request id:") && !local.stderr.contains("http status:"),
        "{}",
        local.stderr
    );
    // No fragments in the range: OSS's answer, not a crash.
    r.expect(
        &env,
        1,
        "post_vod_playlist",
        &["c-err", "vod.m3u8", "100", "200"],
    )
    .has_err_line("error: OSS answered with an error");
    r.ok(&env, "delete_channel", &["c-err"]);
}

/// Missing variables and bad arguments: a message and exit 2, before any request.
pub fn usage_errors(r: &Runner) {
    // Nothing listens here: a usage error must not get as far as connecting.
    let env = Env::for_endpoint("http://127.0.0.1:9");
    for var in [
        "OSS_ENDPOINT",
        "OSS_BUCKET",
        "OSS_ACCESS_KEY_ID",
        "OSS_ACCESS_KEY_SECRET",
    ] {
        let run = r.expect(&env.clone().without(var), 2, "get_channel_info", &["c"]);
        assert!(
            run.stderr.contains(var),
            "the message does not name {var}:\n{}",
            run.stderr
        );
        // An empty variable is as missing as an unset one.
        let run = r.expect(&env.clone().with(var, ""), 2, "create_channel", &["c"]);
        assert!(
            run.stderr.contains(var),
            "the message does not name {var}:\n{}",
            run.stderr
        );
    }
    let nothing = env.clone().without("OSS_BUCKET").without("OSS_ENDPOINT");
    let run = r.expect(&nothing, 2, "list_channels", &[]);
    assert!(
        run.stderr.contains("OSS_BUCKET") && run.stderr.contains("OSS_ENDPOINT"),
        "{}",
        run.stderr
    );

    // The optional tuning variables: digits only, 1 to 4294967295, named when wrong.
    for (var, value) in [
        ("OSSLIVE_TIMEOUT_MS", "abc"),
        ("OSSLIVE_TIMEOUT_MS", "0"),
        ("OSSLIVE_TIMEOUT_MS", "300ms"),
        ("OSSLIVE_CONNECT_TIMEOUT_MS", " 100"),
        ("OSSLIVE_MAX_ATTEMPTS", "-1"),
        ("OSSLIVE_MAX_ATTEMPTS", "+3"),
        ("OSSLIVE_DEADLINE_MS", "4294967296"),
        ("OSSLIVE_DEADLINE_MS", "1.5"),
        ("OSSLIVE_SIGNATURE_VERSION", "2"),
        ("OSSLIVE_SIGNATURE_VERSION", "v4"),
        ("OSSLIVE_SIGNATURE_VERSION", "04"),
        ("OSSLIVE_SIGNATURE_VERSION", "4 "),
    ] {
        let run = r.expect(&env.clone().with(var, value), 2, "get_channel_stat", &["c"]);
        assert!(
            run.stderr.contains(var) && run.stderr.contains(&format!("\"{value}\"")),
            "the message does not name {var}={value:?}:\n{}",
            run.stderr
        );
    }
    // Every bad variable is listed at once, with the missing ones.
    let run = r.expect(
        &env.clone()
            .without("OSS_BUCKET")
            .with("OSSLIVE_MAX_ATTEMPTS", "0")
            .with("OSSLIVE_DEADLINE_MS", "x"),
        2,
        "get_channel_info",
        &["c"],
    );
    for var in ["OSS_BUCKET", "OSSLIVE_MAX_ATTEMPTS", "OSSLIVE_DEADLINE_MS"] {
        assert!(run.stderr.contains(var), "{var}:\n{}", run.stderr);
    }

    for (program, args) in [
        ("create_channel", &[][..]),
        ("create_channel", &["a", "b", "c"][..]),
        ("list_channels", &["p", "0"][..]),
        ("list_channels", &["p", "1001"][..]),
        ("list_channels", &["p", "5x"][..]),
        ("set_channel_status", &["c"][..]),
        ("set_channel_status", &["c", "Disabled"][..]),
        ("sign_rtmp_url", &["c", "playlist.m3u8"][..]),
        ("sign_rtmp_url", &["c", "playlist.m3u8", "12abc"][..]),
        ("sign_rtmp_url", &["c", "playlist.m3u8", ""][..]),
        (
            "sign_rtmp_url",
            &["c", "playlist.m3u8", "99999999999999999999"][..],
        ),
        ("sign_play_url", &[][..]),
        ("sign_play_url", &["c", "playlist.m3u8", "60", "x"][..]),
        ("sign_play_url", &["c", "playlist.m3u8", "-60"][..]),
        ("sign_play_url", &["c", "playlist.m3u8", "1h"][..]),
        ("sign_play_url", &["c", "playlist.m3u8", ""][..]),
        ("get_channel_stat", &[][..]),
        ("get_channel_info", &["a", "b"][..]),
        ("get_channel_history", &[][..]),
        ("delete_channel", &[][..]),
        ("post_vod_playlist", &["c", "vod.m3u8", "100"][..]),
        ("post_vod_playlist", &["c", "vod.m3u8", " 100", "200"][..]),
        ("get_vod_playlist", &["c", "-5", "10"][..]),
        ("get_vod_playlist", &["c", "+5", "10"][..]),
        ("get_vod_playlist", &["c", "5", "10.5"][..]),
        ("client_threads", &["a", "b"][..]),
    ] {
        let run = r.expect(&env, 2, program, args);
        assert!(
            !run.stderr.is_empty(),
            "{program} {args:?}: exit 2 without a message"
        );
    }
}

#[test]
fn static_build_reports_service_errors() {
    service_errors(&Runner::new(Kind::Static), &start_emulator());
}

#[test]
fn static_build_rejects_bad_usage() {
    usage_errors(&Runner::new(Kind::Static));
}

#[test]
fn shared_build_reports_service_errors() {
    service_errors(&Runner::new(Kind::Shared), &start_emulator());
}

#[test]
fn shared_build_rejects_bad_usage() {
    usage_errors(&Runner::new(Kind::Shared));
}
