//! Fingerprint keys: the host's side of the component's `keyring` import.
//!
//! Redacted values are stored with a keyed fingerprint, HMAC-SHA-256 under
//! a per-tenant key, so that equal secrets can be recognised while nobody
//! who reads the log can test guesses. The component never sees a key: it
//! sends the message, the host returns the HMAC (see `wit/keyring.wit`).
//!
//! The reference host keeps one 32-byte master key per store and derives
//! each tenant's key from it:
//!
//! ```text
//! tenant_key  = HMAC-SHA-256(master_key, "audit:log/tenant-key/v1" 0x00 tenant)
//! fingerprint = HMAC-SHA-256(tenant_key, message)
//! ```
//!
//! The master key is 64 hex digits, read from `AUDIT_KEY` or from a file
//! next to the store (`audit.db.key`), created on first use from the
//! operating system's random source with mode 0600, and refused when other
//! users may read it. Any host language can do the same with its standard
//! library (Python's `hmac`, Node's `crypto.createHmac`).

use crate::error::HostError;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

type HmacSha256 = Hmac<Sha256>;

/// What the `keyring` import asks of a host.
pub trait Keyring: Send + Sync {
    /// HMAC-SHA-256 of each message under the tenant's key, in order;
    /// `Ok(None)` when there is no key for this tenant.
    fn fingerprints(
        &self,
        tenant: &str,
        messages: &[Vec<u8>],
    ) -> Result<Option<Vec<[u8; 32]>>, String>;
}

/// A 32-byte master key from which each tenant's key is derived.
#[derive(Clone)]
pub struct MasterKey {
    bytes: [u8; 32],
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey(..)")
    }
}

impl MasterKey {
    /// The domain of tenant keys.
    const TENANT_KEY_DOMAIN: &'static [u8] = b"audit:log/tenant-key/v1\0";

