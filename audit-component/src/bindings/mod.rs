//! The WIT glue: converts between the generated types and the engine's own,
//! and implements the engine's store and clock over the host's imports.
//! No audit logic lives here.

// The generated code and the export macro need `unsafe` (the canonical ABI's
// raw pointers) and carry no docs; nothing hand-written here uses `unsafe`.
#![allow(missing_docs, unsafe_code)]

mod generated {
    wit_bindgen::generate!({
        path: "../wit",
        world: "audit",
    });
}

use crate::core::{model, store};
use crate::export::{exporter, layout};
use crate::ingest::{append, bulk};
use crate::json::codec;
use crate::read::{access, filter, page, query};
use crate::settings;
use generated::audit::log::{clock as wclock, keyring as wkeyring, store as wstore, types as wit};
use generated::exports::audit::log::data_export as wexport;
use generated::exports::audit::log::{
    admin as wadmin, codec as wcodec, diff as wdiff, log as wlog,
};
use std::cell::RefCell;

// The `integrity`, `catalog` and `auth` interfaces' glue.
mod auth;
mod catalog;
mod integrity;

struct Component;

impl wlog::Guest for Component {
    fn append(event: wit::EventInput) -> Result<wit::Event, wit::Error> {
        append::append_one(&mut HostStore, &mut HostClock, input(event))
            .map(event_out)
            .map_err(error)
    }

    fn append_batch(events: Vec<wit::EventInput>) -> Result<Vec<wit::Event>, wit::Error> {
        let inputs = events.into_iter().map(input).collect();
        append::append_batch(&mut HostStore, &mut HostClock, inputs)
            .map(|events| events.into_iter().map(event_out).collect())
            .map_err(error)
    }

    fn append_bulk(
        parent: wit::EventInput,
        children: Vec<wit::EventInput>,
    ) -> Result<Vec<wit::Event>, wit::Error> {
        let children = children.into_iter().map(input).collect();
        bulk::append_bulk(&mut HostStore, &mut HostClock, input(parent), children)
            .map(|events| events.into_iter().map(event_out).collect())
            .map_err(error)
    }

    fn query(request: wit::PageRequest) -> Result<wit::Page, wit::Error> {
        let request = page_request_in(request);
        let page = query::query(&mut HostStore, &mut HostClock, &request).map_err(error)?;
        Ok(wit::Page {
            events: page.events.into_iter().map(event_out).collect(),
            next_cursor: page.next_cursor,
            total: page.total,
        })
    }

    fn get_event(
        tenant: String,
        id: String,
        viewer: wit::Viewer,
    ) -> Result<wit::Event, wit::Error> {
        query::get_event(
            &mut HostStore,
            &mut HostClock,
            &tenant,
            &id,
            &viewer_in(viewer),
        )
        .map(event_out)
        .map_err(error)
    }
}

impl wexport::Guest for Component {
    type Exporter = Exporter;

    fn start(request: wexport::ExportRequest) -> Result<wexport::Exporter, wit::Error> {
        let request = exporter::ExportRequest {
            filter: filter_in(request.filter),
            order: order_in(request.order),
            viewer: viewer_in(request.viewer),
            format: match request.format {
                wexport::ExportFormat::Csv => exporter::Format::Csv,
                wexport::ExportFormat::Jsonl => exporter::Format::Jsonl,
            },
            columns: request.columns,
            rows: match request.rows {
                wexport::ExportRows::Events => layout::RowMode::Events,
                wexport::ExportRows::Changes => layout::RowMode::Changes,
            },
            byte_order_mark: request.byte_order_mark,
            utc_offset: request.utc_offset,
            proof: request.proof,
        };
        let exporter = exporter::start(&mut HostStore, &mut HostClock, &request).map_err(error)?;
        Ok(wexport::Exporter::new(Exporter(RefCell::new(exporter))))
    }
}

/// The exporter resource: resources take `&self`, so the state sits in a
/// `RefCell` (the component is single-threaded).
struct Exporter(RefCell<exporter::Exporter>);

