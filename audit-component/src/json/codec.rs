//! JSON in and out: event inputs parsed from JSON text (one object, an
//! array, or JSON Lines), and stored events written as canonical JSON lines.

use crate::core::error::{Error, Result};
use crate::core::limits::{MAX_BATCH_EVENTS, MAX_INPUT_BYTES};
use crate::core::model::{Actor, Context, Event, EventInput, Outcome, Target};
use crate::json::canonical;
use crate::json::{numbers, parse};
use serde::Deserialize;
use serde_json::Value;

/// The JSON form of an event input.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonInput {
    #[serde(default)]
    tenant: Option<String>,
    action: String,
    actor: Actor,
    #[serde(default)]
    targets: Vec<Target>,
    outcome: Outcome,
    #[serde(default)]
    failure_reason: Option<String>,
    #[serde(default)]
    context: Context,
    #[serde(default)]
    occurred_at: Option<String>,
    #[serde(default)]
    before: Option<Value>,
    #[serde(default)]
    after: Option<Value>,
    #[serde(default)]
    metadata: Option<Value>,
    #[serde(default)]
    idempotency_key: Option<String>,
}

/// Parses event inputs from JSON text; `default_tenant` fills in a missing
/// tenant. Errors name the event (`events[2].actor.kind`).
pub fn parse_inputs(text: &str, default_tenant: Option<&str>) -> Result<Vec<EventInput>> {
    if text.len() > MAX_INPUT_BYTES {
        return Err(Error::too_large(
            "input",
            MAX_INPUT_BYTES,
            text.len(),
            "bytes",
        ));
    }
    let mut values = Vec::new();
    // Strict: an object naming a member twice is refused (crate::json::strict).
    let mut stream =
        serde_json::Deserializer::from_str(text).into_iter::<crate::json::strict::Strict>();
    numbers::suspect();
    loop {
        let index = values.len();
        let start = stream.byte_offset();
        let next = stream.next().map(|r| r.map(|s| s.0));
        if numbers::suspect() {
            // The numbers of this value (of the array, for an array) read
            // exactly: one that would be altered is refused, named by its
            // event and its place in the whole text.
            if let Some(found) = numbers::find(&text[start..stream.byte_offset()]) {
                let event = if index == 0 {
                    found.element.unwrap_or(0)
                } else {
                    index
                };
                return Err(Error::invalid(
                    format!("events[{event}]"),
                    found.describe(text, start),
                ));
            }
        }
        match next {
            None => break,
            Some(Ok(Value::Array(items))) if index == 0 => {
                if stream.next().is_some() {
                    return Err(Error::invalid(
                        "input",
                        "a JSON array must be the only value in the input",
                    ));
                }
                values = items;
                break;
            }
            Some(Ok(v)) => values.push(v),
            Some(Err(e)) => return Err(parse::json_error(&format!("events[{index}]"), &e)),
        }
        if values.len() > MAX_BATCH_EVENTS {
            return Err(Error::too_large(
                "events",
                MAX_BATCH_EVENTS,
                values.len(),
                "items",
            ));
        }
    }
    if values.len() > MAX_BATCH_EVENTS {
        return Err(Error::too_large(
            "events",
            MAX_BATCH_EVENTS,
            values.len(),
            "items",
        ));
    }
    if values.is_empty() {
        return Err(Error::invalid(
            "input",
            "no events: expected a JSON object, an array or JSON Lines",
        ));
    }
    values
        .into_iter()
        .enumerate()
        .map(|(i, v)| input(v, default_tenant).map_err(|e| e.within(&format!("events[{i}]"))))
        .collect()
}

