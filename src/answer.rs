//! What each operation reads from a 2xx answer, so that `Bucket` has one path for every
//! operation: send, read the body into the result model, set the request id once.

use crate::models::{
    Acknowledged, CreateLiveChannelResult, ListLiveChannelResult, LiveChannelHistory,
    LiveChannelInfo, LiveChannelStat, VodPlaylist,
};
use crate::xml::{self, XmlError};

/// A result model built from a 2xx answer.
pub(crate) trait FromAnswer: Sized {
    /// Reads the answer's status and body; the request id is set afterwards.
    fn read(status: u16, body: Vec<u8>) -> Result<Self, XmlError>;

    /// Sets `x-oss-request-id` of the answer.
    fn set_request_id(&mut self, request_id: Option<String>);
}

/// Implements [`FromAnswer`] for models whose `request_id` field is all they add to what
/// `read` builds.
macro_rules! from_answer {
    ($($model:ty => $read:expr;)*) => {$(
        impl FromAnswer for $model {
            fn read(status: u16, body: Vec<u8>) -> Result<Self, XmlError> {
                let read: fn(u16, Vec<u8>) -> Result<Self, XmlError> = $read;
                read(status, body)
            }

            fn set_request_id(&mut self, request_id: Option<String>) {
                self.request_id = request_id;
            }
        }
    )*};
}

from_answer! {
    CreateLiveChannelResult => |_, body| xml::parse_create_result(&body);
    ListLiveChannelResult => |_, body| xml::parse_list(&body);
    LiveChannelInfo => |_, body| xml::parse_channel_info(&body);
    LiveChannelStat => |_, body| xml::parse_stat(&body);
    LiveChannelHistory => |_, body| xml::parse_history(&body);
    // Operations without a result document: the status (200 or 204) is the answer.
    Acknowledged => |status, _| Ok(Acknowledged { status, request_id: None });
    VodPlaylist => |_, body| {
        let m3u8 = String::from_utf8(body).map_err(|_| XmlError {
            reason: "the playlist is not UTF-8 text".into(),
            snippet: String::new(),
        })?;
        Ok(VodPlaylist { m3u8, request_id: None })
    };
}
