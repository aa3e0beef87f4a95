//! `osslive-emulator`: a local OSS LiveChannel endpoint for trying osslive without an account.

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use osslive_emulator::acl::{self, BucketAcl};
use osslive_emulator::ecs_metadata::EcsMetadataConfig;
use osslive_emulator::faults::Fault;
use osslive_emulator::http::Limits;
use osslive_emulator::keyring::Credential;
use osslive_emulator::rtmp::RtmpLimits;
use osslive_emulator::{Config, Emulator};

const USAGE: &str = "\
osslive-emulator: a local Alibaba Cloud OSS LiveChannel endpoint

USAGE:
    osslive-emulator [OPTIONS]

OPTIONS:
    --listen ADDR              address to serve on [default: 127.0.0.1:9100]; port 0 picks one
    --access-key-id ID         accepted access key id [env: OSS_ACCESS_KEY_ID]
    --access-key-secret SECRET its secret [env: OSS_ACCESS_KEY_SECRET]
    --security-token TOKEN     an accepted STS token; repeatable [env: OSS_SESSION_TOKEN]
    --credential AK:SK[:TOKEN] also accept this key (and STS token); repeatable. With it,
                               --access-key-id is optional. Keys can be added and revoked
                               while running: POST|DELETE /_emulator/credentials
    --bucket NAME              serve only this bucket; repeatable [default: any valid name]
    --bucket-acl BUCKET=ACL    serve BUCKET (* for every bucket) as private or public-read;
                               repeatable [default: private, as on OSS]. A private bucket's
                               objects need a header signature or a presigned URL; a
                               public-read bucket also serves them anonymously
    --region REGION            region V4 signatures must name [default: cn-hangzhou]
    --data-dir DIR             keep channels, history and objects (segments, playlists)
                               here across restarts, a kill -9 included [default: in
                               memory]
    --max-object-bytes N       without --data-dir, keep at most N bytes of objects in
                               memory (suffix KiB, MiB or GiB allowed) [default: 256MiB];
                               past it the oldest segments of ended pushes are dropped
                               (logged; reading one answers 404 NoSuchKey), never those
                               of a live push
    --rtmp-listen ADDR         also serve RTMP pushes here (e.g. 127.0.0.1:1935); they are
                               always served on the --listen port too
    --serve-ecs-metadata ROLE  also serve an ECS instance metadata service (IMDSv1 and v2
                               session tokens) whose RAM role ROLE gets STS credentials
                               the emulator accepts until they expire
    --ecs-metadata-listen ADDR its address [default: 127.0.0.1:0, printed at start]
    --ecs-credentials-ttl SECS how long those credentials are valid [default: 3600]
    --ecs-metadata-require-token
                               refuse metadata requests without a session token (IMDSv2
                               only, ECS's security hardening mode)
    --tls-cert FILE            serve HTTPS with this PEM certificate chain (server first);
                               needs --tls-key
    --tls-key FILE             the PEM private key of --tls-cert
    --fault SPEC[xN]           make the next N requests fail; repeatable. SPEC is one of
                               status:CODE, stall:MS, stall-body:MS, drop, reset, truncated,
                               non-xml, non-xml-error, oversized:BYTES, wrong-content-length
    --quiet                    do not log requests
    -h, --help                 print this help
    -V, --version              print the version

LIMITS (TIME is 250ms, 10s or seconds; see 'Limits' in emulator/README.md):
    --max-connections N        connections open at once [1024]; when all are taken, a
                               new one takes the slot of the one longest idle or waiting
                               on its client (only requests being handled and publishers
                               keep theirs), else an HTTP client gets 503
    --idle-timeout TIME        wait for a connection's first byte or next request [60s]
    --read-timeout TIME        a whole request, once its first byte came [30s]
    --rtmp-setup-timeout TIME  RTMP handshake, connect and an accepted publish [10s]
    --rtmp-media-timeout TIME  a publisher sending no audio or video is cut off [30s]
    --rtmp-max-unauthenticated-bytes N
                               bytes an RTMP client may send before its publish is
                               accepted, which bounds its messages [65536]
    --rtmp-max-message-bytes N largest message of a publisher [16777216]
    --rtmp-max-amf-depth N     deepest AMF0 nesting in a command or data message [32]
    --rtmp-max-amf-values N    most AMF0 values in one such message [4096]

The first line on stdout is `osslive-emulator listening on http://ADDR` (https:// with
--tls-cert), followed with --rtmp-listen by `osslive-emulator rtmp on rtmp://ADDR` and
with --serve-ecs-metadata by `osslive-emulator ecs metadata on http://ADDR`; each request
is then logged to stderr as `METHOD PATH STATUS REQUEST-ID OPERATION` (never a secret),
each failed TLS handshake as a line starting with `TLS`, and each RTMP connection closed
for breaking a limit as `rtmp PEER: closed: REASON`.
With --data-dir, DIR holds osslive-emulator-state.xml (the channels), journal-N.log (every
change since, one line each) and objects/BUCKET/CHANNEL/NAME (one file per object, names
percent-encoded). A process killed at any moment (kill -9 included) loses at most the
segment being written; at the next start an interrupted push becomes a history record
ending at its last stored segment. A data dir of an older emulator is migrated.
A request may carry its signature in the URL instead of the Authorization header: V1
(OSSAccessKeyId, Expires, Signature) or V4 (x-oss-signature-version=OSS4-HMAC-SHA256,
x-oss-expires of at most 7 days), with security-token/x-oss-security-token for STS. That is
how a player reads a private bucket: a presigned GET of the playlist with
x-oss-process=hls/sign returns it with every segment URI signed the same way.
Admin endpoints (no auth): GET /_emulator/health, POST|DELETE /_emulator/faults,
POST /_emulator/clock, POST|DELETE /_emulator/publish, POST /_emulator/fragments,
POST /_emulator/check-rtmp-url, POST|DELETE /_emulator/credentials. See emulator/README.md.";

struct Args {
    listen: SocketAddr,
    rtmp_listen: Option<SocketAddr>,
    access_key_id: Option<String>,
    access_key_secret: Option<String>,
    tokens: Vec<String>,
    credentials: Vec<Credential>,
    ecs_role: Option<String>,
    ecs_listen: Option<SocketAddr>,
    ecs_ttl: Option<Duration>,
    ecs_require_token: bool,
    buckets: Vec<String>,
    bucket_acls: Vec<(String, BucketAcl)>,
    region: String,
    data_dir: Option<String>,
    max_object_bytes: Option<u64>,
    tls_cert: Option<String>,
    tls_key: Option<String>,
    faults: Vec<(Fault, usize)>,
    quiet: bool,
    limits: Limits,
    rtmp_limits: RtmpLimits,
}

/// `250ms`, `10s` or a plain number of seconds.
fn parse_time(flag: &str, text: &str) -> Result<Duration, String> {
    let bad = || format!("{flag} {text:?}: expected a time such as 250ms, 10s or 10");
    let (digits, unit_ms) = if let Some(ms) = text.strip_suffix("ms") {
        (ms, 1)
    } else {
        (text.strip_suffix('s').unwrap_or(text), 1000)
    };
    let n: u64 = digits.parse().map_err(|_| bad())?;
    let millis = n
        .checked_mul(unit_ms)
        .filter(|&ms| ms > 0)
        .ok_or_else(bad)?;
    Ok(Duration::from_millis(millis))
}

/// A count of at least 1.
fn parse_count(flag: &str, text: &str) -> Result<usize, String> {
    text.parse()
        .ok()
        .filter(|&n: &usize| n > 0)
        .ok_or_else(|| format!("{flag} {text:?}: expected a whole number of at least 1"))
}

fn parse_args(mut argv: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut args = Args {
        listen: SocketAddr::from(([127, 0, 0, 1], 9100)),
        rtmp_listen: None,
        access_key_id: std::env::var("OSS_ACCESS_KEY_ID")
            .ok()
            .filter(|v| !v.is_empty()),
        access_key_secret: std::env::var("OSS_ACCESS_KEY_SECRET")
            .ok()
            .filter(|v| !v.is_empty()),
        tokens: std::env::var("OSS_SESSION_TOKEN")
            .ok()
            .filter(|v| !v.is_empty())
            .into_iter()
            .collect(),
        credentials: Vec::new(),
        ecs_role: None,
        ecs_listen: None,
        ecs_ttl: None,
        ecs_require_token: false,
        buckets: Vec::new(),
        bucket_acls: Vec::new(),
        region: "cn-hangzhou".to_owned(),
        data_dir: None,
        max_object_bytes: None,
        tls_cert: None,
        tls_key: None,
        faults: Vec::new(),
        quiet: false,
        limits: Limits::default(),
        rtmp_limits: RtmpLimits::default(),
    };
    while let Some(arg) = argv.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        let mut value = || -> Result<String, String> {
            inline
                .clone()
                .or_else(|| argv.next())
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(None);
            }
            "-V" | "--version" => {
                println!("osslive-emulator {}", env!("CARGO_PKG_VERSION"));
                return Ok(None);
            }
            "--listen" => {
                let v = value()?;
                args.listen = v.parse().map_err(|_| {
                    format!("--listen {v:?}: expected IP:PORT, e.g. 127.0.0.1:9100")
                })?;
            }
            "--rtmp-listen" => {
                let v = value()?;
                args.rtmp_listen = Some(v.parse().map_err(|_| {
                    format!("--rtmp-listen {v:?}: expected IP:PORT, e.g. 127.0.0.1:1935")
                })?);
            }
            "--access-key-id" => args.access_key_id = Some(value()?),
            "--access-key-secret" => args.access_key_secret = Some(value()?),
            "--security-token" => args.tokens.push(value()?),
            "--credential" => args
                .credentials
                .push(Credential::parse_flag(&value()?).map_err(|e| format!("--credential: {e}"))?),
            "--serve-ecs-metadata" => args.ecs_role = Some(value()?),
            "--ecs-metadata-listen" => {
                let v = value()?;
                args.ecs_listen = Some(v.parse().map_err(|_| {
                    format!("--ecs-metadata-listen {v:?}: expected IP:PORT, e.g. 127.0.0.1:8100")
                })?);
            }
            "--ecs-credentials-ttl" => {
                let v = value()?;
                let secs: u64 = v.parse().ok().filter(|s| *s > 0).ok_or_else(|| {
                    format!("--ecs-credentials-ttl {v:?}: expected seconds, e.g. 3600")
                })?;
                args.ecs_ttl = Some(Duration::from_secs(secs));
            }
            "--ecs-metadata-require-token" => args.ecs_require_token = true,
            "--bucket" => args.buckets.push(value()?),
            "--bucket-acl" => args
                .bucket_acls
                .push(acl::parse_flag(&value()?).map_err(|e| format!("--bucket-acl {e}"))?),
            "--region" => args.region = value()?,
            "--data-dir" => args.data_dir = Some(value()?),
            "--max-object-bytes" => {
                let v = value()?;
                args.max_object_bytes = Some(parse_bytes(&v).ok_or_else(|| {
                    format!("--max-object-bytes {v:?}: expected a number of bytes, e.g. 268435456 or 256MiB")
                })?);
            }
            "--tls-cert" => args.tls_cert = Some(value()?),
            "--tls-key" => args.tls_key = Some(value()?),
            "--fault" => args
                .faults
                .push(Fault::parse_counted(&value()?).map_err(|e| format!("--fault: {e}"))?),
            "--quiet" => args.quiet = true,
            "--max-connections" => {
                args.limits.max_connections = parse_count(&flag, &value()?)?;
            }
            "--idle-timeout" => args.limits.idle_timeout = parse_time(&flag, &value()?)?,
            "--read-timeout" => args.limits.read_timeout = parse_time(&flag, &value()?)?,
            "--rtmp-setup-timeout" => {
                args.rtmp_limits.setup_timeout = parse_time(&flag, &value()?)?;
            }
            "--rtmp-media-timeout" => {
                args.rtmp_limits.media_timeout = parse_time(&flag, &value()?)?;
            }
            "--rtmp-max-unauthenticated-bytes" => {
                args.rtmp_limits.max_unauthenticated_bytes = parse_count(&flag, &value()?)?;
            }
            "--rtmp-max-message-bytes" => {
                args.rtmp_limits.max_message_bytes = parse_count(&flag, &value()?)?;
            }
            "--rtmp-max-amf-depth" => {
                args.rtmp_limits.max_amf_depth = parse_count(&flag, &value()?)?;
            }
            "--rtmp-max-amf-values" => {
                args.rtmp_limits.max_amf_values = parse_count(&flag, &value()?)?;
            }
            _ => return Err(format!("unknown argument {arg:?}; see --help")),
        }
    }
    Ok(Some(args))
}

