//! The whole LiveChannel lifecycle: create a channel, sign an RTMP URL to push to and a
//! URL to play it from a private bucket, read its configuration, state and history, list
//! channels, disable it and delete it.
//!
//! With `OSS_ENDPOINT`, `OSS_BUCKET`, `OSS_ACCESS_KEY_ID` and `OSS_ACCESS_KEY_SECRET` set
//! (`OSS_REGION` and `OSS_SESSION_TOKEN` optional) it runs against that endpoint: real
//! OSS or anything speaking its API. With none of them set it starts the osslive
//! emulator in this process and runs against it, so it works without an account.
//!
//!     cargo run --example quickstart [CHANNEL]

use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use osslive::{
    ChannelStatus, Client, Credentials, ListOptions, LiveChannelConfiguration, LiveChannelTarget,
};

const DEMO_ID: &str = "LTAI5tQuickstartDemoKey";
const DEMO_SECRET: &str = "QuickstartDemoSecret0123456789ab";

fn when(t: Option<SystemTime>) -> String {
    t.map_or_else(|| "-".to_owned(), osslive::time::iso8601)
}

fn run() -> Result<(), osslive::Error> {
    let channel = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "osslive-quickstart".to_owned());
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());

    // Keep the emulator alive for the whole run when we start one.
    let mut _emulator = None;
    let (client, bucket_name) = match (env("OSS_ENDPOINT"), env("OSS_BUCKET")) {
        (Some(endpoint), Some(bucket)) => {
            println!("Using {endpoint}, bucket {bucket} (credentials from the environment).");
            let mut builder = Client::builder()
                .endpoint(endpoint)
                .credentials(Credentials::from_env()?);
            if let Some(region) = env("OSS_REGION") {
                builder = builder.region(region);
            }
            (builder.build()?, bucket)
        }
        (None, None) => {
            let emulator = osslive_emulator::Emulator::start(osslive_emulator::Config::new(
                DEMO_ID,
                DEMO_SECRET,
            ))
            .map_err(|e| osslive::Error::Config(e.into()))?;
            println!(
                "No OSS_ENDPOINT/OSS_BUCKET set: started the osslive emulator at {}.",
                emulator.endpoint()
            );
            let client = Client::builder()
                .endpoint(emulator.endpoint())
                .region("cn-hangzhou")
                .credentials(Credentials::new(DEMO_ID, DEMO_SECRET))
                .build()?;
            _emulator = Some(emulator);
            (client, "osslive-quickstart".to_owned())
        }
        _ => {
            return Err(osslive::Error::Config(
                "set both OSS_ENDPOINT and OSS_BUCKET to use a real endpoint, or neither to use the emulator".into(),
            ));
        }
    };
    let bucket = client.bucket(&bucket_name)?;
    println!(
        "Requests are signed with {:?}.\n",
        client.signature_version()
    );

    let config = LiveChannelConfiguration {
        description: "created by the osslive quickstart".to_owned(),
        target: LiveChannelTarget {
            frag_duration: 5,
            frag_count: 3,
            playlist_name: "playlist.m3u8".to_owned(),
        },
        ..Default::default()
    };
    let created = bucket.create_live_channel(&channel, &config)?;
    println!("Created channel {channel:?}");
    println!("  publish URL: {}", created.publish_urls.join(", "));
    println!("  play URL:    {}", created.play_urls.join(", "));

    let push = bucket.sign_rtmp_url_valid_for(&channel, None, Duration::from_secs(3600))?;
    println!(
        "\nSigned RTMP push URL, valid until {}:",
        osslive::time::iso8601(push.expires)
    );
    println!("  {}", push.url);
    println!(
        "  push with ffmpeg: ffmpeg -re -i input.mp4 -c:v libx264 -c:a aac -f flv '{}'",
        push.url
    );
    println!("  or in OBS:        Server = {}", push.server);
    println!("                    Stream Key = {}", push.stream_key);

    // OSS buckets are private by default, so the play URL above needs a signature too. A
    // player cannot sign: this one URL, with x-oss-process=hls/sign, has OSS sign every
    // segment URI of the playlist it serves, and plays the whole stream.
    let play = bucket.sign_play_url(
        &channel,
        Some(&config.target.playlist_name),
        Duration::from_secs(3600),
    )?;
    println!(
        "\nSigned play URL for a private bucket, valid until {}:",
        osslive::time::iso8601(play.expires)
    );
    println!("  {}", play.url);
    println!("  play with ffplay: ffplay '{}'", play.url);

    let info = bucket.get_live_channel_info(&channel)?;
    println!("\nConfiguration:");
    println!(
        "  description:   {}",
        info.description.as_deref().unwrap_or("-")
    );
    println!(
        "  status:        {}",
        info.status.map_or("-", ChannelStatus::as_str)
    );
    println!(
        "  HLS target:    {} fragments of {} s in {}",
        info.frag_count.unwrap_or_default(),
        info.frag_duration.unwrap_or_default(),
        info.playlist_name.as_deref().unwrap_or("-")
    );

    let stat = bucket.get_live_channel_stat(&channel)?;
    println!("\nState: {}", stat.status);
    if let Some(addr) = &stat.remote_addr {
        println!("  pushed from {addr} since {}", when(stat.connected_time));
    }

    let page = bucket.list_live_channel(&ListOptions {
        max_keys: Some(10),
        ..Default::default()
    })?;
    println!(
        "\nChannels in {bucket_name} (first {}):",
        page.channels.len()
    );
    for c in &page.channels {
        println!(
            "  {:<32} {:<8} modified {}",
            c.name,
            c.status.as_str(),
            when(c.last_modified)
        );
    }

    let history = bucket.get_live_channel_history(&channel)?;
    println!("\nPush history: {} record(s)", history.records.len());
    for r in &history.records {
        println!(
            "  {} to {} from {}",
            when(Some(r.start_time)),
            when(Some(r.end_time)),
            r.remote_addr
        );
    }

    bucket.put_live_channel_status(&channel, ChannelStatus::Disabled)?;
    println!(
        "\nDisabled {channel:?}: state is now {}.",
        bucket.get_live_channel_stat(&channel)?.status
    );
    let deleted = bucket.delete_live_channel(&channel)?;
    println!(
        "Deleted {channel:?} (request id {}).",
        deleted.request_id.as_deref().unwrap_or("-")
    );
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("quickstart failed: {e}");
            ExitCode::FAILURE
        }
    }
}
