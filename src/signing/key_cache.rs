//! [`SigningKeyCache`]: the V4 signing keys a client derived, kept so that a request does
//! not chain four HMAC-SHA256 again for the key of the day it already derived.
//!
//! Why keeping them is acceptable: the client keeps the access key secret itself for its
//! whole life, and a derived key is worth less than the secret (it signs for one day, one
//! region and one service only), so a kept key adds no exposure the secret does not already
//! carry. A key is used only while the credentials it came from are the ones in use (same
//! access key id, same secret by fingerprint), is replaced by the next day's key of its
//! key id and region, is wiped when replaced and when the cache is dropped, and never
//! appears in `Debug`.

use std::sync::Mutex;

use super::hmac_sha256;
use super::v4::signing_key;

/// How many keys a cache keeps: one per (key id, region) in use, for the day last signed
/// for. A client signs for one region with one key id at a time, so a few cover
/// credentials alternating between calls (a provider that hands out several keys).
const SLOTS: usize = 4;

/// What the fingerprint of a secret is an HMAC of, under the secret: a fixed label, so the
/// fingerprint identifies the secret without being the secret or a signing key.
const FINGERPRINT_LABEL: &[u8] = b"osslive signing key cache: secret fingerprint";

/// One derived key and what it was derived for.
struct Entry {
    access_key_id: String,
    /// `YYYYMMDD`, the day the key signs for.
    date: [u8; 8],
    region: String,
    /// HMAC-SHA256 of [`FINGERPRINT_LABEL`] under the secret the key came from.
    fingerprint: [u8; 32],
    key: [u8; 32],
}

impl Drop for Entry {
    fn drop(&mut self) {
        super::wipe(&mut self.key);
        super::wipe(&mut self.fingerprint);
    }
}

/// The slots, and where the next new key goes when all are taken.
#[derive(Default)]
struct Slots {
    entries: [Option<Entry>; SLOTS],
    /// Round robin: the slot a new key replaces when none is free.
    next: usize,
    /// Keys derived (misses), for the tests that check the cache is used.
    #[cfg(test)]
    derived: usize,
}

/// V4 signing keys derived by one client; see the module documentation.
#[derive(Default)]
pub(crate) struct SigningKeyCache {
    slots: Mutex<Slots>,
}

impl SigningKeyCache {
    /// [`signing_key`] of these credentials for `date` (`YYYYMMDD`) and `region`: the kept
    /// copy when there is one for the same key id and secret, else derived now and kept.
    /// The caller wipes the copy it gets.
    pub(crate) fn signing_key(
        &self,
        access_key_id: &str,
        access_key_secret: &str,
        date: &str,
        region: &str,
    ) -> [u8; 32] {
        let Ok(day) = <[u8; 8]>::try_from(date.as_bytes()) else {
            // Not a V4 date (sign checks it first): nothing worth keeping.
            return signing_key(access_key_secret, date, region);
        };
        let mut fingerprint = hmac_sha256(access_key_secret.as_bytes(), FINGERPRINT_LABEL);
        // A poisoned lock only means another thread panicked while holding it; every slot is
        // whole at any time (keys are written in one assignment), so the cache stays usable.
        let mut slots = self
            .slots
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut free = None;
        let mut replaced = None;
        for (i, slot) in slots.entries.iter_mut().enumerate() {
            let Some(entry) = slot else {
                free.get_or_insert(i);
                continue;
            };
            if entry.access_key_id != access_key_id {
                continue;
            }
            if entry.fingerprint != fingerprint {
                // The secret of this key id changed (rotation): its keys must not sign any
                // more, so they go now rather than when their slot is reused.
                *slot = None;
                free.get_or_insert(i);
                continue;
            }
            if entry.region == region {
                if entry.date == day {
                    let key = entry.key;
                    drop(slots);
                    super::wipe(&mut fingerprint);
                    return key;
                }
                // Another day's key for the same credentials and region: the new day's
                // key replaces it (at most one day per region is kept).
                replaced = Some(i);
            }
        }
        let key = signing_key(access_key_secret, date, region);
        let index = replaced.or(free).unwrap_or_else(|| {
            let i = slots.next;
            slots.next = (i + 1) % SLOTS;
            i
        });
        // Assigning drops the entry it replaces, which wipes that key.
        slots.entries[index] = Some(Entry {
            access_key_id: access_key_id.to_owned(),
            date: day,
            region: region.to_owned(),
            fingerprint,
            key,
        });
        #[cfg(test)]
        {
            slots.derived += 1;
        }
        super::wipe(&mut fingerprint);
        key
    }

    /// How many keys were derived rather than found.
    #[cfg(test)]
    fn derived(&self) -> usize {
        self.slots.lock().unwrap().derived
    }

    /// How many keys are kept.
    fn kept(&self) -> usize {
        let slots = self
            .slots
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        slots.entries.iter().flatten().count()
    }
}

impl std::fmt::Debug for SigningKeyCache {
    /// The number of keys kept, never a key, a fingerprint or what they were derived for.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKeyCache")
            .field("kept", &self.kept())
            .finish()
    }
}

#[cfg(test)]
mod tests;
