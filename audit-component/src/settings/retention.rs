//! The settings member `retention`: how long a tenant's events are kept,
//! and the floor below which no purge may go.

use crate::core::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// The longest retention period, in days (100 years).
pub const MAX_DAYS: u32 = 36_500;

/// A tenant's retention (the `retention` member of its settings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Retention {
    /// Events recorded more than this many days ago are deleted by a purge.
    pub days: u32,
    /// The compliance floor: `days` may not be set below it, and it can be
    /// raised but never lowered (as a locked retention policy).
    pub minimum_days: u32,
}

impl Default for Retention {
    /// 90 days (what audit-log pages promise their admins), with a floor of
    /// 30 days.
    fn default() -> Self {
        Retention {
            days: 90,
            minimum_days: 30,
        }
    }
}

impl Retention {
    /// Checks a retention on its own; errors name the member (`retention.days`).
    pub fn check(&self) -> Result<()> {
        let r = self;
        if r.minimum_days == 0 || r.minimum_days > MAX_DAYS {
            return Err(Error::invalid(
                "retention.minimum_days",
                format!("must be between 1 and {MAX_DAYS}"),
            ));
        }
        if r.days > MAX_DAYS {
            return Err(Error::invalid(
                "retention.days",
                format!("must be at most {MAX_DAYS}"),
            ));
        }
        if r.days < r.minimum_days {
            return Err(Error::invalid(
                "retention.days",
                format!(
                    "must be at least retention.minimum_days ({})",
                    r.minimum_days
                ),
            ));
        }
        Ok(())
    }

    /// Checks a change from `self` to `new`: the floor can only go up.
    pub fn check_change(&self, new: &Retention) -> Result<()> {
        let old = self;
        if new.minimum_days < old.minimum_days {
            return Err(Error::invalid(
                "retention.minimum_days",
                format!(
                    "can be raised but never lowered (it is {})",
                    old.minimum_days
                ),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retention_is_checked_and_its_floor_only_rises() {
        assert!(Retention::default().check().is_ok());
        let r = |days, minimum_days| Retention { days, minimum_days };
        assert_eq!(
            r(10, 30).check().unwrap_err().to_string(),
            "retention.days: must be at least retention.minimum_days (30)"
        );
        assert!(r(40_000, 30).check().is_err());
        assert!(r(30, 0).check().is_err());
        assert!(r(400, 365).check_change(&r(400, 366)).is_ok());
        assert!(r(400, 365).check_change(&r(400, 364)).is_err());
        let e = crate::settings::parse(r#"{"retention":{"days":90,"minimum_days":30,"x":1}}"#)
            .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("settings.retention.x: unknown setting"),
            "{e}"
        );
    }
}
