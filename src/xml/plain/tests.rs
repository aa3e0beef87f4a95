//! The plain reader against roxmltree: for every body, every parser answers the same with
//! the plain reader allowed as with roxmltree alone, and the usual OSS answers do take the
//! plain path.

use super::PlainDocument;
use crate::xml::node::TREE_ONLY;
use crate::xml::{parse_channel_info, parse_create_result, parse_history, parse_list, parse_stat};

/// The answer of the parser for the document `body` claims to be (and of the stat parser,
/// which refuses other roots), as text to compare.
fn answers(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let own = if text.contains("<CreateLiveChannelResult") {
        format!("{:?}", parse_create_result(body))
    } else if text.contains("<LiveChannelConfiguration") {
        format!("{:?}", parse_channel_info(body))
    } else if text.contains("<ListLiveChannelResult") {
        format!("{:?}", parse_list(body))
    } else if text.contains("<LiveChannelHistory") {
        format!("{:?}", parse_history(body))
    } else {
        String::new()
    };
    format!("{own}\n{:?}", parse_stat(body))
}

/// Asserts that the readers agree on `body`; returns whether the plain reader took it.
/// A body it refuses goes to roxmltree alone, the same path either way, so only the
/// bodies it takes are compared.
fn same_with_both_readers(body: &[u8]) -> bool {
    if !std::str::from_utf8(body).is_ok_and(|t| PlainDocument::parse(t).is_some()) {
        return false;
    }
    TREE_ONLY.set(true);
    let tree = answers(body);
    TREE_ONLY.set(false);
    let either = answers(body);
    assert_eq!(either, tree, "{:?}", String::from_utf8_lossy(body));
    true
}

fn seeds() -> Vec<(String, Vec<u8>)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/corpus/xml_responses");
    let mut seeds: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("the fuzz corpus is there")
        .map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&path).unwrap())
        })
        .collect();
    seeds.sort();
    assert!(seeds.len() >= 10, "{seeds:?}");
    seeds
}

#[test]
fn the_oss_answers_take_the_plain_path_and_read_the_same() {
    for (name, body) in seeds() {
        let plain = same_with_both_readers(&body);
        // The one seed with references (`&amp;`, `&#13;`) is left to roxmltree.
        let expected = name != "seed-channel-info";
        assert_eq!(plain, expected, "{name}");
    }
}

#[test]
fn every_edit_of_the_seeds_reads_the_same_with_both_readers() {
    const BYTES: &[u8] = b"<>/&\r ]a:?=\x01";
    let mut bodies = 0;
    let mut plain = 0;
    for (_, seed) in seeds() {
        for at in 0..=seed.len() {
            let mut edits = Vec::with_capacity(2 * BYTES.len() + 2);
            if at < seed.len() {
                let mut deleted = seed.clone();
                deleted.remove(at);
                edits.push(deleted);
                edits.push(seed[..at].to_vec());
            }
            for &b in BYTES {
                let mut inserted = seed.clone();
                inserted.insert(at, b);
                edits.push(inserted);
                if at < seed.len() {
                    let mut replaced = seed.clone();
                    replaced[at] = b;
                    edits.push(replaced);
                }
            }
            for body in edits {
                bodies += 1;
                plain += usize::from(same_with_both_readers(&body));
            }
        }
    }
    // The edits that keep a document plain (in text, say) do exercise the plain path.
    assert!(plain > bodies / 10, "{plain} of {bodies}");
}

#[test]
fn unusual_but_valid_documents_read_the_same() {
    let plain: &[&str] = &[
        "<LiveChannelStat/>",
        "<LiveChannelStat />",
        "<LiveChannelStat></LiveChannelStat >",
        "\n \t<LiveChannelStat><Status>Live</Status></LiveChannelStat>\n\n",
        "<LiveChannelStat><Status>Li<x/>ve</Status></LiveChannelStat>",
        "<LiveChannelStat><Status> <x>Idle</x> Live <y/></Status></LiveChannelStat>",
        "<LiveChannelStat><Status>Live</Status><Status></Status></LiveChannelStat>",
        "<LiveChannelStat><Status>Live</Status><Video><Width>1</Width>\
         <Codec>\u{e9}\u{4e2d}\u{1f600}\u{7f}\u{85}</Codec></Video></LiveChannelStat>",
        "<LiveChannelStat><Status>Live</Status><Video><Width>x</Width></Video></LiveChannelStat>",
        "<LiveChannelStat><a-b.c_d><Status>Live</Status></a-b.c_d></LiveChannelStat>",
        "<CreateLiveChannelResult><PlayUrls><Url> a </Url><Url/><Url>b</Url></PlayUrls>\
         <PublishUrls><Url>c]]d]>e</Url></PublishUrls></CreateLiveChannelResult>",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><LiveChannelStat><Status>Idle</Status></LiveChannelStat>",
    ];
    for case in plain {
        assert!(same_with_both_readers(case.as_bytes()), "{case:?}");
    }
    // Each of these the plain reader leaves to roxmltree.
    let refused: &[&str] = &[
        "<?xml version=\"1.0\"?><LiveChannelStat><Status>Idle</Status></LiveChannelStat>",
        "<LiveChannelStat><Status>Li&#118;e</Status></LiveChannelStat>",
        "<LiveChannelStat><Status>Live</Status>\r\n</LiveChannelStat>",
        "<LiveChannelStat><Status>Live</Status><!-- c --></LiveChannelStat>",
        "<LiveChannelStat><Status><![CDATA[Live]]></Status></LiveChannelStat>",
        "<LiveChannelStat a=\"1\"><Status>Live</Status></LiveChannelStat>",
        "<s:LiveChannelStat xmlns:s=\"u\"><s:Status>Live</s:Status></s:LiveChannelStat>",
        "<LiveChannelStat><Status>Live\u{fffe}</Status></LiveChannelStat>",
        "<LiveChannelStat><Status>Live]]></Status></LiveChannelStat>",
        "<LiveChannelStat><Status>Live</Status></LiveChannelStat><LiveChannelStat/>",
        "<LiveChannelStat><Status>Live</Status></LiveChannelStat>x",
        "<LiveChannelStat><Status>Live</status></LiveChannelStat>",
        "<LiveChannelStat><Status>Live</Status>",
        "<LiveChannelStat><1Status>Live</1Status></LiveChannelStat>",
        "<LiveChannelStat/ >",
        "<\u{e9}><Status>Live</Status></\u{e9}>",
        "\u{feff}<LiveChannelStat><Status>Live</Status></LiveChannelStat>",
    ];
    for case in refused {
        assert!(!same_with_both_readers(case.as_bytes()), "{case:?}");
    }
    let deep = format!(
        "<LiveChannelStat>{}<Status>Live</Status>{}</LiveChannelStat>",
        "<a>".repeat(10_000),
        "</a>".repeat(10_000)
    );
    assert!(same_with_both_readers(deep.as_bytes()));
}
