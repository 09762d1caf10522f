//! The `data-export` interface: an export streamed chunk by chunk through
//! its resource. No logic lives here.

use super::Component;
use super::convert::*;
use super::generated::audit::log::types as wit;
use super::generated::exports::audit::log::data_export as wexport;
use super::imports::{HostClock, HostStore};
use crate::export::{exporter, layout, parts};
use std::cell::RefCell;

impl wexport::Guest for Component {
    type Exporter = Exporter;

    fn start(request: wexport::ExportRequest) -> Result<wexport::Exporter, wit::Error> {
        let exporter =
            exporter::start(&mut HostStore, &mut HostClock, &request_in(request)).map_err(error)?;
        Ok(wexport::Exporter::new(Exporter(RefCell::new(exporter))))
    }

    fn start_part(
        request: wexport::ExportRequest,
        part: wexport::ExportPart,
    ) -> Result<wexport::Exporter, wit::Error> {
        let exporter = parts::start_part(
            &mut HostStore,
            &mut HostClock,
            &request_in(request),
            &part_in(part),
        )
        .map_err(error)?;
        Ok(wexport::Exporter::new(Exporter(RefCell::new(exporter))))
    }
}

fn part_in(p: wexport::ExportPart) -> parts::Part {
    parts::Part {
        export_id: p.export_id,
        after_seq: p.after_seq,
        through_seq: p.through_seq,
    }
}

fn request_in(request: wexport::ExportRequest) -> exporter::ExportRequest {
    exporter::ExportRequest {
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

    fn split(&self, parts: u32) -> Result<Vec<wexport::ExportPart>, wit::Error> {
        let parts = self.0.borrow_mut().split(parts).map_err(error)?;
        Ok(parts
            .into_iter()
            .map(|p| wexport::ExportPart {
                export_id: p.export_id,
                after_seq: p.after_seq,
                through_seq: p.through_seq,
            })
            .collect())
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
