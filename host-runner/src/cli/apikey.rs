//! `audit-host apikey create|list|revoke`: the service keys of `serve`,
//! kept (as hashes) in the store.

use super::global::Global;
use super::render;
use crate::service::api_keys::{ApiKeys, Scope};
use anyhow::{Result, bail};
use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Make a key for one tenant; print it alone on standard output, once
    /// (only its hash is kept).
    Create {
        /// The tenant it works for.
        #[arg(long)]
        tenant: String,
        /// What it may do: ingest (record only), read, or admin (all).
        #[arg(long, value_enum, default_value_t = Scope::Ingest)]
        scope: Scope,
        /// A name for people (`billing-backend`).
        #[arg(long)]
        name: Option<String>,
    },
    /// List the keys (never the keys themselves): id, tenant, scope, name,
    /// when made, when revoked.
    List {
        /// Only this tenant's.
        #[arg(long)]
        tenant: Option<String>,
        /// JSON Lines instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Revoke a key by its id (from `list`): it stops working at once, in
    /// every `serve` process of the store.
    Revoke {
        /// The key's id (`key_...`).
        id: String,
    },
}

pub fn run(cli: &Global, args: &Args) -> Result<ExitCode> {
    if cli.store.as_os_str() == ":memory:" {
        bail!(
            "--store: apikey needs a store file (a key made in :memory: would be gone when this command ends)"
        );
    }
    let keys = match cli.postgres(false)? {
        Some(db) => ApiKeys::postgres(db),
        None => ApiKeys::open(&cli.store, Duration::from_millis(cli.busy_timeout_ms))?,
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match &args.command {
        Command::Create {
            tenant,
            scope,
            name,
        } => {
            let (info, secret) = keys.create(tenant, *scope, name.as_deref())?;
            writeln!(out, "{secret}")?;
            eprintln!(
                "made key {} for tenant {} (scope {}); it is shown only this once",
                info.id,
                info.tenant,
                info.scope.name()
            );
        }
        Command::List { tenant, json } => {
            let list = keys.list(tenant.as_deref())?;
            if *json {
                for key in &list {
                    writeln!(out, "{}", serde_json::to_string(key)?)?;
                }
            } else {
                let rows: Vec<Vec<String>> = list
                    .iter()
                    .map(|k| {
                        vec![
                            k.id.clone(),
                            render::safe(&k.tenant),
                            k.scope.name().to_string(),
                            render::safe(k.name.as_deref().unwrap_or("")),
                            k.created_at.clone(),
                            k.revoked_at.clone().unwrap_or_default(),
                        ]
                    })
                    .collect();
                render::aligned(
                    &mut out,
                    &[
                        ("ID", 20),
                        ("TENANT", 24),
                        ("SCOPE", 6),
                        ("NAME", 24),
                        ("CREATED", 24),
                        ("REVOKED", 24),
                    ],
                    &rows,
                )?;
            }
        }
        Command::Revoke { id } => {
            if !keys.revoke(id)? {
                bail!("{id}: no such key, or revoked already");
            }
            eprintln!("revoked {id}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
