//! `audit-host settings`: show, change or replace a tenant's settings.

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
    /// Change the tenant's settings by a JSON object merged into them
    /// (RFC 7396: members left out are kept, `null` returns a member to its
    /// default); with --replace, the object replaces them instead (members
    /// left out take their defaults). The change is recorded in the
    /// tenant's log.
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
        /// Replace the whole document: every member left out, the profile
        /// and registered actions included, returns to its default.
        #[arg(long)]
        replace: bool,
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
            replace,
        } => {
            let text = super::input::text("settings set", input, cli.max_input_bytes())?;
            let actor = Actor {
                id: actor.clone(),
                name: None,
                email: None,
                kind: ActorKind::User,
            };
            let mut session = cli.session()?;
            let event = if *replace {
                session.put_settings(tenant, &text, &actor)?
            } else {
                session.patch_settings(tenant, &text, &actor)?
            };
            println!("{}", session.to_json(&event)?);
        }
    }
    Ok(ExitCode::SUCCESS)
}
