//! Classifies an action (`entity.verb`) into a category and a change type.
//!
//! The change type comes from the verb (the last part of the action); the
//! category from the entity (the first part), except that sign-in and
//! password actions belong to `authentication` and exports to `export`, as
//! audit-log pages group them.

/// The change types an action can have; `other` for verbs outside the list.
pub const CHANGE_TYPES: &[&str] = &[
    "created",
    "updated",
    "deleted",
    "activated",
    "deactivated",
    "assigned",
    "unassigned",
    "login",
    "logout",
    "exported",
    "imported",
    "viewed",
    "other",
];

/// The category and change type of a valid action name.
pub fn classify(action: &str) -> (String, &'static str) {
    let (entity, rest) = action.split_once('.').unwrap_or((action, ""));
    let verb = rest.rsplit('.').next().unwrap_or(rest);
    let change_type = verb_change_type(entity, verb);
    let category = if is_authentication(verb) {
        "authentication".to_string()
    } else if change_type == "exported" {
        "export".to_string()
    } else {
        entity.to_string()
    };
    (category, change_type)
}

fn verb_change_type(entity: &str, verb: &str) -> &'static str {
    if entity == "export" {
        return "exported";
    }
    if verb.starts_with("login") || verb == "signed_in" {
        return "login";
    }
    if verb.starts_with("logout") || verb == "signed_out" {
        return "logout";
    }
    // `user_assigned`, `role_changed`: the last word carries the verb.
    let word = verb.rsplit('_').next().unwrap_or(verb);
    match word {
        "created" | "added" | "registered" | "invited" => "created",
        "updated" | "changed" | "edited" | "renamed" | "reset" => "updated",
        "deleted" | "removed" | "purged" => "deleted",
        "activated" | "enabled" | "reactivated" => "activated",
        "deactivated" | "disabled" | "suspended" => "deactivated",
        "assigned" | "joined" => "assigned",
        "unassigned" | "left" => "unassigned",
        "exported" => "exported",
        "imported" => "imported",
        "viewed" => "viewed",
        _ => "other",
    }
}

fn is_authentication(verb: &str) -> bool {
    verb.starts_with("login")
        || verb.starts_with("logout")
        || verb.starts_with("password")
        || verb.starts_with("mfa")
        || verb == "signed_in"
        || verb == "signed_out"
}

/// The change type among [`CHANGE_TYPES`] equal to `name`.
pub fn change_type(name: &str) -> Option<&'static str> {
    CHANGE_TYPES.iter().copied().find(|t| *t == name)
}

#[cfg(test)]
mod tests {
    use super::classify;

    #[test]
    fn seed_actions() {
        assert_eq!(
            classify("user.login_failed"),
            ("authentication".into(), "login")
        );
        assert_eq!(
            classify("user.login_succeeded"),
            ("authentication".into(), "login")
        );
        assert_eq!(classify("user.logout"), ("authentication".into(), "logout"));
        assert_eq!(
            classify("user.password_changed"),
            ("authentication".into(), "updated")
        );
        assert_eq!(classify("user.updated"), ("user".into(), "updated"));
        assert_eq!(classify("user.user.updated"), ("user".into(), "updated"));
        assert_eq!(classify("team.created"), ("team".into(), "created"));
        assert_eq!(classify("user.deactivated"), ("user".into(), "deactivated"));
        assert_eq!(classify("team.user_assigned"), ("team".into(), "assigned"));
        assert_eq!(classify("user.role_changed"), ("user".into(), "updated"));
        assert_eq!(classify("user.assigned"), ("user".into(), "assigned"));
        assert_eq!(classify("export.users"), ("export".into(), "exported"));
        assert_eq!(classify("users.exported"), ("export".into(), "exported"));
        assert_eq!(classify("campaign.paused"), ("campaign".into(), "other"));
    }
}
