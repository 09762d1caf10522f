//! `audit-host query`: one page of a tenant's events.

use super::{Cli, render};
use anyhow::Result;
use audit_host::bindings::{Filter, Order, PageRequest};
use std::io::Write;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The tenant whose log is read.
    #[arg(long)]
    tenant: String,

    /// Events that occurred at or after this time (RFC 3339, or a date YYYY-MM-DD).
    #[arg(long, value_name = "TIME")]
    from: Option<String>,

    /// Events that occurred before this time (RFC 3339, or a date YYYY-MM-DD).
    #[arg(long, value_name = "TIME")]
    to: Option<String>,

    /// Events by this actor id.
    #[arg(long, value_name = "ID")]
    actor: Option<String>,

    /// Events with this action, or `entity.*` for every action of an entity.
    #[arg(long, value_name = "NAME")]
    action: Option<String>,

    /// Events per page (1 to 1000).
    #[arg(long, default_value_t = 50, value_name = "N")]
    limit: u32,

    /// Continue after the page that printed this cursor.
    #[arg(long, value_name = "CURSOR")]
    cursor: Option<String>,

    /// Oldest first instead of newest first.
    #[arg(long)]
    oldest_first: bool,

    /// A table for people, or JSON Lines (one stored event per line) for programs.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns, control characters made visible.
    Table,
    /// One canonical JSON event per line; the next cursor goes to stderr.
    Jsonl,
}

pub fn run(cli: &Cli, args: &Args) -> Result<ExitCode> {
    let mut session = cli.session()?;
    let request = PageRequest {
        filter: Filter {
            tenant: args.tenant.clone(),
            since: args.from.clone(),
            until: args.to.clone(),
            actor_id: args.actor.clone(),
            action: args.action.clone(),
        },
        order: if args.oldest_first {
            Order::OldestFirst
        } else {
            Order::NewestFirst
        },
        limit: args.limit,
        cursor: args.cursor.clone(),
    };
    let page = session.query(&request)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match args.format {
        Format::Table => {
            render::table(&mut out, &page.events)?;
            if let Some(cursor) = &page.next_cursor {
                writeln!(out, "\nmore: --cursor {cursor}")?;
            }
        }
        Format::Jsonl => {
            for event in &page.events {
                writeln!(out, "{}", session.to_json(event)?)?;
            }
            if let Some(cursor) = &page.next_cursor {
                eprintln!("next cursor: {cursor}");
            }
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
