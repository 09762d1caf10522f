//! One operation of a diff, with what bounds a diff: the options and limits
//! it runs under, and the bytes an operation takes in the patch.

use crate::core::limits;
use crate::core::model::ChangeOp;
use crate::json::node::{self, Hidden, Node};

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
            max_ops: limits::MAX_DIFF_OPS,
            max_bytes: limits::MAX_DIFF_BYTES,
            max_work: limits::MAX_DIFF_WORK,
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

impl<'n, 'a> Op<'n, 'a> {
    /// The `value` member of the operation: the new value of `add` and
    /// `replace`.
    pub fn patch_value(&self) -> Option<&'n Node<'a>> {
        match self.op {
            ChangeOp::Add | ChangeOp::Replace => self.new,
            ChangeOp::Remove | ChangeOp::Move => None,
        }
    }
}

/// The bytes an operation takes in [`super::patch`].
pub fn op_len(op: &Op, hidden: &[Hidden]) -> usize {
    // {"op":"","path":}
    let mut n = 17 + op.op.as_str().len() + node::string_len(&op.path);
    if let Some(from) = &op.from {
        n += 8 + node::string_len(from); // "from":,
    }
    if let Some(value) = op.patch_value() {
        n += 9 + node::text_len(value, hidden); // ,"value":
    }
    n
}
