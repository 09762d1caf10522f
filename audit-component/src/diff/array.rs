//! Arrays: candidate edit scripts, and how a script becomes operations.
//!
//! Each array pair gets up to four candidates, and the shortest patch wins
//! (ties go to the first in this order); arrays matched by identity get
//! only the first, since pairing their elements any other way would report
//! one entity turning into another:
//! 1. by identity: when every element of both arrays is an object with one
//!    of the identity keys, its value a string or an integer unique within
//!    each array, elements are matched by that value; the longest run that
//!    kept its order stays, the others `move`, unmatched ones are removed or
//!    added, and matched elements are diffed member by member;
//! 2. otherwise, a longest common subsequence of equal elements (Myers),
//!    with equal elements that changed places turned into `move`s, and the
//!    rest of each gap paired in order (diffed, or replaced);
//! 3. index by index (what most JSON diffs do), unless matched by identity;
//! 4. one `replace` of the whole array (not for arrays matched by identity,
//!    whose elements keep their own changes).

use super::engine::Engine;
use super::op::{Op, op_len};
use super::{myers, pointer};
use crate::core::model::ChangeOp;
use crate::json::node::{self, Node};
use std::collections::HashMap;

/// Where an element of `after` comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// The element `b` of `before`, which keeps its place among the staying
    /// elements. `same`: known to be equal. `identity`: matched by identity
    /// key (always diffed member by member), else paired by position
    /// (diffed or replaced, whichever is shorter).
    Stay {
        b: usize,
        same: bool,
        identity: bool,
    },
    /// The element `b` of `before`, moved here (and then diffed unless
    /// `same`).
    Moved { b: usize, same: bool },
    /// A new element.
    New,
}

/// An edit script: where each element of `after` comes from, and which
/// elements of `before` go (ascending).
#[derive(Debug)]
struct Plan {
    place: Vec<Place>,
    removed: Vec<usize>,
}

impl Plan {
    /// Both scripts leave the same elements in place and add and remove the
    /// same ones (so they emit the same operations).
    fn same_as(&self, other: &Plan) -> bool {
        self.removed == other.removed
            && self.place.len() == other.place.len()
            && self
                .place
                .iter()
                .zip(&other.place)
                .all(|(x, y)| match (x, y) {
                    (Place::Stay { b: p, .. }, Place::Stay { b: q, .. }) => p == q,
                    (x, y) => x == y,
                })
    }
}

