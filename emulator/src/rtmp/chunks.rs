//! The RTMP chunk stream of a client, read into whole messages under a size bound.
//!
//! This reader stands in front of `rml_rtmp`'s `ChunkDeserializer`, which has two flaws
//! a client can reach: it keeps one buffer for the message being reassembled whatever its
//! chunk stream, so a chunk of a second stream arriving while a message is unfinished
//! underflows its arithmetic (a panic, or with overflow checks off a huge allocation that
//! aborts the process); and it takes any message length the header declares, up to 16 MB,
//! from anybody. Here each chunk stream has its own partial message, a message longer
//! than the caller's bound is refused when its header arrives (before any of it is
//! buffered), and all unfinished messages together stay within that bound too.
//!
//! The protocol control messages that shape the chunk stream itself (Set Chunk Size and
//! Abort) are applied here and not returned; every other message comes out whole, with
//! its absolute timestamp. Timestamps follow the reading of `rml_rtmp` and ffmpeg: a type 3
//! chunk that starts a message adds the timestamp field of the stream's last header.

use std::collections::HashMap;
use std::fmt;

/// The chunk size every RTMP connection starts with.
const INITIAL_CHUNK_SIZE: usize = 128;
/// A 3-byte timestamp field of all ones means an extended 4-byte timestamp follows.
const EXTENDED: u32 = 0x00ff_ffff;
/// Longest chunk header: 3 bytes of basic header, 11 of message header, 4 of extended
/// timestamp.
const MAX_HEADER: usize = 18;
/// Message type of Set Chunk Size.
pub const SET_CHUNK_SIZE: u8 = 1;
/// Message type of Abort Message.
pub const ABORT: u8 = 2;

/// One whole message of the chunk stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The chunk stream it came on.
    pub chunk_stream: u32,
    /// Its absolute timestamp (milliseconds, wrapping at 2^32).
    pub timestamp: u32,
    /// The message type (8 audio, 9 video, 20 AMF0 command...).
    pub type_id: u8,
    /// The message stream id.
    pub stream_id: u32,
    /// The payload.
    pub payload: Vec<u8>,
}

/// Why the chunk stream cannot be read further; the connection should close.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChunkProblem {
    /// A message longer than allowed (or than the room left by unfinished messages).
    TooLarge {
        /// The declared length.
        length: usize,
        /// What was allowed.
        limit: usize,
    },
    /// A compressed header (type 1, 2 or 3) on a chunk stream that never had a full one.
    NoPreviousHeader {
        /// The chunk stream.
        chunk_stream: u32,
    },
    /// A new message header (type 0, 1 or 2) on a chunk stream whose message is unfinished.
    UnfinishedMessage {
        /// The chunk stream.
        chunk_stream: u32,
    },
    /// A Set Chunk Size of 0 or a malformed one.
    InvalidChunkSize,
}

impl fmt::Display for ChunkProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChunkProblem::TooLarge { length, limit } => write!(
                f,
                "a message of {length} bytes is over the limit of {limit} bytes"
            ),
            ChunkProblem::NoPreviousHeader { chunk_stream } => write!(
                f,
                "chunk stream {chunk_stream} continues a header it never sent"
            ),
            ChunkProblem::UnfinishedMessage { chunk_stream } => write!(
                f,
                "chunk stream {chunk_stream} starts a message before finishing the last one"
            ),
            ChunkProblem::InvalidChunkSize => f.write_str("invalid Set Chunk Size"),
        }
    }
}

impl std::error::Error for ChunkProblem {}

/// What a chunk stream remembers from its last header, and its unfinished message.
struct ChunkStream {
    timestamp: u32,
    /// The timestamp field of the last header (absolute after type 0, a delta after type 1
    /// or 2), extended value included: what a type 3 chunk starting a message adds.
    field: u32,
    /// Whether that field was extended, so that type 3 chunks carry 4 more bytes.
    extended: bool,
    length: usize,
    type_id: u8,
    stream_id: u32,
    /// The message being reassembled, while it is unfinished.
    partial: Option<Vec<u8>>,
}

/// A parsed chunk header.
struct Header {
    format: u8,
    chunk_stream: u32,
    /// The timestamp field, extended value included (0 for type 3).
    field: u32,
    extended: bool,
    length: usize,
    type_id: u8,
    stream_id: u32,
}

/// Reads a client's chunk stream into messages; sans-IO, fed with whatever the socket gave.
pub struct ChunkReader {
    chunk_size: usize,
    streams: HashMap<u32, ChunkStream>,
    /// Bytes of a chunk header not complete yet.
    header: Vec<u8>,
    /// The chunk whose payload is being read: its stream and the payload bytes left.
    current: Option<(u32, usize)>,
    /// Sum of the declared lengths of the unfinished messages.
    buffered: usize,
}

