//! `cx`: a sales CX suite, whose audit log tracks
//! configuration changes by module (Plans and Billing, Account & CRM
//! settings, Territories, Auto-assignment, Sales Sequence, Workflows), each
//! Created, Updated or Deleted, with "System" as the actor of changes the
//! product made itself (actor kind `system`). Enabling and disabling are
//! updates there, so they are here.

use super::builtin::{Profile, action};

const PLANS: &str = "plans_billing";
const ACCOUNT: &str = "account_settings";
const TERRITORIES: &str = "territories";
const ASSIGNMENT: &str = "auto_assignment";
const SEQUENCES: &str = "sales_sequences";
const WORKFLOWS: &str = "workflows";

/// The profile.
pub const PROFILE: Profile = Profile {
    name: "cx",
    label: "Sales CX suite",
    categories: &[
        (PLANS, "Plans and Billing"),
        (ACCOUNT, "Account & CRM Settings"),
        (TERRITORIES, "Territories"),
        (ASSIGNMENT, "Auto-assignment"),
        (SEQUENCES, "Sales Sequence"),
        (WORKFLOWS, "Workflows"),
        ("authentication", "Authentication"),
    ],
    actions: &[
        // Plans and billing.
        action(
            "plan.trial_subscribed",
            "Plan Subscribed During Trial",
            PLANS,
            "created",
            &["plan"],
        ),
        action(
            "plan.upgraded",
            "Plan Upgraded",
            PLANS,
            "updated",
            &["plan"],
        ),
        action(
            "plan.downgraded",
            "Plan Downgraded",
            PLANS,
            "updated",
            &["plan"],
        ),
        action(
            "phone_credits.added",
            "Phone Credits Added",
            PLANS,
            "created",
            &["account"],
        ),
        action(
            "billing.currency_changed",
            "Billing Currency Changed",
            PLANS,
            "updated",
            &["account"],
        ),
        // Account and CRM settings, one action per setting.
        action(
            "account.primary_contact_updated",
            "Primary Contact Updated",
            ACCOUNT,
            "updated",
            &["account", "user"],
        ),
        action(
            "account.cancellation_requested",
            "Account Cancellation Requested",
            ACCOUNT,
            "created",
            &["account"],
        ),
        action(
            "account.timezone_updated",
            "Timezone Updated",
            ACCOUNT,
            "updated",
            &["account"],
        ),
        action(
            "account.currency_updated",
            "Currency Updated",
            ACCOUNT,
            "updated",
            &["account"],
        ),
        action(
            "account.language_updated",
            "Language Updated",
            ACCOUNT,
            "updated",
            &["account"],
        ),
        action(
            "account.date_format_updated",
            "Date Format Updated",
            ACCOUNT,
            "updated",
            &["account"],
        ),
        action(
            "account.time_format_updated",
            "Time Format Updated",
            ACCOUNT,
            "updated",
            &["account"],
        ),
        action(
            "crm_settings.lead_scoring_updated",
            "Intelligent Lead Scoring Enabled/Disabled",
            ACCOUNT,
            "updated",
            &["account"],
        ),
        action(
            "crm_settings.profile_enrichment_updated",
            "Automatic Profile Enrichment Enabled/Disabled",
            ACCOUNT,
            "updated",
            &["account"],
        ),
        action(
            "crm_settings.dnd_email_block_updated",
            "Do-Not-Disturb E-mail Block Enabled/Disabled",
            ACCOUNT,
            "updated",
            &["account"],
        ),
        // Territories.
        action(
            "territory.created",
            "Territory Created",
            TERRITORIES,
            "created",
            &["territory"],
        ),
        action(
            "territory.deleted",
            "Territory Deleted",
            TERRITORIES,
            "deleted",
            &["territory"],
        ),
        action(
            "territory.name_updated",
            "Territory Name Updated",
            TERRITORIES,
            "updated",
            &["territory"],
        ),
        action(
            "territory.description_updated",
            "Territory Description Updated",
            TERRITORIES,
            "updated",
            &["territory"],
        ),
        // Auto-assignment rules.
        action(
            "assignment_rule.created",
            "Assignment Rule Created",
            ASSIGNMENT,
            "created",
            &["assignment_rule"],
        ),
        action(
            "assignment_rule.deleted",
            "Assignment Rule Deleted",
            ASSIGNMENT,
            "deleted",
            &["assignment_rule"],
        ),
        action(
            "assignment_rule.filters_updated",
            "Assignment Filters (AND/OR) Updated",
            ASSIGNMENT,
            "updated",
            &["assignment_rule"],
        ),
        action(
            "assignment_rule.conditions_updated",
            "Assignment Conditions Added, Updated or Removed",
            ASSIGNMENT,
            "updated",
            &["assignment_rule"],
        ),
        action(
            "assignment_rule.user_access_updated",
            "Assignment User Access Given or Removed",
            ASSIGNMENT,
            "updated",
            &["assignment_rule", "user"],
        ),
        action(
            "assignment_rule.round_robin_updated",
            "Round-Robin Users Added or Removed",
            ASSIGNMENT,
            "updated",
            &["assignment_rule", "user"],
        ),
        action(
            "assignment_rule.territory_position_updated",
            "Territory Position Updated",
            ASSIGNMENT,
            "updated",
            &["assignment_rule", "territory"],
        ),
        // Sales sequences.
        action(
            "sales_sequence.created",
            "Sales Sequence Created",
            SEQUENCES,
            "created",
            &["sales_sequence"],
        ),
        action(
            "sales_sequence.deleted",
            "Sales Sequence Deleted",
            SEQUENCES,
            "deleted",
            &["sales_sequence"],
        ),
        action(
            "sales_sequence.name_updated",
            "Sales Sequence Name Updated",
            SEQUENCES,
            "updated",
            &["sales_sequence"],
        ),
        action(
            "sales_sequence.entry_conditions_updated",
            "Entry Conditions Added, Updated or Removed",
            SEQUENCES,
            "updated",
            &["sales_sequence"],
        ),
        action(
            "sales_sequence.entry_logic_updated",
            "Entry Conditions (AND/OR) Updated",
            SEQUENCES,
            "updated",
            &["sales_sequence"],
        ),
        action(
            "sales_sequence.type_updated",
            "Sequence Type Updated",
            SEQUENCES,
            "updated",
            &["sales_sequence"],
        ),
        action(
            "sales_sequence.schedule_updated",
            "Sequence Run Time or Timezone Updated",
            SEQUENCES,
            "updated",
            &["sales_sequence"],
        ),
        action(
            "sales_sequence.steps_updated",
            "Sequence Steps Added, Updated or Removed",
            SEQUENCES,
            "updated",
            &["sales_sequence"],
        ),
        action(
            "sales_sequence.exit_logic_updated",
            "Exit Criteria (AND/OR) Updated",
            SEQUENCES,
            "updated",
            &["sales_sequence"],
        ),
        action(
            "sales_sequence.exit_conditions_updated",
            "Exit Conditions Added, Updated or Removed",
            SEQUENCES,
            "updated",
            &["sales_sequence"],
        ),
        action(
            "sales_sequence.enabled",
            "Sales Sequence Enabled",
            SEQUENCES,
            "updated",
            &["sales_sequence"],
        ),
        action(
            "sales_sequence.disabled",
            "Sales Sequence Disabled",
            SEQUENCES,
            "updated",
            &["sales_sequence"],
        ),
        // Workflows.
        action(
            "workflow.created",
            "Workflow Created",
            WORKFLOWS,
            "created",
            &["workflow"],
        ),
        action(
            "workflow.deleted",
            "Workflow Deleted",
            WORKFLOWS,
            "deleted",
            &["workflow"],
        ),
        action(
            "workflow.name_updated",
            "Workflow Name Updated",
            WORKFLOWS,
            "updated",
            &["workflow"],
        ),
        action(
            "workflow.description_updated",
            "Workflow Description Updated",
            WORKFLOWS,
            "updated",
            &["workflow"],
        ),
        action(
            "workflow.filters_updated",
            "Workflow Filters (AND/OR) Updated",
            WORKFLOWS,
            "updated",
            &["workflow"],
        ),
        action(
            "workflow.conditions_updated",
            "Workflow Conditions Added, Updated or Removed",
            WORKFLOWS,
            "updated",
            &["workflow"],
        ),
        action(
            "workflow.actions_updated",
            "Workflow Actions Added, Updated or Removed",
            WORKFLOWS,
            "updated",
            &["workflow"],
        ),
        action(
            "workflow.enabled",
            "Workflow Enabled",
            WORKFLOWS,
            "updated",
            &["workflow"],
        ),
        action(
            "workflow.disabled",
            "Workflow Disabled",
            WORKFLOWS,
            "updated",
            &["workflow"],
        ),
    ],
    auth_labels: &[],
    refused: &[],
};
