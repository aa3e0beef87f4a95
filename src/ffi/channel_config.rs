//! `osslive_channel_config`: the configuration of a channel to create, a builder used
//! from one thread at a time.

use std::ffi::{c_char, c_int};

use super::boundary::{FfiError, free_handle, modify, new_handle, required_str};
use super::channel::channel_status_from_c;
use super::error::osslive_error;
use crate::{LiveChannelConfiguration, LiveChannelSnapshot, LiveChannelTarget};

/// The configuration of a channel to create, filled with `osslive_channel_config_set_*`
/// and passed to `osslive_create_live_channel`. Use it from one thread at a time; it can
/// create any number of channels.
pub struct osslive_channel_config {
    pub(super) config: LiveChannelConfiguration,
}

/// A new channel configuration with the defaults: enabled, no description, HLS with 5 s
/// fragments, 3 fragments in the live playlist `playlist.m3u8`, no snapshots. Free it with
/// `osslive_channel_config_free`. Out of memory the process aborts;
/// NULL only for an internal error (a bug).
#[unsafe(no_mangle)]
pub extern "C" fn osslive_channel_config_new() -> *mut osslive_channel_config {
    new_handle(|| osslive_channel_config {
        config: LiveChannelConfiguration::default(),
    })
}

/// Frees a channel configuration; NULL is fine. Channels created with it are not affected.
///
/// # Safety
/// `config` is NULL or a channel configuration from this library, not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_config_free(config: *mut osslive_channel_config) {
    // SAFETY: per the contract.
    unsafe { free_handle(config) }
}

/// Changes a channel configuration if `change` succeeds; on failure it is left as it was.
fn update_channel_config(
    config: *mut osslive_channel_config,
    err: *mut *mut osslive_error,
    change: impl FnOnce(&mut LiveChannelConfiguration) -> Result<(), FfiError>,
) -> c_int {
    modify(config, "config", err, |config| {
        let mut changed = config.config.clone();
        change(&mut changed)?;
        // The OSS rules are the configuration's own, which `Bucket::create_live_channel`
        // checks too; a setter checks them at once, so that a bad value fails where it is
        // set and leaves the configuration as it was. Every other value already passed.
        changed.validate()?;
        config.config = changed;
        Ok(())
    })
}

/// Sets the description: free text of at most 128 bytes of UTF-8 (OSS field
/// `Description`); `""` clears it. The string is copied.
///
/// # Safety
/// `config` is NULL or a live channel configuration; `description` is NULL or a
/// NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_config_set_description(
    config: *mut osslive_channel_config,
    description: *const c_char,
    err: *mut *mut osslive_error,
) -> c_int {
    update_channel_config(config, err, |c| {
        // SAFETY: NULL or NUL-terminated, per the contract.
        let description = unsafe { required_str(description, "description") }?;
        c.description = description.to_owned();
        Ok(())
    })
}

/// Sets whether the channel accepts pushes: `OSSLIVE_CHANNEL_ENABLED` (default) or
/// `OSSLIVE_CHANNEL_DISABLED`.
///
/// # Safety
/// `config` is NULL or a live channel configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_config_set_status(
    config: *mut osslive_channel_config,
    status: c_int,
    err: *mut *mut osslive_error,
) -> c_int {
    update_channel_config(config, err, |c| {
        c.status = channel_status_from_c(status)?;
        Ok(())
    })
}

/// Sets the HLS output: seconds per fragment (`Target.FragDuration`, 1-100), fragments in
/// the live playlist (`Target.FragCount`, 1-100) and the playlist name
/// (`Target.PlaylistName`: ends in `.m3u8`, 6-128 characters, no `/`). All three are
/// checked before any is changed. The string is copied.
///
/// # Safety
/// `config` is NULL or a live channel configuration; `playlist_name` is NULL or a
/// NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_config_set_target(
    config: *mut osslive_channel_config,
    frag_duration: u32,
    frag_count: u32,
    playlist_name: *const c_char,
    err: *mut *mut osslive_error,
) -> c_int {
    update_channel_config(config, err, |c| {
        // SAFETY: NULL or NUL-terminated, per the contract.
        let playlist_name = unsafe { required_str(playlist_name, "playlist_name") }?;
        c.target = LiveChannelTarget {
            frag_duration,
            frag_count,
            playlist_name: playlist_name.to_owned(),
        };
        Ok(())
    })
}

/// Turns on snapshots: OSS assumes the RAM role `role_name` (`Snapshot.RoleName`) to write
/// a snapshot every `interval` seconds (`Snapshot.Interval`, 1-100) to `dest_bucket`
/// (`Snapshot.DestBucket`) and tells the MNS topic `notify_topic`
/// (`Snapshot.NotifyTopic`). All four are checked before any is changed. The strings are
/// copied.
///
/// # Safety
/// `config` is NULL or a live channel configuration; the strings are NULL or
/// NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_config_set_snapshot(
    config: *mut osslive_channel_config,
    role_name: *const c_char,
    dest_bucket: *const c_char,
    notify_topic: *const c_char,
    interval: u32,
    err: *mut *mut osslive_error,
) -> c_int {
    update_channel_config(config, err, |c| {
        // SAFETY: NULL or NUL-terminated, per the contract.
        let role_name = unsafe { required_str(role_name, "role_name") }?;
        let dest_bucket = unsafe { required_str(dest_bucket, "dest_bucket") }?;
        let notify_topic = unsafe { required_str(notify_topic, "notify_topic") }?;
        c.snapshot = Some(LiveChannelSnapshot {
            role_name: role_name.to_owned(),
            dest_bucket: dest_bucket.to_owned(),
            notify_topic: notify_topic.to_owned(),
            interval,
        });
        Ok(())
    })
}
