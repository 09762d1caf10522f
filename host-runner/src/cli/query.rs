//! `audit-host query`: one page of a tenant's events.

use super::filter_args::FilterArgs;
use super::{Cli, render};
use anyhow::Result;
use audit_host::bindings::PageRequest;
use std::io::Write;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    filter: FilterArgs,

    /// Events per page (1 to 1000).
    #[arg(long, default_value_t = 50, value_name = "N")]
    limit: u32,

    /// Continue after the page that printed this cursor (with the same
    /// filter and order).
    #[arg(long, value_name = "CURSOR")]
    cursor: Option<String>,

    /// Also count every matching event (all pages).
    #[arg(long)]
    count: bool,

    /// A table for people, or JSON Lines (one stored event per line) for programs.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns, control characters made visible.
    Table,
    /// One canonical JSON event per line; the next cursor and the count go to stderr.
    Jsonl,
}

pub fn run(cli: &Cli, args: &Args) -> Result<ExitCode> {
    let mut session = cli.session()?;
    let request = PageRequest {
        filter: args.filter.filter(),
        order: args.filter.order(),
        limit: args.limit,
        cursor: args.cursor.clone(),
        viewer: args.filter.viewer(),
        count: args.count,
    };
    let page = session.query(&request)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match args.format {
        Format::Table => {
            render::table(&mut out, &page.events)?;
            if let Some(total) = page.total {
                writeln!(out, "\nmatching events in all: {total}")?;
            }
            if let Some(cursor) = &page.next_cursor {
                writeln!(out, "\nmore: --cursor {cursor}")?;
            }
        }
        Format::Jsonl => {
            for event in &page.events {
                writeln!(out, "{}", session.to_json(event)?)?;
            }
            if let Some(total) = page.total {
                eprintln!("total: {total}");
            }
            if let Some(cursor) = &page.next_cursor {
                eprintln!("next cursor: {cursor}");
            }
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