impl wexport::GuestExporter for Exporter {
    fn next_chunk(&self) -> Result<Option<Vec<u8>>, wit::Error> {
        self.0
            .borrow_mut()
            .next_chunk(&mut HostStore)
            .map_err(error)
    }

    fn progress(&self) -> wexport::ExportProgress {
        let p = self.0.borrow().progress();
        wexport::ExportProgress {
            events: p.events,
            rows: p.rows,
            bytes: p.bytes,
            covered: p.covered,
            span: p.span,
            done: p.done,
        }
    }
}

impl wcodec::Guest for Component {
    fn parse_inputs(
        text: String,
        default_tenant: Option<String>,
    ) -> Result<Vec<wit::EventInput>, wit::Error> {
        let inputs = codec::parse_inputs(&text, default_tenant.as_deref()).map_err(error)?;
        Ok(inputs.into_iter().map(input_out).collect())
    }

    fn to_json(event: wit::Event) -> Result<String, wit::Error> {
        codec::to_json(&event_in(event).map_err(error)?).map_err(error)
    }
}

impl wadmin::Guest for Component {
    fn get_settings(tenant: String) -> Result<String, wit::Error> {
        let loaded = settings::load(&mut HostStore, &tenant).map_err(error)?;
        settings::to_json(&loaded).map_err(error)
    }

    fn put_settings(
        tenant: String,
        text: String,
        actor: wit::Actor,
    ) -> Result<wit::Event, wit::Error> {
        crate::admin::settings::put(
            &mut HostStore,
            &mut HostClock,
            &tenant,
            &text,
            actor_in(actor),
        )
        .map(event_out)
        .map_err(error)
    }
}

impl wdiff::Guest for Component {
    fn diff(request: wdiff::DiffRequest) -> Result<wdiff::DiffResult, wit::Error> {
        let compared = crate::ingest::capture::request(
            &request.before,
            &request.after,
            request.settings.as_deref(),
            request.action.as_deref(),
            request.tenant.as_deref(),
            &mut |tenant, messages| {
                fingerprints(tenant, messages).map_err(|e| match e {
                    store::StoreError::Failed(m) | store::StoreError::Busy(m) => {
                        crate::Error::Other(m)
                    }
                    store::StoreError::Conflict => crate::Error::Other("keyring: conflict".into()),
                })
            },
        )
        .map_err(error)?;
        Ok(wdiff::DiffResult {
            patch: compared.patch,
            changes: compared.changes.into_iter().map(change_out).collect(),
        })
    }
}

