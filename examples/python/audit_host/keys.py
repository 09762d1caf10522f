"""The component's ``keyring`` import: keyed fingerprints of redacted values.

The same derivation as the Rust reference host (``host-runner/src/keys.rs``),
so the same master key gives the same fingerprints in every host::

    tenant_key  = HMAC-SHA-256(master_key, b"audit:log/tenant-key/v1\\0" + tenant)
    fingerprint = HMAC-SHA-256(tenant_key, message)

The component never sees a key: it sends the messages and gets the digests.
"""

import hashlib
import hmac

TENANT_KEY_DOMAIN = b"audit:log/tenant-key/v1\0"


class MasterKey:
    """A 32-byte master key from which each tenant's key is derived."""

    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("a master key is 32 bytes")
        self._key = key

    @classmethod
    def from_hex(cls, text: str) -> "MasterKey":
        """A key written as 64 hex digits (``AUDIT_KEY``, ``<store>.key``)."""
        text = text.strip()
        if len(text) != 64:
            raise ValueError("a master key is 64 hex digits (32 bytes)")
        try:
            return cls(bytes.fromhex(text))
        except ValueError:
            raise ValueError("a master key is 64 hex digits (32 bytes)") from None

    def __repr__(self) -> str:
        return "MasterKey(..)"

    def tenant_key(self, tenant: str) -> bytes:
        return hmac.new(self._key, TENANT_KEY_DOMAIN + tenant.encode(), hashlib.sha256).digest()

    def fingerprints(self, tenant: str, messages: list) -> list:
        """HMAC-SHA-256 of each message under the tenant's key, in order."""
        key = self.tenant_key(tenant)
        return [hmac.new(key, m, hashlib.sha256).digest() for m in messages]
