//! `audit-host auth login|logout|recovery`: records in JSON (read by
//! `json::auth_record`), each recorded through the component's `auth`
//! interface, one at a time.

use super::framing::{Frame, Framer};
use super::global::Global;
use super::status::{Exit, STORED_IN_PART, STORED_UNACKNOWLEDGED};
use crate::json::auth_record::{self, Kind};
use anyhow::{Context as _, Result, anyhow};
use std::io::{BufRead, Write};
use std::path::Path;
use std::process::ExitCode;

pub fn run(cli: &Global, kind: Kind, (input, tenant): (&Path, Option<&str>)) -> Result<ExitCode> {
    let reader: Box<dyn BufRead> = if input.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(std::io::BufReader::new(
            std::fs::File::open(input).with_context(|| format!("reading {}", input.display()))?,
        ))
    };
    let mut framer = Framer::new(reader, cli.max_input_bytes() as usize);
    let mut session = cli.session()?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut done = 0usize;
    while let Some(frame) = framer.next_frame()? {
        let field = format!("records[{done}]");
        let recorded = record(&mut session, kind, frame, tenant, &field);
        let events = match recorded {
            Ok(events) => events,
            Err(e) if done == 0 => return Err(e),
            Err(e) => {
                return Err(anyhow::Error::new(Exit::new(
                    STORED_IN_PART,
                    format!(
                        "{e:#}; records[0..{done}) were stored and acknowledged, nothing from records[{done}] on"
                    ),
                )));
            }
        };
        let written: Result<()> = (|| {
            for event in &events {
                writeln!(out, "{}", session.to_json(event)?)?;
            }
            out.flush()?;
            Ok(())
        })();
        if let Err(e) = written {
            return Err(anyhow::Error::new(Exit::new(
                STORED_UNACKNOWLEDGED,
                format!(
                    "{field} was stored, but its acknowledgement could not be written ({e:#}); nothing after it was stored"
                ),
            )));
        }
        done += 1;
    }
    if done == 0 {
        return Err(anyhow!(
            "input: no records: expected a JSON object, an array or JSON Lines"
        ));
    }
    Ok(ExitCode::SUCCESS)
}

/// One record through the `auth` interface; the events it stored.
fn record(
    session: &mut audit_host::Session,
    kind: Kind,
    frame: Frame,
    default_tenant: Option<&str>,
    field: &str,
) -> Result<Vec<audit_host::bindings::Event>> {
    let bytes = match frame {
        Frame::Value(v) => v,
        Frame::Bad(_) => return Err(anyhow!("{field}: not valid JSON")),
    };
    let record = auth_record::parse(kind, &bytes, default_tenant, field)
        .map_err(|e| anyhow!("{}: {}", e.field, e.reason))?;
    Ok(record.record(session, field)?)
}
