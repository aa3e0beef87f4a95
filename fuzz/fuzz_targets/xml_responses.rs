//! Every response parser of the client on the same bytes: none may panic, whatever the
//! body; a refused body must give a short one-line snippet; and a configuration read from
//! a GetLiveChannelInfo answer must survive the client's own writer (write, read back,
//! same values).

#![no_main]

use libfuzzer_sys::fuzz_target;
use osslive::fuzzing::{self, XmlFailure};
use osslive::{ChannelStatus, LiveChannelConfiguration, LiveChannelInfo, LiveChannelTarget};

/// The longest snippet the client shows (characters).
const SNIPPET_CHARS: usize = 200;

fn check_failure(parser: &str, failure: &XmlFailure) {
    assert!(!failure.reason.is_empty(), "{parser}: empty reason");
    assert!(
        failure.snippet.chars().count() <= SNIPPET_CHARS,
        "{parser}: snippet longer than {SNIPPET_CHARS} characters: {failure:?}"
    );
    assert!(
        !failure.snippet.chars().any(char::is_control),
        "{parser}: snippet has control characters: {failure:?}"
    );
}

fn check<T>(parser: &str, result: Result<T, XmlFailure>) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(failure) => {
            check_failure(parser, &failure);
            None
        }
    }
}

/// What the client would send to recreate the channel it just read.
fn configuration_of(info: &LiveChannelInfo) -> LiveChannelConfiguration {
    LiveChannelConfiguration {
        description: info.description.clone().unwrap_or_default(),
        status: info.status.unwrap_or(ChannelStatus::Enabled),
        target: LiveChannelTarget {
            frag_duration: info.frag_duration.unwrap_or(5),
            frag_count: info.frag_count.unwrap_or(3),
            playlist_name: info.playlist_name.clone().unwrap_or_default(),
        },
        snapshot: info.snapshot.clone(),
    }
}

fn round_trip(info: &LiveChannelInfo) {
    let cfg = configuration_of(info);
    let body = fuzzing::write_configuration(&cfg);
    let back = match fuzzing::parse_channel_info(body.as_bytes()) {
        Ok(back) => back,
        Err(e) => panic!("the client cannot read its own body {body:?}: {e:?}"),
    };
    assert_eq!(
        back.description.as_deref(),
        Some(cfg.description.as_str()),
        "{body:?}"
    );
    assert_eq!(back.status, Some(cfg.status), "{body:?}");
    assert_eq!(back.target_type.as_deref(), Some("HLS"), "{body:?}");
    assert_eq!(
        back.frag_duration,
        Some(cfg.target.frag_duration),
        "{body:?}"
    );
    assert_eq!(back.frag_count, Some(cfg.target.frag_count), "{body:?}");
    assert_eq!(
        back.playlist_name.as_deref(),
        Some(cfg.target.playlist_name.as_str()),
        "{body:?}"
    );
    assert_eq!(back.snapshot, cfg.snapshot, "{body:?}");
}

fuzz_target!(|data: &[u8]| {
    check("parse_create_result", fuzzing::parse_create_result(data));
    if let Some(info) = check("parse_channel_info", fuzzing::parse_channel_info(data)) {
        round_trip(&info);
    }
    if let Some(page) = check("parse_list", fuzzing::parse_list(data)) {
        assert!(
            page.channels.iter().all(|c| !c.name.is_empty()),
            "a listed channel without a name: {page:?}"
        );
    }
    check("parse_stat", fuzzing::parse_stat(data));
    if let Some(history) = check("parse_history", fuzzing::parse_history(data)) {
        let _ = history.records.len();
    }
    if let Some(doc) = fuzzing::parse_error(data) {
        assert!(
            !doc.code.is_empty(),
            "an error document without a code: {doc:?}"
        );
    }
});
