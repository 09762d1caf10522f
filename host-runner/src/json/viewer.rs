//! A viewer as JSON: who reads the log (`{"id", "name", "email", "kind",
//! "roles"}`), as a backend names it in `serve`'s `Audit-Viewer` header and
//! as a viewer token carries it. Only the shape is checked here; the
//! component checks the values and decides what the roles may read.

use audit_host::bindings::{Actor, ActorKind, RequestContext, Viewer};
use serde::{Deserialize, Serialize};

/// Who reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ViewerJson {
    /// The person's or program's id in the product.
    pub id: String,
    /// The name shown in the log's record of the read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// An e-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// `user` (the default), `system`, `api-key` or `service`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<ViewerKind>,
    /// The viewer's roles in the product (`admin`, `agent`): the tenant's
    /// access settings say which may read.
    pub roles: Vec<String>,
}

/// The kind of principal reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ViewerKind {
    /// A person.
    User,
    /// The product itself.
    System,
    /// A caller known by an API key.
    ApiKey,
    /// Another service.
    Service,
}

impl ViewerJson {
    /// The WIT viewer, reading from `context`.
    pub fn viewer(&self, context: RequestContext) -> Viewer {
        Viewer {
            actor: Actor {
                id: self.id.clone(),
                name: self.name.clone(),
                email: self.email.clone(),
                kind: match self.kind.unwrap_or(ViewerKind::User) {
                    ViewerKind::User => ActorKind::User,
                    ViewerKind::System => ActorKind::System,
                    ViewerKind::ApiKey => ActorKind::ApiKey,
                    ViewerKind::Service => ActorKind::Service,
                },
            },
            roles: self.roles.clone(),
            context,
        }
    }
}
