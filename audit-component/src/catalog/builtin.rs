//! The shape of the built-in catalogs: one action, and one product's
//! vocabulary (a profile).

/// One built-in action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Builtin {
    /// The stable name, `entity.verb`.
    pub name: &'static str,
    /// What people see ("Login Fail", "User Created").
    pub label: &'static str,
    /// The category (lowercase, `_` between words).
    pub category: &'static str,
    /// One of [`super::classify::CHANGE_TYPES`].
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

/// One kind of product's vocabulary.
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
