//! Streaming exports through a session: the component's `data-export`
//! exporter resource, chunk by chunk.
//!
//! ```no_run
//! # use audit_host::{Runtime, Options, SqliteStore, SystemClock};
//! # use audit_host::bindings::*;
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let runtime = Runtime::new(Options::default())?;
//! # let store = SqliteStore::open("audit.db".as_ref())?;
//! # let mut session = runtime.session(Box::new(store), Box::new(SystemClock));
//! // The whole log as CSV with the default columns, read by an admin.
//! let request = ExportRequest {
//!     filter: Filter::whole_log("acme"),
//!     order: Order::OldestFirst,
//!     viewer: Viewer {
//!         actor: Actor { id: "u_42".into(), name: None, email: None, kind: ActorKind::User },
//!         roles: vec!["admin".into()],
//!         context: RequestContext { ip: None, user_agent: None, session_id: None, request_id: None },
//!     },
//!     format: ExportFormat::Csv,
//!     columns: vec![],
//!     rows: ExportRows::Events,
//!     byte_order_mark: false,
//!     utc_offset: None,
//!     proof: None,
//! };
//! let mut export = session.export(&request)?;
//! let mut out = std::io::stdout().lock();
//! while let Some(chunk) = export.next_chunk()? {
//!     std::io::Write::write_all(&mut out, &chunk)?;
//! }
//! // Only now is the export complete.
//! # Ok(()) }
//! ```

use crate::bindings::{ExportPart, ExportProgress, ExportRequest};
use crate::error::HostError;
use crate::session::instance::Session;
use wasmtime::component::ResourceAny;

/// One export in progress; dropping it abandons the export (the component
/// frees its state).
pub struct Export<'s> {
    session: &'s mut Session,
    /// The component's exporter; `None` once the instance that made it is
    /// gone (after a trap) or the export is over.
    handle: Option<ResourceAny>,
    done: bool,
}

impl Session {
    /// Starts an export: the component checks the request and the viewer,
    /// records `audit_log.exported`, and fixes the snapshot.
    pub fn export(&mut self, request: &ExportRequest) -> Result<Export<'_>, HostError> {
        crate::boundary::export_request(request, self.options().max_input_bytes)?;
        let handle = self.call(|audit, store| {
            audit
                .audit_log_data_export()
                .call_start(&mut *store, request)
        })?;
        Ok(Export {
            session: self,
            handle: Some(handle),
            done: false,
        })
    }

    /// Opens one part of an export another session split
    /// ([`Export::split`]), for the same request: its rows only. Nothing is
    /// recorded; the component checks that the log recorded that export.
    pub fn export_part(
        &mut self,
        request: &ExportRequest,
        part: &ExportPart,
    ) -> Result<Export<'_>, HostError> {
        crate::boundary::export_request(request, self.options().max_input_bytes)?;
        crate::boundary::strings(
            [("part.export_id", part.export_id.as_str())],
            self.options().max_input_bytes,
        )?;
        let handle = self.call(|audit, store| {
            audit
                .audit_log_data_export()
                .call_start_part(&mut *store, request, part)
        })?;
        Ok(Export {
            session: self,
            handle: Some(handle),
            done: false,
        })
    }
}

impl Export<'_> {
    /// The next chunk of the file, or `None` when the export is complete.
    /// After an error the export is over, and incomplete.
    pub fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, HostError> {
        if self.done {
            return Ok(None);
        }
        let Some(handle) = self.handle else {
            return Err(HostError::Audit(crate::bindings::Error::Other(
                "this export was cut short and cannot go on".into(),
            )));
        };
        let result = self.session.call(|audit, store| {
            audit
                .audit_log_data_export()
                .exporter()
                .call_next_chunk(&mut *store, handle)
        });
        match result {
            Ok(Some(chunk)) => Ok(Some(chunk)),
            Ok(None) => {
                self.done = true;
                Ok(None)
            }
            Err(e) => {
                if matches!(e, HostError::Trap { .. }) {
                    // The instance, and the exporter with it, is gone.
                    self.handle = None;
                }
                Err(e)
            }
        }
    }

    /// How far the export has come.
    pub fn progress(&mut self) -> Result<ExportProgress, HostError> {
        self.call_exporter(|exporter, store, handle| exporter.call_progress(store, handle).map(Ok))
    }

    /// Splits the export, before its first chunk, into about `parts`
    /// ranges: this export keeps the first in output order, the others are
    /// returned for [`Session::export_part`] (see the WIT's
    /// `exporter.split`).
    pub fn split(&mut self, parts: u32) -> Result<Vec<ExportPart>, HostError> {
        self.call_exporter(|exporter, store, handle| exporter.call_split(store, handle, parts))
    }

    /// A call of the exporter resource; after a trap the exporter is gone
    /// with its instance.
    fn call_exporter<R>(
        &mut self,
        f: impl FnOnce(
            &crate::bindings::exports::audit::log::data_export::GuestExporter,
            &mut wasmtime::Store<crate::state::HostState>,
            ResourceAny,
        ) -> wasmtime::Result<Result<R, crate::bindings::Error>>,
    ) -> Result<R, HostError> {
        let Some(handle) = self.handle else {
            return Err(HostError::Audit(crate::bindings::Error::Other(
                "this export was cut short".into(),
            )));
        };
        let result = self.session.call(|audit, store| {
            f(
                &audit.audit_log_data_export().exporter(),
                &mut *store,
                handle,
            )
        });
        if matches!(result, Err(HostError::Trap { .. })) {
            self.handle = None;
        }
        result
    }

    /// Whether the last chunk has been returned: the export is complete.
    pub fn is_complete(&self) -> bool {
        self.done
    }
}

impl Drop for Export<'_> {
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take() {
            self.session.drop_resource(handle);
        }
    }
}
