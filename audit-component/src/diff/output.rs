//! The two outputs of one diff: the RFC 6902 patch as canonical JSON text,
//! and the change list stored in events.
//!
//! Both come from the same operations in the same order. A change is a
//! patch operation with what the patch does not need: the old value, and
//! the redaction and collapse markers. So the patch can always be rebuilt
//! from a stored change list (`add` and `replace` take `new` as their
//! `value`, `move` takes `from`).

use super::op::Op;
use crate::core::model::Change;
use crate::json::canonical::write_string;
use crate::json::node::{self, Hidden, Node};

/// The RFC 6902 patch: a JSON array of operations, each written with sorted
/// member names (`from`, `op`, `path`, `value`) and no whitespace.
pub fn patch(ops: &[Op], hidden: &[Hidden]) -> String {
    let mut out = String::with_capacity(ops.iter().map(|o| o.bytes + 1).sum::<usize>() + 2);
    out.push('[');
    for (i, op) in ops.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_op(op, hidden, &mut out);
    }
    out.push(']');
    out
}

fn write_op(op: &Op, hidden: &[Hidden], out: &mut String) {
    out.push('{');
    if let Some(from) = &op.from {
        out.push_str("\"from\":");
        write_string(from, out);
        out.push(',');
    }
    out.push_str("\"op\":\"");
    out.push_str(op.op.as_str());
    out.push_str("\",\"path\":");
    write_string(&op.path, out);
    if let Some(value) = op.patch_value() {
        out.push_str(",\"value\":");
        node::write(value, hidden, out);
    }
    out.push('}');
}

/// The change list: each operation with its old and new values (hidden
/// values as their placeholders), whether it holds hidden values, their
/// keyed fingerprints, and whether a subtree was collapsed.
pub fn changes(ops: &[Op], hidden: &[Hidden]) -> Vec<Change> {
    ops.iter()
        .map(|op| {
            let fingerprint = |v: Option<&Node>| match v {
                Some(Node::Hidden(i)) => {
                    hidden.get(*i as usize).and_then(|h| h.fingerprint.clone())
                }
                _ => None,
            };
            Change {
                path: op.path.clone(),
                op: op.op,
                old: op.old.map(|v| node::to_value(v, hidden)),
                new: op.new.map(|v| node::to_value(v, hidden)),
                from: op.from.clone(),
                redacted: op.old.is_some_and(holds_hidden) || op.new.is_some_and(holds_hidden),
                old_fingerprint: fingerprint(op.old),
                new_fingerprint: fingerprint(op.new),
                collapsed: op.collapsed,
            }
        })
        .collect()
}

/// Whether a value is or contains a hidden value.
fn holds_hidden(node: &Node) -> bool {
    match node {
        Node::Hidden(_) => true,
        Node::Array(items) => items.iter().any(holds_hidden),
        Node::Object(members) => members.iter().any(|(_, v)| holds_hidden(v)),
        _ => false,
    }
}