fn input(value: Value, default_tenant: Option<&str>) -> Result<EventInput> {
    if !value.is_object() {
        return Err(Error::invalid("", "expected a JSON object"));
    }
    let raw: JsonInput = serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        serde_error(path, &e.into_inner().to_string())
    })?;
    let tenant = match (raw.tenant, default_tenant) {
        (Some(t), _) => t,
        (None, Some(t)) => t.to_string(),
        (None, None) => {
            return Err(Error::invalid(
                "tenant",
                "required (or give a default tenant)",
            ));
        }
    };
    // The WIT outcome carries a reason only for failures: refuse here rather
    // than drop it on the way.
    if raw.failure_reason.is_some() && raw.outcome != Outcome::Failure {
        return Err(Error::invalid(
            "failure_reason",
            "only allowed when outcome is failure",
        ));
    }
    let text = |v: Option<Value>| v.map(|v| canonical::to_string(&v));
    Ok(EventInput {
        tenant,
        action: raw.action,
        actor: raw.actor,
        targets: raw.targets,
        outcome: raw.outcome,
        failure_reason: raw.failure_reason,
        context: raw.context,
        occurred_at: raw.occurred_at,
        before: text(raw.before),
        after: text(raw.after),
        metadata: text(raw.metadata),
        idempotency_key: raw.idempotency_key,
    })
}

/// Rewrites serde's messages into `field: reason`, without echoing values.
fn serde_error(path: String, message: &str) -> Error {
    let join = |name: &str| {
        if path.is_empty() {
            name.to_string()
        } else {
            format!("{path}.{name}")
        }
    };
    if let Some(rest) = message.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or(rest);
        return Error::invalid(join(name), "required");
    }
    if let Some(rest) = message.strip_prefix("unknown field `") {
        // serde_path_to_error's path already ends with the unknown name.
        let expected = rest.split_once("expected ").map_or("", |(_, e)| e);
        return Error::invalid(path, format!("unknown field; expected {expected}"));
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        // The value is not repeated: what was sent may be anything (a
        // secret typed into the wrong field), the allowed ones say enough.
        let (_, tail) = rest.split_once('`').unwrap_or((rest, ""));
        let expected = tail.split_once("expected ").map_or("", |(_, e)| e);
        return Error::invalid(path, format!("unknown value; expected {expected}"));
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        let (found, expected) = rest
            .split_once(", expected ")
            .unwrap_or((rest, "another type"));
        let expected = match expected {
            e if e.starts_with("struct ") || e == "a map" => "an object",
            "a sequence" => "an array",
            e => e,
        };
        return Error::invalid(
            path,
            format!("expected {expected}, found {}", kind_of(found)),
        );
    }
    Error::invalid(path, message.to_string())
}

/// The kind of JSON value serde describes as "string \"...\"" and the like,
/// without the value itself.
fn kind_of(found: &str) -> &'static str {
    let word = found.split([' ', '`', '"']).next().unwrap_or("");
    match word {
        "string" => "a string",
        "integer" | "floating" => "a number",
        "boolean" => "a boolean",
        "map" => "an object",
        "sequence" => "an array",
        "null" | "unit" => "null",
        _ => "another type",
    }
}

/// A stored event as one line of canonical JSON, `hash` included, with the
/// Unicode line separators escaped ([`canonical::line_safe`]).
pub fn to_json(event: &Event) -> Result<String> {
    // Written straight from the event (the same bytes as through a
    // `serde_json::Value`, without building one: `canonical_ser`).
    let text = crate::json::canonical_ser::to_string(event)
        .map_err(|e| Error::Other(format!("encoding an event: {e}")))?;
    Ok(canonical::line_safe(text))
}

