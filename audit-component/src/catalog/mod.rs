//! The action catalog: every action the seed products record, with a human
//! label, a category, a change type and the target kinds it expects,
//! grouped into profiles (`qa`, `contact-center`, `crm`, `cx`), plus the
//! actions a tenant registers itself.
//!
//! A tenant's catalog is made of, in this order of precedence:
//!
//! 1. the log's own actions (`audit_log.*`, [`own`]), recorded only by the
//!    log;
//! 2. the authentication log's actions ([`auth`]): sign-ins, sign-outs,
//!    password recovery and the brute-force alert, recorded through the
//!    `auth` interface (labels may be worded per profile);
//! 3. the actions of the tenant's profile, if it chose one
//!    (`catalog.profile` in its settings), including the ones a profile
//!    refuses (`qa` never deletes users);
//! 4. the actions it registered (`catalog.actions`, [`definition`]).
//!
//! A tenant with a profile may record only actions of its catalog, with the
//! target kinds each expects. A tenant without one may record any
//! well-formed action with any targets (except the actions only the log
//! records), as hosts written before the catalog do: the catalog still
//! labels and classifies the actions it knows (the log's own, the
//! authentication log's, and the tenant's registrations, whose target kinds
//! do bind), and the name heuristic of [`crate::catalog::classify`] classifies the
//! rest, without a label.

pub mod auth;
pub mod classify;
mod contact_center;
mod crm;
mod cx;
pub mod definition;
pub mod own;
mod qa;

use crate::core::error::{Error, Result};
use crate::core::model::Target;
use std::borrow::Cow;

pub use definition::Definition;

/// One built-in action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Builtin {
    /// The stable name, `entity.verb`.
    pub name: &'static str,
    /// What people see ("Login Fail", "User Created").
    pub label: &'static str,
    /// The category (lowercase, `_` between words).
    pub category: &'static str,
    /// One of [`classify::CHANGE_TYPES`].
    pub change_type: &'static str,
    /// The target kinds an event of this action may name; empty: any.
    pub targets: &'static [&'static str],
}

/// Shorthand for the tables of built-in actions.
pub const fn action(
    name: &'static str,
    label: &'static str,
    category: &'static str,
    change_type: &'static str,
    targets: &'static [&'static str],
) -> Builtin {
    Builtin {
        name,
        label,
        category,
        change_type,
        targets,
    }
}

/// One seed product's vocabulary.
#[derive(Debug)]
pub struct Profile {
    /// Its name in settings and on the command line.
    pub name: &'static str,
    /// What it is, in a few words.
    pub label: &'static str,
    /// Its categories, by name, with the label its admin page shows.
    pub categories: &'static [(&'static str, &'static str)],
    /// Its actions.
    pub actions: &'static [Builtin],
    /// Labels of the authentication log's actions in this product's words.
    pub auth_labels: &'static [(&'static str, &'static str)],
    /// Actions this product never records, with the reason and what to
    /// record instead.
    pub refused: &'static [(&'static str, &'static str)],
}

/// Every profile.
pub const PROFILES: &[&Profile] = &[
    &qa::PROFILE,
    &contact_center::PROFILE,
    &crm::PROFILE,
    &cx::PROFILE,
];

/// The profile with this name.
pub fn profile(name: &str) -> Option<&'static Profile> {
    PROFILES.iter().copied().find(|p| p.name == name)
}

/// The profile with this name, or an error naming `field` and the choices.
pub fn profile_named(field: &str, name: &str) -> Result<&'static Profile> {
    profile(name).ok_or_else(|| {
        Error::invalid(
            field,
            format!(
                "unknown profile; expected one of {}",
                PROFILES
                    .iter()
                    .map(|p| p.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
    })
}

/// Where an action of a tenant's catalog comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The log's own (`audit_log.*`).
    Log,
    /// The authentication log.
    Authentication,
    /// The tenant's profile.
    Profile,
    /// Registered by the tenant.
    Registered,
}

/// One action of a tenant's catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry<'a> {
    /// Name.
    pub name: Cow<'a, str>,
    /// Label.
    pub label: Cow<'a, str>,
    /// Category.
    pub category: Cow<'a, str>,
    /// Change type, one of [`classify::CHANGE_TYPES`].
    pub change_type: &'static str,
    /// Expected target kinds; empty: any.
    pub targets: Vec<Cow<'a, str>>,
    /// Where it comes from.
    pub origin: Origin,
}

impl Entry<'static> {
    fn builtin(b: &Builtin, label: &'static str, origin: Origin) -> Self {
        Entry {
            name: Cow::Borrowed(b.name),
            label: Cow::Borrowed(label),
            category: Cow::Borrowed(b.category),
            change_type: b.change_type,
            targets: b.targets.iter().map(|t| Cow::Borrowed(*t)).collect(),
            origin,
        }
    }
}

/// Who is recording an event: the checks differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writer {
    /// A host, through `log.append`, `append-batch` or `append-bulk`.
    Host,
    /// The `auth` interface, for the authentication log's actions.
    Auth,
    /// The log itself (its own events, the brute-force alert).
    Log,
}

/// How an event is classified: what it stores besides the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Class {
    /// Category.
    pub category: String,
    /// Change type.
    pub change_type: &'static str,
    /// The label, where the catalog has one.
    pub label: Option<String>,
}

/// A tenant's catalog: its profile and registrations over the built-ins.
#[derive(Debug, Clone, Copy)]
pub struct Catalog<'s> {
    profile: Option<&'static Profile>,
    registered: &'s [Definition],
}

