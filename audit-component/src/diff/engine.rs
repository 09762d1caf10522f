//! The walk that compares two documents: objects member by member, arrays
//! by the shortest of their edit scripts (`array.rs`), under a work budget
//! and per-subtree bounds past which a subtree collapses into one
//! `replace`.

use super::op::{Op, Options, op_len};
use super::pointer;
use crate::core::model::ChangeOp;
use crate::json::node::{self, Hidden, Node};

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
pub(super) struct Engine<'o, 'h> {
    pub(super) options: &'o Options,
    pub(super) hidden: &'h [Hidden],
    pub(super) budget: u64,
}

impl Engine<'_, '_> {
    pub(super) fn exhausted(&self) -> bool {
        self.budget == 0
    }

    /// Spends `units` of work.
    pub(super) fn spend(&mut self, units: u64) {
        self.budget = self.budget.saturating_sub(units);
    }

    pub(super) fn equal(&mut self, a: &Node, b: &Node) -> bool {
        let mut visited = 0;
        let same = node::equal_counted(a, b, self.hidden, &mut visited);
        self.spend(visited);
        same
    }

    pub(super) fn op<'n, 'a>(
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
    pub(super) fn value<'n, 'a>(
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
    pub(super) fn container<'n, 'a>(
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
    pub(super) fn object<'n, 'a>(
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
