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
mod engine;
mod myers;
mod op;
mod output;
pub mod pointer;

pub use crate::json::node::{self, Hidden, Node};
pub use engine::{diff, diff_states};
pub use op::{Limits, Op, Options, op_len};
pub use output::{changes, patch};
pub use pointer::pointer;

#[cfg(test)]
mod tests;