/// `N`, `NKiB`, `NMiB` or `NGiB`.
fn parse_bytes(text: &str) -> Option<u64> {
    let (digits, unit) = [("GiB", 30), ("MiB", 20), ("KiB", 10), ("", 0)]
        .into_iter()
        .find_map(|(suffix, shift)| text.strip_suffix(suffix).map(|d| (d, shift)))?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<u64>().ok()?.checked_mul(1 << unit)
}

fn run() -> Result<(), String> {
    let Some(args) = parse_args(std::env::args().skip(1))? else {
        return Ok(());
    };
    // The first --credential stands in for --access-key-id when that is not given.
    let (id, secret) = match (args.access_key_id, args.credentials.first()) {
        (Some(id), _) => (
            id,
            args.access_key_secret.ok_or(
                "no access key secret: pass --access-key-secret or set OSS_ACCESS_KEY_SECRET",
            )?,
        ),
        (None, Some(first)) => (first.access_key_id.clone(), first.access_key_secret.clone()),
        (None, None) => {
            return Err(
                "no access key id: pass --access-key-id, set OSS_ACCESS_KEY_ID or pass --credential"
                    .into(),
            );
        }
    };
    raise_open_file_limit();
    let mut config = Config::new(id, secret)
        .listen(args.listen)
        .region(args.region)
        .limits(args.limits)
        .rtmp_limits(args.rtmp_limits);
    for credential in args.credentials {
        config = config.credential(credential);
    }
    if let Some(role) = args.ecs_role {
        let mut metadata = EcsMetadataConfig::new(role).require_token(args.ecs_require_token);
        if let Some(addr) = args.ecs_listen {
            metadata = metadata.listen(addr);
        }
        if let Some(ttl) = args.ecs_ttl {
            metadata = metadata.credentials_ttl(ttl);
        }
        config = config.ecs_metadata(metadata);
    }
    for token in args.tokens {
        config = config.security_token(token);
    }
    for bucket in args.buckets {
        config = config.bucket(bucket);
    }
    for (bucket, acl) in args.bucket_acls {
        config = config.bucket_acl(bucket, acl);
    }
    if let Some(addr) = args.rtmp_listen {
        config = config.rtmp_listen(addr);
    }
    if let Some(dir) = args.data_dir {
        config = config.data_dir(dir);
    }
    if let Some(bytes) = args.max_object_bytes {
        config = config.max_object_bytes(bytes);
    }
    match (args.tls_cert, args.tls_key) {
        (Some(cert), Some(key)) => {
            let read = |flag: &str, path: &str| {
                std::fs::read(path).map_err(|e| format!("{flag} {path:?}: {e}"))
            };
            config = config.tls(read("--tls-cert", &cert)?, read("--tls-key", &key)?);
        }
        (Some(_), None) => return Err("--tls-cert needs --tls-key".into()),
        (None, Some(_)) => return Err("--tls-key needs --tls-cert".into()),
        (None, None) => {}
    }
    if !args.quiet {
        config = config.request_log(|line| eprintln!("{line}"));
    }
    let emulator = Emulator::start(config)?;
    for (fault, count) in args.faults {
        emulator.inject_fault(fault, count);
    }
    let mut stdout = std::io::stdout();
    // Scripts wait for this exact line to learn the port, so it goes out at once.
    writeln!(
        stdout,
        "osslive-emulator listening on {}",
        emulator.endpoint()
    )
    .map_err(|e| e.to_string())?;
    if let Some(addr) = emulator.rtmp_addr() {
        writeln!(stdout, "osslive-emulator rtmp on rtmp://{addr}").map_err(|e| e.to_string())?;
    }
    if let Some(endpoint) = emulator.ecs_metadata_endpoint() {
        writeln!(stdout, "osslive-emulator ecs metadata on {endpoint}")
            .map_err(|e| e.to_string())?;
    }
    stdout.flush().map_err(|e| e.to_string())?;
    loop {
        std::thread::park();
    }
}