    /// A key written as 64 hex digits (surrounding whitespace ignored).
    pub fn from_hex(text: &str) -> Result<Self, HostError> {
        let text = text.trim();
        if text.len() != 64 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(HostError::Key(
                "a master key is 64 hex digits (32 bytes)".into(),
            ));
        }
        let mut bytes = [0u8; 32];
        for (i, pair) in text.as_bytes().chunks(2).enumerate() {
            let digit = |b: u8| (b as char).to_digit(16).unwrap_or(0) as u8;
            bytes[i] = digit(pair[0]) << 4 | digit(pair[1]);
        }
        // A key of one repeated byte (all zeros, a placeholder left in a
        // configuration) keys nothing: anyone can compute its fingerprints.
        if bytes.iter().all(|&b| b == bytes[0]) {
            return Err(HostError::Key(
                "a master key of one repeated byte (such as all zeros) is refused: make one with 32 random bytes".into(),
            ));
        }
        Ok(MasterKey { bytes })
    }

    /// A new random key from the operating system.
    pub fn generate() -> Result<Self, HostError> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes)
            .map_err(|e| HostError::Key(format!("no random source: {e}")))?;
        Ok(MasterKey { bytes })
    }

    /// Where the key of a store file lives: next to it, `<store>.key`.
    pub fn path_for_store(store: &Path) -> PathBuf {
        let mut name = store.as_os_str().to_owned();
        name.push(".key");
        PathBuf::from(name)
    }

    /// The key in `path`, created (mode 0600) when there is none. Two
    /// processes creating it at once end up with the same key: the file
    /// appears whole, by a hard link that fails when it already exists.
    pub fn load_or_create(path: &Path) -> Result<Self, HostError> {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                check_private(path)?;
                Self::from_hex(&text)
                    .map_err(|e| HostError::Key(format!("{}: {}", path.display(), describe(&e))))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Self::create(path),
            Err(e) => Err(HostError::Key(format!("reading {}: {e}", path.display()))),
        }
    }

    fn create(path: &Path) -> Result<Self, HostError> {
        let key = Self::generate()?;
        let fail = |what: &str, e: std::io::Error| {
            HostError::Key(format!("{what} {}: {e}", path.display()))
        };
        let mut temp_name = path.as_os_str().to_owned();
        temp_name.push(format!(".{}.tmp", std::process::id()));
        let temp = PathBuf::from(temp_name);
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&temp).map_err(|e| fail("creating", e))?;
        let written = file
            .write_all(format!("{}\n", key.hex()).as_bytes())
            .and_then(|()| file.sync_all());
        drop(file);
        let linked = written.and_then(|()| std::fs::hard_link(&temp, path));
        let _ = std::fs::remove_file(&temp);
        match linked {
            Ok(()) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
                    && let Ok(dir) = std::fs::File::open(dir)
                {
                    // The new name survives a power cut too.
                    let _ = dir.sync_all();
                }
                Ok(key)
            }
            // Another process created it first: use theirs.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Self::load_or_create(path),
            Err(e) => Err(fail("creating", e)),
        }
    }

    fn hex(&self) -> String {
        self.bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The tenant's key.
    pub fn tenant_key(&self, tenant: &str) -> [u8; 32] {
        let mut mac = HmacSha256::new_from_slice(&self.bytes).expect("HMAC takes any key length");
        mac.update(Self::TENANT_KEY_DOMAIN);
        mac.update(tenant.as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// A key for another use than fingerprints (`purpose`, such as the
    /// signing of `audit-host serve`'s viewer tokens), per tenant: its own
    /// domain, so that it never equals a tenant's fingerprint key.
    pub fn purpose_key(&self, purpose: &str, tenant: &str) -> [u8; 32] {
        let mut mac = HmacSha256::new_from_slice(&self.bytes).expect("HMAC takes any key length");
        mac.update(b"audit:log/purpose-key/v1\0");
        mac.update(purpose.as_bytes());
        mac.update(b"\0");
        mac.update(tenant.as_bytes());
        mac.finalize().into_bytes().into()
    }
}

impl Keyring for MasterKey {
    fn fingerprints(
        &self,
        tenant: &str,
        messages: &[Vec<u8>],
    ) -> Result<Option<Vec<[u8; 32]>>, String> {
        let key = self.tenant_key(tenant);
        let mac = HmacSha256::new_from_slice(&key).expect("HMAC takes any key length");
        Ok(Some(
            messages
                .iter()
                .map(|m| {
                    let mut mac = mac.clone();
                    mac.update(m);
                    mac.finalize().into_bytes().into()
                })
                .collect(),
        ))
    }
}

/// The master key in a file, read (or created) the first time a
/// fingerprint is needed, so that commands that never redact anything never
/// touch it.
pub struct KeyFile {
    path: PathBuf,
    key: std::sync::OnceLock<Result<MasterKey, String>>,
}

impl KeyFile {
    /// The key in `path` ([`MasterKey::load_or_create`] on first use).
    pub fn new(path: PathBuf) -> Self {
        KeyFile {
            path,
            key: std::sync::OnceLock::new(),
        }
    }
}

impl Keyring for KeyFile {
    fn fingerprints(
        &self,
        tenant: &str,
        messages: &[Vec<u8>],
    ) -> Result<Option<Vec<[u8; 32]>>, String> {
        match self
            .key
            .get_or_init(|| MasterKey::load_or_create(&self.path).map_err(|e| describe(&e)))
        {
            Ok(key) => key.fingerprints(tenant, messages),
            Err(e) => Err(e.clone()),
        }
    }
}

fn describe(e: &HostError) -> String {
    match e {
        HostError::Key(m) => m.clone(),
        other => other.to_string(),
    }
}

/// Refuses a key file that users other than its owner may read or write.
fn check_private(path: &Path) -> Result<(), HostError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map_err(|e| HostError::Key(format!("reading {}: {e}", path.display())))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            return Err(HostError::Key(format!(
                "{} may be read by other users (mode {:o}); run chmod 600 on it",
                path.display(),
                mode & 0o777
            )));
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_file_is_created_private_and_read_back() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = MasterKey::path_for_store(&dir.path().join("audit.db"));
        assert!(path.ends_with("audit.db.key"));
        let first = MasterKey::load_or_create(&path).expect("created");
        let again = MasterKey::load_or_create(&path).expect("read");
        assert_eq!(first.bytes, again.bytes);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
            let e = MasterKey::load_or_create(&path).expect_err("refused");
            assert!(e.to_string().contains("chmod 600"), "{e}");
        }
    }

    #[test]
    fn tenant_keys_follow_the_documented_derivation() {
        let bytes: Vec<u8> = (1..=32).collect();
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let key = MasterKey::from_hex(&hex).expect("hex");
        let mut mac = HmacSha256::new_from_slice(&bytes).expect("key");
        mac.update(b"audit:log/tenant-key/v1\0acme");
        let expected: [u8; 32] = mac.finalize().into_bytes().into();
        assert_eq!(key.tenant_key("acme"), expected);
        assert_ne!(key.tenant_key("acme"), key.tenant_key("other"));
        assert!(MasterKey::from_hex("abc").is_err());
        assert!(MasterKey::from_hex(&"0".repeat(64)).is_err(), "all zeros");
        assert!(
            MasterKey::from_hex(&"ab".repeat(32)).is_err(),
            "one repeated byte"
        );
        assert!(MasterKey::from_hex(&"0".repeat(63)).is_err(), "short");
        assert!(format!("{key:?}").contains(".."));
    }
}
