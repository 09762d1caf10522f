//! `audit-host actions`: the action catalog (what an admin page's action
//! drop-down lists), and `actions register FILE` for a tenant's own actions.

use super::global::Global;
use super::render;
use crate::json::records;
use anyhow::Result;
use audit_host::bindings::{ActionDefinition, Actor, ActorKind};
use audit_host::{MemoryStore, Session};
use serde_json::{Value, json};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    command: Option<Command>,

    /// List this profile's actions (qa, contact-center, crm, cx) [default:
    /// every profile].
    #[arg(long, value_name = "PROFILE", conflicts_with = "tenant")]
    profile: Option<String>,

    /// List this tenant's catalog instead: its profile's actions and those
    /// it registered (read from the store).
    #[arg(long, value_name = "TENANT")]
    tenant: Option<String>,

    /// A table for people, or JSON for programs (an array of actions; with
    /// every profile, an array of profiles with their actions).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Register a tenant's own actions from a JSON file: one object or an
    /// array of objects with name, label, category, change_type and
    /// optionally target_kinds. A name registered before is replaced. The
    /// change is recorded in the tenant's log.
    Register {
        /// The definitions: a file, or `-` for standard input.
        #[arg(value_name = "FILE|-")]
        input: PathBuf,
        /// The tenant that registers them.
        #[arg(long)]
        tenant: String,
        /// Who registers them (recorded as the event's actor).
        #[arg(long, default_value = "local-operator", value_name = "ID")]
        actor: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns.
    Table,
    /// JSON.
    Json,
}

pub fn run(cli: &Global, args: &Args) -> Result<ExitCode> {
    if let Some(Command::Register {
        input,
        tenant,
        actor,
    }) = &args.command
    {
        return register(cli, input, tenant, actor);
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match (&args.tenant, &args.profile) {
        (Some(tenant), _) => {
            let actions = cli.read_only_session(true)?.tenant_actions(tenant)?;
            show(&mut out, args.format, &actions)?;
        }
        (None, Some(profile)) => {
            let actions = catalog_session(cli)?.profile_actions(profile)?;
            show(&mut out, args.format, &actions)?;
        }
        (None, None) => {
            // The built-in catalog needs no store: a profile listing never
            // creates or reads one.
            let mut session = catalog_session(cli)?;
            let mut all = Vec::new();
            for (i, p) in session.profiles()?.into_iter().enumerate() {
                let actions = session.profile_actions(&p.name)?;
                match args.format {
                    Format::Table => {
                        if i > 0 {
                            writeln!(out)?;
                        }
                        writeln!(out, "profile {}: {}\n", p.name, p.label)?;
                        table(&mut out, &actions)?;
                    }
                    Format::Json => all.push(json!({
                        "name": p.name,
                        "label": p.label,
                        "categories": p.categories.iter()
                            .map(|c| json!({"name": c.name, "label": c.label}))
                            .collect::<Vec<_>>(),
                        "actions": actions.iter().map(records::action).collect::<Vec<_>>(),
                    })),
                }
            }
            if args.format == Format::Json {
                writeln!(out, "{}", Value::Array(all))?;
            }
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn catalog_session(cli: &Global) -> Result<Session> {
    Ok(cli
        .runtime()?
        .session(Box::new(MemoryStore::new()), cli.clock()?))
}

fn register(cli: &Global, input: &PathBuf, tenant: &str, actor: &str) -> Result<ExitCode> {
    let text = super::input::text("actions register", input, cli.max_input_bytes())?;
    let actor = Actor {
        id: actor.to_string(),
        name: None,
        email: None,
        kind: ActorKind::User,
    };
    let mut session = cli.session()?;
    let event = session.register_actions(tenant, &text, &actor)?;
    println!("{}", session.to_json(&event)?);
    Ok(ExitCode::SUCCESS)
}

fn show(out: &mut impl Write, format: Format, actions: &[ActionDefinition]) -> Result<()> {
    match format {
        Format::Table => table(out, actions)?,
        Format::Json => writeln!(
            out,
            "{}",
            Value::Array(actions.iter().map(records::action).collect())
        )?,
    }
    Ok(())
}

fn table(out: &mut impl Write, actions: &[ActionDefinition]) -> std::io::Result<()> {
    let rows: Vec<Vec<String>> = actions
        .iter()
        .map(|a| {
            vec![
                render::safe(&a.name),
                render::safe(&a.label),
                render::safe(&a.category),
                render::safe(&a.change_type),
                render::safe(&a.target_kinds.join(", ")),
                records::origin(a.origin).to_string(),
            ]
        })
        .collect();
    render::aligned(
        out,
        &[
            ("ACTION", 48),
            ("LABEL", 48),
            ("CATEGORY", 24),
            ("CHANGE TYPE", 12),
            ("TARGETS", 40),
            ("ORIGIN", 14),
        ],
        &rows,
    )
}
