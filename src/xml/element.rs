//! [`Element`]: what the walkers of [`read`](super::read) see of an element, whichever
//! reader read the body.

use std::borrow::Cow;

use roxmltree::Node;

/// What the walkers read of an element, from roxmltree's tree or from a
/// [`PlainDocument`](super::plain::PlainDocument): both give the same answers for a body
/// both can read.
pub(super) trait Element<'a>: Copy {
    /// The local name.
    fn name(self) -> &'a str;
    /// The parent element's local name; `None` for the root.
    fn parent_name(self) -> Option<&'a str>;
    /// The text of the element's own text nodes, joined, entities decoded; borrowed in the
    /// usual case of a single text node.
    fn text(self) -> Cow<'a, str>;
    /// The element children: the documents carry meaning only in elements, so whitespace
    /// between them (pretty-printing), comments and processing instructions are skipped.
    fn children(self) -> impl Iterator<Item = Self>;
}

impl<'a, 'i: 'a> Element<'a> for Node<'a, 'i> {
    fn name(self) -> &'a str {
        self.tag_name().name()
    }

    fn parent_name(self) -> Option<&'a str> {
        self.parent_element().map(|p| p.tag_name().name())
    }

    fn text(self) -> Cow<'a, str> {
        // Joined only when a comment or CDATA splits the text.
        // `Node::` throughout: the trait's methods of the same names take `self` by value
        // and so would be picked first.
        let mut texts = Node::children(&self)
            .filter(Node::is_text)
            .filter_map(|n| Node::text(&n));
        let Some(first) = texts.next() else {
            return Cow::Borrowed("");
        };
        match texts.next() {
            None => Cow::Borrowed(first),
            Some(second) => {
                let mut joined = String::with_capacity(first.len() + second.len());
                joined.push_str(first);
                joined.push_str(second);
                texts.for_each(|t| joined.push_str(t));
                Cow::Owned(joined)
            }
        }
    }

    fn children(self) -> impl Iterator<Item = Self> {
        Node::children(&self).filter(Node::is_element)
    }
}
