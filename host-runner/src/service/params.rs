//! Query parameters: the filter of every read (the names of the CLI's
//! flags: `from`, `to`, `actor`, `actor_name`, `action`, `category`,
//! `change_type`, `target`, `outcome`, `ip`, and `q` for the keyword), the
//! page (`order`, `limit`, `cursor`, `count`) and an export's format. They
//! only carry text to the component, which checks and applies them; its
//! errors name the parameter, not the WIT field.

use super::problem::ApiError;
use audit_host::bindings::{Filter, Order, OutcomeKind, PageRequest, Viewer};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::Deserialize;

/// A query string read into `T`; 400 naming the parameter otherwise.
pub struct Params<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Params<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(de)
            .map(Params)
            .map_err(|e| {
                let field = e.path().to_string();
                let field = if field == "." {
                    "query".to_string()
                } else {
                    field
                };
                let text = e.inner().to_string();
                let text = match text.strip_prefix("unknown field ") {
                    Some(rest) => format!("unknown parameter {rest}"),
                    None => format!("{field}: {text}"),
                };
                ApiError::bad_request(
                    &field,
                    text.replace("expected one of", "expected one of the parameters"),
                )
            })
    }
}

/// The outcome a filter asks for.
#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum OutcomeParam {
    /// Events that succeeded.
    Success,
    /// Events that failed.
    Failure,
}

/// The order of a read.
#[derive(Debug, Clone, Copy, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum OrderParam {
    /// Highest seq first.
    #[default]
    Newest,
    /// Lowest seq first.
    Oldest,
}

/// Declares a struct of query parameters: the filter's, then `$extra`,
/// with the filter's conversion. (One struct per endpoint, not a flattened
/// one: serde's `flatten` reads every value of a query string as text and
/// cannot refuse unknown parameters.)
macro_rules! with_filter {
    ($(#[$meta:meta])* pub struct $name:ident { $($extra:tt)* }) => {
        $(#[$meta])*
        #[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
        #[serde(deny_unknown_fields)]
        #[into_params(parameter_in = Query)]
        pub struct $name {
            /// Events that occurred at or after this time (RFC 3339, or YYYY-MM-DD).
            pub from: Option<String>,
            /// Events that occurred before this time (RFC 3339, or YYYY-MM-DD).
            pub to: Option<String>,
            /// Events by this actor id.
            pub actor: Option<String>,
            /// Events whose actor's name contains this text, ignoring case
            /// (letters, digits, whitespace and `_` only).
            pub actor_name: Option<String>,
            /// Events with this action, or `entity.*`.
            pub action: Option<String>,
            /// Events of this category.
            pub category: Option<String>,
            /// Events of this change type (`created`, `updated`, ...).
            pub change_type: Option<String>,
            /// Events with a target of this kind, or `kind:id`.
            pub target: Option<String>,
            /// Events with this outcome.
            #[param(inline)]
            pub outcome: Option<OutcomeParam>,
            /// Events from this IP address or CIDR block.
            pub ip: Option<String>,
            /// A keyword searched in every text field of the event.
            pub q: Option<String>,
            /// `newest` (the default) or `oldest` first.
            #[param(inline)]
            pub order: Option<OrderParam>,
            $($extra)*
        }

        impl $name {
            /// The WIT filter of `tenant`.
            pub fn filter(&self, tenant: &str) -> Filter {
                filter(
                    tenant,
                    [&self.from, &self.to, &self.actor, &self.actor_name, &self.action,
                     &self.category, &self.change_type, &self.ip, &self.q],
                    self.target.as_deref(),
                    self.outcome,
                )
            }

            /// The WIT order.
            pub fn order(&self) -> Order {
                self.order.unwrap_or_default().order()
            }
        }
    };
}

with_filter! {
    /// One page of a read.
    pub struct PageParams {
        /// At most this many events, 1 to 1000 (default 50).
        pub limit: Option<u32>,
        /// The `next_cursor` of the previous page.
        pub cursor: Option<String>,
        /// Also count every matching event.
        pub count: Option<bool>,
    }
}

impl PageParams {
    /// The page request of `tenant` for `viewer`: 50 events unless `limit`
    /// says otherwise.
    pub fn request(&self, tenant: &str, viewer: Viewer) -> PageRequest {
        PageRequest {
            filter: self.filter(tenant),
            order: self.order(),
            limit: self.limit.unwrap_or(50),
            cursor: self.cursor.clone(),
            viewer,
            count: self.count.unwrap_or(false),
        }
    }
}

/// The format of an export.
#[derive(Debug, Clone, Copy, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum FormatParam {
    /// CSV (RFC 4180), every cell quoted, formulas neutralised.
    #[default]
    Csv,
    /// JSON Lines: one stored event per line.
    Jsonl,
}

/// What one CSV row is.
#[derive(Debug, Clone, Copy, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum RowsParam {
    /// One row per event.
    #[default]
    Events,
    /// One row per changed field.
    Changes,
}