impl Engine<'_, '_> {
    /// Two arrays (`b` and `a` are the array nodes, `x` and `y` their
    /// elements).
    pub(super) fn array<'n, 'a>(
        &mut self,
        b: &'n Node<'a>,
        a: &'n Node<'a>,
        x: &'n [Node<'a>],
        y: &'n [Node<'a>],
        path: &mut String,
        out: &mut Vec<Op<'n, 'a>>,
    ) {
        // Most arrays did not change: say so at the cost of one comparison.
        if x.len() == y.len() && x.iter().zip(y).all(|(p, q)| self.equal(p, q)) {
            return;
        }
        let mut plans = Vec::with_capacity(3);
        let keyed = if let Some(plan) = self.by_identity(x, y) {
            plans.push(plan);
            true
        } else {
            false
        };
        if !keyed && let Some(plan) = self.by_subsequence(x, y) {
            plans.push(plan);
        }
        // Elements matched by identity are never paired by position: that
        // could be shorter, but it would report an entity's id as changed
        // (`/lists/0/id: "l_1" → "l_2"`) when two entities changed places.
        let positional = by_position(x.len(), y.len());
        if !keyed && !plans.iter().any(|p| p.same_as(&positional)) {
            plans.push(positional);
        }
        let mut best: Option<(Vec<Op<'n, 'a>>, usize)> = None;
        for plan in &plans {
            let mut ops = Vec::new();
            if !self.emit(plan, x, y, path, &mut ops) {
                continue;
            }
            let bytes = ops.iter().map(|o| o.bytes).sum();
            if best.as_ref().is_none_or(|(_, shortest)| bytes < *shortest) {
                best = Some((ops, bytes));
            }
        }
        match best {
            Some((ops, _)) if ops.is_empty() => {}
            // Entities matched by identity keep their own changes.
            Some((ops, _)) if keyed => out.extend(ops),
            Some((ops, bytes)) => {
                let whole = self.op(ChangeOp::Replace, path, Some(b), Some(a), false);
                if whole.bytes < bytes {
                    out.push(whole);
                } else {
                    out.extend(ops);
                }
            }
            // Every script is over the operation bound.
            None => out.push(self.op(ChangeOp::Replace, path, Some(b), Some(a), true)),
        }
    }

    /// Candidate 1: elements matched by an identity key.
    fn by_identity(&mut self, x: &[Node], y: &[Node]) -> Option<Plan> {
        if x.is_empty() || y.is_empty() {
            return None;
        }
        let keys = &self.options.identity_keys;
        'keys: for key in keys {
            // Sorted identities: no hashing, and few allocations for the
            // short lists that are the common case.
            let Some(before) = sorted_identities(x, key) else {
                continue 'keys;
            };
            if sorted_identities(y, key).is_none() {
                continue 'keys;
            }
            let matched: Vec<Option<usize>> = y
                .iter()
                .map(|element| {
                    let id = identity(element, key)?;
                    before
                        .binary_search_by(|(b, _)| b.cmp(&id))
                        .ok()
                        .map(|k| before[k].1)
                })
                .collect();
            self.spend((x.len() + y.len()) as u64);
            // Matched elements in `after` order; those in a longest run with
            // increasing `before` positions stay, the others move.
            let sequence: Vec<usize> = matched.iter().flatten().copied().collect();
            let stays = longest_increasing(&sequence);
            let mut kept = vec![false; x.len()];
            let mut place = Vec::with_capacity(y.len());
            let mut t = 0;
            for m in &matched {
                place.push(match m {
                    None => Place::New,
                    Some(b) => {
                        kept[*b] = true;
                        let stay = stays[t];
                        t += 1;
                        if stay {
                            Place::Stay {
                                b: *b,
                                same: false,
                                identity: true,
                            }
                        } else {
                            Place::Moved { b: *b, same: false }
                        }
                    }
                });
            }
            let removed = (0..x.len()).filter(|&i| !kept[i]).collect();
            return Some(Plan { place, removed });
        }
        None
    }

    /// Candidate 2: a longest common subsequence of equal elements, moves,
    /// and the gaps paired in order.
    fn by_subsequence(&mut self, x: &[Node], y: &[Node]) -> Option<Plan> {
        let hidden = self.hidden;
        let hx: Vec<u64> = x.iter().map(|e| node::hash(e, hidden)).collect();
        let hy: Vec<u64> = y.iter().map(|e| node::hash(e, hidden)).collect();
        self.spend((x.len() + y.len()) as u64);
        let work = std::cell::Cell::new(0u64);
        let same = |i: usize, j: usize| {
            let mut visited = 0;
            let equal = hx[i] == hy[j] && node::equal_counted(&x[i], &y[j], hidden, &mut visited);
            work.set(work.get() + visited);
            equal
        };
        let (n, m) = (x.len(), y.len());
        let mut prefix = 0;
        while prefix < n.min(m) && same(prefix, prefix) {
            prefix += 1;
        }
        let mut suffix = 0;
        while suffix < n.min(m) - prefix && same(n - 1 - suffix, m - 1 - suffix) {
            suffix += 1;
        }
        let mut budget = self.budget.saturating_sub(work.get());
        let middle = myers::lcs(
            n - prefix - suffix,
            m - prefix - suffix,
            |i, j| same(prefix + i, prefix + j),
            2 * self.options.limits.max_ops + 2,
            &mut budget,
        );
        self.budget = budget.saturating_sub(work.get());
        let middle = middle?;
        let pairs = (0..prefix)
            .map(|i| (i, i))
            .chain(middle.into_iter().map(|(i, j)| (i + prefix, j + prefix)))
            .chain((0..suffix).map(|s| (n - suffix + s, m - suffix + s)));

        let mut place = vec![Place::New; m];
        let mut gone = vec![true; n];
        // The gap each element lies in: the number of kept pairs before it.
        let mut gap_b = vec![0usize; n];
        let mut gap_a = vec![0usize; m];
        let (mut last_i, mut last_j, mut gap) = (0, 0, 0);
        for (i, j) in pairs {
            gap_b[last_i..i].fill(gap);
            gap_a[last_j..j].fill(gap);
            place[j] = Place::Stay {
                b: i,
                same: true,
                identity: false,
            };
            gone[i] = false;
            gap += 1;
            (last_i, last_j) = (i + 1, j + 1);
        }
        gap_b[last_i..].fill(gap);
        gap_a[last_j..].fill(gap);

        // Equal elements that changed places move.
        let mut unmatched: HashMap<u64, Vec<usize>> = HashMap::new();
        for i in (0..n).filter(|&i| gone[i]) {
            unmatched.entry(hx[i]).or_default().push(i);
        }
        if !unmatched.is_empty() {
            let mut work = 0u64;
            for j in 0..m {
                if place[j] != Place::New {
                    continue;
                }
                if let Some(candidates) = unmatched.get_mut(&hy[j])
                    && let Some(k) = candidates
                        .iter()
                        .position(|&i| node::equal_counted(&x[i], &y[j], hidden, &mut work))
                {
                    let i = candidates.remove(k);
                    place[j] = Place::Moved { b: i, same: true };
                    gone[i] = false;
                }
            }
            self.spend(work);
        }

        // What is left in each gap is paired in order.
        let mut left: Vec<Vec<usize>> = vec![Vec::new(); gap + 1];
        for i in (0..n).filter(|&i| gone[i]) {
            left[gap_b[i]].push(i);
        }
        let mut next = vec![0usize; gap + 1];
        for j in 0..m {
            if place[j] != Place::New {
                continue;
            }
            let g = gap_a[j];
            if let Some(&i) = left[g].get(next[g]) {
                next[g] += 1;
                place[j] = Place::Stay {
                    b: i,
                    same: false,
                    identity: false,
                };
                gone[i] = false;
            }
        }
        let removed = (0..n).filter(|&i| gone[i]).collect();
        Some(Plan { place, removed })
    }

    /// Emits a script's operations; false when it would go over the
    /// operation bound (and is then abandoned).
    fn emit<'n, 'a>(
        &mut self,
        plan: &Plan,
        x: &'n [Node<'a>],
        y: &'n [Node<'a>],
        path: &mut String,
        out: &mut Vec<Op<'n, 'a>>,
    ) -> bool {
        let max_ops = self.options.limits.max_ops;
        let parent = path.len();
        let mut layout = Layout::new(x.len());
        // Removals first, from the end, each run of neighbours at its first
        // index (the shortest paths, and later indices are still those of
        // `before`).
        if plan.removed.len() > max_ops {
            return false;
        }
        let mut runs: Vec<(usize, usize)> = Vec::new();
        for &i in &plan.removed {
            match runs.last_mut() {
                Some((_, hi)) if *hi == i => *hi += 1,
                _ => runs.push((i, i + 1)),
            }
        }
        for &(lo, hi) in runs.iter().rev() {
            pointer::push_index(path, lo);
            for element in &x[lo..hi] {
                out.push(self.op(ChangeOp::Remove, path, Some(element), None, false));
            }
            path.truncate(parent);
            layout.remove_range(lo, hi);
        }
        let mut previous: Option<Slot> = None;
        for (j, place) in plan.place.iter().enumerate() {
            if out.len() > max_ops {
                return false;
            }
            // Moved and new elements go right after the previous element.
            let target = |layout: &Layout| previous.map_or(0, |p| layout.position(p) + 1);
            match *place {
                Place::Stay { b, same, identity } => {
                    if !same {
                        pointer::push_index(path, layout.position(Slot::Before(b)));
                        if identity {
                            self.value(&x[b], &y[j], path, out);
                        } else {
                            self.element(&x[b], &y[j], path, out);
                        }
                        path.truncate(parent);
                    }
                    previous = Some(Slot::Before(b));
                }
                Place::Moved { b, same } => {
                    let q = target(&layout);
                    let from = layout.position(Slot::Before(b));
                    let to = if from < q { q - 1 } else { q };
                    layout.remove_range(b, b + 1);
                    layout.insert(to, j);
                    if from != to {
                        pointer::push_index(path, to);
                        let mut o = self.op(ChangeOp::Move, path, Some(&x[b]), None, false);
                        path.truncate(parent);
                        pointer::push_index(path, from);
                        o.from = Some(path.clone());
                        o.bytes = op_len(&o, self.hidden);
                        out.push(o);
                        path.truncate(parent);
                    }
                    if !same {
                        pointer::push_index(path, to);
                        self.value(&x[b], &y[j], path, out);
                        path.truncate(parent);
                    }
                    previous = Some(Slot::Placed(j));
                }
                Place::New => {
                    let q = target(&layout);
                    layout.insert(q, j);
                    pointer::push_index(path, q);
                    out.push(self.op(ChangeOp::Add, path, None, Some(&y[j]), false));
                    path.truncate(parent);
                    previous = Some(Slot::Placed(j));
                }
            }
        }
        out.len() <= max_ops
    }

    /// Two elements paired by position: their diff, or one `replace` when
    /// that is shorter.
    fn element<'n, 'a>(
        &mut self,
        b: &'n Node<'a>,
        a: &'n Node<'a>,
        path: &mut String,
        out: &mut Vec<Op<'n, 'a>>,
    ) {
        let start = out.len();
        self.value(b, a, path, out);
        let produced = &out[start..];
        if produced.len() > 1 || produced.first().is_some_and(|o| o.path.len() > path.len()) {
            let bytes: usize = produced.iter().map(|o| o.bytes).sum();
            let whole = self.op(ChangeOp::Replace, path, Some(b), Some(a), false);
            if whole.bytes < bytes {
                out.truncate(start);
                out.push(whole);
            }
        }
    }
}

