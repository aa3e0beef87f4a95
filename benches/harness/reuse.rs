//! Section `reuse`: how many TCP connections one client opens for many sequential calls.

use osslive::LiveChannelConfiguration;

use crate::canned::{self, Canned, Reply};
use crate::clients::{Op, bucket_for, call};
use crate::report::{Report, Target};
use crate::settings::{BUCKET, CHANNEL, Settings};

pub fn section_reuse(s: &Settings, report: &mut Report) {
    eprintln!("== reuse");
    let config = LiveChannelConfiguration::default();
    for op in [Op::Stat, Op::Create] {
        let mut counts = Vec::new();
        for _ in 0..s.rounds {
            let body = match op {
                Op::Stat => canned::stat_body(),
                Op::Create => canned::create_body(BUCKET, CHANNEL),
            };
            let server = Canned::start(Reply::Fixed(canned::ok_response(&body)));
            let bucket = bucket_for(&server.endpoint());
            for _ in 0..s.reuse_calls {
                call(&bucket, op, &config);
            }
            assert_eq!(server.requests(), s.reuse_calls as u64);
            counts.push(server.accepted() as f64);
        }
        report.add_target(
            "reuse",
            format!(
                "TCP connections accepted for {} sequential {} calls (one client)",
                s.reuse_calls,
                op.name()
            ),
            "conns",
            counts,
            Target::AlwaysEquals(1.0),
        );
    }
}
