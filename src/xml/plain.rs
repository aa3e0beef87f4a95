//! A reader for plain documents only: what OSS answers in practice (an optional standard
//! XML declaration, elements without attributes, text without references, comments,
//! CDATA or carriage returns). Such a document is read in one pass into a flat list of
//! elements, several times faster than building roxmltree's general tree.
//!
//! Anything else, malformed or merely unusual, makes [`PlainDocument::parse`] return
//! `None`, and the caller reads the body with roxmltree as before; so for any body this
//! reader accepts, the elements, names and texts are those roxmltree gives, and every
//! body it refuses gets roxmltree's answer, its errors included. It never expands
//! anything, so it cannot be made to do more work than the body's length.

use std::borrow::Cow;

use super::element::Element;

/// The one XML declaration accepted: the one OSS sends. Any other falls back to roxmltree,
/// which checks it.
const DECLARATION: &[u8] = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>";

/// "No element": index 0 is the root, which is no one's child or sibling.
const NONE: usize = 0;

/// One element: its name, links, and where it and its content are in the text.
struct Span<'i> {
    name: &'i str,
    /// The parent's index; [`NONE`] for the root, which has no parent.
    parent: usize,
    first_child: usize,
    next_sibling: usize,
    /// From `<` of the start tag to after `>` of the end tag.
    outer: (usize, usize),
    /// Between the tags: empty for `<a/>`.
    content: (usize, usize),
}

/// A plain document, read; see the module documentation.
pub(super) struct PlainDocument<'i> {
    text: &'i str,
    elements: Vec<Span<'i>>,
}

/// An element of a [`PlainDocument`].
#[derive(Clone, Copy)]
pub(super) struct PlainElement<'a, 'i> {
    doc: &'a PlainDocument<'i>,
    index: usize,
}

impl<'i> PlainDocument<'i> {
    /// Reads `text` if it is a plain document; `None` otherwise, for roxmltree to read.
    pub(super) fn parse(text: &'i str) -> Option<PlainDocument<'i>> {
        let b = text.as_bytes();
        let mut pos = if b.starts_with(DECLARATION) {
            DECLARATION.len()
        } else {
            0
        };
        pos = skip_space(b, pos);
        // A tag per element in these documents, usually two: a fair first guess.
        let mut elements: Vec<Span<'i>> = Vec::with_capacity(b.len() / 24 + 1);
        // The open elements: index and last child so far.
        let mut open: Vec<(usize, usize)> = Vec::with_capacity(8);
        loop {
            if b.get(pos) != Some(&b'<') {
                return None;
            }
            match b.get(pos + 1) {
                Some(b'/') => {
                    let (index, _) = open.pop()?;
                    let end = name_end(b, pos + 2)?;
                    let span = &mut elements[index];
                    if &b[pos + 2..end] != span.name.as_bytes() {
                        return None;
                    }
                    let close = skip_space(b, end);
                    if b.get(close) != Some(&b'>') {
                        return None;
                    }
                    span.content.1 = pos;
                    span.outer.1 = close + 1;
                    pos = close + 1;
                }
                Some(_) => {
                    if !elements.is_empty() && open.is_empty() {
                        return None; // a second root
                    }
                    let end = name_end(b, pos + 1)?;
                    let after = skip_space(b, end);
                    let (empty, content_start) = match (b.get(after), b.get(after + 1)) {
                        (Some(b'>'), _) => (false, after + 1),
                        (Some(b'/'), Some(b'>')) => (true, after + 2),
                        _ => return None, // attributes, or not a tag
                    };
                    let index = elements.len();
                    let parent = match open.last_mut() {
                        Some((parent, last_child)) => {
                            if *last_child == NONE {
                                elements[*parent].first_child = index;
                            } else {
                                elements[*last_child].next_sibling = index;
                            }
                            *last_child = index;
                            *parent
                        }
                        None => NONE,
                    };
                    elements.push(Span {
                        name: &text[pos + 1..end],
                        parent,
                        first_child: NONE,
                        next_sibling: NONE,
                        outer: (pos, content_start),
                        content: (content_start, content_start),
                    });
                    if !empty {
                        open.push((index, NONE));
                    }
                    pos = content_start;
                }
                None => return None,
            }
            if open.is_empty() {
                break;
            }
            pos = text_end(b, pos)?;
        }
        (skip_space(b, pos) == b.len()).then_some(PlainDocument { text, elements })
    }

    /// The root element.
    pub(super) fn root_element(&self) -> PlainElement<'_, 'i> {
        PlainElement {
            doc: self,
            index: 0,
        }
    }
}

impl<'a, 'i> PlainElement<'a, 'i> {
    fn span(self) -> &'a Span<'i> {
        &self.doc.elements[self.index]
    }
}

impl<'a, 'i: 'a> Element<'a> for PlainElement<'a, 'i> {
    fn name(self) -> &'a str {
        self.span().name
    }

