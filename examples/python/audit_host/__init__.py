"""A Python host of the audit-log component, on wasmtime-py.

>>> from audit_host import AuditLog, SqliteStore, SystemClock, MasterKey
>>> audit = AuditLog()                                   # once per process
>>> session = audit.session(SqliteStore("audit.db"), SystemClock(), MasterKey.from_hex(KEY))
>>> [event] = session.append_batch(session.parse_inputs(line, "acme"))
"""

from .clock import SteppingClock, SystemClock
from .component import AuditError, AuditLog, Exporter, Session, Trap
from .keys import MasterKey
from .store import Busy, Conflict, Failed, SqliteStore, StoreError
from .values import InputError

__all__ = [
    "AuditError",
    "AuditLog",
    "Busy",
    "Conflict",
    "Exporter",
    "Failed",
    "InputError",
    "MasterKey",
    "Session",
    "SqliteStore",
    "SteppingClock",
    "StoreError",
    "SystemClock",
    "Trap",
]
