"""Loading the audit component and calling it: the whole host, minus the
store, the clock and the keys (``store.py``, ``clock.py``, ``keys.py``).

One :class:`AuditLog` per process compiles the component once; a
:class:`Session` per unit of work instantiates it over one store, clock and
keyring, implements its imports in Python, and makes the calls. The
component gets no filesystem, network, environment or arguments: only the
three imports. Limits are on, as in the Rust host: 512 MiB of memory per
instance and 30 s per call (an epoch deadline, ticked every 10 ms).
"""

import os
import tempfile
import threading
from pathlib import Path
from typing import Any, Iterator, Optional

import wasmtime
from wasmtime import component as wc

from .store import StoreError
from .values import lift, lower, snake

PACKAGE = "audit:log"
VERSION = "0.2.1"

#: Where the workspace's ``cargo build --release`` leaves the component.
DEFAULT_COMPONENT = (
    Path(__file__).resolve().parents[3]
    / "target/component/wasm32-wasip2/release/audit_component.wasm"
)

MEMORY_LIMIT_BYTES = 512 * 1024 * 1024
CALL_DEADLINE_S = 30.0
TICK_S = 0.010
DEADLINE_TICKS = round(CALL_DEADLINE_S / TICK_S)
STDERR_CAPTURE_BYTES = 16 * 1024


class AuditError(Exception):
    """The component refused a call: ``kind`` is the WIT ``error`` case
    (``invalid-input``, ``limit-exceeded``, ``not-found``, ``store``,
    ``other``, ``denied``) and ``detail`` its payload."""

    def __init__(self, kind: str, detail: Any) -> None:
        self.kind = kind
        self.detail = detail
        if kind == "invalid-input":
            message = f"{detail['field']}: {detail['reason']}"
        elif kind == "limit-exceeded":
            message = (
                f"{detail['field']}: {detail['actual']} {detail['unit']}"
                f" over the limit of {detail['limit']}"
            )
        elif kind == "denied":
            message = f"access denied: {detail}"
        else:
            message = f"{kind}: {detail}"
        super().__init__(message)


class Trap(Exception):
    """The component trapped (a panic, memory exhausted, the call deadline).
    The instance is dropped; the session's next call gets a fresh one."""


def interface(name: str) -> str:
    return f"{PACKAGE}/{name}@{VERSION}"


class AuditLog:
    """The compiled component, once per process: the file named here, else
    ``AUDIT_COMPONENT``, else the workspace's build."""

    def __init__(self, component: Optional[str] = None, cache: bool = True) -> None:
        path = Path(component or os.environ.get("AUDIT_COMPONENT") or DEFAULT_COMPONENT)
        if not path.is_file():
            raise FileNotFoundError(
                f"no component at {path}: build it with `cargo build --release`"
                " in the repository, or name one with AUDIT_COMPONENT"
            )
        config = wasmtime.Config()
        config.epoch_interruption = True
        if cache:
            # wasmtime's own compiled-code cache ($XDG_CACHE_HOME/wasmtime):
            # a second start loads in milliseconds instead of compiling.
            config.cache = True
        self.engine = wasmtime.Engine(config)
        self.component = wc.Component.from_file(self.engine, str(path))
        # The epoch ticker: a call traps once its deadline in ticks has passed.
        ticker = threading.Thread(target=self._tick, name="audit-epoch", daemon=True)
        ticker.start()

    def _tick(self) -> None:
        stop = threading.Event()
        while not stop.wait(TICK_S):
            self.engine.increment_epoch()

    def session(self, store: Any, clock: Any, keyring: Any = None) -> "Session":
        """A unit of work over ``store`` (see ``store.py``), ``clock``
        (``now() -> (seconds, nanoseconds)``) and ``keyring``
        (``fingerprints(tenant, messages) -> digests``, or None: no key)."""
        return Session(self, store, clock, keyring)


