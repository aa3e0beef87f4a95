//! osslive's own HTTP/1.1 exchange on a connection ureq's connectors opened: the request
//! written in one buffer ([`request`]), the answer read with httparse ([`response`]).
//!
//! A LiveChannel call is one small request and one small answer on a keep-alive
//! connection. ureq's general machinery for it (an `http::Request`, its header map and
//! URI, the ureq-proto state machine, the pool's lookups) cost about 7 µs per call on
//! loopback, a third of the call (BENCHMARKS.md, issue 19). The client keeps ureq for
//! what it does well and osslive cannot do better: connecting through a CONNECT proxy, TCP
//! (osslive's own connector) and TLS (rustls).

pub(crate) mod request;
pub(crate) mod response;
pub(crate) mod scripted;

#[cfg(test)]
mod tests;
