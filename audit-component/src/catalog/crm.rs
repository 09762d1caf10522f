//! `crm`: a CRM and messaging tool, whose audit log report tracks
//! contact edits, manual creations, deletions and exports, group changes
//! and user profile updates (name, e-mail, role, permissions).

use super::builtin::{Profile, action};

/// The profile.
pub const PROFILE: Profile = Profile {
    name: "crm",
    label: "Messaging CRM",
    categories: &[
        ("contact", "Contacts"),
        ("group", "Groups"),
        ("user", "User Profiles"),
        ("authentication", "Authentication"),
    ],
    actions: &[
        action(
            "contact.created",
            "Contact Created",
            "contact",
            "created",
            &["contact"],
        ),
        action(
            "contact.updated",
            "Contact Profile Updated",
            "contact",
            "updated",
            &["contact"],
        ),
        action(
            "contact.deleted",
            "Contact Profile Deleted",
            "contact",
            "deleted",
            &["contact"],
        ),
        action(
            "contact.exported",
            "Contacts Exported",
            "contact",
            "exported",
            &["contact", "group", "report"],
        ),
        action(
            "group.updated",
            "Group Updated",
            "group",
            "updated",
            &["group"],
        ),
        action(
            "group.deleted",
            "Group Deleted",
            "group",
            "deleted",
            &["group"],
        ),
        // Name, e-mail, role or permissions: the diff says which.
        action(
            "user.updated",
            "User Profile Updated",
            "user",
            "updated",
            &["user"],
        ),
        action(
            "user.deleted",
            "User Profile Deleted",
            "user",
            "deleted",
            &["user"],
        ),
    ],
    auth_labels: &[],
    refused: &[],
};
