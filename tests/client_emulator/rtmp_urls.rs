//! Signed RTMP push URLs: their shape in each addressing style, and the emulator's RTMP
//! check (and an independent HMAC) accepting them.

use std::time::{Duration, SystemTime};

use osslive::{Client, TokenForm};
use osslive_emulator::rtmp_auth::{RtmpUrlProblem, check_push_url};

use crate::support::*;

#[test]
fn signed_rtmp_urls_follow_the_addressing_style() {
    let emulator = emulator();
    let port = emulator.addr().port();
    for mode in all_modes() {
        let bucket = bucket(&emulator, mode);
        let name = bucket.name().to_owned();
        let signed = bucket
            .sign_rtmp_url_valid_for("push-chan", Some("test.m3u8"), Duration::from_secs(600))
            .unwrap();
        let server = match mode.style {
            Style::Virtual => format!("rtmp://{name}.{VHOST}:{port}/live"),
            Style::Path => format!("rtmp://127.0.0.1:{port}/{name}/live"),
        };
        assert_eq!(signed.server, server, "{mode:?}");
        assert_eq!(
            signed.url,
            format!("{}/{}", signed.server, signed.stream_key),
            "{mode:?}"
        );
        assert!(
            signed
                .stream_key
                .starts_with("push-chan?playlistName=test.m3u8&"),
            "{}",
            signed.stream_key
        );
        let shown = format!("{signed:?}");
        assert!(
            !shown.contains("Signature="),
            "Debug shows the signature: {shown}"
        );
    }
}

#[test]
fn signed_rtmp_urls_are_accepted_for_every_credential_and_token_form() {
    let emulator = emulator();
    let authority = authority(SK);
    for mode in all_modes() {
        for form in [TokenForm::Signed, TokenForm::Unsigned] {
            let bucket = builder(&emulator, mode)
                .rtmp_token_form(form)
                .build()
                .unwrap()
                .bucket(&mode.bucket_name())
                .unwrap();
            for (channel, playlist) in [
                ("push-chan", Some("test.m3u8")),
                ("with space+plus", Some("my list+1.m3u8")),
                ("频道", None),
            ] {
                let signed = bucket
                    .sign_rtmp_url_valid_for(channel, playlist, Duration::from_secs(600))
                    .unwrap();
                let accepted = check_push_url(&signed.url, &authority, SystemTime::now())
                    .unwrap_or_else(|p| {
                        panic!("{mode:?} {form:?} {channel:?}: {p}\n{}", signed.url)
                    });
                assert_eq!(accepted.bucket, mode.bucket_name());
                assert_eq!(accepted.channel, channel);
                assert_eq!(accepted.playlist_name.as_deref(), playlist);
                assert_eq!(accepted.access_key_id, AK);
                assert_eq!(
                    accepted.token_form,
                    mode.sts.then_some(emulator_form(form)),
                    "{mode:?} {form:?}"
                );
                assert_eq!(
                    signed
                        .url
                        .contains("security-token=STS.TestSecurityToken%2B%2F%3D"),
                    mode.sts,
                    "{}",
                    signed.url
                );
            }
        }
    }
}

#[test]
fn signed_rtmp_urls_are_refused_with_another_secret_or_after_expiry() {
    let emulator = emulator();
    let bucket = bucket(&emulator, PLAIN);
    let signed = bucket
        .sign_rtmp_url_valid_for("push-chan", None, Duration::from_secs(60))
        .unwrap();
    // Named so that scripts/scan-secrets sees a secret here: `authority` is in support.rs.
    let another_secret = "AnotherSecret";
    let refused =
        check_push_url(&signed.url, &authority(another_secret), SystemTime::now()).unwrap_err();
    assert!(
        matches!(refused, RtmpUrlProblem::SignatureMismatch { .. }),
        "{refused}"
    );
    let later = SystemTime::now() + Duration::from_secs(120);
    let refused = check_push_url(&signed.url, &authority(SK), later).unwrap_err();
    assert!(
        matches!(refused, RtmpUrlProblem::Expired { .. }),
        "{refused}"
    );
}

#[test]
fn sign_rtmp_url_valid_for_sets_expires_from_now() {
    let emulator = emulator();
    let bucket = bucket(&emulator, PLAIN);
    let before = unix(SystemTime::now());
    let signed = bucket
        .sign_rtmp_url_valid_for("chan", None, Duration::from_secs(3600))
        .unwrap();
    let after = unix(SystemTime::now());
    let expires = unix(signed.expires);
    assert!(
        before + 3600 <= expires && expires <= after + 3600,
        "{before} {expires} {after}"
    );
    assert!(
        signed.url.contains(&format!("&Expires={expires}&")),
        "{}",
        signed.url
    );

    let fixed = at(unix(SystemTime::now()) + 7200);
    let signed = bucket.sign_rtmp_url("chan", None, fixed).unwrap();
    assert_eq!(signed.expires, fixed);
    assert!(signed.url.contains(&format!("&Expires={}&", unix(fixed))));
}

