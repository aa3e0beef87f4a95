use super::*;
use mpeg2ts::ts::{ReadTsPacket, TsPacketReader, TsPayload};

const X264_320X240_25: &str =
    "0164000dffe100196764000dacd94141fb011000000300100000030320f142996001000668ebe3cb22c0fdf8f800";

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn video_config() -> Vec<u8> {
    let mut tag = vec![0x17, 0, 0, 0, 0];
    tag.extend(hex(X264_320X240_25));
    tag
}

/// A video tag holding one NAL unit of `size` bytes (an IDR slice for keyframes).
fn video_frame(key: bool, cts: i32, size: usize) -> Vec<u8> {
    let c = cts.to_be_bytes();
    let mut tag = vec![if key { 0x17 } else { 0x27 }, 1, c[1], c[2], c[3]];
    tag.extend_from_slice(&(size as u32).to_be_bytes());
    tag.push(if key { 0x65 } else { 0x41 });
    tag.resize(tag.len() + size - 1, 0x5a);
    tag
}

const AUDIO_CONFIG: [u8; 4] = [0xaf, 0, 0x12, 0x10]; // AAC LC, 44.1 kHz, stereo

fn audio_frame(size: usize) -> Vec<u8> {
    let mut tag = vec![0xaf, 1];
    tag.resize(2 + size, 0x21);
    tag
}

/// Pushes video at 25 fps with a keyframe every `gop` frames, for `frames` frames.
fn push_video_stream(s: &mut Segmenter, frames: u32, gop: u32) -> Vec<Segment> {
    let mut out = s.push_video(0, &video_config()).unwrap();
    for i in 0..frames {
        out.extend(
            s.push_video(i * 40, &video_frame(i % gop == 0, 80, 300))
                .unwrap(),
        );
    }
    out
}

#[test]
fn cuts_at_keyframes_once_frag_duration_has_passed() {
    // Keyframes every 1 s, FragDuration 2: cut every 2 s.
    let mut s = Segmenter::new(2, 5, "playlist.m3u8");
    let segs = push_video_stream(&mut s, 250, 25);
    let starts: Vec<i64> = segs.iter().map(|g| g.start_ms).collect();
    assert_eq!(starts, [0, 2000, 4000, 6000]);
    assert!(segs.iter().all(|g| g.duration == 2.0));
    let last = s.finish().unwrap();
    assert_eq!(last.start_ms, 8000);
    // Frames 8000..=9960, plus one mean frame interval.
    assert_eq!(last.duration, 2.0);
    assert!(s.finish().is_none());

    // Keyframes every 1.5 s: the first keyframe at or after 2 s since the start is at 3 s.
    let mut s = Segmenter::new(2, 5, "playlist.m3u8");
    let segs = push_video_stream(&mut s, 250, 38); // 1.52 s GOP
    let starts: Vec<i64> = segs.iter().map(|g| g.start_ms).collect();
    assert_eq!(starts, [0, 3040, 6080]);
    assert_eq!(segs[0].duration, 3.04);
}

#[test]
fn forced_cut_without_keyframes() {
    // FragDuration 2: forced at 60 s. Only the first frame is a keyframe.
    let mut s = Segmenter::new(2, 5, "p.m3u8");
    let segs = push_video_stream(&mut s, 3100, 100_000);
    let starts: Vec<i64> = segs.iter().map(|g| g.start_ms).collect();
    assert_eq!(starts, [0, 60_000]);
    assert_eq!(segs[0].duration, 60.0);

    // FragDuration 40: forced at 80 s.
    let mut s = Segmenter::new(40, 5, "p.m3u8");
    let segs = push_video_stream(&mut s, 4100, 100_000);
    let starts: Vec<i64> = segs.iter().map(|g| g.start_ms).collect();
    assert_eq!(starts, [0, 80_000]);
}

#[test]
fn forced_cut_at_the_size_cap() {
    let mut s = Segmenter::new(100, 5, "p.m3u8");
    s.push_video(0, &video_config()).unwrap();
    let mut segs = Vec::new();
    let frame = video_frame(false, 0, 4 << 20);
    for i in 0..20 {
        segs.extend(s.push_video(i * 40, &frame).unwrap());
    }
    assert_eq!(segs.len(), 1);
    assert!(segs[0].bytes.len() <= MAX_SEGMENT_BYTES);
    assert!(segs[0].bytes.len() > MAX_SEGMENT_BYTES - (5 << 20));
    assert_eq!(segs[0].start_ms, 0);
}

#[test]
fn audio_only_streams_cut_on_any_frame() {
    let mut s = Segmenter::new(1, 3, "p.m3u8");
    s.push_audio(0, &AUDIO_CONFIG).unwrap();
    let mut segs = Vec::new();
    for i in 0..100u32 {
        // 1024 samples at 44.1 kHz ≈ 23.2 ms.
        segs.extend(
            s.push_audio(i * 1024 * 1000 / 44100, &audio_frame(200))
                .unwrap(),
        );
    }
    assert_eq!(segs.len(), 2);
    assert_eq!(segs[0].start_ms, 0);
    assert!((1000..1030).contains(&segs[1].start_ms));
    assert!(s.video_stat().is_none());
    let a = s.audio_stat().unwrap();
    assert_eq!((a.sample_rate, a.codec.as_str()), (44100, "AAC"));
    // 202-byte tags every ~23.2 ms: ~8,700 B/s.
    assert!((8_500..8_900).contains(&a.bandwidth), "{}", a.bandwidth);
}

