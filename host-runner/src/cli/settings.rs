//! `audit-host settings`: show or replace a tenant's settings.

use super::global::Global;
use anyhow::Result;
use audit_host::bindings::{Actor, ActorKind};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(Debug, clap::Subcommand)]
enum Action {
    /// Print the tenant's settings as JSON, every default filled in.
    Show {
        /// The tenant.
        #[arg(long)]
        tenant: String,
    },
    /// Replace the tenant's settings with a JSON object (members left out
    /// take their defaults); the change is recorded in the tenant's log.
    Set {
        /// The tenant.
        #[arg(long)]
        tenant: String,
        /// The settings: a file, or `-` for standard input.
        #[arg(default_value = "-", value_name = "FILE|-")]
        input: PathBuf,
        /// Who makes the change (recorded as the event's actor).
        #[arg(long, default_value = "local-operator", value_name = "ID")]
        actor: String,
    },
}

pub fn run(cli: &Global, args: &Args) -> Result<ExitCode> {
    match &args.action {
        Action::Show { tenant } => {
            println!("{}", cli.read_only_session(true)?.get_settings(tenant)?)
        }
        Action::Set {
            tenant,
            input,
            actor,
        } => {
            let text = super::input::text("settings set", input, cli.max_input_bytes())?;
            let actor = Actor {
                id: actor.clone(),
                name: None,
                email: None,
                kind: ActorKind::User,
            };
            let mut session = cli.session()?;
            let event = session.put_settings(tenant, &text, &actor)?;
            println!("{}", session.to_json(&event)?);
        }
    }
    Ok(ExitCode::SUCCESS)
}
