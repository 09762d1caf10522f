//! The `auth` interface: conversions between the generated types and the
//! engine's `auth` module. No logic lives here.

use super::Component;
use super::convert::*;
use super::generated::audit::log::types as wit;
use super::generated::exports::audit::log::auth as wa;
use super::imports::{HostClock, HostStore};
use crate::auth::{self, Failure, Method, view};

impl wa::Guest for Component {
    fn record_login(attempt: wa::LoginAttempt) -> Result<wa::LoginRecorded, wit::Error> {
        let attempt = auth::LoginAttempt {
            tenant: attempt.tenant,
            account: attempt.account.map(actor_in),
            identifier: attempt.identifier,
            method: method_in(attempt.method),
            failure: attempt.failure.map(|f| match f {
                wa::LoginFailure::UnknownAccount => Failure::UnknownAccount,
                wa::LoginFailure::WrongPassword => Failure::WrongPassword,
                wa::LoginFailure::SecondFactorFailed => Failure::SecondFactorFailed,
                wa::LoginFailure::AccountDeactivated => Failure::AccountDeactivated,
            }),
            context: context_in(attempt.context),
            occurred_at: attempt.occurred_at,
        };
        let recorded =
            auth::record_login(&mut HostStore, &mut HostClock, attempt).map_err(error)?;
        Ok(wa::LoginRecorded {
            event: event_out(recorded.event),
            alert: recorded.alert.map(event_out),
        })
    }

    fn record_logout(logout: wa::Logout) -> Result<wit::Event, wit::Error> {
        let logout = auth::Logout {
            tenant: logout.tenant,
            account: actor_in(logout.account),
            context: context_in(logout.context),
            occurred_at: logout.occurred_at,
        };
        auth::record_logout(&mut HostStore, &mut HostClock, logout)
            .map(event_out)
            .map_err(error)
    }

    fn record_password_recovery(request: wa::RecoveryRequest) -> Result<wit::Event, wit::Error> {
        let request = auth::Recovery {
            tenant: request.tenant,
            account: request.account.map(actor_in),
            identifier: request.identifier,
            context: context_in(request.context),
            occurred_at: request.occurred_at,
        };
        auth::record_recovery(&mut HostStore, &mut HostClock, request)
            .map(event_out)
            .map_err(error)
    }

    fn read(request: wit::PageRequest) -> Result<wa::AuthPage, wit::Error> {
        let page =
            view::read(&mut HostStore, &mut HostClock, &page_request_in(request)).map_err(error)?;
        Ok(wa::AuthPage {
            entries: page
                .entries
                .into_iter()
                .map(|e| wa::AuthEntry {
                    user: e.user,
                    method: e.method.map(method_out),
                    session_duration_ms: e.session_duration_ms,
                    event: event_out(e.event),
                })
                .collect(),
            next_cursor: page.next_cursor,
            total: page.total,
        })
    }
}

fn method_in(m: wa::LoginMethod) -> Method {
    match m {
        wa::LoginMethod::Password => Method::Password,
        wa::LoginMethod::PasswordTotp => Method::PasswordTotp,
        wa::LoginMethod::PasswordEmailCode => Method::PasswordEmailCode,
        wa::LoginMethod::Sso => Method::Sso,
    }
}

fn method_out(m: Method) -> wa::LoginMethod {
    match m {
        Method::Password => wa::LoginMethod::Password,
        Method::PasswordTotp => wa::LoginMethod::PasswordTotp,
        Method::PasswordEmailCode => wa::LoginMethod::PasswordEmailCode,
        Method::Sso => wa::LoginMethod::Sso,
    }
}
