//! `audit-host append`: JSON in, stored events out as JSON Lines.
//!
//! The input streams through: its values are framed here (`framing.rs`)
//! and handed to the component a batch at a time, so a file of any size
//! can be recorded with `--batch-size`. Without it the whole input is one
//! batch, all or nothing (at most the component's 10,000 events). Each
//! batch's stored events are written and flushed before the next batch is
//! recorded; errors name the event by its index in the whole input.

use super::framing::{Frame, Framer, Layout};
use super::global::Global;
use super::status::{Exit, STORED_IN_PART, STORED_UNACKNOWLEDGED};
use anyhow::{Context as _, Result, anyhow};
use audit_host::bindings::{Error as WitError, EventInput};
use audit_host::{HostError, Session};
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// The component's limit on events per call.
const MAX_BATCH: usize = 10_000;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The events: a file, or `-` for standard input.
    #[arg(default_value = "-", value_name = "FILE|-")]
    input: PathBuf,

    /// The tenant of events that name none.
    #[arg(long, value_name = "TENANT")]
    tenant: Option<String>,

    /// Record the events in batches of at most N, each all or nothing and
    /// printed once stored, so that an input of any size streams through
    /// [default: all of them in one batch, at most 10,000 events].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=10_000), conflicts_with = "bulk")]
    batch_size: Option<u32>,

    /// Record the input as one bulk operation: the first event is the
    /// parent (the mass update, the import), every other one an affected
    /// entity; all are linked by the parent's id (`correlation_id`), all
    /// or nothing.
    #[arg(long)]
    bulk: bool,
}

/// One batch's text, and where each of its values came from.
struct Batch {
    /// The values as one input text (JSON Lines, or one array).
    text: Vec<u8>,
    /// Per value: its byte offset in the batch text and in the input.
    offsets: Vec<(usize, u64)>,
    /// Values in the batch (the last may be malformed).
    values: usize,
}