class Session:
    """One instance of the component over one store; typed calls."""

    def __init__(self, audit: AuditLog, store: Any, clock: Any, keyring: Any) -> None:
        self.audit = audit
        self.store = store
        self.clock = clock
        self.keyring = keyring
        self._wasm_store: Optional[wasmtime.Store] = None
        self._instance: Optional[wc.Instance] = None
        self._stderr: Optional[Any] = None  # the guest's stderr (a file)
        self._funcs: dict = {}  # (interface, name) -> (func, parameters), per instance

    # The exports, one method each (WIT names in snake_case).

    def parse_inputs(self, text: str, default_tenant: Optional[str] = None) -> list:
        return self._call("codec", "parse-inputs", text, default_tenant)

    def to_json(self, event: dict) -> str:
        return self._call("codec", "to-json", event)

    def append(self, event: dict) -> dict:
        return self._call("log", "append", event)

    def append_batch(self, events: list) -> list:
        return self._call("log", "append-batch", events)

    def append_json(self, text: str, default_tenant: Optional[str] = None) -> str:
        """Records the events of ``text`` (as :meth:`parse_inputs` reads it)
        as one batch and returns them as JSON Lines: one string each way,
        much faster here than the typed calls (wasmtime-py converts every
        value of every record one by one)."""
        return self._call("log", "append-json", text, default_tenant)

    def query(self, request: dict) -> dict:
        return self._call("log", "query", request)

    def get_event(self, tenant: str, id: str, viewer: dict) -> dict:
        return self._call("log", "get-event", tenant, id, viewer)

    def get_settings(self, tenant: str) -> str:
        return self._call("admin", "get-settings", tenant)

    def put_settings(self, tenant: str, settings: str, actor: dict) -> dict:
        return self._call("admin", "put-settings", tenant, settings, actor)

    def patch_settings(self, tenant: str, patch: str, actor: dict) -> dict:
        return self._call("admin", "patch-settings", tenant, patch, actor)

    def diff(self, request: dict) -> dict:
        return self._call("diff", "diff", request)

    def diff_patch(self, request: dict) -> str:
        """The RFC 6902 patch of :meth:`diff` alone, as JSON text."""
        return self._call("diff", "patch", request)

    def verify(self, tenant: str, checkpoints: list = (), public_keys: list = ()) -> dict:
        return self._call("integrity", "verify", tenant, list(checkpoints), list(public_keys))

    def purge(self, tenant: str, actor: dict) -> dict:
        return self._call("integrity", "purge", tenant, actor)

    def export(self, request: dict) -> "Exporter":
        """Starts an export; iterate the exporter for its chunks (bytes).
        Use it in a ``with`` block, or close it: its handle lives in the
        instance until it is dropped."""
        handle = self._call("data-export", "start", request)
        return Exporter(self, handle)

    # Calling.

    def _call(self, iface: str, name: str, *args: Any) -> Any:
        store, instance = self._instantiated()
        # The export and its parameter types, looked up once per instance:
        # wasmtime-py's lookups and type reflection cost more per call than
        # a small call itself.
        found = self._funcs.get((iface, name))
        if found is None:
            func = self._func(instance, iface, name)
            params = [(snake(param), ty) for param, ty in func.type(store).params]
            found = self._funcs[(iface, name)] = (func, params)
        func, params = found
        lowered = [lower(ty, arg, param) for (param, ty), arg in zip(params, args, strict=True)]
        return self._enter(store, func, lowered)

    def _enter(self, store: wasmtime.Store, func: wc.Func, args: list) -> Any:
        store.set_epoch_deadline(DEADLINE_TICKS)
        try:
            result = func(store, *args)
            func.post_return(store)
        except StoreError as e:
            # A store read failed (see `_store_imports`): the instance trapped.
            self._drop_instance()
            raise AuditError("store", str(e)) from e
        except wasmtime.WasmtimeError as e:
            message = self._trap_message(e)
            self._drop_instance()
            raise Trap(message) from e
        except BaseException:
            self._drop_instance()
            raise
        result = lift(result)
        # A result's error comes back untagged: the ok values of this world
        # are never variants, so a variant here is the `error`.
        if isinstance(result, wc.Variant):
            raise AuditError(result.tag, result.payload)
        return result

    def _func(self, instance: wc.Instance, iface: str, name: str) -> wc.Func:
        store = self._wasm_store
        index = instance.get_export_index(store, interface(iface))
        func_index = index and instance.get_export_index(store, name, index)
        func = func_index and instance.get_func(store, func_index)
        if func is None:
            raise LookupError(f"the component exports no {interface(iface)}#{name}")
        return func

    def _instantiated(self) -> tuple:
        if self._instance is None:
            store = wasmtime.Store(self.audit.engine)
            store.set_limits(memory_size=MEMORY_LIMIT_BYTES)
            store.set_epoch_deadline(DEADLINE_TICKS)  # instantiation runs code too
            wasi = wasmtime.WasiConfig()  # no files, environment, arguments or network
            # The guest's stderr (a panic message) goes to a file only this
            # session can read, already unlinked: wasmtime writes it from its
            # own threads, where a Python callback could run during exit.
            fd, path = tempfile.mkstemp(prefix="audit-guest-stderr-")
            try:
                wasi.stderr_file = path
            finally:
                os.unlink(path)
            self._stderr = os.fdopen(fd, "rb")
            store.set_wasi(wasi)
            linker = wc.Linker(self.audit.engine)
            linker.add_wasip2()
            self._define_imports(linker)
            self._instance = linker.instantiate(store, self.audit.component)
            self._wasm_store = store
        return self._wasm_store, self._instance

    def _drop_instance(self) -> None:
        self._funcs = {}
        self._instance = None
        self._wasm_store = None
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def _last_words(self) -> str:
        """The end of what the guest wrote on stderr."""
        if self._stderr is None:
            return ""
        size = os.fstat(self._stderr.fileno()).st_size
        self._stderr.seek(max(0, size - STDERR_CAPTURE_BYTES))
        return self._stderr.read().decode("utf-8", "replace")

    def _trap_message(self, e: Exception) -> str:
        """One line: the guest's panic message, if it said one, and the
        trap's cause (``wasm trap: interrupt`` for the deadline)."""
        lines = [line.strip() for line in str(e).splitlines() if line.strip()]
        cause = lines[-1:] if "Caused by:" in lines else lines[:1]
        said = [
            line.strip()
            for line in self._last_words().splitlines()
            if line.strip() and not line.startswith("note: run with `RUST_BACKTRACE")
        ]
        # Rust prints `thread '…' panicked at FILE:LINE:COL:`, then the message.
        at = max((i for i, line in enumerate(said) if "panicked at " in line), default=None)
        panic = [] if at is None else ["panicked at " + said[at].split("panicked at ", 1)[1]]
        panic += [] if at is None else said[at + 1 :]
        return " ".join(panic + cause) or "trap"

    # The imports.

    def _define_imports(self, linker: wc.Linker) -> None:
        with linker.root() as root:
            with root.add_instance(interface("store")) as store:
                self._store_imports(store)
            with root.add_instance(interface("clock")) as clock:
                clock.add_func("now", self._now)
            with root.add_instance(interface("keyring")) as keyring:
                keyring.add_func("fingerprints", self._fingerprints)

    def _store_imports(self, linker: wc.LinkerInstance) -> None:
        s = self.store

        def returning(method, convert=lambda v: v, can_fail=True):
            def imported(_ctx: Any, *args: Any) -> Any:
                args = [lift(a) for a in args]
                try:
                    return convert(method(*args))
                except StoreError as e:
                    if not can_fail:
                        # wasmtime-py 48 cannot return the error case of
                        # `result<option<T>, E>` (its untagged `none` takes
                        # every value), so the exception traps the call and
                        # `_enter` reports it as a store error.
                        raise
                    return wc.Variant(e.tag, None if e.tag == "conflict" else str(e))

            return imported

        linker.add_func("append", returning(s.append))
        linker.add_func("head", returning(s.head, _record, can_fail=False))
        linker.add_func("begin-read", returning(s.begin_read))
        linker.add_func("end-read", returning(s.end_read, can_fail=False))
        linker.add_func("scan", returning(s.scan, lambda rows: [_record(r) for r in rows]))
        linker.add_func("count", returning(s.count))
        linker.add_func("get", returning(s.get, _record, can_fail=False))
        linker.add_func("get-settings", returning(s.get_settings, can_fail=False))
        linker.add_func("put-settings", returning(s.put_settings))
        linker.add_func("purge", returning(s.purge))

    def _now(self, _ctx: Any) -> wc.Record:
        seconds, nanoseconds = self.clock.now()
        return _record({"seconds": seconds, "nanoseconds": nanoseconds})

    def _fingerprints(self, _ctx: Any, tenant: str, messages: list) -> Any:
        # `keyring-error`'s cases hold nothing and a string, which
        # wasmtime-py tells apart without tags: `no-key` is None, and
        # `failed(text)` is the text itself.
        if self.keyring is None:
            return None
        try:
            return self.keyring.fingerprints(tenant, messages)
        except Exception as e:  # the call that needed the key fails, storing nothing
            return " ".join(str(e).split()) or "the keyring failed"


