//! The authentication log's records as JSON: the WIT records
//! `login-attempt`, `logout` and `recovery-request` with their fields in
//! snake_case and enum cases as the WIT names them (`"method":
//! "password-totp"`, `"failure": "wrong-password"`). `audit-host auth
//! login|logout|recovery` and `serve`'s `/auth/*` calls read them here; every
//! check of what they hold is the component's.

use audit_host::HostError;
use audit_host::bindings::{
    Actor, ActorKind, Error, Event, FieldError, LoginAttempt, LoginFailure, LoginMethod, Logout,
    RecoveryRequest, RequestContext,
};
use serde::Deserialize;

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

/// One record, read from its JSON.
pub enum Record {
    /// A sign-in attempt.
    Login(LoginAttempt),
    /// A sign-out.
    Logout(Logout),
    /// A password-recovery request.
    Recovery(RecoveryRequest),
}

/// Reads one record of `kind` from JSON; `field` names it in errors
/// (`records[2]`; empty for a record that stands alone). A record without
/// `tenant` gets `default_tenant`.
pub fn parse(
    kind: Kind,
    bytes: &[u8],
    default_tenant: Option<&str>,
    field: &str,
) -> Result<Record, FieldError> {
    let at = |name: &str| match (field.is_empty(), name.is_empty()) {
        (true, _) => name.to_string(),
        (false, true) => field.to_string(),
        (false, false) => format!("{field}.{name}"),
    };
    let refuse = |name: &str, reason: &str| FieldError {
        field: if name.is_empty() && field.is_empty() {
            "body".to_string()
        } else {
            at(name)
        },
        reason: reason.to_string(),
    };
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let json: JsonRecord = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        refuse(&path, &one_line_serde(e.inner()))
    })?;
    let tenant = match json.tenant.or_else(|| default_tenant.map(String::from)) {
        Some(t) => t,
        None => return Err(refuse("tenant", "required")),
    };
    let context = RequestContext {
        ip: json.context.ip,
        user_agent: json.context.user_agent,
        session_id: json.context.session_id,
        request_id: json.context.request_id,
    };
    let only = |present: bool, name: &str| -> Result<(), FieldError> {
        if present {
            Err(refuse(name, "not a field of this record"))
        } else {
            Ok(())
        }
    };
    Ok(match kind {
        Kind::Login => {
            let Some(method) = json.method else {
                return Err(refuse("method", "required"));
            };
            Record::Login(LoginAttempt {
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
            })
        }
        Kind::Logout => {
            only(json.identifier.is_some(), "identifier")?;
            only(json.method.is_some(), "method")?;
            only(json.failure.is_some(), "failure")?;
            let Some(account) = json.account else {
                return Err(refuse("account", "required"));
            };
            Record::Logout(Logout {
                tenant,
                account: actor(account),
                context,
                occurred_at: json.occurred_at,
            })
        }
        Kind::Recovery => {
            only(json.method.is_some(), "method")?;
            only(json.failure.is_some(), "failure")?;
            Record::Recovery(RecoveryRequest {
                tenant,
                account: json.account.map(actor),
                identifier: json.identifier,
                context,
                occurred_at: json.occurred_at,
            })
        }
    })
}

impl Record {
    /// The record's tenant.
    pub fn tenant(&self) -> &str {
        match self {
            Record::Login(r) => &r.tenant,
            Record::Logout(r) => &r.tenant,
            Record::Recovery(r) => &r.tenant,
        }
    }

    /// Records it through the `auth` interface: the events it stored (a
    /// sign-in's attempt, then the brute-force alert it raised). A refused
    /// field is named under `field` (`records[2].context.ip`).
    pub fn record(
        &self,
        session: &mut audit_host::Session,
        field: &str,
    ) -> Result<Vec<Event>, HostError> {
        let within = |e| within(e, field);
        Ok(match self {
            Record::Login(attempt) => {
                let recorded = session.record_login(attempt).map_err(within)?;
                std::iter::once(recorded.event)
                    .chain(recorded.alert)
                    .collect()
            }
            Record::Logout(logout) => vec![session.record_logout(logout).map_err(within)?],
            Record::Recovery(request) => {
                vec![session.record_password_recovery(request).map_err(within)?]
            }
        })
    }
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

/// The component's refusal of a field, named under the record's place.
fn within(e: HostError, field: &str) -> HostError {
    if field.is_empty() {
        return e;
    }
    let prefix = |name: &mut String| *name = format!("{field}.{name}");
    match e {
        HostError::Audit(Error::InvalidInput(mut f)) => {
            prefix(&mut f.field);
            HostError::Audit(Error::InvalidInput(f))
        }
        HostError::Refused(Error::InvalidInput(mut f)) => {
            prefix(&mut f.field);
            HostError::Refused(Error::InvalidInput(f))
        }
        HostError::Audit(Error::LimitExceeded(mut l)) => {
            prefix(&mut l.field);
            HostError::Audit(Error::LimitExceeded(l))
        }
        HostError::Refused(Error::LimitExceeded(mut l)) => {
            prefix(&mut l.field);
            HostError::Refused(Error::LimitExceeded(l))
        }
        other => other,
    }
}

/// A serde_json error in one line, without the input's text: the
/// position, and what was expected (an unknown variant names the allowed
/// ones, never the value given).
pub fn one_line_serde(e: &serde_json::Error) -> String {
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
