//! `audit-host auth login|logout|recovery`: the JSON of the WIT records
//! `login-attempt`, `logout` and `recovery-request` (fields in snake_case,
//! enum cases as the WIT names them: `"method": "password-totp"`,
//! `"failure": "wrong-password"`), each recorded through the component's
//! `auth` interface. The JSON is only turned into the records here; every
//! check of what they hold is the component's.

use super::framing::{Frame, Framer};
use super::global::Global;
use super::status::{Exit, STORED_IN_PART, STORED_UNACKNOWLEDGED};
use anyhow::{Context as _, Result, anyhow};
use audit_host::bindings::{
    Actor, ActorKind, LoginAttempt, LoginFailure, LoginMethod, Logout, RecoveryRequest,
    RequestContext,
};
use serde::Deserialize;
use std::io::{BufRead, Write};
use std::path::Path;
use std::process::ExitCode;

/// Which record.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// A sign-in attempt.
    Login,
    /// A sign-out.
    Logout,
    /// A password-recovery request.
    Recovery,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonActor {
    id: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    email: Option<String>,
    kind: ActorKindJson,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
enum ActorKindJson {
    User,
    System,
    ApiKey,
    Service,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct JsonContext {
    #[serde(default)]
    ip: Option<String>,
    #[serde(default)]
    user_agent: Option<String>,
    #[serde(default)]
    session_id: Option<String>,
    #[serde(default)]
    request_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
enum MethodJson {
    Password,
    PasswordTotp,
    PasswordEmailCode,
    Sso,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
enum FailureJson {
    UnknownAccount,
    WrongPassword,
    SecondFactorFailed,
    AccountDeactivated,
}

/// The fields of all three records; which are allowed is checked per kind.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonRecord {
    #[serde(default)]
    tenant: Option<String>,
    #[serde(default)]
    account: Option<JsonActor>,
    #[serde(default)]
    identifier: Option<String>,
    #[serde(default)]
    method: Option<MethodJson>,
    #[serde(default)]
    failure: Option<FailureJson>,
    #[serde(default)]
    context: JsonContext,
    #[serde(default)]
    occurred_at: Option<String>,
}

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
    let mut de = serde_json::Deserializer::from_slice(&bytes);
    let json: JsonRecord = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let at = if path == "." {
            field.to_string()
        } else {
            format!("{field}.{path}")
        };
        anyhow!("{at}: {}", one_line_serde(e.inner()))
    })?;
    let tenant = json
        .tenant
        .or_else(|| default_tenant.map(String::from))
        .ok_or_else(|| anyhow!("{field}.tenant: required (or give --tenant)"))?;
    let context = RequestContext {
        ip: json.context.ip,
        user_agent: json.context.user_agent,
        session_id: json.context.session_id,
        request_id: json.context.request_id,
    };
    let only = |present: bool, name: &str| -> Result<()> {
        if present {
            Err(anyhow!("{field}.{name}: not a field of this record"))
        } else {
            Ok(())
        }
    };
    Ok(match kind {
        Kind::Login => {
            let method = json
                .method
                .ok_or_else(|| anyhow!("{field}.method: required"))?;
            let attempt = LoginAttempt {
                tenant,
                account: json.account.map(actor),
                identifier: json.identifier,
                method: match method {
                    MethodJson::Password => LoginMethod::Password,
                    MethodJson::PasswordTotp => LoginMethod::PasswordTotp,
                    MethodJson::PasswordEmailCode => LoginMethod::PasswordEmailCode,
                    MethodJson::Sso => LoginMethod::Sso,
                },
                failure: json.failure.map(|f| match f {
                    FailureJson::UnknownAccount => LoginFailure::UnknownAccount,
                    FailureJson::WrongPassword => LoginFailure::WrongPassword,
                    FailureJson::SecondFactorFailed => LoginFailure::SecondFactorFailed,
                    FailureJson::AccountDeactivated => LoginFailure::AccountDeactivated,
                }),
                context,
                occurred_at: json.occurred_at,
            };
            let recorded = session
                .record_login(&attempt)
                .map_err(|e| within(e, field))?;
            std::iter::once(recorded.event)
                .chain(recorded.alert)
                .collect()
        }
        Kind::Logout => {
            only(json.identifier.is_some(), "identifier")?;
            only(json.method.is_some(), "method")?;
            only(json.failure.is_some(), "failure")?;
            let account = json
                .account
                .ok_or_else(|| anyhow!("{field}.account: required"))?;
            let logout = Logout {
                tenant,
                account: actor(account),
                context,
                occurred_at: json.occurred_at,
            };
            vec![
                session
                    .record_logout(&logout)
                    .map_err(|e| within(e, field))?,
            ]
        }
        Kind::Recovery => {
            only(json.method.is_some(), "method")?;
            only(json.failure.is_some(), "failure")?;
            let request = RecoveryRequest {
                tenant,
                account: json.account.map(actor),
                identifier: json.identifier,
                context,
                occurred_at: json.occurred_at,
            };
            vec![
                session
                    .record_password_recovery(&request)
                    .map_err(|e| within(e, field))?,
            ]
        }
    })
}

fn actor(a: JsonActor) -> Actor {
    Actor {
        id: a.id,
        name: a.name,
        email: a.email,
        kind: match a.kind {
            ActorKindJson::User => ActorKind::User,
            ActorKindJson::System => ActorKind::System,
            ActorKindJson::ApiKey => ActorKind::ApiKey,
            ActorKindJson::Service => ActorKind::Service,
        },
    }
}

/// The component's refusal of a field, named under the record's index.
fn within(e: audit_host::HostError, field: &str) -> anyhow::Error {
    use audit_host::HostError::{Audit, Refused};
    use audit_host::bindings::Error::{InvalidInput, LimitExceeded};
    match &e {
        Audit(InvalidInput(_) | LimitExceeded(_)) | Refused(InvalidInput(_) | LimitExceeded(_)) => {
            anyhow!("{field}.{e}")
        }
        _ => anyhow::Error::new(e),
    }
}

/// A serde_json error in one line, without the input's text: the
/// position, and what was expected (an unknown variant names the allowed
/// ones, never the value given).
fn one_line_serde(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let text = match text.split_once(" at line ") {
        Some((head, _)) => head.to_string(),
        None => text,
    };
    let text = match text.strip_prefix("unknown variant `") {
        Some(rest) => match rest.split_once("`, expected ") {
            Some((_, expected)) => format!("unknown value; expected {expected}"),
            None => "unknown value".to_string(),
        },
        None => text,
    };
    format!("{text} (line {}, column {})", e.line(), e.column())
}
