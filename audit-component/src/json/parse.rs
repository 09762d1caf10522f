//! Parsing JSON text strictly, with errors that name the field and never
//! quote the input (it may hold secrets).

use crate::core::error::{Error, Result};
use crate::core::limits::MAX_JSON_DEPTH;
use crate::json::numbers;
use serde_json::Value;

/// Parses JSON text, with errors that name the field and never quote it.
/// Objects that name a member twice are refused ([`crate::json::strict`]).
pub fn parse_json(field: &str, text: &str) -> Result<Value> {
    numbers::suspect();
    let value = serde_json::from_str::<crate::json::strict::Strict>(text)
        .map(|s| s.0)
        .map_err(|e| json_error(field, &e))?;
    if numbers::suspect() {
        numbers::check(field, text)?;
    }
    Ok(value)
}

/// A serde_json error as a field error, without the input's text.
pub fn json_error(field: &str, e: &serde_json::Error) -> Error {
    let message = e.to_string();
    if message.starts_with("recursion limit exceeded") {
        return Error::invalid(
            field,
            format!("nested deeper than the limit of {MAX_JSON_DEPTH} levels"),
        );
    }
    let reason = match e.classify() {
        serde_json::error::Category::Eof => "not valid JSON: it ends too early".to_string(),
        _ => format!("not valid JSON: {}", strip_position(&message)),
    };
    Error::invalid(
        field,
        format!("{reason} (line {}, column {})", e.line(), e.column()),
    )
}

fn strip_position(message: &str) -> &str {
    message
        .rsplit_once(" at line ")
        .map_or(message, |(head, _)| head)
}