#[test]
fn audio_does_not_cut_a_video_stream() {
    let mut s = Segmenter::new(1, 3, "p.m3u8");
    s.push_video(0, &video_config()).unwrap();
    s.push_audio(0, &AUDIO_CONFIG).unwrap();
    s.push_video(0, &video_frame(true, 0, 100)).unwrap();
    for i in 1..100 {
        assert!(s.push_audio(i * 23, &audio_frame(100)).unwrap().is_empty());
    }
    let segs = s.push_video(2300, &video_frame(true, 0, 100)).unwrap();
    assert_eq!(segs.len(), 1);
    assert_eq!(segs[0].duration, 2.3);
}

#[test]
fn live_playlist_is_a_sliding_window() {
    let mut s = Segmenter::new(2, 3, "p.m3u8");
    assert_eq!(
        s.live_playlist(),
        "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-TARGETDURATION:2\n"
    );
    s.set_clock_ms(1_700_000_000_000);
    let segs = push_video_stream(&mut s, 250, 50);
    assert_eq!(segs.len(), 4);
    // One clock reading for all: names stay unique, 1 ms apart.
    let names: Vec<&str> = segs.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "1700000000000.ts",
            "1700000000001.ts",
            "1700000000002.ts",
            "1700000000003.ts"
        ]
    );
    assert_eq!(
        s.live_playlist(),
        "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-MEDIA-SEQUENCE:1\n#EXT-X-TARGETDURATION:2\n\
         #EXTINF:2.000,\n1700000000001.ts\n#EXTINF:2.000,\n1700000000002.ts\n\
         #EXTINF:2.000,\n1700000000003.ts\n"
    );
    s.set_clock_ms(1_700_000_009_000);
    let last = s.finish().unwrap();
    assert_eq!(last.name, "1700000000004.ts"); // opened before the clock moved
    assert_eq!(
        last.fragment().start_time,
        SystemTime::UNIX_EPOCH + Duration::from_millis(1_700_000_000_004)
    );
    let pl = s.live_playlist();
    assert!(pl.contains("#EXT-X-MEDIA-SEQUENCE:2\n"));
    assert!(pl.ends_with("#EXTINF:2.000,\n1700000000004.ts\n"));
    assert!(!pl.contains("ENDLIST"));

    // A long (forced) segment raises the target duration.
    let mut s = Segmenter::new(2, 3, "p.m3u8");
    push_video_stream(&mut s, 1600, 1_000_000);
    s.finish().unwrap();
    assert!(s.live_playlist().contains("#EXT-X-TARGETDURATION:60\n"));
    assert_eq!(s.playlist_name(), "p.m3u8");
}

#[test]
fn names_without_a_clock_follow_media_time() {
    let mut s = Segmenter::new(2, 3, "p.m3u8");
    let segs = push_video_stream(&mut s, 120, 50);
    let names: Vec<&str> = segs.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["0.ts", "2000.ts"]);
}

#[test]
fn stream_info_from_the_sps_and_timestamps() {
    let mut s = Segmenter::new(2, 3, "p.m3u8");
    assert!(s.video_stat().is_none() && s.audio_stat().is_none());
    push_video_stream(&mut s, 250, 50);
    let v = s.video_stat().unwrap();
    assert_eq!(
        (v.width, v.height, v.frame_rate, v.codec.as_str()),
        (320, 240, 25, "H264")
    );
    // 309-byte tags, 25 a second.
    assert_eq!(v.bandwidth, 309 * 25);

    // An SPS without VUI timing: the frame rate is measured (30 fps here).
    let mut sps = vec![0x67, 66, 0, 30];
    sps.extend([0b1101_1010, 0b0000_1011, 0b0001_0011, 0b1001_0000]);
    let mut config = vec![
        0x17,
        0,
        0,
        0,
        0,
        1,
        66,
        0,
        30,
        0xff,
        0xe1,
        0,
        sps.len() as u8,
    ];
    config.extend(&sps);
    config.extend([1, 0, 2, 0x68, 0xce]);
    let mut s = Segmenter::new(2, 3, "p.m3u8");
    s.push_video(0, &config).unwrap();
    for i in 0..90u32 {
        s.push_video(i * 100 / 3, &video_frame(i % 30 == 0, 0, 50))
            .unwrap();
    }
    let v = s.video_stat().unwrap();
    assert_eq!((v.width, v.height, v.frame_rate), (176, 144, 30));
}