pub fn run(cli: &Global, args: &Args) -> Result<ExitCode> {
    let reader: Box<dyn BufRead> = if args.input.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(std::io::BufReader::new(
            std::fs::File::open(&args.input)
                .with_context(|| format!("reading {}", args.input.display()))?,
        ))
    };
    let limit = cli.max_input_bytes() as usize;
    let mut framer = Framer::new(reader, limit);
    let mut session = cli.session()?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let tenant = args.tenant.as_deref();

    // A value read but left for the next batch, which it would have made
    // larger than one call may take.
    let mut held: Option<Held> = None;
    if args.bulk {
        let batch = read_batch(&mut framer, &mut held, MAX_BATCH + 1, usize::MAX)?;
        let inputs = parse(&mut session, &batch, 0, tenant)?;
        // (A bulk operation is one call: all of it is stored or none.)
        let Some((parent, children)) = inputs.split_first() else {
            anyhow::bail!("input: a bulk operation needs a parent event and its children");
        };
        let stored = session.append_bulk(parent, children)?;
        acknowledge(&mut session, &mut out, &stored)
            .map_err(|e| unacknowledged(e, 0, stored.len()))?;
        return Ok(ExitCode::SUCCESS);
    }

    let size = args.batch_size.map_or(MAX_BATCH + 1, |n| n as usize);
    let mut done = 0usize;
    // Batches of N events are also cut where the next event would take
    // one past what a call may carry; without --batch-size the input is one
    // call, all or nothing, and the component refuses what is too large.
    let max_bytes = if args.batch_size.is_some() {
        limit
    } else {
        usize::MAX
    };
    loop {
        let batch = read_batch(&mut framer, &mut held, size, max_bytes)?;
        if batch.values == 0 {
            break;
        }
        if args.batch_size.is_none() && batch.values > MAX_BATCH {
            return Err(anyhow!(
                "events: more than {MAX_BATCH} in one batch, the most one call records all or nothing; give --batch-size N to record them in batches of N"
            ));
        }
        let recorded = parse(&mut session, &batch, done, tenant).and_then(|inputs| {
            session
                .append_batch(&inputs)
                .map_err(|e| shift(e, done, &batch))
        });
        let stored = match recorded {
            Ok(stored) => stored,
            Err(e) => return Err(partly(e, done)),
        };
        acknowledge(&mut session, &mut out, &stored)
            .map_err(|e| unacknowledged(e, done, stored.len()))?;
        done += batch.values;
    }
    if done == 0 {
        // No values at all: the component says what it expected.
        let empty = Batch {
            text: Vec::new(),
            offsets: Vec::new(),
            values: 0,
        };
        parse(&mut session, &empty, 0, tenant)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// A framed value: its bytes, whether it is malformed, where it starts in
/// the input.
type Held = (Vec<u8>, bool, u64);

/// Up to `size` values and at most `max_bytes` of text (one value, however
/// large, always goes in), as one input text of the input's own layout;
/// `held` is the value a batch left for the next.
fn read_batch<R: BufRead>(
    framer: &mut Framer<R>,
    held: &mut Option<Held>,
    size: usize,
    max_bytes: usize,
) -> Result<Batch> {
    let mut batch = Batch {
        text: Vec::new(),
        offsets: Vec::new(),
        values: 0,
    };
    while batch.values < size {
        let (bytes, bad, start) = match held.take() {
            Some(h) => h,
            None => match framer.next_frame()? {
                None => break,
                // Where the value starts in the input: a value was just
                // passed, a malformed rest was not.
                Some(Frame::Value(v)) => {
                    let start = framer.offset() - v.len() as u64;
                    (v, false, start)
                }
                Some(Frame::Bad(v)) => (v, true, framer.offset()),
            },
        };
        if batch.values > 0 && batch.text.len() + bytes.len() + 2 > max_bytes {
            *held = Some((bytes, bad, start));
            break;
        }
        if framer.layout() == Layout::Array && batch.values == 0 {
            batch.text.push(b'[');
        } else if batch.values > 0 {
            batch.text.push(if framer.layout() == Layout::Array {
                b','
            } else {
                b'\n'
            });
        }
        batch.offsets.push((batch.text.len(), start));
        batch.text.extend_from_slice(&bytes);
        batch.values += 1;
        if bad {
            break;
        }
    }
    if framer.layout() == Layout::Array && batch.values > 0 {
        batch.text.push(b']');
    }
    Ok(batch)
}

/// The batch parsed by the component; errors name the input's indices.
fn parse(
    session: &mut Session,
    batch: &Batch,
    done: usize,
    tenant: Option<&str>,
) -> Result<Vec<EventInput>> {
    session
        .parse_input_bytes(&batch.text, tenant)
        .map_err(|e| shift(e, done, batch))
}

/// Prints the stored events, and flushes them out before the next batch.
fn acknowledge(
    session: &mut Session,
    out: &mut impl Write,
    stored: &[audit_host::bindings::Event],
) -> Result<()> {
    for event in stored {
        writeln!(out, "{}", session.to_json(event)?)?;
    }
    out.flush()?;
    Ok(())
}

/// A refusal with the batch's indices and byte offsets made the input's.
fn shift(e: HostError, done: usize, batch: &Batch) -> anyhow::Error {
    let fix = |field: String, reason: String| -> (String, String) {
        let field = match field
            .strip_prefix("events[")
            .and_then(|r| r.split_once(']'))
        {
            Some((n, rest)) => match n.parse::<usize>() {
                Ok(i) => format!("events[{}]{rest}", i + done),
                Err(_) => field,
            },
            None => field,
        };
        // `input: not valid UTF-8 (at byte N)`: N in the input.
        let reason = match reason
            .strip_prefix("not valid UTF-8 (at byte ")
            .and_then(|r| r.strip_suffix(')'))
            .and_then(|n| n.parse::<usize>().ok())
        {
            Some(at) => {
                let (in_batch, in_input) = batch
                    .offsets
                    .iter()
                    .rev()
                    .find(|(b, _)| *b <= at)
                    .copied()
                    .unwrap_or((0, 0));
                format!(
                    "not valid UTF-8 (at byte {})",
                    in_input + (at - in_batch) as u64
                )
            }
            None => reason,
        };
        (field, reason)
    };
    let moved = |error: WitError| match error {
        WitError::InvalidInput(mut f) => {
            (f.field, f.reason) = fix(f.field, f.reason);
            WitError::InvalidInput(f)
        }
        WitError::LimitExceeded(mut l) => {
            l.field = fix(l.field, String::new()).0;
            WitError::LimitExceeded(l)
        }
        other => other,
    };
    anyhow::Error::new(match e {
        HostError::Audit(error) => HostError::Audit(moved(error)),
        HostError::Refused(error) => HostError::Refused(moved(error)),
        other => other,
    })
}

/// A failure after `done` events were stored and acknowledged: exit 6, and
/// say where to go on; with none stored, the failure as it is (exit 1).
fn partly(e: anyhow::Error, done: usize) -> anyhow::Error {
    if done == 0 {
        return e;
    }
    if let Some(HostError::Trap { stored_rows, .. }) = e.downcast_ref::<HostError>()
        && *stored_rows > 0
    {
        return anyhow::Error::new(Exit::new(
            STORED_UNACKNOWLEDGED,
            format!(
                "{e:#}; events[0..{done}) were stored and acknowledged before, and this batch's {stored_rows} events were stored without their acknowledgement"
            ),
        ));
    }
    anyhow::Error::new(Exit::new(
        STORED_IN_PART,
        format!(
            "{e:#}; events[0..{done}) were stored and acknowledged in earlier batches, nothing from events[{done}] on"
        ),
    ))
}

/// Stored, but writing the acknowledgement failed: exit 5.
fn unacknowledged(e: anyhow::Error, done: usize, stored: usize) -> anyhow::Error {
    anyhow::Error::new(Exit::new(
        STORED_UNACKNOWLEDGED,
        format!(
            "events[{done}..{}) were stored, but their acknowledgement could not be written ({e:#}); nothing after them was stored (sending them again stores them twice, except events with an idempotency_key)",
            done + stored
        ),
    ))
}
