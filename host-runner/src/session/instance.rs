//! A session: one instance of the component at a time over one store and
//! clock, with typed calls. After a trap the instance is dropped (a trapped
//! instance cannot be entered again) and the next call instantiates afresh
//! over the same store.

use crate::bindings::{
    ActionDefinition, Actor, Audit, AuditPre, AuthPage, DiffRequest, DiffResult, Event, EventInput,
    LoginAttempt, LoginRecorded, Logout, Page, PageRequest, Profile, RecoveryRequest, Viewer,
};
use crate::boundary;
use crate::clock::Clock;
use crate::error::{HostError, TrapKind};
use crate::runtime::{Options, Runtime};
use crate::state::HostState;
use crate::storage::EventStore;
use wasmtime::{Store, Trap};

/// One unit of work against the component. Not shared between threads; make
/// one per thread from the same [`Runtime`].
pub struct Session {
    pre: AuditPre<HostState>,
    options: Options,
    live: Option<(Store<HostState>, Audit)>,
    /// The store and clock while no instance holds them.
    idle: Option<(Box<dyn EventStore>, Box<dyn Clock>)>,
    /// The fingerprint keys given to every instance ([`Session::with_keyring`]).
    keyring: Option<std::sync::Arc<dyn crate::keys::Keyring>>,
}

impl Session {
    pub(crate) fn new(
        pre: AuditPre<HostState>,
        options: Options,
        storage: Box<dyn EventStore>,
        clock: Box<dyn Clock>,
    ) -> Self {
        Session {
            pre,
            options,
            live: None,
            idle: Some((storage, clock)),
            keyring: None,
        }
    }

    /// The same session with a keyring: redacted values get keyed
    /// fingerprints (without one they are stored without).
    pub fn with_keyring(mut self, keyring: std::sync::Arc<dyn crate::keys::Keyring>) -> Self {
        self.park();
        self.keyring = Some(keyring);
        self
    }

    /// Compares two JSON documents: the RFC 6902 patch and the change list,
    /// redacted, nothing stored.
    pub fn diff(&mut self, request: &DiffRequest) -> Result<DiffResult, HostError> {
        boundary::strings(
            [
                ("before", request.before.as_str()),
                ("after", request.after.as_str()),
                ("settings", request.settings.as_deref().unwrap_or("")),
                ("action", request.action.as_deref().unwrap_or("")),
                ("tenant", request.tenant.as_deref().unwrap_or("")),
            ],
            self.options.max_input_bytes,
        )?;
        self.call(|audit, store| audit.audit_log_diff().call_diff(store, request))
    }

    /// Records one event; returns it as stored.
    pub fn append(&mut self, event: &EventInput) -> Result<Event, HostError> {
        boundary::event_input(event, self.options.max_input_bytes)?;
        self.call(|audit, store| audit.audit_log_log().call_append(store, event))
    }

    /// Records a batch, all or nothing.
    pub fn append_batch(&mut self, events: &[EventInput]) -> Result<Vec<Event>, HostError> {
        boundary::event_inputs(events, self.options.max_input_bytes)?;
        self.call(|audit, store| audit.audit_log_log().call_append_batch(store, events))
    }

    /// Records a bulk operation: the parent and one event per affected
    /// entity, linked by the parent's id, all or nothing.
    pub fn append_bulk(
        &mut self,
        parent: &EventInput,
        children: &[EventInput],
    ) -> Result<Vec<Event>, HostError> {
        boundary::bulk_inputs(parent, children, self.options.max_input_bytes)?;
        self.call(|audit, store| {
            audit
                .audit_log_log()
                .call_append_bulk(store, parent, children)
        })
    }

    /// Records a sign-in attempt (and the brute-force alert it raises).
    pub fn record_login(&mut self, attempt: &LoginAttempt) -> Result<LoginRecorded, HostError> {
        boundary::strings(
            boundary::login_strings(attempt),
            self.options.max_input_bytes,
        )?;
        self.call(|audit, store| audit.audit_log_auth().call_record_login(store, attempt))
    }

    /// Records a sign-out, with the session's duration.
    pub fn record_logout(&mut self, logout: &Logout) -> Result<Event, HostError> {
        boundary::strings(
            boundary::logout_strings(logout),
            self.options.max_input_bytes,
        )?;
        self.call(|audit, store| audit.audit_log_auth().call_record_logout(store, logout))
    }

    /// Records a password-recovery request.
    pub fn record_password_recovery(
        &mut self,
        request: &RecoveryRequest,
    ) -> Result<Event, HostError> {
        boundary::strings(
            boundary::recovery_strings(request),
            self.options.max_input_bytes,
        )?;
        self.call(|audit, store| {
            audit
                .audit_log_auth()
                .call_record_password_recovery(store, request)
        })
    }

