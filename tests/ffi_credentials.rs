//! Credentials through the C ABI, called from Rust against the in-process emulator: a
//! credentials callback asked before the first request and again before its credentials
//! expire (never when they do not), its failures reported and turned into
//! `OSSLIVE_ERR_CREDENTIALS`, and the default chain's setter. (The 8-thread rotation runs
//! as a C program under valgrind: tests/c_examples/credentials.rs.)

mod ffi_common;

use std::ffi::{c_char, c_int, c_void};
use std::ptr::{null, null_mut};
use std::sync::Mutex;
use std::time::Duration;

use ffi_common::*;
use osslive::ffi::channel_list::*;
use osslive::ffi::client::*;
use osslive::ffi::config::*;
use osslive::ffi::credentials::*;
use osslive::ffi::{OSSLIVE_ERR_CREDENTIALS, OSSLIVE_ERR_INVALID_ARGUMENT};
use osslive_emulator::keyring::Credential;
use osslive_emulator::{Config, Emulator};

const AK: &str = "LTAI5tFfiTestAccessKey";
const SK: &str = "FfiTestAccessKeySecret0123456789";
const BUCKET: &str = "ffi-creds";
const CALLBACK_SK: &str = "CallbackTestSecret0123456789abcd";

/// What a test's callback does, and what it saw.
struct Script<'a> {
    emulator: &'a Emulator,
    /// Seconds the credentials are valid, or 0 for no expiry.
    valid_for: i64,
    /// Return this status instead of credentials.
    fail_with: c_int,
    /// Fill the id buffer without a NUL.
    unterminated: bool,
    calls: u32,
    buffer_sizes: Vec<usize>,
}