/// Candidate 3: index by index.
fn by_position(n: usize, m: usize) -> Plan {
    Plan {
        place: (0..m)
            .map(|j| {
                if j < n {
                    Place::Stay {
                        b: j,
                        same: false,
                        identity: false,
                    }
                } else {
                    Place::New
                }
            })
            .collect(),
        removed: (m..n).collect(),
    }
}

/// The identities of all elements, sorted, with their indices; `None` when
/// one has none or two share one.
fn sorted_identities<'x>(elements: &'x [Node], key: &str) -> Option<Vec<(Identity<'x>, usize)>> {
    let mut ids = elements
        .iter()
        .enumerate()
        .map(|(i, e)| identity(e, key).map(|id| (id, i)))
        .collect::<Option<Vec<_>>>()?;
    ids.sort_unstable();
    if ids.windows(2).any(|w| w[0].0 == w[1].0) {
        return None;
    }
    Some(ids)
}

/// The identity of an array element under `key`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Identity<'x> {
    Text(&'x str),
    Integer(i128),
}

fn identity<'x>(element: &'x Node, key: &str) -> Option<Identity<'x>> {
    match element.member(key)? {
        Node::String(s) => Some(Identity::Text(s)),
        Node::Number(n) => n
            .as_i64()
            .map(i128::from)
            .or_else(|| n.as_u64().map(i128::from))
            .map(Identity::Integer),
        _ => None,
    }
}