    /// Reads one page of the authentication log (recorded like a query).
    pub fn auth_log(&mut self, request: &PageRequest) -> Result<AuthPage, HostError> {
        boundary::page_request(request, self.options.max_input_bytes)?;
        self.call(|audit, store| audit.audit_log_auth().call_read(store, request))
    }

    /// The built-in profiles.
    pub fn profiles(&mut self) -> Result<Vec<Profile>, HostError> {
        self.call(|audit, store| audit.audit_log_catalog().call_profiles(store).map(Ok))
    }

    /// A profile's catalog.
    pub fn profile_actions(&mut self, profile: &str) -> Result<Vec<ActionDefinition>, HostError> {
        boundary::strings([("profile", profile)], self.options.max_input_bytes)?;
        self.call(|audit, store| {
            audit
                .audit_log_catalog()
                .call_profile_actions(store, profile)
        })
    }

    /// A tenant's catalog: its profile's actions and those it registered.
    pub fn tenant_actions(&mut self, tenant: &str) -> Result<Vec<ActionDefinition>, HostError> {
        boundary::strings([("tenant", tenant)], self.options.max_input_bytes)?;
        self.call(|audit, store| audit.audit_log_catalog().call_tenant_actions(store, tenant))
    }

    /// Registers a tenant's own actions (JSON: one object or an array);
    /// returns the `audit_log.settings_updated` event that records it.
    pub fn register_actions(
        &mut self,
        tenant: &str,
        actions: &str,
        actor: &Actor,
    ) -> Result<Event, HostError> {
        boundary::strings(
            [("tenant", tenant), ("actions", actions)]
                .into_iter()
                .chain(boundary::actor_strings("actor", actor)),
            self.options.max_input_bytes,
        )?;
        let actions = actions.to_string();
        self.call(|audit, store| {
            audit
                .audit_log_catalog()
                .call_register_actions(store, tenant, &actions, actor)
        })
    }

    /// Reads one page.
    pub fn query(&mut self, request: &PageRequest) -> Result<Page, HostError> {
        boundary::page_request(request, self.options.max_input_bytes)?;
        self.call(|audit, store| audit.audit_log_log().call_query(store, request))
    }

    /// Reads one event by id, for a viewer (the read is recorded).
    pub fn get_event(
        &mut self,
        tenant: &str,
        id: &str,
        viewer: &Viewer,
    ) -> Result<Event, HostError> {
        boundary::strings(
            [("tenant", tenant), ("id", id)]
                .into_iter()
                .chain(boundary::viewer_strings(viewer)),
            self.options.max_input_bytes,
        )?;
        self.call(|audit, store| {
            audit
                .audit_log_log()
                .call_get_event(store, tenant, id, viewer)
        })
    }

    /// Parses JSON text (an object, an array or JSON Lines) into event inputs.
    pub fn parse_inputs(
        &mut self,
        text: &str,
        default_tenant: Option<&str>,
    ) -> Result<Vec<EventInput>, HostError> {
        boundary::strings(
            [("input", text), ("tenant", default_tenant.unwrap_or(""))],
            self.options.max_input_bytes,
        )?;
        self.call(|audit, store| {
            audit
                .audit_log_codec()
                .call_parse_inputs(store, text, default_tenant)
        })
    }

    /// Like [`parse_inputs`](Self::parse_inputs), for bytes as read from a
    /// file or a socket: refused with `input: not valid UTF-8 (at byte N)`
    /// or `input: N bytes, over the limit of M bytes` before anything
    /// reaches the component.
    pub fn parse_input_bytes(
        &mut self,
        bytes: &[u8],
        default_tenant: Option<&str>,
    ) -> Result<Vec<EventInput>, HostError> {
        let text = boundary::text_bytes(bytes, self.options.max_input_bytes)?;
        self.parse_inputs(text, default_tenant)
    }

    /// A stored event as one line of canonical JSON.
    pub fn to_json(&mut self, event: &Event) -> Result<String, HostError> {
        boundary::event(event, self.options.max_input_bytes)?;
        self.call(|audit, store| audit.audit_log_codec().call_to_json(store, event))
    }

    /// The tenant's settings as canonical JSON, defaults filled in.
    pub fn get_settings(&mut self, tenant: &str) -> Result<String, HostError> {
        boundary::strings([("tenant", tenant)], self.options.max_input_bytes)?;
        self.call(|audit, store| audit.audit_log_admin().call_get_settings(store, tenant))
    }

