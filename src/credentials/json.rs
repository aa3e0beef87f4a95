//! A small JSON reader for the three documents credentials come in: the Alibaba Cloud
//! CLI's `config.json`, and the answers of the ECS metadata service and of a credentials
//! URI. Reading only, with a depth limit; a serde dependency would cost every user of the
//! library more than these few lines.
//!
//! Errors give a reason and a byte offset, never the text around it: the documents hold
//! secrets. String values are wiped from memory when dropped.

use super::access_key::wipe;

/// Nesting deeper than this is refused: no credentials document comes near it, and the
/// reader recurses.
const MAX_DEPTH: usize = 64;

/// A JSON value.
#[derive(Debug)]
pub(crate) enum Json {
    /// A number, `true`, `false` or `null`: checked, but nothing here reads them.
    Scalar,
    String(String),
    Array(Vec<Json>),
    /// Members in document order; [`Json::get`] takes the last of duplicates, as Go's
    /// `encoding/json` does.
    Object(Vec<(String, Json)>),
}

impl Drop for Json {
    fn drop(&mut self) {
        if let Json::String(s) = self {
            wipe(s);
        }
    }
}

impl Json {
    /// The member `key` of an object.
    pub(crate) fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(members) => members.iter().rev().find(|(k, _)| k == key).map(|m| &m.1),
            _ => None,
        }
    }

    /// The text of a string.
    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    /// The elements of an array.
    pub(crate) fn as_array(&self) -> Option<&[Json]> {
        match self {
            Json::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The string member `key` of an object, when it is a non-empty string.
    pub(crate) fn str_field(&self, key: &str) -> Option<&str> {
        self.get(key)
            .and_then(Json::as_str)
            .filter(|s| !s.is_empty())
    }
}

/// Parses a whole document: one value, with nothing but whitespace around it.
pub(crate) fn parse(text: &str) -> Result<Json, String> {
    let mut reader = Reader {
        bytes: text.as_bytes(),
        pos: 0,
    };
    // A byte order mark is not JSON, but editors on Windows write one.
    if reader.bytes.starts_with("\u{feff}".as_bytes()) {
        reader.pos = 3;
    }
    let value = reader.value(0)?;
    reader.skip_whitespace();
    if reader.pos != reader.bytes.len() {
        return Err(reader.error("text after the JSON value"));
    }
    Ok(value)
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn error(&self, what: &str) -> String {
        format!("{what} at byte {}", self.pos)
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    /// Consumes `b` after any whitespace, or fails saying it was `expected`.
    fn expect(&mut self, b: u8, expected: &str) -> Result<(), String> {
        self.skip_whitespace();
        if self.peek() == Some(b) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(&format!("expected {expected}")))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, String> {
        if depth > MAX_DEPTH {
            return Err(self.error("nesting too deep"));
        }
        self.skip_whitespace();
        match self.peek() {
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => self.string().map(Json::String),
            Some(b't') => self.literal("true"),
            Some(b'f') => self.literal("false"),
            Some(b'n') => self.literal("null"),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.error("expected a value")),
            None => Err(self.error("the document ends before a value")),
        }
    }

    fn literal(&mut self, word: &str) -> Result<Json, String> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(Json::Scalar)
        } else {
            Err(self.error("expected a value"))
        }
    }

    fn object(&mut self, depth: usize) -> Result<Json, String> {
        self.pos += 1;
        let mut members = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Json::Object(members));
        }
        loop {
            self.skip_whitespace();
            if self.peek() != Some(b'"') {
                return Err(self.error("expected a member name"));
            }
            let key = self.string()?;
            self.expect(b':', "':'")?;
            members.push((key, self.value(depth + 1)?));
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Json::Object(members));
                }
                _ => return Err(self.error("expected ',' or '}'")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Json, String> {
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Json::Array(items));
        }
        loop {
            items.push(self.value(depth + 1)?);
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Json::Array(items));
                }
                _ => return Err(self.error("expected ',' or ']'")),
            }
        }
    }

    fn number(&mut self) -> Result<Json, String> {
        let digits = |r: &mut Reader<'_>| {
            let from = r.pos;
            while matches!(r.peek(), Some(b'0'..=b'9')) {
                r.pos += 1;
            }
            r.pos > from
        };
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        if self.peek() == Some(b'0') {
            self.pos += 1;
        } else if !digits(self) {
            return Err(self.error("expected a digit"));
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !digits(self) {
                return Err(self.error("expected a digit after '.'"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !digits(self) {
                return Err(self.error("expected a digit in the exponent"));
            }
        }
        Ok(Json::Scalar)
    }

    /// A string literal, the reader on its opening quote.
    fn string(&mut self) -> Result<String, String> {
        self.pos += 1;
        let mut out = Vec::new();
        loop {
            let Some(b) = self.peek() else {
                wipe_bytes(&mut out);
                return Err(self.error("unterminated string"));
            };
            self.pos += 1;
            match b {
                b'"' => break,
                b'\\' => {
                    if let Err(e) = self.escape(&mut out) {
                        wipe_bytes(&mut out);
                        return Err(e);
                    }
                }
                0x00..=0x1f => {
                    wipe_bytes(&mut out);
                    return Err(self.error("control character in a string"));
                }
                _ => out.push(b),
            }
        }
        // The input is a &str and escapes are encoded as UTF-8, so this cannot fail.
        String::from_utf8(out).map_err(|e| {
            let mut bytes = e.into_bytes();
            wipe_bytes(&mut bytes);
            self.error("invalid UTF-8 in a string")
        })
    }

    /// One escape sequence, the reader after its backslash.
    fn escape(&mut self, out: &mut Vec<u8>) -> Result<(), String> {
        let Some(b) = self.peek() else {
            return Err(self.error("unterminated string"));
        };
        self.pos += 1;
        let simple = match b {
            b'"' => b'"',
            b'\\' => b'\\',
            b'/' => b'/',
            b'b' => 0x08,
            b'f' => 0x0c,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'u' => {
                let first = self.hex4()?;
                let code = if (0xd800..0xdc00).contains(&first) {
                    // A high surrogate must be followed by an escaped low one.
                    if !self.bytes[self.pos..].starts_with(b"\\u") {
                        return Err(self.error("unpaired surrogate in a string"));
                    }
                    self.pos += 2;
                    let second = self.hex4()?;
                    if !(0xdc00..0xe000).contains(&second) {
                        return Err(self.error("unpaired surrogate in a string"));
                    }
                    0x10000 + ((first - 0xd800) << 10) + (second - 0xdc00)
                } else {
                    first
                };
                let c = char::from_u32(code)
                    .ok_or_else(|| self.error("unpaired surrogate in a string"))?;
                let mut buf = [0; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                return Ok(());
            }
            _ => return Err(self.error("invalid escape in a string")),
        };
        out.push(simple);
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let digits = self
            .bytes
            .get(self.pos..self.pos + 4)
            .and_then(|d| std::str::from_utf8(d).ok())
            .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| self.error("invalid \\u escape"))?;
        self.pos += 4;
        u32::from_str_radix(digits, 16).map_err(|_| self.error("invalid \\u escape"))
    }
}

fn wipe_bytes(bytes: &mut [u8]) {
    crate::signing::wipe(bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_credentials_documents_hold() {
        let doc = parse(
            r#"{"current": "p", "profiles": [ {"name": "p", "n": -1.5e3,
              "ok": true, "no": false, "x": null,
              "esc": "a\"\\\/\n\u00e9\ud83d\ude00"} ],
              "current": "q" }"#,
        )
        .unwrap();
        assert_eq!(
            doc.str_field("current"),
            Some("q"),
            "the last duplicate wins"
        );
        let profile = &doc.get("profiles").and_then(Json::as_array).unwrap()[0];
        assert_eq!(profile.str_field("name"), Some("p"));
        for scalar in ["n", "ok", "no", "x"] {
            assert!(
                matches!(profile.get(scalar), Some(Json::Scalar)),
                "{scalar}"
            );
        }
        assert_eq!(profile.str_field("esc"), Some("a\"\\/\né😀"));
        assert_eq!(profile.str_field("missing"), None);
        assert!(parse("[]").unwrap().as_array().unwrap().is_empty());
        assert!(parse(" {} ").unwrap().get("a").is_none());
        // A byte order mark is skipped.
        assert!(parse("\u{feff}[]").is_ok());
    }

    #[test]
    fn refuses_what_is_not_json_without_quoting_it() {
        for bad in [
            "",
            "{",
            "{\"a\" 1}",
            "{\"a\": 1,}",
            "[1 2]",
            "{\"SecretValue\": \"x",
            "\"\\q\"",
            "\"\\ud800\"",
            "\"\\u12\"",
            "01",
            "-",
            "1.",
            "1e",
            "tru",
            "{} x",
            "\"a\nb\"",
            "{a: 1}",
        ] {
            let err = parse(bad).unwrap_err();
            assert!(err.contains("at byte"), "{bad:?}: {err}");
            assert!(!err.contains("SecretValue"), "{err}");
        }
        let deep = "[".repeat(MAX_DEPTH + 2);
        assert!(parse(&deep).unwrap_err().contains("too deep"));
        let fine = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&fine).is_ok());
    }
}
