//! What a read asks for and what it gets: one page of a tenant's events,
//! in an order, after a cursor, for a viewer.

use crate::core::model::Event;
use crate::read::access::Viewer;
use crate::read::filter::Filter;

/// The order of a read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    /// Highest seq first.
    #[default]
    NewestFirst,
    /// Lowest seq first.
    OldestFirst,
}

impl Order {
    /// The name recorded in read events.
    pub fn as_str(self) -> &'static str {
        match self {
            Order::NewestFirst => "newest_first",
            Order::OldestFirst => "oldest_first",
        }
    }
}

/// One page request (the WIT `page-request`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    /// Which events.
    pub filter: Filter,
    /// Which order.
    pub order: Order,
    /// How many at most.
    pub limit: u32,
    /// Where to go on.
    pub cursor: Option<String>,
    /// Who reads.
    pub viewer: Viewer,
    /// Whether to count every match too.
    pub count: bool,
}

/// One page.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// The events.
    pub events: Vec<Event>,
    /// Where the next page starts, when there is one.
    pub next_cursor: Option<String>,
    /// Every match, when counted.
    pub total: Option<u64>,
}
