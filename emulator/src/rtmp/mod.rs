//! RTMP ingest: publishers push to a channel with a signed `rtmp://` URL, as on OSS.
//!
//! Each RTMP connection runs on its own thread ([`session`]), on the HTTP port (the server
//! tells the protocols apart by the first byte) or on the optional RTMP-only listener. The
//! push target is worked out from the RTMP `connect` (`app`, `tcUrl`) and `publish` (stream
//! name `channel?query`) commands the way OSS does ([`push_target`]), checked with
//! [`crate::rtmp_auth::check_push`], and then recorded in the [`crate::store::Store`] as the
//! channel's live session until the publisher leaves.

pub mod session;
mod target;

use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;

use crate::app::App;
use crate::http::RtmpHandler;

pub use target::{PushTarget, app_is_valid, push_target};

/// The RTMP side of the emulator: serves publishers against an [`App`]'s store, keys and clock.
pub struct Ingest {
    app: Arc<App>,
}

impl Ingest {
    /// An ingest writing into `app`'s store.
    pub fn new(app: Arc<App>) -> Ingest {
        Ingest { app }
    }
}

impl RtmpHandler for Ingest {
    fn serve(&self, stream: &TcpStream, peer: SocketAddr) {
        session::run(&self.app, stream, peer);
    }
}
