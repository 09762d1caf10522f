//! Bulk operations (a dialer's mass lead updates, imports and deduplication
//! merges; the writes that ORM-hook audit logs silently skip): one call
//! records a parent event and one event per affected entity, all or
//! nothing, linked by a correlation id, the parent's event id, which every
//! one of them carries (the parent too), so that `--text <id>` finds the
//! whole operation and an export shows which rows belong together.

use crate::core::error::{Error, Result};
use crate::core::limits::MAX_BATCH_EVENTS;
use crate::core::model::{Event, EventInput};
use crate::core::store::{Clock, Store};
use crate::ingest::append::{commit_as, refuse_reserved};
use crate::ingest::prepare::{Correlation, Preparer};
use serde_json::{Value, json};

/// The metadata member of the parent that says how many events it links:
/// set by the log, refused from a host.
pub const COUNT_MEMBER: &str = "bulk_count";

/// Records `parent` and its `children` (all of the parent's tenant), all or
/// nothing. Returns the stored events, the parent first. Errors name
/// `parent.<field>` or `children[i].<field>`.
pub fn append_bulk(
    store: &mut impl Store,
    clock: &mut impl Clock,
    parent: EventInput,
    children: Vec<EventInput>,
) -> Result<Vec<Event>> {
    if children.len() + 1 > MAX_BATCH_EVENTS {
        return Err(Error::too_large(
            "children",
            MAX_BATCH_EVENTS - 1,
            children.len(),
            "items",
        ));
    }
    if children.is_empty() {
        return Err(Error::invalid(
            "children",
            "a bulk operation records at least one affected entity",
        ));
    }
    let count = children.len();
    let mut preparer = Preparer::new(store);
    let mut first = refuse_reserved(&parent)
        .and_then(|()| preparer.prepare(parent))
        .map_err(|e| e.within("parent"))?;
    let metadata = first.metadata.get_or_insert_with(|| json!({}));
    if let Value::Object(map) = metadata {
        if map.contains_key(COUNT_MEMBER) {
            return Err(Error::invalid(
                format!("parent.metadata.{COUNT_MEMBER}"),
                "is set by the log (the number of children)",
            ));
        }
        map.insert(COUNT_MEMBER.into(), json!(count));
    }
    first.correlation = Correlation::Parent;
    let mut prepared = Vec::with_capacity(count + 1);
    let tenant = first.tenant.clone();
    prepared.push(first);
    for (i, child) in children.into_iter().enumerate() {
        let field = format!("children[{i}]");
        if child.tenant != tenant {
            return Err(Error::invalid(
                format!("{field}.tenant"),
                "must be the parent's tenant (one bulk operation is one tenant's)",
            ));
        }
        let mut p = refuse_reserved(&child)
            .and_then(|()| preparer.prepare(child))
            .map_err(|e| e.within(&field))?;
        p.correlation = Correlation::Child;
        prepared.push(p);
    }
    commit_as(store, clock, prepared, &|i| {
        Some(match i {
            0 => "parent".to_string(),
            i => format!("children[{}]", i - 1),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::memory::MemoryStore;
    use crate::core::model::Target;
    use crate::test_support::{self, Fixed};

    fn input(action: &str, target: &str) -> EventInput {
        EventInput {
            targets: vec![Target {
                kind: "lead".into(),
                id: target.into(),
                name: None,
            }],
            ..test_support::input("acme", action)
        }
    }

    #[test]
    fn the_parent_and_children_share_the_parents_id() {
        let mut s = MemoryStore::default();
        let children = (0..3).map(|i| input("lead.updated", &format!("l_{i}")));
        let events = append_bulk(
            &mut s,
            &mut Fixed,
            input("lead.bulk_updated", "list_1"),
            children.collect(),
        )
        .unwrap();
        assert_eq!(events.len(), 4);
        let id = events[0].id.clone();
        assert!(
            events
                .iter()
                .all(|e| e.correlation_id.as_deref() == Some(id.as_str()))
        );
        assert_eq!(events[0].metadata, Some(json!({"bulk_count": 3})));
    }

    #[test]
    fn one_bad_child_stores_nothing() {
        let mut s = MemoryStore::default();
        let mut children: Vec<_> = (0..5)
            .map(|i| input("lead.updated", &format!("l_{i}")))
            .collect();
        children[3].context.ip = Some("999.1.1.1".into());
        let e = append_bulk(
            &mut s,
            &mut Fixed,
            input("lead.bulk_updated", "x"),
            children,
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "children[3].context.ip: not an IP address");
        assert_eq!(s.head("acme").unwrap(), None);
        let mut other = input("lead.updated", "l_9");
        other.tenant = "globex".into();
        let e = append_bulk(
            &mut s,
            &mut Fixed,
            input("lead.bulk_updated", "x"),
            vec![other],
        )
        .unwrap_err();
        assert!(e.to_string().starts_with("children[0].tenant:"), "{e}");
        let mut parent = input("lead.bulk_updated", "x");
        parent.metadata = Some(r#"{"bulk_count":1}"#.into());
        let e =
            append_bulk(&mut s, &mut Fixed, parent, vec![input("lead.updated", "l")]).unwrap_err();
        assert!(
            e.to_string().starts_with("parent.metadata.bulk_count:"),
            "{e}"
        );
    }
}
