//! Starting and stopping an emulator, in-process or from the binary.

use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::SystemTime;

use crate::acl::{BucketAcl, BucketAcls};
use crate::app::App;
use crate::auth::{AccessKey, Authority};
use crate::ecs_metadata::{EcsMetadata, EcsMetadataConfig};
use crate::error::OssError;
use crate::faults::Fault;
use crate::http::{Limits, RtmpHandler, Server};
use crate::keyring::Credential;
use crate::model::{Fragment, LiveSession};
use crate::objects::DEFAULT_MAX_OBJECT_BYTES;
use crate::request_log::RequestLog;
use crate::rtmp::{Ingest, RtmpLimits};
use crate::store::{Store, StoreOptions};
use crate::tls::{TlsAcceptor, TlsIdentity};

/// How to run an emulator.
#[derive(Clone)]
pub struct Config {
    /// Where to listen; port 0 picks a free port.
    pub listen: SocketAddr,
    /// The buckets served; empty serves every valid bucket name.
    pub buckets: Vec<String>,
    /// Accepted keys, tokens and the region.
    pub authority: Authority,
    /// Which buckets serve anonymous object reads; every bucket is private by default.
    pub bucket_acls: BucketAcls,
    /// Where channels and objects are kept across restarts; `None` keeps them in memory.
    pub data_dir: Option<PathBuf>,
    /// Without `data_dir`: the most bytes of objects kept in memory, segments of live
    /// pushes excepted (the oldest segments of ended pushes are dropped past it).
    pub max_object_bytes: u64,
    /// One line per request, when set.
    pub request_log: Option<RequestLog>,
    /// Connection and size limits of the HTTP server (and of connections on the shared port).
    pub limits: Limits,
    /// Deadlines and size limits of RTMP connections.
    pub rtmp_limits: RtmpLimits,
    /// Serve HTTPS with this certificate and key instead of plain HTTP.
    pub tls: Option<TlsIdentity>,
    /// An extra listener serving RTMP only (RTMP is always served on `listen` too).
    pub rtmp_listen: Option<SocketAddr>,
    /// More keys accepted from the start, each revocable with its token.
    pub credentials: Vec<Credential>,
    /// Serve an ECS instance metadata service on a listener of its own.
    pub ecs_metadata: Option<EcsMetadataConfig>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("buckets", &self.buckets)
            .field("authority", &self.authority)
            .field("bucket_acls", &self.bucket_acls)
            .field("data_dir", &self.data_dir)
            .field("max_object_bytes", &self.max_object_bytes)
            .field("request_log", &self.request_log.is_some())
            .field("limits", &self.limits)
            .field("rtmp_limits", &self.rtmp_limits)
            .field("tls", &self.tls)
            .field("rtmp_listen", &self.rtmp_listen)
            .field("credentials", &self.credentials)
            .field("ecs_metadata", &self.ecs_metadata)
            .finish()
    }
}

