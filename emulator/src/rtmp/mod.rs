//! RTMP ingest: publishers push to a channel with a signed `rtmp://` URL, as on OSS.
//!
//! Each RTMP connection runs on its own thread ([`session`]), on the HTTP port (the server
//! tells the protocols apart by the first byte) or on the optional RTMP-only listener. The
//! push target is worked out from the RTMP `connect` (`app`, `tcUrl`) and `publish` (stream
//! name `channel?query`) commands the way OSS does ([`push_target`]), checked with
//! [`crate::rtmp_auth::check_push`], and then recorded in the [`crate::store::Store`] as the
//! channel's live session until the publisher leaves.
//!
//! The client's bytes are read under [`RtmpLimits`]: [`chunks`] reads the chunk stream
//! into bounded messages, [`amf0`] bounds their AMF0 values before anything decodes them,
//! and [`protocol`] hands what passes to `rml_rtmp`, which runs the conversation. `push`
//! and `stats` turn a push's media into HLS and statistics; `limits` and `target` are
//! shared by the others.

pub mod amf0;
pub mod chunks;
mod limits;
pub mod protocol;
mod push;
pub mod session;
mod stats;
mod target;

use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;

use crate::app::App;
use crate::http::{RtmpHandler, Slot};

pub use limits::RtmpLimits;
pub use target::{PushTarget, app_is_valid, push_target};

/// The RTMP side of the emulator: serves publishers against an [`App`]'s store, keys and clock.
pub struct Ingest {
    app: Arc<App>,
    limits: RtmpLimits,
}

impl Ingest {
    /// An ingest writing into `app`'s store, holding clients to `limits`.
    pub fn new(app: Arc<App>, limits: RtmpLimits) -> Ingest {
        Ingest { app, limits }
    }
}

impl RtmpHandler for Ingest {
    fn serve(&self, stream: &TcpStream, peer: SocketAddr, slot: &Slot<'_>) {
        session::run(&self.app, &self.limits, stream, peer, slot);
    }
}
