//! One export written by several instances at once, with the bytes one
//! instance writes and memory that stays flat.
//!
//! The export is started (and recorded) by one session as usual; its
//! exporter then splits the snapshot into ranges of [`RANGE_SEQS`] seqs
//! (`exporter.split`): it keeps the first range in output order, with the
//! file's header, and the others are produced by every session given, each
//! on its own thread with its own instance and store connection
//! (`data-export.start-part`, which the component refuses unless the log
//! recorded this export); the calling thread writes them in order, and
//! produces ranges too while the one it must write next is not ready. Each
//! range is produced whole into memory; a range is taken only while fewer
//! than twice as many ranges as there are sessions wait to be written, so
//! memory is bounded by the range size, not by the log's.

use crate::bindings::{Error, ExportPart, ExportRequest};
use crate::error::HostError;
use crate::session::Session;
use std::collections::BTreeMap;
use std::io::Write;
use std::sync::{Condvar, Mutex};

/// Seqs per range: a range of CSV is a few megabytes at most.
pub const RANGE_SEQS: u64 = 8_192;

/// What an export wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Written {
    /// Events exported.
    pub events: u64,
    /// Rows written (CSV: header not counted; JSON Lines: events).
    pub rows: u64,
    /// Bytes written.
    pub bytes: u64,
}

/// Runs the export of `request` into `out` over the given sessions (over
/// the same store, each with its own connection): the first starts and
/// records the export, and all of them produce its ranges. One session,
/// exports with proof, and snapshots shorter than two ranges: one
/// instance, as `Session::export`.
pub fn export(
    sessions: &mut [&mut Session],
    request: &ExportRequest,
    out: &mut dyn Write,
) -> Result<Written, Cut> {
    export_in_ranges(sessions, request, RANGE_SEQS, out)
}

/// [`export`] with ranges of `range_seqs` seqs (tests split short logs).
pub fn export_in_ranges(
    sessions: &mut [&mut Session],
    request: &ExportRequest,
    range_seqs: u64,
    out: &mut dyn Write,
) -> Result<Written, Cut> {
    let mut written = Written::default();
    run(sessions, request, range_seqs.max(1), out, &mut written)
        .map(|()| written)
        .map_err(|error| Cut { error, written })
}

/// An export that failed, and what it had written by then (the file is
/// incomplete).
#[derive(Debug)]
pub struct Cut {
    /// Why.
    pub error: HostError,
    /// What was written before.
    pub written: Written,
}

impl std::fmt::Display for Cut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.error.fmt(f)
    }
}

impl std::error::Error for Cut {}

impl Written {
    fn add(&mut self, events: u64, rows: u64, bytes: u64) {
        self.events += events;
        self.rows += rows;
        self.bytes += bytes;
    }
}

fn run(
    sessions: &mut [&mut Session],
    request: &ExportRequest,
    range_seqs: u64,
    out: &mut dyn Write,
    written: &mut Written,
) -> Result<(), HostError> {
    let Some((main, helpers)) = sessions.split_first_mut() else {
        return Err(HostError::Audit(Error::Other(
            "an export needs at least one session".into(),
        )));
    };
    let mut first = main.export(request)?;
    let span = first.progress()?.span;
    let parts = if !helpers.is_empty() && request.proof.is_none() && span >= 2 * range_seqs {
        let ranges = u32::try_from(span.div_ceil(range_seqs)).unwrap_or(u32::MAX);
        first.split(ranges)?
    } else {
        Vec::new()
    };
    let streamed = (|| {
        while let Some(chunk) = first.next_chunk()? {
            write(out, &chunk)?;
        }
        Ok(())
    })();
    if let Ok(p) = first.progress() {
        written.add(p.events, p.rows, p.bytes);
    }
    streamed?;
    drop(first);
    if parts.is_empty() {
        return Ok(());
    }
    let queue = Queue::new(parts.len(), helpers.len() + 1);
    let (queue, parts) = (&queue, &parts);
    std::thread::scope(|scope| {
        for session in helpers.iter_mut() {
            scope.spawn(move || {
                while let Some(i) = queue.take() {
                    produce(session, request, parts, queue, i);
                }
            });
        }
        // This thread writes the ranges in order, and produces the next
        // one itself while the one it must write next is still in the
        // works.
        let result = (|| {
            for i in 0..parts.len() {
                let (chunks, w) = loop {
                    match queue.next_step(i) {
                        Step::Ready(produced) => break produced?,
                        Step::Take(j) => produce(main, request, parts, queue, j),
                    }
                };
                for chunk in chunks {
                    write(out, &chunk)?;
                }
                written.add(w.events, w.rows, w.bytes);
            }
            Ok(())
        })();
        queue.stop();
        result
    })
}

