//! A session: one instance of the component at a time over one store and
//! clock. Its calls, one file per WIT interface beside this one, all go
//! through [`Session::call`]: after a trap the instance is dropped (a
//! trapped instance cannot be entered again) and the next call
//! instantiates afresh over the same store.

use crate::bindings::{Audit, AuditPre};
use crate::clock::Clock;
use crate::error::{HostError, TrapKind};
use crate::options::Options;
use crate::state::HostState;
use crate::storage::EventStore;
use wasmtime::{Store, Trap};

/// One unit of work against the component. Not shared between threads; make
/// one per thread from the same [`crate::Runtime`].
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
        let deadline = self.options.deadline_ticks();
        let (store, audit) = self.instance()?;
        store.data_mut().start_call();
        store.set_epoch_deadline(deadline);
        let result = f(audit, store);
        store.data_mut().end_call();
        match result {
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
            store.set_epoch_deadline(self.options.deadline_ticks());
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
    /// The head of `tenant` as the session's store has it, read by the host
    /// itself (not through the component): for planning work (where to
    /// split a log), never for judging the chain.
    pub fn store_head(
        &mut self,
        tenant: &str,
    ) -> Result<Option<crate::bindings::ChainHead>, crate::bindings::StoreError> {
        match (&mut self.live, &mut self.idle) {
            (Some((store, _)), _) => store.data_mut().storage.head(tenant),
            (None, Some((storage, _))) => storage.head(tenant),
            (None, None) => Err(crate::bindings::StoreError::Failed(
                "the session has no store".into(),
            )),
        }
    }

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
