//! A bounded look at an AMF0 payload before anything decodes it.
//!
//! `rml_amf0` (under `rml_rtmp`) decodes AMF0 recursively with no bound on depth or on the
//! number of values: one command message of strict arrays nested 10,000 deep overflows
//! the connection thread's stack, which aborts the whole process (a stack overflow is not
//! a panic and cannot be caught), and a 16 MB message of one-byte values becomes hundreds
//! of megabytes of `Amf0Value`s. [`scan`] walks the same grammar iteratively, allocating
//! nothing but a stack of small frames, and refuses a payload that nests deeper or holds
//! more values than allowed before the payload is handed to the decoder.
//!
//! It follows `rml_amf0` 0.3's reading of the format exactly where that decides what the
//! decoder would see (a top-level or in-array `0x09` marker ends the list; a strict array
//! may end before its count), and is stricter where the decoder is lenient (a value cut
//! short by the end of the payload is refused here, whereas the decoder pads a short
//! string with zero bytes). So whatever passes the scan decodes into at most the values
//! it counted, at most as deep. The same bounds would fit `rml_amf0::deserialize` itself
//! (a depth counter threaded through its recursion and a value budget); until it has
//! them upstream, this scan stands in front of it.

use std::fmt;

/// Marker of an AMF0 number (8 bytes).
const NUMBER: u8 = 0x00;
/// Marker of a boolean (1 byte).
const BOOLEAN: u8 = 0x01;
/// Marker of a string (u16 length, then bytes).
const STRING: u8 = 0x02;
/// Marker of an object (properties up to an empty name and [`OBJECT_END`]).
const OBJECT: u8 = 0x03;
/// Marker of null.
const NULL: u8 = 0x05;
/// Marker of undefined.
const UNDEFINED: u8 = 0x06;
/// Marker of an ECMA array (u32 count, then read as an object).
const ECMA_ARRAY: u8 = 0x08;
/// The object-end marker; where a value is expected it ends the list being read.
const OBJECT_END: u8 = 0x09;
/// Marker of a strict array (u32 count, then that many values).
const STRICT_ARRAY: u8 = 0x0a;

/// How much an AMF0 payload may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Amf0Bounds {
    /// Deepest nesting of objects and arrays (a payload of plain values has depth 0).
    pub max_depth: usize,
    /// Most values in the payload, nested ones and object properties included.
    pub max_values: usize,
}

/// What a payload that passed [`scan`] holds at its top level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Amf0Summary {
    /// Number of top-level values the decoder will return.
    pub top_level_values: usize,
    /// The first top-level value when it is a string (a command's name, `@setDataFrame`).
    pub first_string: Option<Vec<u8>>,
}

/// Why a payload was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Amf0Problem {
    /// Objects and arrays nest deeper than allowed.
    TooDeep {
        /// The allowed depth.
        limit: usize,
    },
    /// More values than allowed.
    TooManyValues {
        /// The allowed number.
        limit: usize,
    },
    /// A marker AMF0 does not define (or one the decoder does not read).
    UnknownMarker {
        /// The marker byte.
        marker: u8,
    },
    /// The payload ends inside a value.
    Truncated,
    /// An object property without a value, or an empty property name not followed by the
    /// object-end marker.
    MalformedObject,
}

impl fmt::Display for Amf0Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Amf0Problem::TooDeep { limit } => {
                write!(f, "AMF0 objects and arrays nest deeper than {limit}")
            }
            Amf0Problem::TooManyValues { limit } => {
                write!(f, "AMF0 payload holds more than {limit} values")
            }
            Amf0Problem::UnknownMarker { marker } => {
                write!(f, "AMF0 marker 0x{marker:02x} is not supported")
            }
            Amf0Problem::Truncated => f.write_str("AMF0 payload ends inside a value"),
            Amf0Problem::MalformedObject => f.write_str("AMF0 object is malformed"),
        }
    }
}

impl std::error::Error for Amf0Problem {}

/// An open container, innermost last.
enum Frame {
    /// An object or ECMA array: properties until an empty name.
    Object,
    /// A strict array with this many values still to come.
    Array { left: u32 },
}

/// What reading one value found.
enum Value {
    /// The end of the payload, or an object-end marker: the list being read is over.
    End,
    /// A number, boolean, null, undefined or string; `Some` with a string's bytes.
    Scalar(Option<std::ops::Range<usize>>),
    /// The start of an object or array.
    Open(Frame),
}

struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn take(&mut self, n: usize) -> Result<std::ops::Range<usize>, Amf0Problem> {
        let end = self.at.checked_add(n).ok_or(Amf0Problem::Truncated)?;
        if end > self.bytes.len() {
            return Err(Amf0Problem::Truncated);
        }
        let range = self.at..end;
        self.at = end;
        Ok(range)
    }

    fn u8(&mut self) -> Result<u8, Amf0Problem> {
        let range = self.take(1)?;
        Ok(self.bytes[range.start])
    }

    fn u16(&mut self) -> Result<u16, Amf0Problem> {
        let range = self.take(2)?;
        Ok(u16::from_be_bytes([
            self.bytes[range.start],
            self.bytes[range.start + 1],
        ]))
    }

    fn u32(&mut self) -> Result<u32, Amf0Problem> {
        let range = self.take(4)?;
        let mut word = [0u8; 4];
        word.copy_from_slice(&self.bytes[range]);
        Ok(u32::from_be_bytes(word))
    }

    /// One value, as `rml_amf0`'s `read_next_value` reads it.
    fn value(&mut self) -> Result<Value, Amf0Problem> {
        if self.at == self.bytes.len() {
            return Ok(Value::End);
        }
        let value = match self.u8()? {
            OBJECT_END => Value::End,
            NUMBER => {
                self.take(8)?;
                Value::Scalar(None)
            }
            BOOLEAN => {
                self.take(1)?;
                Value::Scalar(None)
            }
            STRING => {
                let len = self.u16()?;
                Value::Scalar(Some(self.take(usize::from(len))?))
            }
            NULL | UNDEFINED => Value::Scalar(None),
            OBJECT => Value::Open(Frame::Object),
            ECMA_ARRAY => {
                // The count is ignored: the decoder reads an ECMA array as an object.
                self.u32()?;
                Value::Open(Frame::Object)
            }
            STRICT_ARRAY => Value::Open(Frame::Array { left: self.u32()? }),
            marker => return Err(Amf0Problem::UnknownMarker { marker }),
        };
        Ok(value)
    }
}