/// Stored events as JSON Lines: each as [`to_json`] writes it, each ending
/// with a newline.
pub fn to_json_lines(events: &[Event]) -> Result<String> {
    let mut out = String::with_capacity(events.len() * 1024);
    for event in events {
        out.push_str(&to_json(event)?);
        out.push('\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{"tenant":"acme","action":"user.updated","actor":{"id":"u_42","kind":"user"},"outcome":"success","before":{"a":1},"after":{"a":2}}"#;

    fn err(text: &str) -> String {
        parse_inputs(text, None).unwrap_err().to_string()
    }

    #[test]
    fn objects_arrays_and_lines() {
        assert_eq!(parse_inputs(GOOD, None).unwrap().len(), 1);
        assert_eq!(
            parse_inputs(&format!("[{GOOD},{GOOD}]"), None)
                .unwrap()
                .len(),
            2
        );
        assert_eq!(
            parse_inputs(&format!("{GOOD}\n\n{GOOD}\n{GOOD}\n"), None)
                .unwrap()
                .len(),
            3
        );
        let pretty =
            serde_json::to_string_pretty(&serde_json::from_str::<Value>(GOOD).unwrap()).unwrap();
        assert_eq!(parse_inputs(&pretty, None).unwrap().len(), 1);
    }

    #[test]
    fn states_become_canonical_text() {
        let e = parse_inputs(GOOD, None).unwrap().remove(0);
        assert_eq!(e.before.as_deref(), Some(r#"{"a":1}"#));
    }

    #[test]
    fn errors_name_index_and_field() {
        let no_actor = r#"{"tenant":"acme","action":"user.updated","outcome":"success"}"#;
        assert_eq!(
            err(&format!("{GOOD}\n{no_actor}")),
            "events[1].actor: required"
        );
        let robot = GOOD.replace(r#""kind":"user""#, r#""kind":"robot""#);
        assert_eq!(
            err(&robot),
            "events[0].actor.kind: unknown value; expected one of `user`, `system`, `api-key`, `service`"
        );
        let typo = GOOD.replace("\"outcome\"", "\"outcom\"");
        assert!(
            err(&typo).starts_with("events[0].outcom: unknown field"),
            "{}",
            err(&typo)
        );
        let wrong = GOOD.replace(r#""id":"u_42""#, r#""id":42"#);
        assert_eq!(
            err(&wrong),
            "events[0].actor.id: expected a string, found a number"
        );
        let secret = GOOD.replace(r#""outcome":"success""#, r#""outcome":"hunter2-secret""#);
        assert!(err(&secret).starts_with("events[0].outcome: unknown value"));
        assert!(err(&format!("{GOOD}\n{{\"tenant\": ")).starts_with("events[1]: not valid JSON"));
        assert_eq!(
            err("   "),
            "input: no events: expected a JSON object, an array or JSON Lines"
        );
        assert_eq!(err("[1]"), "events[0]: expected a JSON object");
        let target = GOOD.replace(
            r#""outcome""#,
            r#""targets":[{"kind":"user","id":"u","extra":1}],"outcome""#,
        );
        assert!(
            err(&target).starts_with("events[0].targets[0].extra: unknown field"),
            "{}",
            err(&target)
        );
    }

    #[test]
    fn invalid_type_messages_do_not_echo_strings() {
        let wrong = GOOD.replace(
            r#""actor":{"id":"u_42","kind":"user"}"#,
            r#""actor":"my-password""#,
        );
        let m = err(&wrong);
        assert!(!m.contains("my-password"), "{m}");
        assert_eq!(m, "events[0].actor: expected an object, found a string");
    }

    #[test]
    fn the_default_tenant_fills_in() {
        let no_tenant = GOOD.replace(r#""tenant":"acme","#, "");
        assert_eq!(
            err(&no_tenant),
            "events[0].tenant: required (or give a default tenant)"
        );
        assert_eq!(
            parse_inputs(&no_tenant, Some("beta")).unwrap()[0].tenant,
            "beta"
        );
    }

    #[test]
    fn numbers_that_would_change_are_refused_not_stored_altered() {
        let with = |field: &str| {
            format!(
                r#"{{"tenant":"acme","action":"user.updated","actor":{{"id":"u","kind":"user"}},"outcome":"success",{field}}}"#
            )
        };
        for (field, why) in [
            (r#""after":{"n":18446744073709551616}"#, "beyond 64 bits"),
            (r#""after":{"n":-9223372036854775809}"#, "beyond 64 bits"),
            (r#""metadata":{"tiny":1e-400}"#, "stored as 0"),
            (r#""before":[0.0,2.5e-999]"#, "stored as 0"),
        ] {
            let e = parse_inputs(&with(field), None).unwrap_err().to_string();
            assert!(
                e.starts_with("events[0]: the number at line 1"),
                "{field}: {e}"
            );
            assert!(e.contains(why), "{field}: {e}");
        }
        for field in [
            r#""after":{"n":18446744073709551615,"m":-9223372036854775808}"#,
            r#""after":{"zero":0.0,"e":1e20,"small":5e-324}"#,
        ] {
            assert!(parse_inputs(&with(field), None).is_ok(), "{field}");
        }
        // The same through the WIT record, whose states are JSON text.
        let e = crate::json::node::parse("after", r#"{"n":1e-400}"#)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("after: the number at line 1, column 6"),
            "{e}"
        );
    }
}
