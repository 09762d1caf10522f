//! The filter and viewer flags shared by `audit-host query` and `export`.
//! They only carry text to the component, which checks and applies them.

use audit_host::HostError;
use audit_host::bindings::{
    Actor, ActorKind, Error, Filter, Order, OutcomeKind, RequestContext, Viewer,
};

#[derive(Debug, clap::Args)]
pub struct FilterArgs {
    /// The tenant whose log is read.
    #[arg(long)]
    pub tenant: String,

    /// Events that occurred at or after this time (RFC 3339, or a date
    /// YYYY-MM-DD meaning its start in UTC).
    #[arg(long, value_name = "TIME")]
    pub from: Option<String>,

    /// Events that occurred before this time (RFC 3339, or a date YYYY-MM-DD).
    #[arg(long, value_name = "TIME")]
    pub to: Option<String>,

    /// Events by this actor id.
    #[arg(long, value_name = "ID")]
    pub actor: Option<String>,

    /// Events whose actor's name contains this text, ignoring case (only
    /// letters, digits, whitespace and underscores).
    #[arg(long, value_name = "TEXT")]
    pub actor_name: Option<String>,

    /// Events with this action, or `entity.*` for every action of an entity.
    #[arg(long, value_name = "NAME")]
    pub action: Option<String>,

    /// Events of this category (authentication, user, export, ...).
    #[arg(long, value_name = "NAME")]
    pub category: Option<String>,

    /// Events of this change type (created, updated, deleted, activated,
    /// deactivated, assigned, unassigned, login, logout, exported, imported,
    /// viewed, other).
    #[arg(long, value_name = "TYPE")]
    pub change_type: Option<String>,

    /// Events with a target of this kind, or of this kind and id.
    #[arg(long, value_name = "KIND[:ID]")]
    pub target: Option<String>,

    /// Events with this outcome.
    #[arg(long, value_enum, value_name = "OUTCOME")]
    pub outcome: Option<OutcomeArg>,

    /// Events from this IP address, or from within this CIDR block
    /// (203.0.113.0/24, 2001:db8::/32).
    #[arg(long, value_name = "ADDR[/BITS]")]
    pub ip: Option<String>,

    /// A keyword searched, ignoring case, in every text field of the event,
    /// the changes' old and new values included.
    #[arg(long, value_name = "TEXT")]
    pub text: Option<String>,

    /// Newest first (the default) or oldest first, by sequence number.
    #[arg(long, value_enum, default_value_t = OrderArg::Newest)]
    pub order: OrderArg,

    /// Who reads (recorded as the actor of the read's own event).
    #[arg(long, default_value = "local-operator", value_name = "ID")]
    pub viewer: String,

    /// The viewer's role; repeat for several. The tenant's access settings
    /// say which roles may read (default admin and super_admin).
    #[arg(
        long = "viewer-role",
        default_value = "super_admin",
        value_name = "ROLE"
    )]
    pub viewer_roles: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutcomeArg {
    /// Events that succeeded.
    Success,
    /// Events that were refused or failed.
    Failure,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OrderArg {
    /// Highest sequence number first.
    Newest,
    /// Lowest sequence number first.
    Oldest,
}

impl FilterArgs {
    /// The WIT filter.
    pub fn filter(&self) -> Filter {
        // KIND[:ID]: a kind never holds `:`, an id may.
        let (target_kind, target_id) = match self.target.as_deref() {
            None => (None, None),
            Some(t) => match t.split_once(':') {
                Some((kind, id)) => (Some(kind.to_string()), Some(id.to_string())),
                None => (Some(t.to_string()), None),
            },
        };
        Filter {
            tenant: self.tenant.clone(),
            since: self.from.clone(),
            until: self.to.clone(),
            actor_id: self.actor.clone(),
            action: self.action.clone(),
            actor_name: self.actor_name.clone(),
            category: self.category.clone(),
            change_type: self.change_type.clone(),
            target_kind,
            target_id,
            outcome: self.outcome.map(|o| match o {
                OutcomeArg::Success => OutcomeKind::Success,
                OutcomeArg::Failure => OutcomeKind::Failure,
            }),
            ip: self.ip.clone(),
            text: self.text.clone(),
        }
    }

    /// The WIT order.
    pub fn order(&self) -> Order {
        match self.order {
            OrderArg::Newest => Order::NewestFirst,
            OrderArg::Oldest => Order::OldestFirst,
        }
    }

    /// The WIT viewer.
    pub fn viewer(&self) -> Viewer {
        viewer(&self.viewer, &self.viewer_roles)
    }
}

/// The flag that sets each field of the WIT filter and viewer.
const FLAGS: [(&str, &str); 15] = [
    ("filter.tenant", "--tenant"),
    ("filter.since", "--from"),
    ("filter.until", "--to"),
    ("filter.actor_id", "--actor"),
    ("filter.actor_name", "--actor-name"),
    ("filter.action", "--action"),
    ("filter.category", "--category"),
    ("filter.change_type", "--change-type"),
    ("filter.target_kind", "--target"),
    ("filter.target_id", "--target"),
    ("filter.outcome", "--outcome"),
    ("filter.ip", "--ip"),
    ("filter.text", "--text"),
    ("viewer.actor.id", "--viewer"),
    ("viewer.roles", "--viewer-role"),
];

/// The flag that sets each other field of a query or an export request,
/// when an error names exactly that field (these words also occur in
/// reasons, as words).
const REQUEST_FLAGS: [(&str, &str); 4] = [
    ("limit", "--limit"),
    ("cursor", "--cursor"),
    ("utc_offset", "--utc-offset"),
    ("byte_order_mark", "--bom"),
];

/// The component's refusal of a field of a query or an export, naming the
/// flag the user typed (`--from`, not the WIT's `filter.since`), in the
/// field and in the reason; every other error as it is.
pub fn named_by_flags(e: HostError) -> HostError {
    let flag = |text: &str| {
        if let Some((_, flag)) = REQUEST_FLAGS.iter().find(|(field, _)| *field == text) {
            return flag.to_string();
        }
        let mut text = text.to_string();
        for (field, flag) in FLAGS {
            // `viewer.roles[2]` is the third --viewer-role: the index goes.
            if let Some(at) = text.find(field) {
                let mut end = at + field.len();
                if text[end..].starts_with('[')
                    && let Some(close) = text[end..].find(']')
                {
                    end += close + 1;
                }
                text.replace_range(at..end, flag);
            }
        }
        text
    };
    match e {
        HostError::Audit(Error::InvalidInput(mut f)) => {
            f.field = flag(&f.field);
            f.reason = flag(&f.reason);
            HostError::Audit(Error::InvalidInput(f))
        }
        HostError::Refused(Error::InvalidInput(mut f)) => {
            f.field = flag(&f.field);
            HostError::Refused(Error::InvalidInput(f))
        }
        HostError::Audit(Error::LimitExceeded(mut l)) => {
            l.field = flag(&l.field);
            HostError::Audit(Error::LimitExceeded(l))
        }
        HostError::Refused(Error::LimitExceeded(mut l)) => {
            l.field = flag(&l.field);
            HostError::Refused(Error::LimitExceeded(l))
        }
        other => other,
    }
}

/// A viewer on this machine: a user with the given id and roles, no client
/// context.
pub fn viewer(id: &str, roles: &[String]) -> Viewer {
    Viewer {
        actor: Actor {
            id: id.to_string(),
            name: None,
            email: None,
            kind: ActorKind::User,
        },
        roles: roles.to_vec(),
        context: RequestContext {
            ip: None,
            user_agent: None,
            session_id: None,
            request_id: None,
        },
    }
}
