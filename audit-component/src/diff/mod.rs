//! The diff engine: what changed between two JSON documents, as one list of
//! operations with two outputs, the RFC 6902 patch ([`patch`]) and the
//! change list stored in events ([`changes`]).
//!
//! - Paths are RFC 6901 JSON Pointers; operations are `add`, `remove`,
//!   `replace` and `move`, applied in order (RFC 6902 semantics).
//! - Objects are compared member by member, at any depth.
//! - Arrays get the shortest of several edit scripts ([`array`]): a longest
//!   common subsequence with moves (one insertion into a 10,000-element array
//!   is one `add`), a match by identity key for arrays of objects (`id` by
//!   default: "member u_7 added", reordering as `move`s), the index-by-index
//!   script, and one `replace` of the whole array. Choosing the shortest
//!   means a patch is never longer than the index-by-index diff, except for
//!   arrays matched by identity, whose elements are never paired by
//!   position (that would show one entity's id turning into another's).
//! - Values keep their JSON types; numbers are equal by value (`1` equals
//!   `1.0`, as the canonical form writes both `1`); strings compare by exact
//!   code points (no Unicode normalisation); long strings are compared whole.
//! - Bounded: nesting by the parser's depth limit, and per subtree at most
//!   [`Limits::max_ops`] operations and [`Limits::max_bytes`] of patch, past
//!   which the subtree collapses into one `replace` marked `collapsed`; the
//!   total work is bounded by a count (never by time, so that every host
//!   computes the same diff), past which the remaining subtrees collapse.

mod array;
mod myers;
mod output;
pub mod pointer;

pub use crate::json::node::{self, Hidden, Node};
pub use output::{changes, op_len, patch};
pub use pointer::pointer;

use crate::core::model::ChangeOp;

/// Bounds of one diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Operations one subtree may produce before it collapses.
    pub max_ops: usize,
    /// Bytes of patch one subtree may produce before it collapses (when the
    /// collapsed `replace` is shorter).
    pub max_bytes: usize,
    /// Units of work (nodes compared, steps of the array search) for the
    /// whole diff; past it, arrays fall back to cheaper scripts and
    /// unvisited subtrees collapse.
    pub max_work: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_ops: crate::core::limits::MAX_DIFF_OPS,
            max_bytes: crate::core::limits::MAX_DIFF_BYTES,
            max_work: crate::core::limits::MAX_DIFF_WORK,
        }
    }
}

/// How to diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Member names that identify the objects of an array, tried in order;
    /// the first one that every element of both arrays has, with a string
    /// or integer value unique within each array, matches elements.
    pub identity_keys: Vec<String>,
    /// The bounds.
    pub limits: Limits,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            identity_keys: vec!["id".to_string()],
            limits: Limits::default(),
        }
    }
}

/// One operation. `old` and `new` point into the documents.
#[derive(Debug, Clone)]
pub struct Op<'n, 'a> {
    /// What it does.
    pub op: ChangeOp,
    /// Where (RFC 6901), at the moment it applies.
    pub path: String,
    /// For `move`: where the value comes from.
    pub from: Option<String>,
    /// The value before: removed, replaced or moved.
    pub old: Option<&'n Node<'a>>,
    /// The value after: added or replacing.
    pub new: Option<&'n Node<'a>>,
    /// A subtree replaced whole because it went over a bound.
    pub collapsed: bool,
    /// The length of this operation in the patch, in bytes.
    pub bytes: usize,
}

/// The operations that turn `before` into `after`.
pub fn diff<'n, 'a>(
    before: &'n Node<'a>,
    after: &'n Node<'a>,
    hidden: &[Hidden],
    options: &Options,
) -> Vec<Op<'n, 'a>> {
    let mut engine = Engine {
        options,
        hidden,
        budget: options.limits.max_work,
    };
    let mut out = Vec::new();
    engine.value(before, after, &mut String::new(), &mut out);
    out
}

/// The operations between two states of an entity, either of which may be
/// absent (a creation has no `before`, a deletion no `after`). An absent
/// state facing an object is the empty object, so that a creation lists
/// every field it set; facing anything else, the whole document (path `""`)
/// is added or removed.
pub fn diff_states<'n, 'a>(
    before: Option<&'n Node<'a>>,
    after: Option<&'n Node<'a>>,
    hidden: &[Hidden],
    options: &Options,
) -> Vec<Op<'n, 'a>> {
    static EMPTY: Node<'static> = Node::EMPTY_OBJECT;
    let whole = |op, old, new| {
        let mut o = Op {
            op,
            path: String::new(),
            from: None,
            old,
            new,
            collapsed: false,
            bytes: 0,
        };
        o.bytes = op_len(&o, hidden);
        vec![o]
    };
    match (before, after) {
        (None, None) => Vec::new(),
        (None, Some(a @ Node::Object(_))) => diff(&EMPTY, a, hidden, options),
        (Some(b @ Node::Object(_)), None) => diff(b, &EMPTY, hidden, options),
        (None, Some(a)) => whole(ChangeOp::Add, None, Some(a)),
        (Some(b), None) => whole(ChangeOp::Remove, Some(b), None),
        (Some(b), Some(a)) => diff(b, a, hidden, options),
    }
}