/// Checks that `payload`, a sequence of AMF0 values, stays within `bounds`; says how many
/// top-level values it holds and the first one if it is a string.
pub fn scan(payload: &[u8], bounds: Amf0Bounds) -> Result<Amf0Summary, Amf0Problem> {
    let mut cursor = Cursor {
        bytes: payload,
        at: 0,
    };
    let mut stack: Vec<Frame> = Vec::new();
    let mut values = 0usize;
    let mut summary = Amf0Summary {
        top_level_values: 0,
        first_string: None,
    };
    loop {
        let value = match stack.last_mut() {
            None => match cursor.value()? {
                Value::End => return Ok(summary),
                value => {
                    if let (0, Value::Scalar(Some(range))) = (summary.top_level_values, &value) {
                        summary.first_string = Some(payload[range.clone()].to_vec());
                    }
                    summary.top_level_values += 1;
                    value
                }
            },
            Some(Frame::Object) => {
                let name_len = cursor.u16()?;
                if name_len == 0 {
                    if cursor.u8()? != OBJECT_END {
                        return Err(Amf0Problem::MalformedObject);
                    }
                    stack.pop();
                    continue;
                }
                cursor.take(usize::from(name_len))?;
                match cursor.value()? {
                    // The decoder fails on a property without a value.
                    Value::End => return Err(Amf0Problem::MalformedObject),
                    value => value,
                }
            }
            Some(Frame::Array { left }) => {
                if *left == 0 {
                    stack.pop();
                    continue;
                }
                *left -= 1;
                match cursor.value()? {
                    // The decoder ends an array early at the end marker or the payload's end.
                    Value::End => {
                        stack.pop();
                        continue;
                    }
                    value => value,
                }
            }
        };
        values += 1;
        if values > bounds.max_values {
            return Err(Amf0Problem::TooManyValues {
                limit: bounds.max_values,
            });
        }
        if let Value::Open(frame) = value {
            if stack.len() >= bounds.max_depth {
                return Err(Amf0Problem::TooDeep {
                    limit: bounds.max_depth,
                });
            }
            stack.push(frame);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rml_rtmp::rml_amf0::{self, Amf0Value};
    use std::collections::HashMap;

    const BOUNDS: Amf0Bounds = Amf0Bounds {
        max_depth: 4,
        max_values: 64,
    };

    fn encode(values: &[Amf0Value]) -> Vec<u8> {
        rml_amf0::serialize(&values.to_vec()).unwrap()
    }

    fn decoded_len(payload: &[u8]) -> Option<usize> {
        rml_amf0::deserialize(&mut std::io::Cursor::new(payload))
            .ok()
            .map(|v| v.len())
    }

    fn nested_arrays(depth: usize) -> Vec<u8> {
        let mut bytes = Vec::new();
        for _ in 0..depth {
            bytes.extend_from_slice(&[STRICT_ARRAY, 0, 0, 0, 1]);
        }
        bytes.push(NULL);
        bytes
    }

    #[test]
    fn a_connect_command_passes_with_its_top_level_shape() {
        let mut properties = HashMap::new();
        properties.insert("app".to_owned(), Amf0Value::Utf8String("live".into()));
        properties.insert(
            "tcUrl".to_owned(),
            Amf0Value::Utf8String("rtmp://h/live".into()),
        );
        let payload = encode(&[
            Amf0Value::Utf8String("connect".into()),
            Amf0Value::Number(1.0),
            Amf0Value::Object(properties),
            Amf0Value::Null,
            Amf0Value::Boolean(true),
            Amf0Value::Undefined,
        ]);
        let summary = scan(&payload, BOUNDS).unwrap();
        assert_eq!(summary.top_level_values, 6);
        assert_eq!(summary.first_string.as_deref(), Some(&b"connect"[..]));
        assert_eq!(decoded_len(&payload), Some(6));
    }

    #[test]
    fn depth_and_value_count_are_bounded() {
        assert!(scan(&nested_arrays(4), BOUNDS).is_ok());
        assert_eq!(
            scan(&nested_arrays(5), BOUNDS),
            Err(Amf0Problem::TooDeep { limit: 4 })
        );
        // The probe of issue 14: 10,000 levels, refused without recursion.
        assert_eq!(
            scan(&nested_arrays(10_000), BOUNDS),
            Err(Amf0Problem::TooDeep { limit: 4 })
        );
        let mut objects = vec![OBJECT; 1];
        for _ in 0..10_000 {
            objects.extend_from_slice(&[0, 1, b'k', OBJECT]);
        }
        assert_eq!(
            scan(&objects, BOUNDS),
            Err(Amf0Problem::TooDeep { limit: 4 })
        );
        let nulls = vec![NULL; 65];
        assert_eq!(
            scan(&nulls, BOUNDS),
            Err(Amf0Problem::TooManyValues { limit: 64 })
        );
        assert_eq!(scan(&nulls[..64], BOUNDS).unwrap().top_level_values, 64);
    }

    #[test]
    fn end_markers_end_lists_as_the_decoder_reads_them() {
        // A top-level end marker ends the payload: what follows is never decoded.
        let payload = [NULL, NULL, OBJECT_END, NULL, 0xff];
        assert_eq!(scan(&payload, BOUNDS).unwrap().top_level_values, 2);
        assert_eq!(decoded_len(&payload), Some(2));
        // A strict array may end before its count, at the end marker or the payload's end.
        let short_array = [STRICT_ARRAY, 0, 0, 0, 9, NULL, OBJECT_END, NULL];
        assert_eq!(scan(&short_array, BOUNDS).unwrap().top_level_values, 2);
        assert_eq!(decoded_len(&short_array), Some(2));
        let open_array = [STRICT_ARRAY, 0xff, 0xff, 0xff, 0xff, NULL];
        assert_eq!(scan(&open_array, BOUNDS).unwrap().top_level_values, 1);
        assert_eq!(decoded_len(&open_array), Some(1));
        // An ECMA array is read as an object, its count ignored.
        let ecma = [ECMA_ARRAY, 0, 0, 0, 7, 0, 1, b'a', NULL, 0, 0, OBJECT_END];
        assert_eq!(scan(&ecma, BOUNDS).unwrap().top_level_values, 1);
        assert_eq!(decoded_len(&ecma), Some(1));
    }

    #[test]
    fn malformed_payloads_are_refused() {
        for (payload, problem) in [
            (&[NUMBER, 0, 0][..], Amf0Problem::Truncated),
            (&[STRING, 0, 5, b'a'][..], Amf0Problem::Truncated),
            (&[0x11][..], Amf0Problem::UnknownMarker { marker: 0x11 }),
            (&[OBJECT, 0, 0, NULL][..], Amf0Problem::MalformedObject),
            (
                &[OBJECT, 0, 1, b'k', OBJECT_END][..],
                Amf0Problem::MalformedObject,
            ),
            (&[OBJECT, 0, 1, b'k'][..], Amf0Problem::MalformedObject),
            (&[OBJECT][..], Amf0Problem::Truncated),
        ] {
            assert_eq!(scan(payload, BOUNDS), Err(problem), "{payload:?}");
        }
    }
}