/// Each connection holds two descriptors (its socket and the server's duplicate of it),
/// so the default 1024 connections need more than the usual soft limit of 1024 open
/// files: the soft limit is raised to the hard one (at most 2^20).
#[cfg(unix)]
fn raise_open_file_limit() {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit only read or write the rlimit passed to them.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 {
            let wanted = limit.rlim_max.min(1 << 20);
            if limit.rlim_cur < wanted {
                limit.rlim_cur = wanted;
                libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
            }
        }
    }
}

#[cfg(not(unix))]
fn raise_open_file_limit() {}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("osslive-emulator: {message}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_bytes;

    #[test]
    fn byte_counts_take_binary_suffixes() {
        assert_eq!(parse_bytes("0"), Some(0));
        assert_eq!(parse_bytes("1048576"), Some(1 << 20));
        assert_eq!(parse_bytes("256MiB"), Some(256 << 20));
        assert_eq!(parse_bytes("3KiB"), Some(3072));
        assert_eq!(parse_bytes("2GiB"), Some(2 << 30));
        for bad in [
            "",
            "MiB",
            "-1",
            "1.5MiB",
            "1 MiB",
            "1MB",
            "99999999999999GiB",
        ] {
            assert_eq!(parse_bytes(bad), None, "{bad}");
        }
    }
}