impl Default for ChunkReader {
    fn default() -> Self {
        ChunkReader::new()
    }
}

impl ChunkReader {
    /// A reader at the start of a connection (chunk size 128).
    pub fn new() -> ChunkReader {
        ChunkReader {
            chunk_size: INITIAL_CHUNK_SIZE,
            streams: HashMap::new(),
            header: Vec::with_capacity(MAX_HEADER),
            current: None,
            buffered: 0,
        }
    }

    /// The bytes held for unfinished messages (their declared lengths).
    pub fn buffered(&self) -> usize {
        self.buffered
    }

    /// Consumes bytes from `input` up to the end of the next whole message and returns it;
    /// `Ok(None)` once `input` is used up without completing one (what was read is kept).
    /// No message may be longer than `limit`, nor make the unfinished ones exceed it.
    pub fn next_message(
        &mut self,
        input: &mut &[u8],
        limit: usize,
    ) -> Result<Option<Message>, ChunkProblem> {
        loop {
            let Some((chunk_stream, left)) = self.current else {
                if !self.read_header(input, limit)? {
                    return Ok(None);
                }
                continue;
            };
            let stream = self
                .streams
                .get_mut(&chunk_stream)
                .expect("a chunk being read has its stream");
            let partial = stream
                .partial
                .as_mut()
                .expect("a chunk being read has a partial message");
            let take = left.min(input.len());
            partial.extend_from_slice(&input[..take]);
            *input = &input[take..];
            if take < left {
                self.current = Some((chunk_stream, left - take));
                return Ok(None);
            }
            self.current = None;
            if partial.len() < stream.length {
                continue;
            }
            let payload = stream.partial.take().unwrap_or_default();
            self.buffered -= stream.length;
            let message = Message {
                chunk_stream,
                timestamp: stream.timestamp,
                type_id: stream.type_id,
                stream_id: stream.stream_id,
                payload,
            };
            if let Some(message) = self.control(message)? {
                return Ok(Some(message));
            }
        }
    }

    /// Applies Set Chunk Size and Abort; returns any other message.
    fn control(&mut self, message: Message) -> Result<Option<Message>, ChunkProblem> {
        let word = || -> Option<u32> {
            let bytes: [u8; 4] = message.payload.get(..4)?.try_into().ok()?;
            Some(u32::from_be_bytes(bytes))
        };
        match message.type_id {
            SET_CHUNK_SIZE => {
                // The first bit must be 0; sizes run from 1 to 2^31 - 1.
                let size = word().map(|w| w & 0x7fff_ffff).filter(|&s| s > 0);
                self.chunk_size = size.ok_or(ChunkProblem::InvalidChunkSize)? as usize;
                Ok(None)
            }
            ABORT => {
                if let Some(stream) = word().and_then(|csid| self.streams.get_mut(&csid)) {
                    if stream.partial.take().is_some() {
                        self.buffered -= stream.length;
                    }
                }
                Ok(None)
            }
            _ => Ok(Some(message)),
        }
    }

    /// Reads a chunk header from `input` (keeping a partial one); false when `input` ran
    /// out first. On success the chunk's payload is `current`.
    fn read_header(&mut self, input: &mut &[u8], limit: usize) -> Result<bool, ChunkProblem> {
        let before = self.header.len();
        let take = (MAX_HEADER - before).min(input.len());
        self.header.extend_from_slice(&input[..take]);
        let Some((header, len)) = self.parse_header()? else {
            *input = &input[take..];
            return Ok(false);
        };
        *input = &input[len - before..];
        self.header.clear();
        self.start_chunk(header, limit)?;
        Ok(true)
    }