#[test]
fn rtmp_url_without_playlist_leaves_the_parameter_out() {
    let emulator = emulator();
    let bucket = bucket(&emulator, PLAIN);
    for playlist in [None, Some("")] {
        let signed = bucket
            .sign_rtmp_url_valid_for("chan", playlist, Duration::from_secs(60))
            .unwrap();
        assert!(!signed.url.contains("playlistName"), "{}", signed.url);
        assert!(
            signed
                .stream_key
                .starts_with("chan?OSSAccessKeyId=LTAI5tTestAccessKeyId&Expires="),
            "{}",
            signed.stream_key
        );
        let accepted = check_push_url(&signed.url, &authority(SK), SystemTime::now()).unwrap();
        assert_eq!(accepted.playlist_name, None);
    }
}

/// HMAC-SHA1 of `message` under `secret`, base64: the RTMP signature, computed here
/// independently of osslive.
fn hmac_sha1_base64(secret: &str, message: &str) -> String {
    use base64::Engine as _;
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(message.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

fn url_escape_base64(s: &str) -> String {
    s.replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D")
}

#[test]
fn rtmp_url_for_the_spec_example_has_the_exact_shape_and_a_verifying_signature() {
    // The independent HMAC reproduces the spec's vector 4.1.1...
    assert_eq!(
        hmac_sha1_base64(
            SK,
            "1472040688\nplaylistName:test.m3u8\n/examplebucket/test-channel"
        ),
        "F7x1RGtih1jyG9OhZMCbAgr3Qck="
    );
    // ...and the STS vector 4.1.3, in both forms.
    assert_eq!(
        hmac_sha1_base64(
            SK,
            "1472038888\nplaylistName:playlist.m3u8\nsecurity-token:STS.TestSecurityToken+/=\n/examplebucket/test-channel"
        ),
        "HK+dwx8TqJ8IrHRkQ/EBE3JNSuE="
    );

    // The same inputs with a future expiry, against the real endpoint name.
    let expires = unix(SystemTime::now()) + 3600;
    let host = "examplebucket.oss-cn-hangzhou.aliyuncs.com";
    let client = |creds: osslive::Credentials, form: TokenForm| {
        Client::builder()
            .endpoint("oss-cn-hangzhou.aliyuncs.com")
            .credentials(creds)
            .rtmp_token_form(form)
            .build()
            .unwrap()
            .bucket("examplebucket")
            .unwrap()
    };
    let signed = client(osslive::Credentials::new(AK, SK), TokenForm::Signed)
        .sign_rtmp_url("test-channel", Some("test.m3u8"), at(expires))
        .unwrap();
    let signature = hmac_sha1_base64(
        SK,
        &format!("{expires}\nplaylistName:test.m3u8\n/examplebucket/test-channel"),
    );
    assert_eq!(
        signed.url,
        format!(
            "rtmp://{host}/live/test-channel?playlistName=test.m3u8&OSSAccessKeyId={AK}&Expires={expires}&Signature={}",
            url_escape_base64(&signature)
        )
    );
    assert_eq!(signed.server, format!("rtmp://{host}/live"));
    assert!(check_push_url(&signed.url, &authority(SK), SystemTime::now()).is_ok());

    let sts = osslive::Credentials::new(AK, SK).with_security_token(TOKEN);
    for (form, signed_token) in [(TokenForm::Signed, true), (TokenForm::Unsigned, false)] {
        let signed = client(sts.clone(), form)
            .sign_rtmp_url("test-channel", Some("playlist.m3u8"), at(expires))
            .unwrap();
        let token_line = if signed_token {
            format!("security-token:{TOKEN}\n")
        } else {
            String::new()
        };
        let signature = hmac_sha1_base64(
            SK,
            &format!(
                "{expires}\nplaylistName:playlist.m3u8\n{token_line}/examplebucket/test-channel"
            ),
        );
        assert_eq!(
            signed.url,
            format!(
                "rtmp://{host}/live/test-channel?playlistName=playlist.m3u8&security-token=STS.TestSecurityToken%2B%2F%3D\
                 &OSSAccessKeyId={AK}&Expires={expires}&Signature={}",
                url_escape_base64(&signature)
            ),
            "{form:?}"
        );
        let accepted = check_push_url(&signed.url, &authority(SK), SystemTime::now()).unwrap();
        assert_eq!(accepted.token_form, Some(emulator_form(form)));
    }
}

/// The emulator's name for a client's STS token form: the two implementations share no types.
fn emulator_form(form: TokenForm) -> osslive_emulator::rtmp_auth::TokenForm {
    match form {
        TokenForm::Signed => osslive_emulator::rtmp_auth::TokenForm::Signed,
        TokenForm::Unsigned => osslive_emulator::rtmp_auth::TokenForm::Unsigned,
    }
}
