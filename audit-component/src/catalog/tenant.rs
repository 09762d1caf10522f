//! A tenant's catalog: the log's own actions, the authentication log's,
//! its profile's and its registrations, in that order of precedence; what
//! an action is classified as, and which actions are refused.

use super::builtin::Profile;
use super::classify;
use super::definition::Definition;
use super::entry::{Entry, Origin};
use super::{auth, own};
use crate::core::error::{Error, Result};
use crate::core::model::Target;

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
            // Sign-ins, sign-outs and recoveries go through the auth
            // interface whatever the tenant's profile: it hides an
            // identifier that matches no account (often a password typed
            // into the wrong field) and counts failures for brute force.
            (Origin::Authentication, Writer::Host) => {
                return Err(Error::invalid(
                    "action",
                    format!(
                        "{name} is recorded through the auth interface (auth.record-login, auth.record-logout, auth.record-password-recovery; audit-host auth login|logout|recovery), which hides identifiers that match no account and counts failed attempts"
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