    /// The header at the start of `self.header` and its length, or `None` if incomplete.
    fn parse_header(&self) -> Result<Option<(Header, usize)>, ChunkProblem> {
        let bytes = &self.header;
        let Some(&first) = bytes.first() else {
            return Ok(None);
        };
        let format = first >> 6;
        let (chunk_stream, mut at) = match first & 0x3f {
            0 => match bytes.get(1) {
                Some(&b) => (u32::from(b) + 64, 2),
                None => return Ok(None),
            },
            1 => match (bytes.get(1), bytes.get(2)) {
                (Some(&lo), Some(&hi)) => (u32::from(hi) * 256 + u32::from(lo) + 64, 3),
                _ => return Ok(None),
            },
            id => (u32::from(id), 1),
        };
        let previous = self.streams.get(&chunk_stream);
        if format != 0 && previous.is_none() {
            return Err(ChunkProblem::NoPreviousHeader { chunk_stream });
        }
        let header_len = [11, 7, 3, 0][usize::from(format)];
        let Some(fields) = bytes.get(at..at + header_len) else {
            return Ok(None);
        };
        at += header_len;
        let u24 = |b: &[u8]| u32::from_be_bytes([0, b[0], b[1], b[2]]);
        let field = if format == 3 { 0 } else { u24(&fields[0..3]) };
        let extended = match previous {
            Some(p) if format == 3 => p.extended,
            _ => field == EXTENDED,
        };
        let mut header = Header {
            format,
            chunk_stream,
            field,
            extended,
            length: previous.map_or(0, |p| p.length),
            type_id: previous.map_or(0, |p| p.type_id),
            stream_id: previous.map_or(0, |p| p.stream_id),
        };
        if format <= 1 {
            header.length = u24(&fields[3..6]) as usize;
            header.type_id = fields[6];
        }
        if format == 0 {
            header.stream_id = u32::from_le_bytes([fields[7], fields[8], fields[9], fields[10]]);
        }
        if extended {
            let Some(ext) = bytes.get(at..at + 4) else {
                return Ok(None);
            };
            at += 4;
            if format != 3 {
                header.field = u32::from_be_bytes([ext[0], ext[1], ext[2], ext[3]]);
            } else if let Some(p) = previous {
                // A type 3 chunk repeats the extended timestamp; the stream's last field stands.
                header.field = p.field;
            }
        } else if let (3, Some(p)) = (format, previous) {
            header.field = p.field;
        }
        Ok(Some((header, at)))
    }

