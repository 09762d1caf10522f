//! The settings member `auth`: when failed sign-ins raise the brute-force
//! alert, and how far back a sign-out looks for its sign-in.

use crate::core::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// A tenant's `auth` settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthSettings {
    /// When failed sign-ins raise an alert.
    pub brute_force: BruteForceSettings,
    /// How far back a logout looks for its login, in days.
    pub session_lookback_days: u32,
}

impl Default for AuthSettings {
    fn default() -> Self {
        AuthSettings {
            brute_force: BruteForceSettings::default(),
            session_lookback_days: 30,
        }
    }
}

/// The brute-force threshold: `threshold` failures in `window_minutes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BruteForceSettings {
    /// Failed attempts per key in the window that raise an alert.
    pub threshold: u32,
    /// The sliding window, in minutes.
    pub window_minutes: u32,
}

impl Default for BruteForceSettings {
    /// 5 failures in 15 minutes.
    fn default() -> Self {
        BruteForceSettings {
            threshold: 5,
            window_minutes: 15,
        }
    }
}

impl AuthSettings {
    /// Checks the ranges; errors name the member (`auth.brute_force.threshold`).
    pub fn check(&self) -> Result<()> {
        let within = |field: &str, v: u32, min: u32, max: u32| {
            if (min..=max).contains(&v) {
                Ok(())
            } else {
                Err(Error::invalid(
                    field,
                    format!("must be between {min} and {max}"),
                ))
            }
        };
        within(
            "auth.brute_force.threshold",
            self.brute_force.threshold,
            1,
            1000,
        )?;
        within(
            "auth.brute_force.window_minutes",
            self.brute_force.window_minutes,
            1,
            1440,
        )?;
        within(
            "auth.session_lookback_days",
            self.session_lookback_days,
            1,
            366,
        )
    }
}
