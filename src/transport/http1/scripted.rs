//! An in-memory connection that hands out a scripted answer in pieces, for the reader's
//! unit tests and its fuzz target (`crate::fuzzing::read_http_answer`): where the
//! reads of a real socket end is up to the network, and the reader must give the same
//! answer wherever they do.
//!
//! It stands in for byte delivery only: no server behind it, no request looked at.

use std::collections::VecDeque;

use ureq::unversioned::transport::{Buffers, LazyBuffers, NextTimeout, Transport};

/// What one wait for input gets.
#[derive(Debug, Clone)]
pub(crate) enum Piece {
    /// These bytes, as much of them as the input buffer takes (the rest comes with the
    /// next wait, as a socket keeps what a read did not take).
    Bytes(Vec<u8>),
    /// The transport's timeout (`ureq::Error::Timeout(Global)`).
    #[cfg(test)]
    Timeout,
}

/// A connection whose input is `pieces`, then the server's close.
#[derive(Debug)]
pub(crate) struct Scripted {
    buffers: LazyBuffers,
    pieces: VecDeque<Piece>,
    awaits: usize,
    delivered: usize,
}

impl Scripted {
    /// The input buffer's size in the client: ureq's default, which osslive keeps.
    pub(crate) const INPUT_BUFFER: usize = 128 * 1024;

    /// Input buffer of `INPUT_BUFFER` bytes; the output buffer is never written.
    pub(crate) fn new(pieces: impl IntoIterator<Item = Piece>) -> Scripted {
        Scripted {
            buffers: LazyBuffers::new(Self::INPUT_BUFFER, 1),
            pieces: pieces.into_iter().collect(),
            awaits: 0,
            delivered: 0,
        }
    }

    /// The connection whose reads return `pieces`, one each, then the close.
    pub(crate) fn of_bytes<'a>(pieces: impl IntoIterator<Item = &'a [u8]>) -> Scripted {
        Scripted::new(pieces.into_iter().map(|p| Piece::Bytes(p.to_vec())))
    }

    /// How many times the reader waited for input (the close and a timeout count).
    #[cfg(test)]
    pub(crate) fn awaits(&self) -> usize {
        self.awaits
    }

    /// How many bytes went into the input buffer.
    pub(crate) fn delivered(&self) -> usize {
        self.delivered
    }

    /// How many bytes are in the input buffer, not taken by the reader.
    pub(crate) fn unread(&mut self) -> usize {
        self.buffers.input().len()
    }

    /// Whether pieces are left that the reader never waited for.
    #[cfg(test)]
    pub(crate) fn pending(&self) -> bool {
        !self.pieces.is_empty()
    }
}

impl Transport for Scripted {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(
        &mut self,
        _amount: usize,
        _timeout: NextTimeout,
    ) -> Result<(), ureq::Error> {
        Ok(())
    }

    fn await_input(&mut self, _timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.awaits += 1;
        match self.pieces.pop_front() {
            None => Ok(false),
            #[cfg(test)]
            Some(Piece::Timeout) => Err(ureq::Error::Timeout(ureq::Timeout::Global)),
            Some(Piece::Bytes(mut bytes)) => {
                let free = self.buffers.input_append_buf();
                // A socket's read into a full buffer would read nothing, which the client
                // takes for a close: the reader must never wait with its buffer full.
                assert!(
                    !free.is_empty() || bytes.is_empty(),
                    "the reader waited for input with a full input buffer"
                );
                let n = bytes.len().min(free.len());
                free[..n].copy_from_slice(&bytes[..n]);
                self.buffers.input_appended(n);
                self.delivered += n;
                if n < bytes.len() {
                    bytes.drain(..n);
                    self.pieces.push_front(Piece::Bytes(bytes));
                }
                Ok(true)
            }
        }
    }

    fn is_open(&mut self) -> bool {
        true
    }
}