with_filter! {
    /// An export.
    pub struct ExportParams {
        /// `csv` (the default) or `jsonl`.
        #[param(inline)]
        pub format: Option<FormatParam>,
        /// CSV: the columns, comma-separated, in order (`docs/export.md`).
        pub columns: Option<String>,
        /// CSV: `events` (the default) or `changes`.
        #[param(inline)]
        pub rows: Option<RowsParam>,
        /// CSV: start with a UTF-8 byte-order mark (for spreadsheets).
        pub bom: Option<bool>,
        /// CSV: write times at this UTC offset (`+02:00`).
        pub utc_offset: Option<String>,
    }
}

#[allow(clippy::type_complexity)]
fn filter(
    tenant: &str,
    [
        since,
        until,
        actor_id,
        actor_name,
        action,
        category,
        change_type,
        ip,
        text,
    ]: [&Option<String>; 9],
    target: Option<&str>,
    outcome: Option<OutcomeParam>,
) -> Filter {
    let (target_kind, target_id) = match target {
        None => (None, None),
        Some(t) => match t.split_once(':') {
            Some((kind, id)) => (Some(kind.to_string()), Some(id.to_string())),
            None => (Some(t.to_string()), None),
        },
    };
    Filter {
        tenant: tenant.to_string(),
        since: since.clone(),
        until: until.clone(),
        actor_id: actor_id.clone(),
        action: action.clone(),
        actor_name: actor_name.clone(),
        category: category.clone(),
        change_type: change_type.clone(),
        target_kind,
        target_id,
        outcome: outcome.map(|o| match o {
            OutcomeParam::Success => OutcomeKind::Success,
            OutcomeParam::Failure => OutcomeKind::Failure,
        }),
        ip: ip.clone(),
        text: text.clone(),
    }
}

impl OrderParam {
    /// The WIT order.
    pub fn order(self) -> Order {
        match self {
            OrderParam::Newest => Order::NewestFirst,
            OrderParam::Oldest => Order::OldestFirst,
        }
    }
}

/// The parameter (or header) that sets each WIT field of a read.
const NAMES: [(&str, &str); 21] = [
    ("filter.tenant", "tenant"),
    ("filter.since", "from"),
    ("filter.until", "to"),
    ("filter.actor_id", "actor"),
    ("filter.actor_name", "actor_name"),
    ("filter.action", "action"),
    ("filter.category", "category"),
    ("filter.change_type", "change_type"),
    ("filter.target_kind", "target"),
    ("filter.target_id", "target"),
    ("filter.outcome", "outcome"),
    ("filter.ip", "ip"),
    ("filter.text", "q"),
    ("viewer.actor", "Audit-Viewer"),
    ("viewer.roles", "Audit-Viewer.roles"),
    ("viewer.context.ip", "Audit-Viewer-IP"),
    ("viewer", "Audit-Viewer"),
    ("columns", "columns"),
    ("limit", "limit"),
    ("cursor", "cursor"),
    ("utc_offset", "utc_offset"),
];

/// A component error about a read, naming the parameter that set the field.
pub fn named_by_params(mut e: ApiError) -> ApiError {
    if let Some(field) = &e.field {
        for (wit, param) in NAMES {
            if let Some(rest) = field.strip_prefix(wit)
                && (rest.is_empty() || rest.starts_with('.') || rest.starts_with('['))
            {
                e.field = Some(format!("{param}{rest}"));
                break;
            }
        }
    }
    e
}