/// Which entries of `sequence` belong to one longest strictly increasing
/// subsequence (patience sorting, O(n log n)).
fn longest_increasing(sequence: &[usize]) -> Vec<bool> {
    let mut tails: Vec<usize> = Vec::new(); // indices into sequence
    let mut previous = vec![usize::MAX; sequence.len()];
    for (i, &v) in sequence.iter().enumerate() {
        let k = tails.partition_point(|&t| sequence[t] < v);
        if k > 0 {
            previous[i] = tails[k - 1];
        }
        if k == tails.len() {
            tails.push(i);
        } else {
            tails[k] = i;
        }
    }
    let mut member = vec![false; sequence.len()];
    let mut i = tails.last().copied().unwrap_or(usize::MAX);
    while i != usize::MAX {
        member[i] = true;
        i = previous[i];
    }
    member
}

/// An element of the array being rewritten: one of `before` still in
/// place, or one of `after` put there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Before(usize),
    Placed(usize),
}

/// The array while the script is applied, as runs of untouched `before`
/// elements and single placed elements: as many entries as operations so
/// far, not as elements, so finding a position costs little.
struct Layout {
    segments: Vec<Segment>,
}

#[derive(Debug, Clone, Copy)]
enum Segment {
    Before { lo: usize, hi: usize },
    Placed(usize),
}

