//! Raw bytes as the answer a server sends on the client's connection, read by osslive's
//! own HTTP/1.1 reader (`src/transport/http1/response.rs`) with a small body limit, the
//! connection's reads ending where the input's first bytes say.
//!
//! Input: one byte whose low three bits are the number of cuts, one byte for the limit
//! (times 8), two bytes (little-endian) per cut for its position, then the answer.
//!
//! Checked: no panic; an answer's body is within the limit; an answer that leaves the
//! connection reusable took exactly the bytes it was handed; and the same answer (or
//! the same refusal) whether the bytes come in those pieces or in one read.

#![no_main]

use libfuzzer_sys::fuzz_target;
use osslive::fuzzing::{HttpAnswer, read_http_answer};

fuzz_target!(|data: &[u8]| {
    let [cuts, limit, rest @ ..] = data else {
        return;
    };
    let cuts = usize::from(cuts & 7);
    let limit = u64::from(*limit) * 8;
    if rest.len() < 2 * cuts {
        return;
    }
    let (positions, answer) = rest.split_at(2 * cuts);
    let mut at: Vec<usize> = positions
        .chunks(2)
        .map(|p| usize::from(u16::from_le_bytes([p[0], p[1]])) % (answer.len() + 1))
        .collect();
    at.sort_unstable();
    at.dedup();
    let mut pieces = Vec::new();
    let mut from = 0;
    for &to in at.iter().chain(Some(&answer.len())) {
        // A read brings at least one byte: an empty one is the close.
        if to > from {
            pieces.push(&answer[from..to]);
            from = to;
        }
    }

    let split = read_http_answer(&pieces, limit);
    let whole = read_http_answer(&[answer], limit);
    for read in [&split, &whole].into_iter().flatten() {
        assert!(read.body.len() as u64 <= limit, "a body over the limit: {read:?}");
        assert!(read.consumed <= read.delivered);
        if read.reusable {
            assert_eq!(read.consumed, read.delivered, "reusable with bytes left");
        }
    }
    match (&split, &whole) {
        (Ok(s), Ok(w)) => {
            let same = |a: &HttpAnswer| HttpAnswer {
                reusable: false,
                delivered: 0,
                ..a.clone()
            };
            assert_eq!(same(s), same(w), "the reads' ends changed the answer");
            // In one read, bytes after the answer are seen; in pieces, only those of
            // the pieces the reader waited for.
            if w.reusable {
                assert!(s.reusable, "{s:?} / {w:?}");
            }
            if s.reusable && s.delivered == answer.len() {
                assert!(w.reusable, "{s:?} / {w:?}");
            }
        }
        (Err(s), Err(w)) => assert_eq!(s, w, "the reads' ends changed the refusal"),
        _ => panic!("the reads' ends changed the outcome: {split:?} / {whole:?}"),
    }
});