    /// Starts reading the payload of a chunk whose header was just read.
    fn start_chunk(&mut self, header: Header, limit: usize) -> Result<(), ChunkProblem> {
        let chunk_stream = header.chunk_stream;
        let stream = self
            .streams
            .entry(chunk_stream)
            .or_insert_with(|| ChunkStream {
                timestamp: 0,
                field: 0,
                extended: false,
                length: 0,
                type_id: 0,
                stream_id: 0,
                partial: None,
            });
        let continuation = header.format == 3 && stream.partial.is_some();
        if !continuation {
            if stream.partial.is_some() {
                return Err(ChunkProblem::UnfinishedMessage { chunk_stream });
            }
            let room = limit.saturating_sub(self.buffered);
            if header.length > room {
                return Err(ChunkProblem::TooLarge {
                    length: header.length,
                    limit: room,
                });
            }
            stream.timestamp = if header.format == 0 {
                header.field
            } else {
                stream.timestamp.wrapping_add(header.field)
            };
            if header.format != 3 {
                stream.field = header.field;
                stream.extended = header.extended;
            }
            stream.length = header.length;
            stream.type_id = header.type_id;
            stream.stream_id = header.stream_id;
            stream.partial = Some(Vec::with_capacity(header.length));
            self.buffered += header.length;
        }
        let received = stream.partial.as_ref().map_or(0, Vec::len);
        let left = (stream.length - received).min(self.chunk_size);
        self.current = Some((chunk_stream, left));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The chunks of one message as a client writes them: a type 0 header, then type 3
    /// headers every `chunk_size` bytes.
    fn chunked(csid: u8, ts: u32, type_id: u8, payload: &[u8], chunk_size: usize) -> Vec<u8> {
        let mut out = vec![csid];
        let field = ts.min(EXTENDED);
        out.extend_from_slice(&field.to_be_bytes()[1..]);
        out.extend_from_slice(&(payload.len() as u32).to_be_bytes()[1..]);
        out.push(type_id);
        out.extend_from_slice(&1u32.to_le_bytes());
        if field == EXTENDED {
            out.extend_from_slice(&ts.to_be_bytes());
        }
        for (i, piece) in payload.chunks(chunk_size).enumerate() {
            if i > 0 {
                out.push(0xc0 | csid);
                if field == EXTENDED {
                    out.extend_from_slice(&ts.to_be_bytes());
                }
            }
            out.extend_from_slice(piece);
        }
        out
    }

    fn all(reader: &mut ChunkReader, mut input: &[u8], limit: usize) -> Vec<Message> {
        let mut out = Vec::new();
        while let Some(m) = reader.next_message(&mut input, limit).unwrap() {
            out.push(m);
        }
        assert!(input.is_empty());
        out
    }

    #[test]
    fn messages_come_whole_whatever_the_read_boundaries() {
        let payload: Vec<u8> = (0..1000u32).map(|i| i as u8).collect();
        let mut wire = chunked(4, 40, 9, &payload, 128);
        wire.extend(chunked(4, 0x0100_0000, 8, b"audio", 128));
        for step in [1, 7, 128, 4096] {
            let mut reader = ChunkReader::new();
            let mut got = Vec::new();
            for piece in wire.chunks(step) {
                got.extend(all(&mut reader, piece, 1 << 20));
            }
            assert_eq!(got.len(), 2, "step {step}");
            assert_eq!((got[0].type_id, got[0].timestamp), (9, 40));
            assert_eq!(got[0].payload, payload);
            assert_eq!((got[1].type_id, got[1].timestamp), (8, 0x0100_0000));
            assert_eq!(reader.buffered(), 0);
        }
    }

    #[test]
    fn interleaved_chunk_streams_each_keep_their_message() {
        let video = vec![0x17; 300];
        let audio = vec![0xaf; 200];
        let v = chunked(6, 100, 9, &video, 128);
        let a = chunked(4, 100, 8, &audio, 128);
        // video chunk 1, audio chunk 1, video chunks 2-3, audio chunk 2.
        let mut wire = v[..12 + 128].to_vec();
        wire.extend_from_slice(&a[..12 + 128]);
        wire.extend_from_slice(&v[12 + 128..]);
        wire.extend_from_slice(&a[12 + 128..]);
        let mut reader = ChunkReader::new();
        let got = all(&mut reader, &wire, 1 << 20);
        assert_eq!(got.len(), 2);
        assert_eq!((got[0].type_id, &got[0].payload), (9, &video));
        assert_eq!((got[1].type_id, &got[1].payload), (8, &audio));
    }

    #[test]
    fn type_3_headers_repeat_the_last_message_and_add_its_field() {
        let mut wire = chunked(5, 10, 8, b"ab", 128);
        // Type 2: delta 5; then type 3: another message with the same delta.
        wire.extend_from_slice(&[0x85, 0, 0, 5, b'c', b'd']);
        wire.extend_from_slice(&[0xc5, b'e', b'f']);
        let got = all(&mut ChunkReader::new(), &wire, 1 << 20);
        let times: Vec<u32> = got.iter().map(|m| m.timestamp).collect();
        assert_eq!(times, [10, 15, 20]);
        assert_eq!(got[2].payload, b"ef");
    }

    #[test]
    fn set_chunk_size_and_abort_are_applied_not_returned() {
        let mut wire = chunked(2, 0, SET_CHUNK_SIZE, &4096u32.to_be_bytes(), 128);
        let big = vec![7u8; 3000];
        wire.extend(chunked(6, 0, 9, &big, 4096));
        let mut reader = ChunkReader::new();
        let got = all(&mut reader, &wire, 1 << 20);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].payload, big);
        // An aborted message frees its room.
        let mut reader = ChunkReader::new();
        let start = chunked(6, 0, 9, &[1; 200], 128);
        assert!(all(&mut reader, &start[..12 + 128], 300).is_empty());
        assert_eq!(reader.buffered(), 200);
        all(
            &mut reader,
            &chunked(2, 0, ABORT, &6u32.to_be_bytes(), 128),
            300,
        );
        assert_eq!(reader.buffered(), 0);
        let zero = chunked(2, 0, SET_CHUNK_SIZE, &0u32.to_be_bytes(), 128);
        assert_eq!(
            ChunkReader::new().next_message(&mut &zero[..], 300),
            Err(ChunkProblem::InvalidChunkSize)
        );
    }

    #[test]
    fn oversized_and_malformed_streams_are_refused_at_the_header() {
        // A 16 MB message is refused from its 12-byte header.
        let header = [3, 0, 0, 0, 0xff, 0xff, 0xff, 20, 0, 0, 0, 0];
        let mut reader = ChunkReader::new();
        assert_eq!(
            reader.next_message(&mut &header[..], 65536),
            Err(ChunkProblem::TooLarge {
                length: 0xff_ffff,
                limit: 65536
            })
        );
        // Unfinished messages share the limit.
        let mut reader = ChunkReader::new();
        let first = chunked(6, 0, 9, &[1; 200], 128);
        assert!(all(&mut reader, &first[..12 + 128], 300).is_empty());
        let second = chunked(4, 0, 8, &[2; 150], 128);
        assert_eq!(
            reader.next_message(&mut &second[..], 300),
            Err(ChunkProblem::TooLarge {
                length: 150,
                limit: 100
            })
        );
        // A new message header on a stream whose message is unfinished.
        let mut reader = ChunkReader::new();
        assert!(all(&mut reader, &first[..12 + 128], 300).is_empty());
        assert_eq!(
            reader.next_message(&mut &first[..], 300),
            Err(ChunkProblem::UnfinishedMessage { chunk_stream: 6 })
        );
        // A compressed header with nothing before it.
        assert_eq!(
            ChunkReader::new().next_message(&mut &[0x45u8, 0, 0, 0][..], 300),
            Err(ChunkProblem::NoPreviousHeader { chunk_stream: 5 })
        );
    }
}