    /// Replaces the tenant's settings; returns the `audit_log.settings_updated`
    /// event that records the change.
    pub fn put_settings(
        &mut self,
        tenant: &str,
        settings: &str,
        actor: &Actor,
    ) -> Result<Event, HostError> {
        boundary::strings(
            [
                ("tenant", tenant),
                ("settings", settings),
                ("actor.id", &actor.id),
            ],
            self.options.max_input_bytes,
        )?;
        // `json` is a WIT type alias, which bindgen passes as `&String`.
        let settings = settings.to_string();
        self.call(|audit, store| {
            audit
                .audit_log_admin()
                .call_put_settings(store, tenant, &settings, actor)
        })
    }

    /// Instantiates the component now rather than at the first call (to
    /// fail early, or to measure instantiation). Does nothing when an
    /// instance is live.
    pub fn instantiate(&mut self) -> Result<(), HostError> {
        self.instance().map(|_| ())
    }

    /// Takes the store back (to close it, or to hand it to another session).
    pub fn into_storage(mut self) -> Option<Box<dyn EventStore>> {
        self.park();
        self.idle.take().map(|(storage, _)| storage)
    }

    pub(crate) fn call<R>(
        &mut self,
        f: impl FnOnce(
            &Audit,
            &mut Store<HostState>,
        ) -> wasmtime::Result<Result<R, crate::bindings::Error>>,
    ) -> Result<R, HostError> {
        let deadline = Runtime::deadline_ticks(self.options.call_deadline);
        let (store, audit) = self.instance()?;
        store.data_mut().start_call();
        store.set_epoch_deadline(deadline);
        match f(audit, store) {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(refused)) => Err(HostError::Audit(refused)),
            Err(trap) => {
                // A trapped instance cannot be entered again: drop it, keep
                // the store and clock for the next instance.
                let (store, _) = self.live.take().expect("an instance was live");
                let state = store.into_data();
                let kind = trap_kind(&trap, state.limiter.denied);
                let detail = state
                    .last_words()
                    .or_else(|| Some(crate::error::one_line(&format!("{trap}"))));
                let stored_rows = state.rows_stored;
                self.idle = Some((state.storage, state.clock));
                Err(HostError::Trap {
                    kind,
                    detail,
                    stored_rows,
                })
            }
        }
    }

    fn instance(&mut self) -> Result<&mut (Store<HostState>, Audit), HostError> {
        if self.live.is_none() {
            let (storage, clock) = self
                .idle
                .take()
                .ok_or_else(|| HostError::Load("the session lost its store".into()))?;
            let mut state = HostState::new(storage, clock, self.options.memory_limit_bytes);
            state.keyring = self.keyring.clone();
            let mut store = Store::new(self.pre.engine(), state);
            store.limiter(|s| &mut s.limiter);
            store.set_epoch_deadline(Runtime::deadline_ticks(self.options.call_deadline));
            match self.pre.instantiate(&mut store) {
                Ok(audit) => self.live = Some((store, audit)),
                Err(e) => {
                    let state = store.into_data();
                    self.idle = Some((state.storage, state.clock));
                    if e.downcast_ref::<wasmtime::PoolConcurrencyLimitError>()
                        .is_some()
                    {
                        return Err(HostError::Exhausted(format!("{e:#}")));
                    }
                    return Err(HostError::Load(format!("instantiating: {e:#}")));
                }
            }
        }
        Ok(self.live.as_mut().expect("an instance is live"))
    }

    /// The limits this session runs with.
    pub(crate) fn options(&self) -> &Options {
        &self.options
    }

    /// Drops a resource the live instance handed out; nothing to do when
    /// that instance is gone (a trap took its resources with it).
    pub(crate) fn drop_resource(&mut self, resource: wasmtime::component::ResourceAny) {
        if let Some((store, _)) = self.live.as_mut() {
            // A failure here means the handle was already invalid: nothing
            // is left to free.
            let _ = resource.resource_drop(store);
        }
    }

    /// Drops the instance, keeping the store and clock.
    fn park(&mut self) {
        if let Some((store, _)) = self.live.take() {
            let state = store.into_data();
            self.idle = Some((state.storage, state.clock));
        }
    }
}

fn trap_kind(error: &wasmtime::Error, memory_denied: bool) -> TrapKind {
    match error.downcast_ref::<Trap>() {
        Some(Trap::Interrupt) => TrapKind::Deadline,
        Some(Trap::StackOverflow) => TrapKind::StackOverflow,
        _ if memory_denied => TrapKind::OutOfMemory,
        Some(Trap::UnreachableCodeReached) => TrapKind::Panic,
        _ => TrapKind::Other,
    }
}
