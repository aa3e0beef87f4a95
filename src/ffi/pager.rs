//! `osslive_channel_pager`: every page of ListLiveChannel for one bucket and prefix, one
//! page at a time.

use std::ffi::{c_char, c_int};

use super::boundary::{free_handle, guard, handle_mut, optional_str, out_param, store};
use super::channel_list::{list_page_size, osslive_channel_list};
use super::client::{bucket_of, osslive_client};
use super::error::osslive_error;
use crate::{ListOptions, LiveChannelPages};

/// Walks every page of ListLiveChannel for one bucket and prefix, holding one page at a
/// time. Made by `osslive_channel_pager_new`, advanced by `osslive_channel_pager_next`,
/// freed by `osslive_channel_pager_free`. Use it from one thread at a time.
pub struct osslive_channel_pager {
    pages: LiveChannelPages,
}

/// A pager over the channels of `bucket` whose names start with `prefix` (NULL for all),
/// `page_size` at a time (1-1000, or 0 for the server's default of 100). Nothing is sent
/// until the first `osslive_channel_pager_next`. On success `*pager_out` receives a pager
/// to free with `osslive_channel_pager_free`; it keeps what it needs of `client`, which may
/// be freed first.
///
/// # Safety
/// `client` is NULL or a live client; the strings are NULL or NUL-terminated; `pager_out`
/// points to writable storage (NULL is refused); `err` is NULL or points to a NULL error.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_pager_new(
    client: *const osslive_client,
    bucket: *const c_char,
    prefix: *const c_char,
    page_size: i32,
    pager_out: *mut *mut osslive_channel_pager,
    err: *mut *mut osslive_error,
) -> c_int {
    guard(err, || {
        // SAFETY: per the contract.
        let bucket = unsafe { bucket_of(client, bucket) }?;
        let prefix = unsafe { optional_str(prefix, "prefix") }?;
        let options = ListOptions {
            prefix: prefix.map(str::to_owned),
            marker: None,
            max_keys: list_page_size(page_size)?,
        };
        // `Bucket` checks the options only when a page is asked for; the pager refuses
        // them when it is made, before anything could be sent, with the same rules.
        options.validate()?;
        out_param(pager_out, "pager_out")?;
        store(
            pager_out,
            osslive_channel_pager {
                pages: bucket.list_live_channel_pages(options),
            },
        );
        Ok(())
    })
}

/// Fetches the next page. On success `*list_out` receives it, to free with
/// `osslive_channel_list_free`, or NULL when there are no more pages (the first call
/// always gives a page, maybe empty). On failure the pager stays where it was, so calling
/// again retries the same page.
///
/// # Safety
/// `pager` is NULL or a live pager not used by another thread during the call; `list_out`
/// points to writable storage (NULL is refused); `err` is NULL or points to a NULL error.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_pager_next(
    pager: *mut osslive_channel_pager,
    list_out: *mut *mut osslive_channel_list,
    err: *mut *mut osslive_error,
) -> c_int {
    guard(err, || {
        // SAFETY: NULL or a live pager used by this thread only.
        let pager = unsafe { handle_mut(pager, "pager") }?;
        out_param(list_out, "list_out")?;
        match pager.pages.next_page() {
            Some(page) => store(list_out, osslive_channel_list::from(page?)),
            // SAFETY: checked by out_param.
            None => unsafe { *list_out = std::ptr::null_mut() },
        }
        Ok(())
    })
}

/// Frees a pager; NULL is fine. Pages it gave stay valid.
///
/// # Safety
/// `pager` is NULL or a pager from this library, not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_pager_free(pager: *mut osslive_channel_pager) {
    // SAFETY: per the contract.
    unsafe { free_handle(pager) }
}