/// The walk over both documents, with its remaining work budget.
struct Engine<'o, 'h> {
    options: &'o Options,
    hidden: &'h [Hidden],
    budget: u64,
}

impl Engine<'_, '_> {
    fn exhausted(&self) -> bool {
        self.budget == 0
    }

    /// Spends `units` of work.
    fn spend(&mut self, units: u64) {
        self.budget = self.budget.saturating_sub(units);
    }

    fn equal(&mut self, a: &Node, b: &Node) -> bool {
        let mut visited = 0;
        let same = node::equal_counted(a, b, self.hidden, &mut visited);
        self.spend(visited);
        same
    }

    fn op<'n, 'a>(
        &self,
        op: ChangeOp,
        path: &str,
        old: Option<&'n Node<'a>>,
        new: Option<&'n Node<'a>>,
        collapsed: bool,
    ) -> Op<'n, 'a> {
        let mut o = Op {
            op,
            path: path.to_string(),
            from: None,
            old,
            new,
            collapsed,
            bytes: 0,
        };
        o.bytes = op_len(&o, self.hidden);
        o
    }

    /// The operations turning `b` into `a`, at `path`.
    fn value<'n, 'a>(
        &mut self,
        b: &'n Node<'a>,
        a: &'n Node<'a>,
        path: &mut String,
        out: &mut Vec<Op<'n, 'a>>,
    ) {
        self.spend(1);
        match (b, a) {
            (Node::Object(_), Node::Object(_)) | (Node::Array(_), Node::Array(_)) => {
                self.container(b, a, path, out)
            }
            _ => {
                if !self.equal(b, a) {
                    out.push(self.op(ChangeOp::Replace, path, Some(b), Some(a), false));
                }
            }
        }
    }

    /// Two objects or two arrays, collapsed into one `replace` when what
    /// they produce goes over a bound.
    fn container<'n, 'a>(
        &mut self,
        b: &'n Node<'a>,
        a: &'n Node<'a>,
        path: &mut String,
        out: &mut Vec<Op<'n, 'a>>,
    ) {
        if self.exhausted() {
            if !self.equal(b, a) {
                out.push(self.op(ChangeOp::Replace, path, Some(b), Some(a), true));
            }
            return;
        }
        let start = out.len();
        match (b, a) {
            (Node::Object(x), Node::Object(y)) => self.object(x, y, path, out),
            (Node::Array(x), Node::Array(y)) => self.array(b, a, x, y, path, out),
            _ => unreachable!("called for two objects or two arrays"),
        }
        let produced = &out[start..];
        let limits = self.options.limits;
        if produced.len() <= 1 {
            return;
        }
        let too_many = produced.len() > limits.max_ops;
        let bytes: usize = produced.iter().map(|o| o.bytes).sum();
        if too_many || bytes > limits.max_bytes {
            let collapsed = self.op(ChangeOp::Replace, path, Some(b), Some(a), true);
            if too_many || collapsed.bytes < bytes {
                out.truncate(start);
                out.push(collapsed);
            }
        }
    }

    /// Two objects, member by member (both are sorted by name).
    fn object<'n, 'a>(
        &mut self,
        x: &'n [(std::borrow::Cow<'a, str>, Node<'a>)],
        y: &'n [(std::borrow::Cow<'a, str>, Node<'a>)],
        path: &mut String,
        out: &mut Vec<Op<'n, 'a>>,
    ) {
        let (mut i, mut j) = (0, 0);
        let len = path.len();
        loop {
            let (remove, add) = match (x.get(i), y.get(j)) {
                (None, None) => break,
                (Some(_), None) => (true, false),
                (None, Some(_)) => (false, true),
                (Some((kb, _)), Some((ka, _))) => match kb.cmp(ka) {
                    std::cmp::Ordering::Less => (true, false),
                    std::cmp::Ordering::Greater => (false, true),
                    std::cmp::Ordering::Equal => (false, false),
                },
            };
            if remove {
                let (k, v) = &x[i];
                pointer::push_name(path, k);
                out.push(self.op(ChangeOp::Remove, path, Some(v), None, false));
                i += 1;
            } else if add {
                let (k, v) = &y[j];
                pointer::push_name(path, k);
                out.push(self.op(ChangeOp::Add, path, None, Some(v), false));
                j += 1;
            } else {
                let ((k, vb), (_, va)) = (&x[i], &y[j]);
                pointer::push_name(path, k);
                self.value(vb, va, path, out);
                i += 1;
                j += 1;
            }
            path.truncate(len);
        }
    }
}

#[cfg(test)]
mod tests;
