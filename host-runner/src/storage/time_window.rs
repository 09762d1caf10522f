//! Where a time range's rows are in seq terms: what the SQLite and the
//! PostgreSQL stores read from their time index (tenant, occurred_at_us,
//! seq) before a time-bounded scan, so that a narrow week in a long log is
//! read between its lowest and highest seq instead of from the head down
//! (neither database's planner can know where a week's seqs lie).

/// A time range holding fewer rows than this is walked between the seqs it
/// holds; a larger one by scanning in seq order and skipping the rows
/// outside it (matches are dense enough then).
pub(crate) const NARROW_RANGE_ROWS: i64 = 50_000;

/// Where a time range's rows are.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Window {
    /// It holds no row.
    Empty,
    /// Its rows lie between these seqs, inclusive.
    Seqs(i64, i64),
    /// It holds too many rows to be worth narrowing.
    Wide,
}

impl Window {
    /// A scan's exclusive seq bounds narrowed to the window; `None` when
    /// no row can match.
    pub(crate) fn narrow(self, after: i64, before: i64) -> Option<(i64, i64)> {
        match self {
            Window::Empty => None,
            Window::Wide => Some((after, before)),
            Window::Seqs(first, last) => {
                let after = after.max(first - 1);
                let before = before.min(last.saturating_add(1));
                (after.saturating_add(1) < before).then_some((after, before))
            }
        }
    }
}
