//! The emulator's admin endpoints (`/_emulator/...`): what tests and users call to drive
//! it (faults, the clock, publishers, fragments, credentials, RTMP URL checks). They are
//! not OSS's and need no signature; `App::handle` sends a request here when its path is an
//! admin path.

use std::time::{Duration, UNIX_EPOCH};

use crate::app::App;
use crate::dates::http_date;
use crate::error::{MAX_ECHO_BYTES, OssError, excerpt, quoted};
use crate::faults::Fault;
use crate::http::{Request, Response};
use crate::keyring::Credential;
use crate::model::{AudioStat, Fragment, LiveSession, VideoStat};
use crate::query::Query;
use crate::rtmp_auth;

/// The admin fragments endpoint adds at most this many fragments per request, and none to
/// a channel that would then hold more (each costs memory until the channel is deleted).
const MAX_ADMIN_FRAGMENTS: i64 = 100_000;
/// The admin faults endpoint queues at most this many distinct faults (repeats of the last
/// one only raise its count).
const MAX_QUEUED_FAULTS: usize = 1000;
/// The admin clock endpoint refuses offsets beyond a century.
const MAX_CLOCK_OFFSET_SECS: u64 = 100 * 366 * 86_400;

impl App {
    /// Answers one admin request.
    pub(crate) fn serve_admin(
        &self,
        req: &Request,
        path: &str,
        query: &Query,
    ) -> Result<Response, OssError> {
        let arg = |name: &'static str| {
            query.get(name).filter(|v| !v.is_empty()).ok_or_else(|| {
                OssError::invalid_argument_message(
                    name,
                    format!("The admin request needs {name}=."),
                )
            })
        };
        let number = |name: &'static str| -> Result<i64, OssError> {
            let text = arg(name)?;
            text.parse().map_err(|_| {
                OssError::invalid_argument_message(
                    name,
                    format!("{name}={} is not an integer.", quoted(text)),
                )
            })
        };
        let optional_number = |name: &'static str| -> Result<u64, OssError> {
            match query.get(name) {
                None => Ok(0),
                Some(_) => number(name).map(|n| n.max(0) as u64),
            }
        };
        let text = |body: &str| {
            Response::new(200)
                .with_header("Content-Type", "text/plain")
                .with_body(body.as_bytes().to_vec())
        };
        let now = self.clock.now();
        match (req.method.as_str(), path) {
            ("GET", "/_emulator/health") => Ok(text("ok\n")),
            ("POST", "/_emulator/faults") => {
                let spec = arg("fault")?;
                if spec.len() > MAX_ECHO_BYTES {
                    return Err(OssError::invalid_argument_message(
                        "fault",
                        format!("fault={} is not a fault spec.", quoted(spec)),
                    ));
                }
                let fault: Fault = spec
                    .parse()
                    .map_err(|e: String| OssError::invalid_argument_message("fault", e))?;
                let queue = self.faults.snapshot();
                if queue.len() >= MAX_QUEUED_FAULTS && queue.last().map(|(f, _)| f) != Some(&fault)
                {
                    return Err(OssError::invalid_argument_message(
                        "fault",
                        format!(
                            "{MAX_QUEUED_FAULTS} faults are queued already; DELETE /_emulator/faults forgets them."
                        ),
                    ));
                }

                let count = match query.get("count") {
                    None => 1,
                    Some(_) => number("count")?.max(0) as usize,
                };
                self.faults.push(fault, count);
                Ok(text(&format!("queued {count} x {spec}\n")))
            }
            ("DELETE", "/_emulator/faults") => {
                self.faults.clear();
                Ok(Response::new(204))
            }
            ("POST", "/_emulator/clock") => {
                let offset = number("offset")?;
                if offset.unsigned_abs() > MAX_CLOCK_OFFSET_SECS {
                    return Err(OssError::invalid_argument_message(
                        "offset",
                        format!(
                            "offset= must be within ±{MAX_CLOCK_OFFSET_SECS} seconds (100 years)."
                        ),
                    ));
                }
                self.clock.set_offset(offset);
                Ok(text(&format!("{}\n", http_date(self.clock.now()))))
            }
            ("POST", "/_emulator/publish") => {
                let (bucket, channel) = (arg("bucket")?, arg("channel")?);
                let video = query.get("width").map(|_| -> Result<VideoStat, OssError> {
                    Ok(VideoStat {
                        width: optional_number("width")? as u32,
                        height: optional_number("height")? as u32,
                        frame_rate: optional_number("frame-rate")? as u32,
                        bandwidth: optional_number("video-bandwidth")?,
                        codec: query.get("video-codec").unwrap_or("H264").to_owned(),
                    })
                });
                let audio = query
                    .get("sample-rate")
                    .map(|_| -> Result<AudioStat, OssError> {
                        Ok(AudioStat {
                            bandwidth: optional_number("audio-bandwidth")?,
                            sample_rate: optional_number("sample-rate")? as u32,
                            codec: query.get("audio-codec").unwrap_or("AAC").to_owned(),
                        })
                    });
                let session = LiveSession {
                    connected_time: now,
                    remote_addr: query
                        .get("remote")
                        .map_or_else(|| req.peer.to_string(), str::to_owned),
                    video: video.transpose()?,
                    audio: audio.transpose()?,
                };
                self.store.begin_publish(bucket, channel, session)?;
                Ok(text("live\n"))
            }
            ("DELETE", "/_emulator/publish") => {
                let was_live = self
                    .store
                    .end_publish(arg("bucket")?, arg("channel")?, now)?;
                Ok(text(if was_live { "ended\n" } else { "not live\n" }))
            }
            ("POST", "/_emulator/fragments") => {
                let (bucket, channel) = (arg("bucket")?, arg("channel")?);
                let start_ms = number("start")?;
                let duration: f64 = arg("duration")?
                    .parse()
                    .ok()
                    .filter(|d: &f64| d.is_finite() && *d > 0.0)
                    .ok_or_else(|| {
                        OssError::invalid_argument_message(
                            "duration",
                            "duration= must be a positive number of seconds.",
                        )
                    })?;
                let count = match query.get("count") {
                    None => 1,
                    Some(_) => number("count")?.clamp(0, MAX_ADMIN_FRAGMENTS),
                };
                let out_of_range = || {
                    OssError::invalid_argument_message(
                        "start",
                        "start=, duration= and count= put fragments beyond the year 10000.",
                    )
                };
                // Milliseconds up to the year 10000, so times stay representable.
                const MAX_MS: i64 = 253_402_300_800_000;
                let step_ms = (duration * 1000.0).round();
                if !(0.0..=MAX_MS as f64).contains(&step_ms) || !(0..=MAX_MS).contains(&start_ms) {
                    return Err(out_of_range());
                }
                let step_ms = step_ms as i64;
                let last_ms = (count.max(1) - 1)
                    .checked_mul(step_ms)
                    .and_then(|span| span.checked_add(start_ms))
                    .filter(|last| *last <= MAX_MS)
                    .ok_or_else(out_of_range)?;
                debug_assert!(last_ms >= start_ms);
                let held = self.store.fragment_count(bucket, channel)?;
                if held as i64 + count > MAX_ADMIN_FRAGMENTS {
                    return Err(OssError::invalid_argument_message(
                        "count",
                        format!(
                            "the channel holds {held} fragments; with {count} more it would hold over {MAX_ADMIN_FRAGMENTS}."
                        ),
                    ));
                }
                let fragments = (0..count)
                    .map(|i| {
                        let at_ms = start_ms + i * step_ms;
                        let start_time = UNIX_EPOCH + Duration::from_millis(at_ms.max(0) as u64);
                        (
                            Fragment {
                                start_time,
                                duration,
                                name: format!("{at_ms}.ts"),
                            },
                            Vec::new(),
                        )
                    })
                    .collect();
                self.store.add_fragments(bucket, channel, fragments)?;
                Ok(text(&format!("{count} fragments\n")))
            }
            ("POST", "/_emulator/check-rtmp-url") => {
                let url = arg("url")?;
                match rtmp_auth::check_push_url(url, &self.authority(), now) {
                    Ok(_) => Ok(text("valid\n")),
                    Err(problem) => Ok(Response::new(403)
                        .with_header("Content-Type", "text/plain")
                        .with_body(format!("{problem}\n").into_bytes())),
                }
            }
            ("POST", "/_emulator/credentials") => {
                let mut credential =
                    Credential::new(arg("access-key-id")?, arg("access-key-secret")?);
                if let Some(token) = query.get("security-token").filter(|t| !t.is_empty()) {
                    credential = credential.with_security_token(token);
                }
                if query.has("expires") {
                    let expires = u64::try_from(number("expires")?).unwrap_or(0);
                    credential = credential.expiring_at(UNIX_EPOCH + Duration::from_secs(expires));
                }
                self.keyring
                    .add(credential)
                    .map_err(|e| OssError::invalid_argument_message("access-key-id", e))?;
                Ok(text(&format!("added {}\n", arg("access-key-id")?)))
            }
            ("DELETE", "/_emulator/credentials") => {
                let id = arg("access-key-id")?;
                if self.keyring.revoke(id) {
                    Ok(text(&format!("revoked {id}\n")))
                } else {
                    Ok(Response::new(404)
                        .with_header("Content-Type", "text/plain")
                        .with_body(format!("no access key {id}\n").into_bytes()))
                }
            }
            _ => Err(OssError::method_not_allowed_message(format!(
                "No admin endpoint {} {}.",
                req.method,
                excerpt(path)
            ))),
        }
    }
}
