//! A channel by name: whether it accepts pushes (`OSSLIVE_CHANNEL_*`), set with
//! PutLiveChannelStatus, and DeleteLiveChannel.

use std::ffi::{c_char, c_int};

use super::boundary::{FfiError, guard, required_str};
use super::client::{bucket_of, osslive_client};
use super::error::osslive_error;
use crate::ChannelStatus;

/// A channel accepts RTMP pushes (`enabled`), the default.
pub const OSSLIVE_CHANNEL_ENABLED: c_int = 0;
/// A channel refuses RTMP pushes (`disabled`).
pub const OSSLIVE_CHANNEL_DISABLED: c_int = 1;

/// An `OSSLIVE_CHANNEL_*` value from C, checked.
pub(super) fn channel_status_from_c(status: c_int) -> Result<ChannelStatus, FfiError> {
    match status {
        OSSLIVE_CHANNEL_ENABLED => Ok(ChannelStatus::Enabled),
        OSSLIVE_CHANNEL_DISABLED => Ok(ChannelStatus::Disabled),
        _ => Err(FfiError::invalid(
            "status",
            "must be OSSLIVE_CHANNEL_ENABLED or OSSLIVE_CHANNEL_DISABLED",
        )),
    }
}

/// The `OSSLIVE_CHANNEL_*` value of a status, for C.
pub(super) fn channel_status_to_c(status: ChannelStatus) -> c_int {
    match status {
        ChannelStatus::Enabled => OSSLIVE_CHANNEL_ENABLED,
        ChannelStatus::Disabled => OSSLIVE_CHANNEL_DISABLED,
    }
}

/// PutLiveChannelStatus: `OSSLIVE_CHANNEL_ENABLED` or `OSSLIVE_CHANNEL_DISABLED`.
/// Disabling cuts a current push off within about ten seconds.
///
/// # Safety
/// `client` is NULL or a live client; the strings are NULL or NUL-terminated; `err` is NULL
/// or points to a NULL error.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_put_live_channel_status(
    client: *const osslive_client,
    bucket: *const c_char,
    channel: *const c_char,
    status: c_int,
    err: *mut *mut osslive_error,
) -> c_int {
    guard(err, || {
        // SAFETY: per the contract.
        let bucket = unsafe { bucket_of(client, bucket) }?;
        let channel = unsafe { required_str(channel, "channel") }?;
        let status = channel_status_from_c(status)?;
        bucket.put_live_channel_status(channel, status)?;
        Ok(())
    })
}

/// DeleteLiveChannel: removes a channel nobody is pushing to. Its recorded objects stay.
///
/// # Safety
/// `client` is NULL or a live client; the strings are NULL or NUL-terminated; `err` is NULL
/// or points to a NULL error.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_delete_live_channel(
    client: *const osslive_client,
    bucket: *const c_char,
    channel: *const c_char,
    err: *mut *mut osslive_error,
) -> c_int {
    guard(err, || {
        // SAFETY: per the contract.
        let bucket = unsafe { bucket_of(client, bucket) }?;
        let channel = unsafe { required_str(channel, "channel") }?;
        bucket.delete_live_channel(channel)?;
        Ok(())
    })
}
