//! `qa`: a quality-management platform (users, teams, roles, coaching and
//! evaluation exports). Labels are the ones its admins read on its audit
//! log page ("Login Fail", "User Created", "Export: Coachings", ...).

use super::auth::{
    LOGIN_FAILED, LOGIN_FAILED_VALID_ACCOUNT, LOGIN_SUCCEEDED, RECOVERY_REQUESTED, RECOVERY_UNKNOWN,
};
use super::builtin::{Profile, action};

/// The profile.
pub const PROFILE: Profile = Profile {
    name: "qa",
    label: "Quality management platform",
    categories: &[
        ("authentication", "Logins"),
        ("user", "Users"),
        ("team", "Teams"),
        ("role", "Roles"),
        ("export", "Exports"),
    ],
    actions: &[
        action(
            "user.password_changed",
            "User Changed Password",
            "authentication",
            "updated",
            &["user"],
        ),
        action("user.created", "User Created", "user", "created", &["user"]),
        action("user.updated", "User Updated", "user", "updated", &["user"]),
        action(
            "user.activated",
            "User Activated",
            "user",
            "activated",
            &["user"],
        ),
        action(
            "user.deactivated",
            "User Deactivated",
            "user",
            "deactivated",
            &["user"],
        ),
        action(
            "user.team_assigned",
            "User assigned to new team",
            "user",
            "assigned",
            &["user", "team"],
        ),
        action(
            "user.role_changed",
            "User Role Change",
            "user",
            "updated",
            &["user", "role"],
        ),
        action("team.created", "Team Created", "team", "created", &["team"]),
        action("team.updated", "Team Updated", "team", "updated", &["team"]),
        action("team.deleted", "Team Deleted", "team", "deleted", &["team"]),
        action("role.created", "Role Created", "role", "created", &["role"]),
        action("role.updated", "Role Updated", "role", "updated", &["role"]),
        action("role.deleted", "Role Deleted", "role", "deleted", &["role"]),
        action(
            "export.quality_overview",
            "Export: Quality Overview",
            "export",
            "exported",
            &["report"],
        ),
        action(
            "export.quality_disputes",
            "Export: Quality Disputes",
            "export",
            "exported",
            &["report"],
        ),
        action(
            "export.calibration_sessions",
            "Export: Quality Calibrations",
            "export",
            "exported",
            &["report"],
        ),
        action(
            "export.calibration_reports",
            "Export: Quality Calibration Reports",
            "export",
            "exported",
            &["report"],
        ),
        action(
            "export.coaching_sessions",
            "Export: Coachings",
            "export",
            "exported",
            &["report"],
        ),
        action(
            "export.users",
            "Export: Users",
            "export",
            "exported",
            &["report"],
        ),
    ],
    auth_labels: &[
        (LOGIN_FAILED, "Login Fail"),
        (LOGIN_SUCCEEDED, "Login Success"),
        (LOGIN_FAILED_VALID_ACCOUNT, "Login Failed With Valid Email"),
        (RECOVERY_REQUESTED, "User Requested Recovery Password"),
        (RECOVERY_UNKNOWN, "Recovered Password With Incorrect Email"),
    ],
    refused: &[(
        "user.deleted",
        "users are never deleted in this product, only deactivated: record user.deactivated instead",
    )],
};