/// The host's keyring import: `None` when it has no key for the tenant.
fn fingerprints(
    tenant: &str,
    messages: &[Vec<u8>],
) -> Result<Option<Vec<[u8; 32]>>, store::StoreError> {
    match wkeyring::fingerprints(tenant, messages) {
        Ok(digests) => digests
            .into_iter()
            .map(|d| {
                <[u8; 32]>::try_from(d.as_slice()).map_err(|_| {
                    store::StoreError::Failed(format!(
                        "keyring: a fingerprint of {} bytes, not 32",
                        d.len()
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Err(wkeyring::KeyringError::NoKey) => Ok(None),
        Err(wkeyring::KeyringError::Failed(m)) => {
            Err(store::StoreError::Failed(format!("keyring: {m}")))
        }
    }
}

/// The host's store import as the engine's store.
struct HostStore;

impl store::Store for HostStore {
    fn append(&mut self, rows: Vec<store::Row>) -> Result<(), store::StoreError> {
        let rows: Vec<wstore::Row> = rows.into_iter().map(row_out).collect();
        wstore::append(&rows).map_err(store_error)
    }

    fn head(&mut self, tenant: &str) -> Result<Option<store::Head>, store::StoreError> {
        wstore::head(tenant)
            .map(|h| {
                h.map(|h| store::Head {
                    seq: h.seq,
                    hash: h.hash,
                })
            })
            .map_err(store_error)
    }

    fn scan(&mut self, q: &store::ScanRequest) -> Result<Vec<store::Row>, store::StoreError> {
        wstore::scan(&scan_request(q))
            .map(|rows| rows.into_iter().map(row_in).collect())
            .map_err(store_error)
    }

    fn count(&mut self, q: &store::ScanRequest) -> Result<u64, store::StoreError> {
        wstore::count(&scan_request(q)).map_err(store_error)
    }

    fn get(&mut self, tenant: &str, id: &str) -> Result<Option<store::Row>, store::StoreError> {
        wstore::get(tenant, id)
            .map(|r| r.map(row_in))
            .map_err(store_error)
    }

    fn get_settings(&mut self, tenant: &str) -> Result<Option<String>, store::StoreError> {
        wstore::get_settings(tenant).map_err(store_error)
    }

    fn put_settings(&mut self, tenant: &str, settings: &str) -> Result<(), store::StoreError> {
        wstore::put_settings(tenant, settings).map_err(store_error)
    }

    fn purge(
        &mut self,
        tenant: &str,
        through_seq: u64,
        expected_count: u64,
        anchor: store::Row,
    ) -> Result<(), store::StoreError> {
        wstore::purge(tenant, through_seq, expected_count, &row_out(anchor)).map_err(store_error)
    }

    fn fingerprints(
        &mut self,
        tenant: &str,
        messages: &[Vec<u8>],
    ) -> Result<Option<Vec<[u8; 32]>>, store::StoreError> {
        fingerprints(tenant, messages)
    }
}

/// The host's clock import as the engine's clock.
struct HostClock;

impl store::Clock for HostClock {
    fn now(&mut self) -> chrono::DateTime<chrono::Utc> {
        let t = wclock::now();
        // A host clock out of chrono's range is a host bug; the epoch is
        // recorded rather than trapping, and is visible in `recorded_at`.
        crate::core::time::from_clock(t.seconds, t.nanoseconds).unwrap_or_default()
    }
}

fn store_error(e: wstore::StoreError) -> store::StoreError {
    match e {
        wstore::StoreError::Conflict => store::StoreError::Conflict,
        wstore::StoreError::Busy(m) => store::StoreError::Busy(m),
        wstore::StoreError::Failed(m) => store::StoreError::Failed(m),
    }
}

fn row_out(r: store::Row) -> wstore::Row {
    wstore::Row {
        tenant: r.tenant,
        seq: r.seq,
        id: r.id,
        occurred_at_us: r.occurred_at_us,
        prev_hash: r.prev_hash,
        hash: r.hash,
        body: r.body,
    }
}

fn row_in(r: wstore::Row) -> store::Row {
    store::Row {
        tenant: r.tenant,
        seq: r.seq,
        id: r.id,
        occurred_at_us: r.occurred_at_us,
        prev_hash: r.prev_hash,
        hash: r.hash,
        body: r.body,
    }
}

fn error(e: crate::Error) -> wit::Error {
    match e {
        crate::Error::InvalidInput { field, reason } => {
            wit::Error::InvalidInput(wit::FieldError { field, reason })
        }
        crate::Error::LimitExceeded {
            field,
            limit,
            actual,
            unit,
        } => wit::Error::LimitExceeded(wit::LimitError {
            field,
            limit,
            actual,
            unit: unit.to_string(),
        }),
        crate::Error::NotFound(m) => wit::Error::NotFound(m),
        crate::Error::Store(m) => wit::Error::Store(m),
        crate::Error::Other(m) => wit::Error::Other(m),
        crate::Error::Denied(m) => wit::Error::Denied(m),
    }
}

fn filter_in(f: wit::Filter) -> filter::Filter {
    filter::Filter {
        tenant: f.tenant,
        since: f.since,
        until: f.until,
        actor_id: f.actor_id,
        action: f.action,
        actor_name: f.actor_name,
        category: f.category,
        change_type: f.change_type,
        target_kind: f.target_kind,
        target_id: f.target_id,
        outcome: f.outcome.map(|o| match o {
            wit::OutcomeKind::Success => model::Outcome::Success,
            wit::OutcomeKind::Failure => model::Outcome::Failure,
        }),
        ip: f.ip,
        text: f.text,
    }
}

fn page_request_in(r: wit::PageRequest) -> page::PageRequest {
    page::PageRequest {
        filter: filter_in(r.filter),
        order: order_in(r.order),
        limit: r.limit,
        cursor: r.cursor,
        viewer: viewer_in(r.viewer),
        count: r.count,
    }
}

fn order_in(o: wit::Order) -> page::Order {
    match o {
        wit::Order::NewestFirst => page::Order::NewestFirst,
        wit::Order::OldestFirst => page::Order::OldestFirst,
    }
}

fn viewer_in(v: wit::Viewer) -> access::Viewer {
    access::Viewer {
        actor: actor_in(v.actor),
        roles: v.roles,
        context: context_in(v.context),
    }
}

fn actor_kind_in(k: wit::ActorKind) -> model::ActorKind {
    match k {
        wit::ActorKind::User => model::ActorKind::User,
        wit::ActorKind::System => model::ActorKind::System,
        wit::ActorKind::ApiKey => model::ActorKind::ApiKey,
        wit::ActorKind::Service => model::ActorKind::Service,
    }
}

fn actor_kind_out(k: model::ActorKind) -> wit::ActorKind {
    match k {
        model::ActorKind::User => wit::ActorKind::User,
        model::ActorKind::System => wit::ActorKind::System,
        model::ActorKind::ApiKey => wit::ActorKind::ApiKey,
        model::ActorKind::Service => wit::ActorKind::Service,
    }
}

fn actor_in(a: wit::Actor) -> model::Actor {
    model::Actor {
        id: a.id,
        name: a.name,
        email: a.email,
        kind: actor_kind_in(a.kind),
    }
}

fn actor_out(a: model::Actor) -> wit::Actor {
    wit::Actor {
        id: a.id,
        name: a.name,
        email: a.email,
        kind: actor_kind_out(a.kind),
    }
}

fn target_in(t: wit::Target) -> model::Target {
    model::Target {
        kind: t.kind,
        id: t.id,
        name: t.name,
    }
}

fn target_out(t: model::Target) -> wit::Target {
    wit::Target {
        kind: t.kind,
        id: t.id,
        name: t.name,
    }
}

fn context_in(c: wit::RequestContext) -> model::Context {
    model::Context {
        ip: c.ip,
        user_agent: c.user_agent,
        session_id: c.session_id,
        request_id: c.request_id,
    }
}

fn context_out(c: model::Context) -> wit::RequestContext {
    wit::RequestContext {
        ip: c.ip,
        user_agent: c.user_agent,
        session_id: c.session_id,
        request_id: c.request_id,
    }
}

fn outcome_in(o: wit::Outcome) -> (model::Outcome, Option<String>) {
    match o {
        wit::Outcome::Success => (model::Outcome::Success, None),
        wit::Outcome::Failure(reason) => (model::Outcome::Failure, reason),
    }
}

fn outcome_out(o: model::Outcome, reason: Option<String>) -> wit::Outcome {
    match o {
        model::Outcome::Success => wit::Outcome::Success,
        model::Outcome::Failure => wit::Outcome::Failure(reason),
    }
}

fn input(e: wit::EventInput) -> model::EventInput {
    let (outcome, failure_reason) = outcome_in(e.outcome);
    model::EventInput {
        tenant: e.tenant,
        action: e.action,
        actor: actor_in(e.actor),
        targets: e.targets.into_iter().map(target_in).collect(),
        outcome,
        failure_reason,
        context: context_in(e.context),
        occurred_at: e.occurred_at,
        before: e.before,
        after: e.after,
        metadata: e.metadata,
    }
}

fn input_out(e: model::EventInput) -> wit::EventInput {
    wit::EventInput {
        tenant: e.tenant,
        action: e.action,
        actor: actor_out(e.actor),
        targets: e.targets.into_iter().map(target_out).collect(),
        outcome: outcome_out(e.outcome, e.failure_reason),
        context: context_out(e.context),
        occurred_at: e.occurred_at,
        before: e.before,
        after: e.after,
        metadata: e.metadata,
    }
}

fn json_text(v: &serde_json::Value) -> String {
    crate::json::canonical::to_string(v)
}

fn change_out(c: model::Change) -> wit::Change {
    wit::Change {
        path: c.path,
        op: match c.op {
            model::ChangeOp::Add => wit::ChangeOp::Add,
            model::ChangeOp::Remove => wit::ChangeOp::Remove,
            model::ChangeOp::Replace => wit::ChangeOp::Replace,
            model::ChangeOp::Move => wit::ChangeOp::Move,
        },
        old: c.old.as_ref().map(json_text),
        new: c.new.as_ref().map(json_text),
        from_path: c.from,
        redacted: c.redacted,
        old_fingerprint: c.old_fingerprint,
        new_fingerprint: c.new_fingerprint,
        collapsed: c.collapsed,
    }
}

fn change_in(c: wit::Change) -> crate::Result<model::Change> {
    let parse = |field: &str, v: Option<String>| {
        v.map(|t| crate::json::parse::parse_json(field, &t))
            .transpose()
    };
    Ok(model::Change {
        op: match c.op {
            wit::ChangeOp::Add => model::ChangeOp::Add,
            wit::ChangeOp::Remove => model::ChangeOp::Remove,
            wit::ChangeOp::Replace => model::ChangeOp::Replace,
            wit::ChangeOp::Move => model::ChangeOp::Move,
        },
        old: parse("changes.old", c.old)?,
        new: parse("changes.new", c.new)?,
        path: c.path,
        from: c.from_path,
        redacted: c.redacted,
        old_fingerprint: c.old_fingerprint,
        new_fingerprint: c.new_fingerprint,
        collapsed: c.collapsed,
    })
}

fn event_out(e: model::Event) -> wit::Event {
    wit::Event {
        id: e.id,
        seq: e.seq,
        tenant: e.tenant,
        action: e.action,
        label: e.label,
        category: e.category,
        change_type: e.change_type,
        correlation_id: e.correlation_id,
        actor: actor_out(e.actor),
        targets: e.targets.into_iter().map(target_out).collect(),
        outcome: outcome_out(e.outcome, e.failure_reason),
        context: context_out(e.context),
        occurred_at: e.occurred_at,
        recorded_at: e.recorded_at,
        changes: e.changes.into_iter().map(change_out).collect(),
        metadata: e.metadata.as_ref().map(json_text),
        prev_hash: e.prev_hash,
        hash: e.hash.unwrap_or_default(),
    }
}

fn event_in(e: wit::Event) -> crate::Result<model::Event> {
    let (outcome, failure_reason) = outcome_in(e.outcome);
    Ok(model::Event {
        id: e.id,
        seq: e.seq,
        tenant: e.tenant,
        action: e.action,
        label: e.label,
        category: e.category,
        change_type: e.change_type,
        correlation_id: e.correlation_id,
        actor: actor_in(e.actor),
        targets: e.targets.into_iter().map(target_in).collect(),
        outcome,
        failure_reason,
        context: context_in(e.context),
        occurred_at: e.occurred_at,
        recorded_at: e.recorded_at,
        changes: e
            .changes
            .into_iter()
            .map(change_in)
            .collect::<crate::Result<_>>()?,
        metadata: e
            .metadata
            .map(|m| crate::json::parse::parse_json("metadata", &m))
            .transpose()?,
        prev_hash: e.prev_hash,
        hash: Some(e.hash),
    })
}

generated::export!(Component with_types_in generated);

fn scan_request(q: &store::ScanRequest) -> wstore::ScanRequest {
    wstore::ScanRequest {
        tenant: q.tenant.clone(),
        after_seq: q.after_seq,
        before_seq: q.before_seq,
        since_us: q.since_us,
        until_us: q.until_us,
        descending: q.descending,
        limit: q.limit,
    }
}
