//! Where an object lives under `objects/`: `BUCKET/CHANNEL/NAME`, each part made safe.
//!
//! Keys are any UTF-8 up to 1023 bytes, so they cannot be file names as they are: `..`,
//! a leading `/`, a NUL or a 1000-byte name would escape the directory or fail. Each part
//! is percent-encoded:
//!
//! - the bucket; the key's first part, up to its first `/` (the channel); and the rest of
//!   the key, its `/` encoded too, so that a playlist name holding a `/` cannot make a
//!   file and a directory of the same name;
//! - bytes `A-Z a-z 0-9 - _ .` are kept, every other byte is `%XX`; a `.` that would
//!   start a file name is `%2E`, so no name is `.`, `..` or hidden;
//! - an empty part is `%`; a part longer than [`MAX_NAME_BYTES`] is cut into directories,
//!   every piece but the last ending in `%`.
//!
//! The encoding is one-to-one (a `%` is always followed by two hex digits, or ends a
//! name), and a segment stays next to its playlist with its plain name (`1543895706266.ts`
//! beside `playlist.m3u8`), so the files play straight from the data directory.

use std::fmt::Write as _;
use std::path::PathBuf;

/// The longest file or directory name written, well under the 255 bytes of common file
/// systems.
pub const MAX_NAME_BYTES: usize = 200;

/// The path of object `key` of `bucket`, relative to the objects directory.
pub fn object_path(bucket: &str, key: &str) -> PathBuf {
    let mut path = PathBuf::new();
    push_name(&mut path, bucket);
    match key.split_once('/') {
        Some((channel, rest)) => {
            push_name(&mut path, channel);
            push_name(&mut path, rest);
        }
        None => push_name(&mut path, key),
    }
    path
}

/// Appends `name`, encoded, to `path`.
fn push_name(path: &mut PathBuf, name: &str) {
    if name.is_empty() {
        path.push("%");
        return;
    }
    let mut piece = String::new();
    for &b in name.as_bytes() {
        let mut unit = encode_byte(b, piece.is_empty());
        // One byte is left for the `%` that says the name goes on in the next piece.
        if piece.len() + unit.len() > MAX_NAME_BYTES - 1 {
            piece.push('%');
            path.push(&piece);
            piece.clear();
            unit = encode_byte(b, true);
        }
        piece.push_str(&unit);
    }
    path.push(piece);
}

fn encode_byte(b: u8, starts_name: bool) -> String {
    let plain = b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || (b == b'.' && !starts_name);
    if plain {
        char::from(b).to_string()
    } else {
        let mut s = String::with_capacity(3);
        let _ = write!(s, "%{b:02X}");
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Component;

    /// Decodes the names of one part: the bytes, and whether the part goes on.
    fn decode_name(name: &str) -> (Vec<u8>, bool) {
        if name == "%" {
            return (Vec::new(), false);
        }
        let b = name.as_bytes();
        let (mut out, mut i) = (Vec::new(), 0);
        while i < b.len() {
            if b[i] == b'%' {
                if i + 1 == b.len() {
                    return (out, true);
                }
                out.push(u8::from_str_radix(&name[i + 1..i + 3], 16).unwrap());
                i += 3;
            } else {
                out.push(b[i]);
                i += 1;
            }
        }
        (out, false)
    }

    /// The parts (bucket, channel, rest) a path was made from.
    fn parts(path: &std::path::Path) -> Vec<String> {
        let mut parts = Vec::new();
        let mut current = Vec::new();
        for c in path.components() {
            let Component::Normal(name) = c else {
                panic!("{path:?} has a {c:?} component");
            };
            let name = name.to_str().unwrap();
            assert!(name.len() <= MAX_NAME_BYTES, "{name}");
            assert!(!name.starts_with('.'), "{name}");
            let (bytes, more) = decode_name(name);
            current.extend(bytes);
            if !more {
                parts.push(String::from_utf8(std::mem::take(&mut current)).unwrap());
            }
        }
        assert!(current.is_empty());
        parts
    }

    #[test]
    fn plain_keys_stay_readable() {
        assert_eq!(
            object_path("examplebucket", "ch/1543895706266.ts"),
            PathBuf::from("examplebucket/ch/1543895706266.ts")
        );
        assert_eq!(
            object_path("b", "my channel/x+y.m3u8"),
            PathBuf::from("b/my%20channel/x%2By.m3u8")
        );
        assert_eq!(object_path("b", "ch/"), PathBuf::from("b/ch/%"));
        assert_eq!(object_path("b", "/x"), PathBuf::from("b/%/x"));
        assert_eq!(object_path("b", "ch"), PathBuf::from("b/ch"));
    }

    #[test]
    fn no_key_escapes_the_directory() {
        let long_dots = format!("{}..", "a".repeat(MAX_NAME_BYTES - 2));
        let keys = [
            "..",
            "../../etc/passwd",
            "ch/../../x",
            "ch/../..",
            "/etc/passwd",
            "ch//x",
            ".hidden/.m3u8",
            "ch/.",
            "c\u{0}h/\u{0}",
            "ch/a\\b",
            "%2E%2E/%",
            &long_dots,
            "C:\\x/y",
        ];
        for key in keys {
            let path = object_path("b", key);
            assert!(path.is_relative(), "{key:?}: {path:?}");
            // Every component is a plain name: no root, `.`, `..` or prefix.
            let got = parts(&path);
            let (channel, rest) = match key.split_once('/') {
                Some((c, r)) => (c.to_string(), Some(r.to_string())),
                None => (key.to_string(), None),
            };
            let mut want = vec!["b".to_string(), channel];
            want.extend(rest);
            assert_eq!(got, want, "{key:?}: {path:?}");
        }
    }

    #[test]
    fn long_and_odd_keys_are_one_to_one() {
        let mut keys = vec![String::new()];
        for len in [1, 66, 67, 198, 199, 200, 201, 400, 1023] {
            keys.push("x".repeat(len));
            keys.push(format!("{}/{}", "é".repeat(len / 2), "%".repeat(len)));
            keys.push(format!("ch/{}", ".".repeat(len)));
            keys.push(format!("{}%/a", "y".repeat(len)));
        }
        keys.extend(["a/b/c", "a%2Fb/c", "a/b%2Fc", "a/b%", "a%/b", "%/x"].map(String::from));
        let mut seen = std::collections::HashMap::new();
        for key in &keys {
            let path = object_path("bucket", key);
            if let Some(other) = seen.insert(path.clone(), key) {
                panic!("{key:?} and {other:?} both map to {path:?}");
            }
            let got = parts(&path);
            assert_eq!(got[0], "bucket");
            assert_eq!(got[1..].join("/"), *key, "{path:?}");
        }
    }
}
