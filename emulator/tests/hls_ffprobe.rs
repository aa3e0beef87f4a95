//! The HLS remuxer checked by ffmpeg itself: an ffmpeg-encoded FLV (H.264 + AAC) is fed
//! tag by tag to `hls::Segmenter`, and ffprobe/ffmpeg must find and decode the streams in
//! the segments and the live playlist. Needs `ffmpeg` and `ffprobe` (`apt-get install
//! ffmpeg`); without them the test fails.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use osslive_emulator::hls::{Segment, Segmenter};

fn run(tool: &str, args: &[&str]) -> Output {
    match Command::new(tool).args(args).output() {
        Ok(out) => out,
        Err(e) => panic!(
            "cannot run {tool} ({e}): this test needs ffmpeg and ffprobe, \
             install them with `apt-get install ffmpeg`"
        ),
    }
}

fn temp_dir() -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let dir = std::env::temp_dir().join(format!(
        "osslive-hls-ffprobe-{}-{nanos}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// FLV tags: (type, timestamp ms, body).
fn flv_tags(flv: &[u8]) -> Vec<(u8, u32, &[u8])> {
    assert_eq!(&flv[..3], b"FLV", "not an FLV file");
    let header_len = u32::from_be_bytes(flv[5..9].try_into().unwrap()) as usize;
    let mut pos = header_len + 4; // the header, then PreviousTagSize0
    let mut tags = Vec::new();
    while pos + 11 <= flv.len() {
        let kind = flv[pos] & 0x1f;
        let size = u32::from_be_bytes([0, flv[pos + 1], flv[pos + 2], flv[pos + 3]]) as usize;
        let ts = u32::from_be_bytes([flv[pos + 7], flv[pos + 4], flv[pos + 5], flv[pos + 6]]);
        let body = &flv[pos + 11..pos + 11 + size];
        tags.push((kind, ts, body));
        pos += 11 + size + 4;
    }
    tags
}

fn show_streams(target: &Path) -> String {
    let out = run(
        "ffprobe",
        &["-v", "error", "-show_streams", target.to_str().unwrap()],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stderr.trim().is_empty(),
        "ffprobe {target:?}: {stderr}"
    );
    String::from_utf8(out.stdout).unwrap()
}

fn assert_h264_320x240_and_aac(streams: &str, what: &str) {
    for want in [
        "codec_name=h264",
        "width=320",
        "height=240",
        "codec_name=aac",
        "sample_rate=44100",
    ] {
        assert!(
            streams.contains(want),
            "{what}: no {want} in ffprobe output:\n{streams}"
        );
    }
}

#[test]
fn ffprobe_and_ffmpeg_accept_the_segments_and_the_live_playlist() {
    let dir = temp_dir();
    let flv = dir.join("in.flv");
    let out = run(
        "ffmpeg",
        &[
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=320x240:rate=25",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:sample_rate=44100",
            "-t",
            "4",
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-g",
            "25",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-f",
            "flv",
            flv.to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "ffmpeg could not encode the test FLV: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let flv_bytes = std::fs::read(&flv).unwrap();

    let mut segmenter = Segmenter::new(1, 3, "live.m3u8");
    segmenter.set_clock_ms(1_700_000_000_000);
    let mut segments: Vec<Segment> = Vec::new();
    let (mut video_tags, mut audio_tags) = (0, 0);
    for (kind, ts, body) in flv_tags(&flv_bytes) {
        match kind {
            9 => {
                // AVC NAL unit packets (not the sequence header or end of sequence).
                if body.get(1) == Some(&1) {
                    video_tags += 1;
                }
                segments.extend(segmenter.push_video(ts, body).unwrap());
            }
            8 => {
                audio_tags += 1;
                segments.extend(segmenter.push_audio(ts, body).unwrap());
            }
            _ => {}
        }
    }
    segments.extend(segmenter.finish());
    // 100 frames at 25 fps.
    assert_eq!(video_tags, 100);
    assert!(audio_tags > 150, "{audio_tags} audio tags");
    assert_eq!(segments.len(), 4, "one segment per 1 s GOP");
    let total: f64 = segments.iter().map(|s| s.duration).sum();
    assert!((4.0..4.2).contains(&total), "total duration {total}");

    let mut all = Vec::new();
    for seg in &segments {
        std::fs::write(dir.join(&seg.name), &seg.bytes).unwrap();
        all.extend_from_slice(&seg.bytes);
    }
    let playlist = segmenter.live_playlist();
    assert!(playlist.contains("#EXT-X-MEDIA-SEQUENCE:1\n"), "{playlist}");
    std::fs::write(dir.join(segmenter.playlist_name()), &playlist).unwrap();

    let first = dir.join(&segments[0].name);
    assert_h264_320x240_and_aac(&show_streams(&first), "first segment");
    assert_h264_320x240_and_aac(&show_streams(&dir.join("live.m3u8")), "live playlist");

    // Every segment decodes on its own, without a single complaint.
    for seg in &segments {
        let path = dir.join(&seg.name);
        let out = run(
            "ffmpeg",
            &[
                "-v",
                "error",
                "-i",
                path.to_str().unwrap(),
                "-f",
                "null",
                "-",
            ],
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && stderr.trim().is_empty(),
            "ffmpeg decoding {}: {stderr}",
            seg.name
        );
    }

    // The segments joined are one clean stream holding every video frame.
    let joined = dir.join("all.ts");
    std::fs::write(&joined, &all).unwrap();
    let out = run(
        "ffprobe",
        &[
            "-v",
            "error",
            "-select_streams",
            "v:0",
            "-count_frames",
            "-show_entries",
            "stream=nb_read_frames",
            "-of",
            "default=nw=1:nk=1",
            joined.to_str().unwrap(),
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && stderr.trim().is_empty(), "{stderr}");
    // ffprobe prints the stream once under its program and once on its own.
    let counts = String::from_utf8_lossy(&out.stdout);
    assert!(
        counts.lines().all(|l| l.trim() == "100") && !counts.trim().is_empty(),
        "frames read: {counts}"
    );
    let out = run(
        "ffmpeg",
        &[
            "-v",
            "error",
            "-err_detect",
            "explode",
            "-i",
            joined.to_str().unwrap(),
            "-f",
            "null",
            "-",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && stderr.trim().is_empty(), "{stderr}");

    let _ = std::fs::remove_dir_all(&dir);
}