impl Config {
    /// An in-memory emulator on `127.0.0.1:0`, region `cn-hangzhou`, accepting one key.
    pub fn new(access_key_id: impl Into<String>, access_key_secret: impl Into<String>) -> Config {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            buckets: Vec::new(),
            authority: Authority {
                access_keys: vec![AccessKey {
                    id: access_key_id.into(),
                    secret: access_key_secret.into(),
                }],
                security_tokens: Vec::new(),
                region: "cn-hangzhou".to_owned(),
            },
            bucket_acls: BucketAcls::default(),
            data_dir: None,
            max_object_bytes: DEFAULT_MAX_OBJECT_BYTES,
            request_log: None,
            limits: Limits::default(),
            rtmp_limits: RtmpLimits::default(),
            tls: None,
            rtmp_listen: None,
            credentials: Vec::new(),
            ecs_metadata: None,
        }
    }

    /// Also accept this STS security token.
    pub fn security_token(mut self, token: impl Into<String>) -> Config {
        self.authority.security_tokens.push(token.into());
        self
    }

    /// Also accept this key (with its token, when it has one) from the start; it can be
    /// revoked while the emulator runs ([`Emulator::revoke_credential`]).
    pub fn credential(mut self, credential: Credential) -> Config {
        self.credentials.push(credential);
        self
    }

    /// Serve an ECS instance metadata service giving STS credentials of a RAM role, which
    /// the emulator accepts until they expire ([`crate::ecs_metadata`]); its address is
    /// [`Emulator::ecs_metadata_endpoint`].
    pub fn ecs_metadata(mut self, metadata: EcsMetadataConfig) -> Config {
        self.ecs_metadata = Some(metadata);
        self
    }

    /// Serve only this bucket (may be given several times); others get `NoSuchBucket`.
    pub fn bucket(mut self, name: impl Into<String>) -> Config {
        self.buckets.push(name.into());
        self
    }

    /// Serve `bucket` with `acl` (`*`: every bucket without an ACL of its own). Buckets are
    /// private by default, as on OSS: every object read needs a header signature or a
    /// presigned URL; [`BucketAcl::PublicRead`] also serves anonymous `GET`/`HEAD` of
    /// objects, so that a player can fetch playlists and segments unsigned.
    pub fn bucket_acl(mut self, bucket: impl Into<String>, acl: BucketAcl) -> Config {
        self.bucket_acls.set(bucket, acl);
        self
    }

    /// The region V4 signatures must name.
    pub fn region(mut self, region: impl Into<String>) -> Config {
        self.authority.region = region.into();
        self
    }

    /// Keep channels and objects in this directory across restarts, even a `kill -9`
    /// (see emulator/README.md for the layout and what survives what).
    pub fn data_dir(mut self, dir: impl Into<PathBuf>) -> Config {
        self.data_dir = Some(dir.into());
        self
    }

    /// Without a data directory, keep at most `bytes` of objects in memory (default
    /// 256 MiB); past it the oldest segments of ended pushes are dropped, never those of a
    /// live push.
    pub fn max_object_bytes(mut self, bytes: u64) -> Config {
        self.max_object_bytes = bytes;
        self
    }

    /// Also serve RTMP pushes on this address (port 0 picks one), for tools that leave the
    /// port out of `rtmp://` URLs (1935). Pushes are always served on the HTTP port too.
    pub fn rtmp_listen(mut self, addr: SocketAddr) -> Config {
        self.rtmp_listen = Some(addr);
        self
    }

    /// Holds connections to these limits instead of the defaults.
    pub fn limits(mut self, limits: Limits) -> Config {
        self.limits = limits;
        self
    }

    /// Holds RTMP clients to these limits instead of the defaults.
    pub fn rtmp_limits(mut self, limits: RtmpLimits) -> Config {
        self.rtmp_limits = limits;
        self
    }

    /// Listen here instead of `127.0.0.1:0`.
    pub fn listen(mut self, addr: SocketAddr) -> Config {
        self.listen = addr;
        self
    }

    /// Send one line per request to `log`. Over HTTPS, a failed TLS handshake is also
    /// logged, as a line starting with `TLS`.
    pub fn request_log(mut self, log: impl Fn(&str) + Send + Sync + 'static) -> Config {
        self.request_log = Some(Arc::new(log));
        self
    }

    /// Serve HTTPS instead of plain HTTP, with this certificate chain (PEM `CERTIFICATE`
    /// blocks, the server's own first) and its private key (PEM PKCS#8, PKCS#1 or SEC1).
    /// Both are checked by [`Emulator::start`], which fails when they cannot be used
    /// together. The certificate should name the hosts clients connect to: `127.0.0.1`
    /// (an IP SAN) for path-style requests, `*.ENDPOINT` for virtual-hosted ones.
    pub fn tls(
        mut self,
        cert_chain_pem: impl Into<Vec<u8>>,
        private_key_pem: impl Into<Vec<u8>>,
    ) -> Config {
        self.tls = Some(TlsIdentity::new(cert_chain_pem, private_key_pem));
        self
    }
}

/// A running emulator. Dropping it stops it.
pub struct Emulator {
    app: Arc<App>,
    server: Option<Server>,
    rtmp_server: Option<Server>,
    ecs_server: Option<Server>,
    https: bool,
}