    fn parent_name(self) -> Option<&'a str> {
        (self.index != 0).then(|| self.doc.elements[self.span().parent].name)
    }

    fn text(self) -> Cow<'a, str> {
        let span = self.span();
        let text: &'a str = self.doc.text;
        if span.first_child == NONE {
            // A leaf, which is what is read as text: its content, borrowed.
            return Cow::Borrowed(&text[span.content.0..span.content.1]);
        }
        // The text pieces are the gaps of the content between child elements, as roxmltree
        // has them as text nodes: borrowed when there is one, joined otherwise.
        let mut pieces = Vec::new();
        let mut from = span.content.0;
        for child in self.children() {
            let (start, end) = child.span().outer;
            pieces.push(&text[from..start]);
            from = end;
        }
        pieces.push(&text[from..span.content.1]);
        pieces.retain(|p| !p.is_empty());
        match pieces.as_slice() {
            [] => Cow::Borrowed(""),
            [one] => Cow::Borrowed(one),
            many => Cow::Owned(many.concat()),
        }
    }

    fn children(self) -> impl Iterator<Item = Self> {
        let doc = self.doc;
        let mut next = self.span().first_child;
        std::iter::from_fn(move || {
            (next != NONE).then(|| {
                let index = next;
                next = doc.elements[index].next_sibling;
                PlainElement { doc, index }
            })
        })
    }
}

/// The first position at or after `pos` that is not a space, tab or line feed (a carriage
/// return is not plain: XML turns it into a line feed, which roxmltree does for us).
fn skip_space(b: &[u8], mut pos: usize) -> usize {
    while matches!(b.get(pos), Some(b' ' | b'\t' | b'\n')) {
        pos += 1;
    }
    pos
}

/// The end of the name starting at `pos`: ASCII letters, digits, `_`, `-` and `.`, not
/// starting with a digit, `-` or `.`; `None` for an empty or unusual name (a namespace
/// prefix, a non-ASCII letter).
fn name_end(b: &[u8], pos: usize) -> Option<usize> {
    let first = *b.get(pos)?;
    if !(first.is_ascii_alphabetic() || first == b'_') {
        return None;
    }
    let len = b[pos..]
        .iter()
        .position(|&c| !(c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.')))
        .unwrap_or(b.len() - pos);
    let end = pos + len;
    // A name must end at a delimiter; `<a:b>` or `<a=` is for roxmltree to judge.
    matches!(b.get(end), Some(b' ' | b'\t' | b'\n' | b'>' | b'/')).then_some(end)
}

/// What a byte of character data is, for [`text_end`].
const ORDINARY: u8 = 0;
/// `<`: the text ends.
const TAG: u8 = 1;
/// Not plain: `&` (a reference), a carriage return, a control character XML forbids.
const REFUSED: u8 = 2;
/// `>` (refused after `]]`) and 0xEF (which starts U+FFFE and U+FFFF): look around.
const LOOK: u8 = 3;

/// [`ORDINARY`], [`TAG`], [`REFUSED`] or [`LOOK`] for each byte value.
const CLASS: [u8; 256] = {
    let mut class = [ORDINARY; 256];
    let mut c = 0;
    while c < 0x20 {
        class[c] = REFUSED;
        c += 1;
    }
    class[b'\t' as usize] = ORDINARY;
    class[b'\n' as usize] = ORDINARY;
    class[b'&' as usize] = REFUSED;
    class[b'<' as usize] = TAG;
    class[b'>' as usize] = LOOK;
    class[0xef] = LOOK;
    class
};

/// Where the character data starting at `pos` ends (the next `<`), in one pass; `None`
/// when it does not end or is not plain: a reference, a carriage return, `]]>`, or a
/// character XML does not allow (a control character but tab and line feed, U+FFFE or
/// U+FFFF; the text is valid UTF-8, so it has no surrogate).
fn text_end(b: &[u8], mut pos: usize) -> Option<usize> {
    loop {
        let c = *b.get(pos)?;
        match CLASS[usize::from(c)] {
            ORDINARY => {}
            TAG => return Some(pos),
            REFUSED => return None,
            _ => {
                // `pos` is past a tag's `>` here, so `pos - 2` is in the body.
                let refused = if c == b'>' {
                    b[pos - 2] == b']' && b[pos - 1] == b']'
                } else {
                    b.get(pos + 1) == Some(&0xbf) && matches!(b.get(pos + 2), Some(0xbe | 0xbf))
                };
                if refused {
                    return None;
                }
            }
        }
        pos += 1;
    }
}

#[cfg(test)]
mod tests;
