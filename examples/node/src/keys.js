// The component's `keyring` import: keyed fingerprints of redacted values,
// with the same derivation as the Rust reference host (host-runner/src/keys.rs),
// so the same master key gives the same fingerprints in every host:
//
//   tenant_key  = HMAC-SHA-256(master_key, "audit:log/tenant-key/v1" 0x00 tenant)
//   fingerprint = HMAC-SHA-256(tenant_key, message)
//
// The component never sees a key: it sends the messages and gets the digests.
import { createHmac } from 'node:crypto';

const TENANT_KEY_DOMAIN = Buffer.from('audit:log/tenant-key/v1\0');

export class MasterKey {
  #key;

  /** A key written as 64 hex digits (`AUDIT_KEY`, `<store>.key`). */
  static fromHex(text) {
    const hex = String(text).trim();
    if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new Error('a master key is 64 hex digits (32 bytes)');
    return new MasterKey(Buffer.from(hex, 'hex'));
  }

  constructor(key) {
    if (key.length !== 32) throw new Error('a master key is 32 bytes');
    this.#key = Buffer.from(key);
  }

  tenantKey(tenant) {
    return createHmac('sha256', this.#key).update(TENANT_KEY_DOMAIN).update(tenant, 'utf8').digest();
  }

  /** HMAC-SHA-256 of each message under the tenant's key, in order. */
  fingerprints(tenant, messages) {
    const key = this.tenantKey(tenant);
    return messages.map((m) => new Uint8Array(createHmac('sha256', key).update(m).digest()));
  }
}
