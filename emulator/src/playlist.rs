//! VOD playlists (GetVodPlaylist / PostVodPlaylist): choosing fragments by time and writing
//! the m3u8 text in the shape of OSS's documented example.

use std::fmt::Write as _;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::model::Fragment;

/// The m3u8 of a finished recording, listing `fragments` in the order given.
///
/// `#EXT-X-TARGETDURATION` is the longest duration rounded to the nearest integer. RFC 8216
/// only requires every rounded EXTINF to be at most the target, and rounding (not ceiling)
/// is what OSS does: its GetVodPlaylist example lists a 13.320 s fragment under
/// `#EXT-X-TARGETDURATION:13`.
pub fn vod_m3u8(fragments: &[&Fragment]) -> String {
    let longest = fragments.iter().map(|f| f.duration).fold(0.0_f64, f64::max);
    let target = if longest.is_finite() {
        longest.round() as u64
    } else {
        0
    };
    let mut out = String::from("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-MEDIA-SEQUENCE:0\n");
    let _ = writeln!(out, "#EXT-X-TARGETDURATION:{target}");
    for f in fragments {
        let _ = write!(out, "#EXTINF:{:.3},\n{}\n", f.duration, f.name);
    }
    out.push_str("#EXT-X-ENDLIST\n");
    out
}

/// Milliseconds since the Unix epoch, negative before it; i128 so no instant overflows.
fn unix_millis(t: SystemTime) -> i128 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_millis() as i128,
        Err(e) => -(e.duration().as_millis() as i128),
    }
}

/// The fragments whose start lies in `[start_unix, end_unix]` seconds, both ends included.
///
/// OSS selects on a fragment's start time only (PostVodPlaylist docs), so a fragment that
/// starts inside the range is kept even if it ends after it. Comparison is at millisecond
/// precision: a fragment starting at `end_unix` + 1 ms is out.
pub fn fragments_in_range(
    fragments: &[Fragment],
    start_unix: i64,
    end_unix: i64,
) -> Vec<&Fragment> {
    let lo = i128::from(start_unix) * 1000;
    let hi = i128::from(end_unix) * 1000;
    fragments
        .iter()
        .filter(|f| {
            let ms = unix_millis(f.start_time);
            lo <= ms && ms <= hi
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn frag(start_ms: u64, duration: f64, name: &str) -> Fragment {
        Fragment {
            start_time: UNIX_EPOCH + Duration::from_millis(start_ms),
            duration,
            name: name.into(),
        }
    }

    #[test]
    fn reproduces_the_oss_example() {
        let durations = [7.12, 5.84, 6.4, 5.52, 5.24, 13.32, 5.96, 6.52];
        let names = [
            "1543895706266.ts",
            "1543895706323.ts",
            "1543895706356.ts",
            "1543895706389.ts",
            "1543895706428.ts",
            "1543895706468.ts",
            "1543895706538.ts",
            "1543895706561.ts",
        ];
        let frags: Vec<Fragment> = durations
            .iter()
            .zip(names)
            .map(|(d, n)| frag(0, *d, n))
            .collect();
        let refs: Vec<&Fragment> = frags.iter().collect();
        assert_eq!(
            vod_m3u8(&refs),
            "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-TARGETDURATION:13\n\
             #EXTINF:7.120,\n1543895706266.ts\n#EXTINF:5.840,\n1543895706323.ts\n\
             #EXTINF:6.400,\n1543895706356.ts\n#EXTINF:5.520,\n1543895706389.ts\n\
             #EXTINF:5.240,\n1543895706428.ts\n#EXTINF:13.320,\n1543895706468.ts\n\
             #EXTINF:5.960,\n1543895706538.ts\n#EXTINF:6.520,\n1543895706561.ts\n#EXT-X-ENDLIST\n"
        );
    }

    #[test]
    fn target_duration_rounds_to_nearest() {
        let cases = [(5.0, 5), (5.49, 5), (5.5, 6), (4.9994, 5), (0.2, 0)];
        for (d, target) in cases {
            let f = frag(0, d, "a.ts");
            assert!(
                vod_m3u8(&[&f]).contains(&format!("#EXT-X-TARGETDURATION:{target}\n")),
                "{d}"
            );
        }
        assert_eq!(
            vod_m3u8(&[]),
            "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-TARGETDURATION:0\n#EXT-X-ENDLIST\n"
        );
    }

    #[test]
    fn range_is_inclusive_at_millisecond_precision() {
        let frags = vec![
            frag(999_999, 5.0, "before.ts"),
            frag(1_000_000, 5.0, "at-start.ts"),
            frag(1_500_500, 5.0, "inside.ts"),
            frag(2_000_000, 5.0, "at-end.ts"),
            frag(2_000_001, 5.0, "after.ts"),
        ];
        let names: Vec<&str> = fragments_in_range(&frags, 1000, 2000)
            .iter()
            .map(|f| f.name.as_str())
            .collect();
        assert_eq!(names, ["at-start.ts", "inside.ts", "at-end.ts"]);
        assert!(fragments_in_range(&frags, 3000, 4000).is_empty());
        assert!(fragments_in_range(&[], 0, 10).is_empty());
        // Extreme bounds do not overflow.
        assert_eq!(fragments_in_range(&frags, i64::MIN, i64::MAX).len(), 5);
        let early = vec![Fragment {
            start_time: UNIX_EPOCH - Duration::from_millis(1500),
            duration: 1.0,
            name: "old.ts".into(),
        }];
        assert_eq!(fragments_in_range(&early, -2, 0).len(), 1);
        assert!(fragments_in_range(&early, -1, 0).is_empty());
    }
}