impl Emulator {
    /// Binds, loads any saved state and starts serving in background threads.
    pub fn start(config: Config) -> Result<Emulator, String> {
        for bucket in &config.buckets {
            crate::rules::bucket_name(bucket).map_err(|_| {
                format!(
                    "--bucket {bucket:?}: a bucket name is 3-63 characters of a-z, 0-9 and '-', \
                     not starting or ending with '-'"
                )
            })?;
        }
        for bucket in config.bucket_acls.buckets() {
            if bucket != "*" && crate::rules::bucket_name(bucket).is_err() {
                return Err(format!(
                    "--bucket-acl {bucket:?}: not a bucket name (3-63 characters of a-z, 0-9 \
                     and '-'), nor * for every bucket"
                ));
            }
        }
        if config
            .authority
            .access_keys
            .iter()
            .any(|k| k.id.is_empty() || k.secret.is_empty())
        {
            return Err("an access key id and secret are required (--access-key-id/--access-key-secret or OSS_ACCESS_KEY_ID/OSS_ACCESS_KEY_SECRET)".into());
        }
        let tls = match &config.tls {
            Some(identity) => {
                let acceptor = TlsAcceptor::new(identity)?;
                Some(match &config.request_log {
                    Some(log) => acceptor.with_log(Arc::clone(log)),
                    None => acceptor,
                })
            }
            None => None,
        };
        let store = Store::open_with(
            &config.buckets,
            StoreOptions {
                data_dir: config.data_dir.clone(),
                max_object_bytes: config.max_object_bytes,
                log: config.request_log.clone(),
            },
        )?;
        let app = Arc::new(
            App::new(store, config.authority.clone(), config.request_log.clone())
                .with_bucket_acls(config.bucket_acls.clone()),
        );
        for credential in &config.credentials {
            app.keyring
                .add(credential.clone())
                .map_err(|e| format!("--credential {}: {e}", credential.access_key_id))?;
        }
        let listener = TcpListener::bind(config.listen)
            .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
        let rtmp_listener = match config.rtmp_listen {
            Some(addr) => Some(
                TcpListener::bind(addr)
                    .map_err(|e| format!("cannot listen for RTMP on {addr}: {e}"))?,
            ),
            None => None,
        };
        let https = tls.is_some();
        let ingest: Arc<dyn RtmpHandler> =
            Arc::new(Ingest::new(Arc::clone(&app), config.rtmp_limits));
        let server = Server::start_shared(
            listener,
            app.clone(),
            config.limits,
            tls,
            Arc::clone(&ingest),
        )
        .map_err(|e| format!("cannot start the server: {e}"))?;
        let rtmp_server = match rtmp_listener {
            Some(listener) => Some(
                Server::start_rtmp(listener, ingest, config.limits)
                    .map_err(|e| format!("cannot start the RTMP server: {e}"))?,
            ),
            None => None,
        };
        let ecs_server = match &config.ecs_metadata {
            Some(metadata) => {
                let listener = TcpListener::bind(metadata.listen).map_err(|e| {
                    format!(
                        "cannot listen for the ECS metadata service on {}: {e}",
                        metadata.listen
                    )
                })?;
                let service = EcsMetadata::new(
                    Arc::clone(&app),
                    metadata.clone(),
                    config.request_log.clone(),
                );
                Some(
                    Server::start(listener, Arc::new(service), config.limits)
                        .map_err(|e| format!("cannot start the ECS metadata service: {e}"))?,
                )
            }
            None => None,
        };
        Ok(Emulator {
            app,
            server: Some(server),
            rtmp_server,
            ecs_server,
            https,
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.server
            .as_ref()
            .map(Server::local_addr)
            .expect("server runs until drop")
    }

    /// The address of the extra RTMP-only listener ([`Config::rtmp_listen`]), if any.
    pub fn rtmp_addr(&self) -> Option<SocketAddr> {
        self.rtmp_server.as_ref().map(Server::local_addr)
    }

    /// `http://127.0.0.1:PORT`, or `https://127.0.0.1:PORT` when serving HTTPS: what a
    /// client takes as its endpoint.
    pub fn endpoint(&self) -> String {
        let scheme = if self.https { "https" } else { "http" };
        format!("{scheme}://{}", self.addr())
    }

    /// `http://127.0.0.1:PORT` of the ECS metadata service ([`Config::ecs_metadata`]), if
    /// served: always plain HTTP, as ECS's is.
    pub fn ecs_metadata_endpoint(&self) -> Option<String> {
        self.ecs_server
            .as_ref()
            .map(|s| format!("http://{}", s.local_addr()))
    }

    /// Accepts `credential` from now on (replacing a key of the same id), until it
    /// expires if it has an expiry. Fails when a part is empty or holds a control character.
    pub fn add_credential(&self, credential: Credential) -> Result<(), String> {
        self.app.keyring.add(credential)
    }

    /// Stops accepting the key `access_key_id` and the token added with it: requests
    /// signed with them get `InvalidAccessKeyId` / `InvalidSecurityToken`. Whether there
    /// was such a key.
    pub fn revoke_credential(&self, access_key_id: &str) -> bool {
        self.app.keyring.revoke(access_key_id)
    }

    /// Whether it serves HTTPS.
    pub fn is_https(&self) -> bool {
        self.https
    }

    /// Makes the next `count` OSS requests go wrong in the way `fault` says.
    pub fn inject_fault(&self, fault: Fault, count: usize) {
        self.app.faults.push(fault, count);
    }

    /// Forgets every queued fault.
    pub fn clear_faults(&self) {
        self.app.faults.clear();
    }

    /// Moves the emulator's clock `secs` seconds away from the system clock.
    pub fn set_clock_offset(&self, secs: i64) {
        self.app.clock.set_offset(secs);
    }

    /// The emulator's current time.
    pub fn now(&self) -> SystemTime {
        self.app.clock.now()
    }

    /// A publisher connects to a channel (what the RTMP ingest does on `publish`).
    pub fn begin_publish(
        &self,
        bucket: &str,
        channel: &str,
        session: LiveSession,
    ) -> Result<(), OssError> {
        self.app.store.begin_publish(bucket, channel, session)
    }

    /// The publisher leaves; the push becomes a history record.
    pub fn end_publish(&self, bucket: &str, channel: &str) -> Result<bool, OssError> {
        self.app
            .store
            .end_publish(bucket, channel, self.app.clock.now())
    }

    /// Records fragments as an ingest would have written them.
    pub fn add_fragments(
        &self,
        bucket: &str,
        channel: &str,
        fragments: Vec<(Fragment, Vec<u8>)>,
    ) -> Result<(), OssError> {
        self.app.store.add_fragments(bucket, channel, fragments)
    }

    /// Stops accepting connections, cuts publishers off and waits for the accept loops to end.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        if let Some(server) = self.ecs_server.take() {
            server.shutdown();
        }
        if let Some(server) = self.rtmp_server.take() {
            server.shutdown();
        }
        if let Some(server) = self.server.take() {
            server.shutdown();
        }
        self.app.store.kick_all();
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.stop();
    }
}