class Exporter:
    """An export in progress: iterate it for chunks of the file."""

    def __init__(self, session: Session, handle: wc.ResourceAny) -> None:
        self.session = session
        self.handle: Optional[wc.ResourceAny] = handle
        self.instance = session._instance

    def __iter__(self) -> Iterator[bytes]:
        while (chunk := self.next_chunk()) is not None:
            yield chunk

    def next_chunk(self) -> Optional[bytes]:
        return self._method("next-chunk")

    def progress(self) -> dict:
        return self._method("progress")

    def _method(self, name: str) -> Any:
        if self.handle is None or self.session._instance is not self.instance:
            raise RuntimeError("this export is closed (or its instance trapped)")
        func = self.session._func(self.instance, "data-export", f"[method]exporter.{name}")
        return self.session._enter(self.session._wasm_store, func, [self.handle])

    def close(self) -> None:
        """Drops the exporter in the component (abandons an unfinished export)."""
        if self.handle is not None and self.session._instance is self.instance:
            self.handle.drop(self.session._wasm_store)
        self.handle = None

    def __enter__(self) -> "Exporter":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _record(value: Any) -> Any:
    """A dictionary returned to the component as a WIT record."""
    if not isinstance(value, dict):
        return value
    record = wc.Record()
    for key, item in value.items():
        setattr(record, key.replace("_", "-"), item)
    return record
