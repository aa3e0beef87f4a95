//! The emulator's PutLiveChannel body parser. Never panics; whatever it accepts obeys the
//! documented rules, renders as a GetLiveChannelInfo answer that the client reads back to
//! the same values, and the client's own body for that configuration parses back to it.

#![no_main]

use libfuzzer_sys::fuzz_target;
use osslive::fuzzing;
use osslive::{ChannelStatus, LiveChannelConfiguration, LiveChannelSnapshot, LiveChannelTarget};
use osslive_emulator::model::{self, ChannelConfig};
use osslive_emulator::xml::{channel_info, parse_channel_config};

fn client_configuration(cfg: &ChannelConfig) -> LiveChannelConfiguration {
    LiveChannelConfiguration {
        description: cfg.description.clone(),
        status: match cfg.status {
            model::ChannelStatus::Enabled => ChannelStatus::Enabled,
            model::ChannelStatus::Disabled => ChannelStatus::Disabled,
        },
        target: LiveChannelTarget {
            frag_duration: cfg.target.frag_duration,
            frag_count: cfg.target.frag_count,
            playlist_name: cfg.target.playlist_name.clone(),
        },
        snapshot: cfg.snapshot.as_ref().map(|s| LiveChannelSnapshot {
            role_name: s.role_name.clone(),
            dest_bucket: s.dest_bucket.clone(),
            notify_topic: s.notify_topic.clone(),
            interval: s.interval,
        }),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(cfg) = parse_channel_config(data) else {
        return;
    };
    let client_cfg = client_configuration(&cfg);
    if let Err(e) = client_cfg.validate() {
        panic!("the emulator accepted what the client's rules refuse ({e}): {cfg:?}");
    }

    // Emulator -> client: GetLiveChannelInfo.
    let rendered = channel_info(&cfg);
    let info = match fuzzing::parse_channel_info(rendered.as_bytes()) {
        Ok(info) => info,
        Err(e) => panic!("the client cannot read the emulator's answer {rendered:?}: {e:?}"),
    };
    assert_eq!(
        info.description.as_deref(),
        Some(cfg.description.as_str()),
        "{rendered:?}"
    );
    assert_eq!(info.status, Some(client_cfg.status), "{rendered:?}");
    assert_eq!(
        info.frag_duration,
        Some(cfg.target.frag_duration),
        "{rendered:?}"
    );
    assert_eq!(info.frag_count, Some(cfg.target.frag_count), "{rendered:?}");
    assert_eq!(
        info.playlist_name.as_deref(),
        Some(cfg.target.playlist_name.as_str()),
        "{rendered:?}"
    );
    assert_eq!(info.snapshot, client_cfg.snapshot, "{rendered:?}");

    // Client -> emulator: PutLiveChannel with the client's body for the same values.
    let body = fuzzing::write_configuration(&client_cfg);
    match parse_channel_config(body.as_bytes()) {
        Ok(back) => assert_eq!(back, cfg, "{body:?}"),
        Err(e) => panic!("the emulator refuses the client's body {body:?}: {e:?}"),
    }
});