impl Layout {
    fn new(n: usize) -> Self {
        Layout {
            segments: if n > 0 {
                vec![Segment::Before { lo: 0, hi: n }]
            } else {
                Vec::new()
            },
        }
    }

    /// The current index of an element.
    fn position(&self, slot: Slot) -> usize {
        let mut p = 0;
        for s in &self.segments {
            match (*s, slot) {
                (Segment::Before { lo, hi }, Slot::Before(b)) if lo <= b && b < hi => {
                    return p + (b - lo);
                }
                (Segment::Placed(j), Slot::Placed(k)) if j == k => return p,
                (Segment::Before { lo, hi }, _) => p += hi - lo,
                (Segment::Placed(_), _) => p += 1,
            }
        }
        p
    }

    /// Takes out `before` elements `lo..hi`, which lie in one run.
    fn remove_range(&mut self, lo: usize, hi: usize) {
        let Some(k) = self
            .segments
            .iter()
            .position(|s| matches!(*s, Segment::Before { lo: l, hi: h } if l <= lo && hi <= h))
        else {
            return;
        };
        let Segment::Before { lo: l, hi: h } = self.segments[k] else {
            return;
        };
        let mut replacement = Vec::with_capacity(2);
        if l < lo {
            replacement.push(Segment::Before { lo: l, hi: lo });
        }
        if hi < h {
            replacement.push(Segment::Before { lo: hi, hi: h });
        }
        self.segments.splice(k..=k, replacement);
    }

    /// Puts element `j` of `after` at index `at`.
    fn insert(&mut self, at: usize, j: usize) {
        let mut p = 0;
        for k in 0..self.segments.len() {
            if p == at {
                self.segments.insert(k, Segment::Placed(j));
                return;
            }
            match self.segments[k] {
                Segment::Before { lo, hi } => {
                    if at < p + (hi - lo) {
                        let cut = lo + (at - p);
                        self.segments.splice(
                            k..=k,
                            [
                                Segment::Before { lo, hi: cut },
                                Segment::Placed(j),
                                Segment::Before { lo: cut, hi },
                            ],
                        );
                        return;
                    }
                    p += hi - lo;
                }
                Segment::Placed(_) => p += 1,
            }
        }
        self.segments.push(Segment::Placed(j));
    }
}

#[cfg(test)]
mod tests {
    use super::longest_increasing;

    #[test]
    fn longest_increasing_subsequence() {
        let member = longest_increasing(&[3, 0, 1, 4, 2]);
        let chosen: Vec<usize> = [3, 0, 1, 4, 2]
            .iter()
            .zip(&member)
            .filter(|(_, m)| **m)
            .map(|(v, _)| *v)
            .collect();
        assert_eq!(chosen.len(), 3);
        assert!(chosen.windows(2).all(|w| w[0] < w[1]));
        assert!(longest_increasing(&[]).is_empty());
    }
}
