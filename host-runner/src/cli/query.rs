//! `audit-host query`: one page of a tenant's events.

use super::filter_args::{FilterArgs, named_by_flags};
use super::global::Global;
use super::page_args::{Format, PageArgs};
use super::render;
use anyhow::Result;
use std::io::Write;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    filter: FilterArgs,

    #[command(flatten)]
    page: PageArgs,
}

pub fn run(cli: &Global, args: &Args) -> Result<ExitCode> {
    let mut session = cli.session()?;
    let page = session
        .query(&args.page.request(&args.filter))
        .map_err(named_by_flags)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match args.page.format {
        Format::Table => render::table(&mut out, &page.events)?,
        Format::Jsonl => {
            for event in &page.events {
                writeln!(out, "{}", session.to_json(event)?)?;
            }
        }
    }
    args.page
        .trailer(&mut out, "events", page.total, page.next_cursor.as_deref())?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