/// What the catalog says about an action name.
enum Lookup<'a> {
    Known(Entry<'a>),
    Refused(&'static str),
    Unknown,
}

impl<'s> Catalog<'s> {
    /// The catalog of a tenant with this profile and these registrations.
    pub fn new(profile: Option<&'static Profile>, registered: &'s [Definition]) -> Self {
        Catalog {
            profile,
            registered,
        }
    }

    /// The catalog of a profile alone (no registrations).
    pub fn of_profile(profile: &'static Profile) -> Catalog<'static> {
        Catalog {
            profile: Some(profile),
            registered: &[],
        }
    }

    /// The tenant's profile.
    pub fn profile(&self) -> Option<&'static Profile> {
        self.profile
    }

    fn lookup(&self, name: &str) -> Lookup<'s> {
        if let Some(b) = own::ACTIONS.iter().find(|b| b.name == name) {
            return Lookup::Known(Entry::builtin(b, b.label, Origin::Log));
        }
        if let Some(b) = auth::ACTIONS.iter().find(|b| b.name == name) {
            let label = self
                .profile
                .and_then(|p| p.auth_labels.iter().find(|(n, _)| *n == name))
                .map_or(b.label, |(_, l)| l);
            return Lookup::Known(Entry::builtin(b, label, Origin::Authentication));
        }
        if let Some(p) = self.profile {
            if let Some((_, why)) = p.refused.iter().find(|(n, _)| *n == name) {
                return Lookup::Refused(why);
            }
            if let Some(b) = p.actions.iter().find(|b| b.name == name) {
                return Lookup::Known(Entry::builtin(b, b.label, Origin::Profile));
            }
        }
        match self.registered.iter().find(|d| d.name == name) {
            Some(d) => Lookup::Known(d.entry()),
            None => Lookup::Unknown,
        }
    }

    /// The entry of an action, when the catalog knows it.
    pub fn entry(&self, name: &str) -> Option<Entry<'s>> {
        match self.lookup(name) {
            Lookup::Known(e) => Some(e),
            _ => None,
        }
    }

    /// Every action of the catalog, in order: the log's own, the
    /// authentication log's, the profile's, the registered ones.
    pub fn entries(&self) -> Vec<Entry<'s>> {
        let mut out: Vec<Entry<'s>> = own::ACTIONS
            .iter()
            .map(|b| Entry::builtin(b, b.label, Origin::Log))
            .collect();
        out.extend(auth::ACTIONS.iter().filter_map(|b| self.entry(b.name)));
        if let Some(p) = self.profile {
            out.extend(
                p.actions
                    .iter()
                    .map(|b| Entry::builtin(b, b.label, Origin::Profile)),
            );
        }
        out.extend(self.registered.iter().map(Definition::entry));
        out
    }

    /// Classifies an event of action `name` with these targets, recorded
    /// by `writer`, or refuses it. Errors name `action` or `targets[i].kind`.
    pub fn classify(&self, name: &str, targets: &[Target], writer: Writer) -> Result<Class> {
        let entry = match self.lookup(name) {
            Lookup::Refused(why) => {
                let profile = self.profile.map_or("", |p| p.name);
                return Err(Error::invalid(
                    "action",
                    format!("{name} is refused in profile {profile}: {why}"),
                ));
            }
            Lookup::Known(entry) => entry,
            Lookup::Unknown => match (self.profile, writer) {
                (Some(p), Writer::Host) => {
                    return Err(Error::invalid(
                        "action",
                        format!(
                            "{name} is not in the catalog of profile {}; register it first (catalog.register-actions, audit-host actions register)",
                            p.name
                        ),
                    ));
                }
                // A tenant without a profile, or the log itself: the name
                // heuristic, without a label.
                _ => {
                    let (category, change_type) = classify::classify(name);
                    return Ok(Class {
                        category,
                        change_type,
                        label: None,
                    });
                }
            },
        };
        match (entry.origin, writer) {
            (Origin::Log, Writer::Log) => {}
            (Origin::Log, _) => {
                return Err(Error::invalid(
                    "action",
                    "audit_log.* actions are recorded by the log itself",
                ));
            }
            (Origin::Authentication, Writer::Host) if name == auth::BRUTE_FORCE => {
                return Err(Error::invalid(
                    "action",
                    format!(
                        "{name} is recorded by the log itself when failed sign-ins cross the tenant's threshold"
                    ),
                ));
            }
            // With a profile, sign-ins go through the auth interface, which
            // hides unknown identifiers and counts failures; without one,
            // hosts written before it keep appending them directly.
            (Origin::Authentication, Writer::Host) if self.profile.is_some() => {
                return Err(Error::invalid(
                    "action",
                    format!(
                        "{name} is recorded through the auth interface (auth.record-login, auth.record-logout, auth.record-password-recovery), which hides identifiers that match no account and counts failed attempts"
                    ),
                ));
            }
            _ => {}
        }
        // Expected target kinds bind a tenant that chose a profile, and
        // every tenant's own registrations; without a profile, hosts
        // written before the catalog keep naming what they named.
        let binding = self.profile.is_some() || entry.origin == Origin::Registered;
        if binding && !entry.targets.is_empty() {
            for (i, t) in targets.iter().enumerate() {
                if !entry.targets.iter().any(|k| *k == t.kind) {
                    return Err(Error::invalid(
                        format!("targets[{i}].kind"),
                        format!(
                            "{name} expects targets of kind {}",
                            entry
                                .targets
                                .iter()
                                .map(|k| k.as_ref())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    ));
                }
            }
        }
        Ok(Class {
            category: entry.category.into_owned(),
            change_type: entry.change_type,
            label: Some(entry.label.into_owned()),
        })
    }
}

/// The change type among [`classify::CHANGE_TYPES`] equal to `name`.
pub fn change_type(name: &str) -> Option<&'static str> {
    classify::CHANGE_TYPES.iter().copied().find(|t| *t == name)
}

#[cfg(test)]
mod tests;
