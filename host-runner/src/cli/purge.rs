//! `audit-host purge`: delete what is older than the tenant's retention
//! period, recorded in its log as an `audit_log.purged` event.

use super::global::Global;
use super::verify;
use anyhow::Result;
use audit_host::bindings::{Actor, ActorKind};
use audit_host::session::integrity::intact;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The tenant whose old events are purged.
    #[arg(long)]
    tenant: String,

    /// Who purges (recorded as the audit_log.purged event's actor, a system
    /// actor: retention usually runs as a scheduled job).
    #[arg(long, default_value = "retention", value_name = "ID")]
    actor: String,
}

pub fn run(cli: &Global, args: &Args) -> Result<ExitCode> {
    if cli.clock.is_some() {
        anyhow::bail!(
            "--clock (AUDIT_CLOCK): a purge runs on the system clock only; a clock set ahead would delete events the retention period still keeps"
        );
    }
    let mut session = cli.session()?;
    let actor = Actor {
        id: args.actor.clone(),
        name: None,
        email: None,
        kind: ActorKind::System,
    };
    let outcome = session.purge(&args.tenant, &actor)?;
    if !intact(&outcome.report) {
        verify::print_report(&outcome.report, None)?;
        eprintln!(
            "error: purge refused: the chain is not intact, and purging would destroy the evidence"
        );
        return Ok(verify::status(&outcome.report));
    }
    match (&outcome.event, outcome.through_seq) {
        (Some(event), Some(through)) => {
            let first = through + 1 - outcome.purged;
            println!(
                "tenant {}: purged {} events (seq {first}..{through}); recorded as seq {} ({})",
                super::render::safe(&args.tenant),
                outcome.purged,
                event.seq,
                event.action
            );
            println!("{}", session.to_json(event)?);
        }
        _ => println!(
            "tenant {}: nothing to purge (no event is older than its retention period)",
            super::render::safe(&args.tenant)
        ),
    }
    Ok(ExitCode::SUCCESS)
}
