//! The `data-export` interface: an export streamed chunk by chunk through
//! its resource. No logic lives here.

use super::Component;
use super::convert::*;
use super::generated::audit::log::types as wit;
use super::generated::exports::audit::log::data_export as wexport;
use super::imports::{HostClock, HostStore};
use crate::export::{exporter, layout};
use std::cell::RefCell;

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
pub(super) struct Exporter(RefCell<exporter::Exporter>);

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
