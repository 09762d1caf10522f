//! The paging flags shared by `audit-host query` and `auth`, and the lines
//! that follow a page: its total and where the next page starts.

use super::filter_args::FilterArgs;
use audit_host::bindings::PageRequest;
use std::io::Write;

#[derive(Debug, clap::Args)]
pub struct PageArgs {
    /// Results per page (1 to 1000).
    #[arg(long, default_value_t = 50, value_name = "N")]
    pub limit: u32,

    /// Continue after the page that printed this cursor (with the same
    /// filter and order).
    #[arg(long, value_name = "CURSOR")]
    pub cursor: Option<String>,

    /// Also count every match (all pages).
    #[arg(long)]
    pub count: bool,

    /// A table for people, or JSON Lines (one stored event per line) for programs.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns, control characters made visible.
    Table,
    /// One canonical JSON event per line; the next cursor and the count go to stderr.
    Jsonl,
}

impl PageArgs {
    /// The component's request for the page these flags and `filter` ask for.
    pub fn request(&self, filter: &FilterArgs) -> PageRequest {
        PageRequest {
            filter: filter.filter(),
            order: filter.order(),
            limit: self.limit,
            cursor: self.cursor.clone(),
            viewer: filter.viewer(),
            count: self.count,
        }
    }

    /// After a page: the total of `noun`s and the next cursor, below a table
    /// or on stderr beside JSON Lines (so that stdout stays one event per line).
    pub fn trailer(
        &self,
        out: &mut impl Write,
        noun: &str,
        total: Option<u64>,
        next_cursor: Option<&str>,
    ) -> std::io::Result<()> {
        match self.format {
            Format::Table => {
                if let Some(total) = total {
                    writeln!(out, "\nmatching {noun} in all: {total}")?;
                }
                if let Some(cursor) = next_cursor {
                    writeln!(out, "\nmore: --cursor {cursor}")?;
                }
            }
            Format::Jsonl => {
                if let Some(total) = total {
                    eprintln!("total: {total}");
                }
                if let Some(cursor) = next_cursor {
                    eprintln!("next cursor: {cursor}");
                }
            }
        }
        Ok(())
    }
}