#[test]
fn segments_are_valid_ts() {
    let mut s = Segmenter::new(1, 3, "p.m3u8");
    s.push_video(0, &video_config()).unwrap();
    s.push_audio(0, &AUDIO_CONFIG).unwrap();
    let mut segs = Vec::new();
    for i in 0..60u32 {
        segs.extend(
            s.push_video(i * 40, &video_frame(i % 25 == 0, 80, 3000))
                .unwrap(),
        );
        segs.extend(s.push_audio(i * 40 + 5, &audio_frame(300)).unwrap());
    }
    segs.extend(s.finish());
    assert_eq!(segs.len(), 3);
    for seg in &segs {
        assert_eq!(seg.bytes.len() % 188, 0);
        let mut r = TsPacketReader::new(&seg.bytes[..]);
        let mut kinds = Vec::new();
        let mut video_pes = 0;
        while let Some(p) = r.read_ts_packet().unwrap() {
            match p.payload {
                Some(TsPayload::Pat(_)) => kinds.push("pat"),
                Some(TsPayload::Pmt(t)) => {
                    kinds.push("pmt");
                    assert_eq!(t.es_info.len(), 2);
                }
                Some(TsPayload::PesStart(pes)) if p.header.pid.as_u16() == ts::PID_VIDEO => {
                    video_pes += 1;
                    if video_pes == 1 {
                        // Each segment starts on a keyframe: AUD, then SPS.
                        assert_eq!(&pes.data[..6], &[0, 0, 0, 1, 0x09, 0xf0]);
                        assert_eq!(pes.data[10] & 0x1f, 7);
                        assert!(p.adaptation_field.unwrap().random_access_indicator);
                    }
                }
                _ => {}
            }
        }
        assert_eq!(kinds, ["pat", "pmt"]);
        assert!(video_pes == 25 || video_pes == 10, "{video_pes}");
    }
}

#[test]
fn a_stream_that_appears_mid_segment_gets_a_new_pmt() {
    let mut s = Segmenter::new(2, 3, "p.m3u8");
    s.push_video(0, &video_config()).unwrap();
    s.push_video(0, &video_frame(true, 0, 100)).unwrap();
    s.push_audio(10, &AUDIO_CONFIG).unwrap();
    s.push_audio(10, &audio_frame(100)).unwrap();
    let seg = s.finish().unwrap();
    let mut r = TsPacketReader::new(&seg.bytes[..]);
    let mut pmts = Vec::new();
    while let Some(p) = r.read_ts_packet().unwrap() {
        if let Some(TsPayload::Pmt(t)) = p.payload {
            pmts.push((t.version_number.as_u8(), t.es_info.len()));
        }
    }
    assert_eq!(pmts, [(0, 1), (1, 2)]);
}

#[test]
fn other_codecs_are_dropped() {
    let mut s = Segmenter::new(2, 3, "p.m3u8");
    // MP3 audio, Sorenson H.263 video, a video command frame.
    assert!(s.push_audio(0, &[0x2f, 0xff, 0xfb]).unwrap().is_empty());
    assert!(s.push_video(0, &[0x12, 0, 0]).unwrap().is_empty());
    assert!(s.push_video(0, &[0x57, 0]).unwrap().is_empty());
    assert!(s.finish().is_none());
    assert!(s.audio_stat().is_none() && s.video_stat().is_none());
}

#[test]
fn malformed_tags_are_errors_and_change_nothing() {
    let mut s = Segmenter::new(2, 3, "p.m3u8");
    assert!(matches!(
        s.push_video(0, &video_frame(true, 0, 10)),
        Err(HlsError::MissingConfig(_))
    ));
    assert!(matches!(
        s.push_audio(0, &audio_frame(10)),
        Err(HlsError::MissingConfig(_))
    ));
    assert!(s.push_video(0, &[]).is_err());
    assert!(s.push_audio(0, &[]).is_err());
    assert!(s.push_video(0, &[0x17, 1, 0]).is_err());
    assert!(s.push_audio(0, &[0xaf]).is_err());
    assert!(s.push_video(0, &[0x17, 0, 0, 0, 0, 1, 2]).is_err());
    assert!(s.push_video(0, &[0x17, 9, 0, 0, 0]).is_err());
    s.push_video(0, &video_config()).unwrap();
    // A NALU length beyond the tag.
    let mut bad = video_frame(true, 0, 10);
    bad.truncate(12);
    let err = s.push_video(0, &bad).unwrap_err();
    assert!(err.to_string().contains("malformed"), "{err}");
    assert!(s.finish().is_none());

    // Random bytes and truncations never panic.
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let samples = [
        video_config(),
        video_frame(true, -40, 50),
        AUDIO_CONFIG.to_vec(),
        audio_frame(20),
    ];
    for round in 0..20_000u32 {
        let mut tag = samples[round as usize % samples.len()].clone();
        let flips = next() % 4;
        for _ in 0..flips {
            let at = (next() as usize) % tag.len();
            tag[at] = next() as u8;
        }
        tag.truncate((next() as usize) % (tag.len() + 1));
        let ts = (next() % 100_000) as u32;
        if round % 2 == 0 {
            let _ = s.push_video(ts, &tag);
        } else {
            let _ = s.push_audio(ts, &tag);
        }
    }
    let _ = s.finish();
    let _ = s.live_playlist();
}
