//! A stored row read back as an event: its body decoded and checked against
//! the columns it came with.

use crate::core::error::{Error, Result};
use crate::core::model::Event;
use crate::core::store::Row;

/// A stored row as an event, checked against the columns it came with.
pub fn decode(tenant: &str, row: Row) -> Result<Event> {
    let mut event: Event = serde_json::from_str(&row.body).map_err(|e| {
        Error::Store(format!(
            "stored event {} of tenant {tenant} is unreadable: {e}",
            row.seq
        ))
    })?;
    if event.seq != row.seq || event.tenant != row.tenant || event.tenant != tenant {
        return Err(Error::Store(format!(
            "stored event {} of tenant {tenant} does not match its row",
            row.seq
        )));
    }
    event.hash = Some(row.hash);
    Ok(event)
}

/// When the event of a stored body was recorded, read without decoding the
/// rest of it; `None` when the body is not readable.
pub fn recorded_at(body: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    #[derive(serde::Deserialize)]
    struct Recorded<'a> {
        #[serde(borrow)]
        recorded_at: std::borrow::Cow<'a, str>,
    }
    let r: Recorded = serde_json::from_str(body).ok()?;
    crate::core::time::parse(&r.recorded_at).ok()
}
