//! A call ended on purpose by `Client::interrupt` or `Client::shut_down`.

use std::fmt;

/// Which of the client's cancellations ended a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CancelReason {
    /// `Client::interrupt` was called while the call was in progress.
    Interrupted,
    /// The client was shut down (`Client::shut_down`), before or during the call.
    ShutDown,
}

/// A call that did not finish because the client was told to stop it. Whatever the call
/// had sent may or may not have reached OSS.
#[derive(Debug)]
pub struct CancelledError {
    reason: CancelReason,
    attempts: u32,
}

impl CancelledError {
    pub(crate) fn new(reason: CancelReason) -> Self {
        CancelledError {
            reason,
            attempts: 0,
        }
    }

    /// Why the call was cancelled.
    pub fn reason(&self) -> CancelReason {
        self.reason
    }

    /// The attempts the call had made (0 when it was cancelled before sending anything).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    pub(crate) fn set_attempts(&mut self, attempts: u32) {
        self.attempts = attempts;
    }
}

impl fmt::Display for CancelledError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.reason {
            CancelReason::Interrupted => {
                f.write_str("the call was interrupted (Client::interrupt) while in progress")
            }
            CancelReason::ShutDown => f.write_str("the client is shut down (Client::shut_down)"),
        }
    }
}

impl std::error::Error for CancelledError {}