fn write(out: &mut dyn Write, bytes: &[u8]) -> Result<(), HostError> {
    out.write_all(bytes)
        .map_err(|e| HostError::Audit(Error::Other(format!("writing the export: {e}"))))
}

/// Produces range `i` with `session` and hands it to the queue.
fn produce(
    session: &mut Session,
    request: &ExportRequest,
    parts: &[ExportPart],
    queue: &Queue,
    i: usize,
) {
    // Should producing the range panic, the writer is told, not left
    // waiting for it.
    let guard = Taken { queue, i };
    let result = (|| {
        let mut part = session.export_part(request, &parts[i])?;
        // The chunks as the component handed them over: concatenating
        // them would reallocate and copy, and fragment the heap.
        let mut bytes = Vec::new();
        while let Some(chunk) = part.next_chunk()? {
            bytes.push(chunk);
        }
        let p = part.progress()?;
        Ok((
            bytes,
            Written {
                events: p.events,
                rows: p.rows,
                bytes: p.bytes,
            },
        ))
    })();
    std::mem::forget(guard);
    queue.done(i, result);
}

/// A range a worker is producing.
struct Taken<'q> {
    queue: &'q Queue,
    i: usize,
}

impl Drop for Taken<'_> {
    fn drop(&mut self) {
        self.queue.done(
            self.i,
            Err(HostError::Audit(Error::Other(
                "producing this range of the export failed".into(),
            ))),
        );
    }
}

type Produced = Result<(Vec<Vec<u8>>, Written), HostError>;

/// What the writing thread does next.
enum Step {
    /// Writes this range.
    Ready(Produced),
    /// Produces this range first.
    Take(usize),
}

/// The ranges to produce, and those produced but not yet written.
struct Queue {
    state: Mutex<State>,
    changed: Condvar,
    /// Ranges taken but not yet written, at most.
    window: usize,
}

struct State {
    next: usize,
    total: usize,
    written: usize,
    ready: BTreeMap<usize, Produced>,
    stopped: bool,
}

impl Queue {
    fn new(total: usize, producers: usize) -> Self {
        Queue {
            state: Mutex::new(State {
                next: 0,
                total,
                written: 0,
                ready: BTreeMap::new(),
                stopped: false,
            }),
            changed: Condvar::new(),
            window: 2 * producers.max(1),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The next range to produce, once the window allows; `None` when all
    /// are taken or the export stopped.
    fn take(&self) -> Option<usize> {
        let mut s = self.lock();
        loop {
            if s.stopped || s.next >= s.total {
                return None;
            }
            if s.next < s.written + self.window {
                s.next += 1;
                return Some(s.next - 1);
            }
            s = self.changed.wait(s).unwrap_or_else(|p| p.into_inner());
        }
    }

    fn done(&self, i: usize, result: Produced) {
        let failed = result.is_err();
        let mut s = self.lock();
        s.ready.insert(i, result);
        if failed {
            // Nothing after a failed range will be written.
            s.stopped = true;
        }
        self.changed.notify_all();
    }

    /// What the writer of range `i` does next: write it, once produced,
    /// or produce another range meanwhile.
    fn next_step(&self, i: usize) -> Step {
        let mut s = self.lock();
        loop {
            if let Some(result) = s.ready.remove(&i) {
                s.written = i + 1;
                self.changed.notify_all();
                return Step::Ready(result);
            }
            if s.stopped && s.next <= i {
                return Step::Ready(Err(HostError::Audit(Error::Other(
                    "the export stopped before this range was produced".into(),
                ))));
            }
            if !s.stopped && s.next < s.total && s.next < s.written + self.window {
                s.next += 1;
                return Step::Take(s.next - 1);
            }
            s = self.changed.wait(s).unwrap_or_else(|p| p.into_inner());
        }
    }

    fn stop(&self) {
        self.lock().stopped = true;
        self.changed.notify_all();
    }
}