impl<'a> Script<'a> {
    fn new(emulator: &'a Emulator, valid_for: i64) -> Mutex<Script<'a>> {
        Mutex::new(Script {
            emulator,
            valid_for,
            fail_with: 0,
            unterminated: false,
            calls: 0,
            buffer_sizes: Vec::new(),
        })
    }
}

/// Writes `value` and its NUL into a buffer of `size` bytes.
unsafe fn put(buffer: *mut c_char, size: usize, value: &str) {
    assert!(value.len() < size);
    // SAFETY: the library gives `size` writable bytes.
    unsafe {
        std::ptr::copy_nonoverlapping(value.as_ptr(), buffer.cast(), value.len());
        *buffer.add(value.len()) = 0;
    }
}

/// The callback: generation N is `STS.ffiN`, registered on the emulator before it is
/// handed out.
unsafe extern "C" fn give(
    user_data: *mut c_void,
    id: *mut c_char,
    id_size: usize,
    secret: *mut c_char,
    secret_size: usize,
    token: *mut c_char,
    token_size: usize,
    expiration: *mut i64,
) -> c_int {
    // SAFETY: user_data is the test's Mutex<Script>, alive during the client's use.
    let script = unsafe { &*user_data.cast::<Mutex<Script<'_>>>() };
    let mut script = script.lock().unwrap();
    script.calls += 1;
    script.buffer_sizes = vec![id_size, secret_size, token_size];
    if script.fail_with != 0 {
        return script.fail_with;
    }
    if script.unterminated {
        // SAFETY: `id_size` writable bytes.
        unsafe { std::ptr::write_bytes(id, b'A', id_size) };
        return 0;
    }
    let generation = script.calls;
    let key_id = format!("STS.ffi{generation}");
    let sts_token = format!("STS.FfiCallbackToken{generation}");
    // Accepted until the test revokes it.
    let credential =
        Credential::new(key_id.clone(), CALLBACK_SK).with_security_token(sts_token.clone());
    if script.valid_for > 0 {
        // SAFETY: a writable int64_t.
        unsafe { *expiration = now_unix() + script.valid_for };
    }
    script.emulator.add_credential(credential).unwrap();
    // SAFETY: the buffers are as large as the library says.
    unsafe {
        put(id, id_size, &key_id);
        put(secret, secret_size, CALLBACK_SK);
        put(token, token_size, &sts_token);
    }
    0
}

/// Collects the log lines of a client.
unsafe extern "C" fn collect(user_data: *mut c_void, level: c_int, message: *const c_char) {
    // SAFETY: user_data is the test's Mutex<Vec<String>>.
    let lines = unsafe { &*user_data.cast::<Mutex<Vec<String>>>() };
    lines
        .lock()
        .unwrap()
        .push(format!("{level} {}", text(message).unwrap()));
}

/// A configuration for `emulator` whose credentials come from `script`, logging to
/// `lines`, one attempt per call.
fn config_with_callback(
    emulator: &Emulator,
    script: &Mutex<Script<'_>>,
    lines: &Mutex<Vec<String>>,
) -> *mut osslive_config {
    let config = osslive_config_new();
    let (endpoint, region) = (cs(&emulator.endpoint()), cs("cn-hangzhou"));
    let script_ptr = std::ptr::from_ref(script).cast_mut().cast();
    let lines_ptr = std::ptr::from_ref(lines).cast_mut().cast();
    // SAFETY: `config` is live; the strings outlive the calls; `script` and `lines`
    // outlive every client made from the configuration.
    unsafe {
        call(|e| osslive_config_set_endpoint(config, endpoint.as_ptr(), e)).unwrap();
        call(|e| osslive_config_set_region(config, region.as_ptr(), e)).unwrap();
        call(|e| osslive_config_set_retry(config, 1, 100, e)).unwrap();
        call(|e| osslive_config_set_credentials_callback(config, Some(give), script_ptr, e))
            .unwrap();
        call(|e| {
            osslive_config_set_log_callback(config, Some(collect), lines_ptr, OSSLIVE_LOG_INFO, e)
        })
        .unwrap();
    }
    config
}

fn new_client(config: *const osslive_config) -> *mut osslive_client {
    let mut client = null_mut();
    // SAFETY: a live configuration.
    call(|e| unsafe { osslive_client_new(config, &mut client, e) }).unwrap();
    client
}

/// One ListLiveChannel call.
fn list(client: *const osslive_client) -> Result<(), Failure> {
    let bucket = cs(BUCKET);
    let mut page = null_mut();
    // SAFETY: a live client; the page is freed.
    let result = call(|e| unsafe {
        osslive_list_live_channel(client, bucket.as_ptr(), null(), null(), 0, &mut page, e)
    });
    unsafe { osslive_channel_list_free(page) };
    result
}

#[test]
fn the_callback_is_asked_first_and_again_before_its_credentials_expire() {
    let emulator = Emulator::start(Config::new(AK, SK)).unwrap();
    let script = Script::new(&emulator, 4);
    let lines = Mutex::new(Vec::new());
    let config = config_with_callback(&emulator, &script, &lines);
    let client = new_client(config);
    for _ in 0..5 {
        list(client).unwrap();
    }
    assert_eq!(script.lock().unwrap().calls, 1, "kept while valid");
    let size = OSSLIVE_CREDENTIALS_BUFFER_SIZE;
    assert_eq!(script.lock().unwrap().buffer_sizes, [size, size, size]);
    // Due a quarter of the lifetime before the expiry (whole seconds: 3 to 4 s from the
    // first call, so due after at most 3 s). The first generation is revoked once the
    // second is out: requests use the new one.
    std::thread::sleep(Duration::from_millis(3200));
    list(client).unwrap();
    assert_eq!(
        script.lock().unwrap().calls,
        2,
        "refreshed ahead of the expiry"
    );
    assert!(emulator.revoke_credential("STS.ffi1"));
    list(client).unwrap();
    assert!(
        lines
            .lock()
            .unwrap()
            .iter()
            .all(|l| !l.contains(CALLBACK_SK)),
        "no secret in the log"
    );
    // SAFETY: freed once each, after their last use.
    unsafe {
        osslive_client_free(client);
        osslive_config_free(config);
    }
}

#[test]
fn credentials_without_expiry_are_asked_for_once() {
    let emulator = Emulator::start(Config::new(AK, SK)).unwrap();
    let script = Script::new(&emulator, 0);
    let lines = Mutex::new(Vec::new());
    let config = config_with_callback(&emulator, &script, &lines);
    let (first, second) = (new_client(config), new_client(config));
    for _ in 0..3 {
        list(first).unwrap();
        list(second).unwrap();
    }
    assert_eq!(script.lock().unwrap().calls, 1);
    // SAFETY: freed once each, after their last use.
    unsafe {
        osslive_client_free(first);
        osslive_client_free(second);
        osslive_config_free(config);
    }
}

#[test]
fn a_failing_callback_is_a_credentials_error_and_reported() {
    let emulator = Emulator::start(Config::new(AK, SK)).unwrap();
    let script = Script::new(&emulator, 60);
    script.lock().unwrap().fail_with = -7;
    let lines = Mutex::new(Vec::new());
    let config = config_with_callback(&emulator, &script, &lines);
    let client = new_client(config);
    let failure = list(client).unwrap_err();
    assert_eq!(failure.status, OSSLIVE_ERR_CREDENTIALS, "{failure:?}");
    assert_eq!(failure.attempts, 0, "nothing was sent");
    assert!(
        failure
            .message
            .contains("the credentials callback failed (it returned -7)"),
        "{failure:?}"
    );
    let warned = lines.lock().unwrap().clone();
    assert!(
        warned.iter().any(|l| l.starts_with(&format!(
            "{OSSLIVE_LOG_WARN} cannot get credentials: the credentials callback failed"
        ))),
        "{warned:?}"
    );

    // Unusable answers are failures too, never a crash.
    {
        let mut s = script.lock().unwrap();
        s.fail_with = 0;
        s.unterminated = true;
    }
    let failure = list(client).unwrap_err();
    assert_eq!(failure.status, OSSLIVE_ERR_CREDENTIALS);
    assert!(
        failure
            .message
            .contains("did not end the access key id with a NUL"),
        "{failure:?}"
    );
    // And it recovers when the callback does.
    script.lock().unwrap().unterminated = false;
    list(client).unwrap();
    // SAFETY: freed once each, after their last use.
    unsafe {
        osslive_client_free(client);
        osslive_config_free(config);
    }
}

#[test]
fn setters_refuse_null() {
    let config = osslive_config_new();
    // SAFETY: a live configuration, then NULL.
    unsafe {
        let failure = invalid(
            call(|e| osslive_config_set_credentials_callback(config, None, null_mut(), e)),
            "callback",
        );
        assert_eq!(failure.status, OSSLIVE_ERR_INVALID_ARGUMENT);
        call(|e| osslive_config_use_default_credentials(config, e)).unwrap();
        invalid(
            call(|e| osslive_config_use_default_credentials(null_mut(), e)),
            "config",
        );
        osslive_config_free(config);
    }
}
