//! The files `audit-host` writes (exports, checkpoints, the demo's CSV,
//! signing keys), written so that no output can destroy data:
//!
//! - never over a file the command reads or the store owns (the store, its
//!   `-wal`, `-shm` and `-journal`, its key file, a signing key, an input):
//!   files are compared by device and inode, whatever the spelling or the
//!   symbolic links that lead to them; nor over any key (a PEM file) or
//!   SQLite database, whichever command names it;
//! - never over an existing file unless `--force`, and then by a rename, so
//!   the old file is whole until the new one is;
//! - into a FIFO or a character device (`/dev/stdout`, a pipe) as such: it
//!   is opened and written, never replaced by a regular file; a directory,
//!   a block device or a socket is refused;
//! - through a temporary file beside the target, renamed into place only
//!   when complete, and removed if the command fails or is interrupted
//!   (SIGINT, SIGTERM: [`clean_up_on_signals`]).

use anyhow::{Context as _, Result, anyhow, bail};
use std::fs::{File, Metadata};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Temporary files in progress, removed if a signal ends the process.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Starts the thread that removes every temporary output file when SIGINT
/// or SIGTERM arrives, then exits with 128 + the signal's number, as a
/// shell reports a process killed by it. SIGHUP is left alone: under
/// `nohup` it is ignored, and a handler would end the command instead.
pub fn clean_up_on_signals() {
    use signal_hook::consts::signal::{SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else {
        // Without the handler a signal still ends the process; only a
        // temporary file may be left behind.
        return;
    };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            let pending = PENDING.lock().map(|p| p.clone()).unwrap_or_default();
            for path in pending {
                let _ = std::fs::remove_file(path);
            }
            std::process::exit(128 + signal);
        }
    });
}

/// Files no output may replace, by identity.
#[derive(Debug, Default, Clone)]
pub struct Protected {
    /// (what the file is, its path, its device and inode when it exists).
    files: Vec<(String, PathBuf, Option<(u64, u64)>)>,
}

impl Protected {
    /// Adds `path` (which may not exist yet), described as `what` in errors.
    pub fn add(&mut self, what: impl Into<String>, path: &Path) {
        self.files
            .push((what.into(), absolute(path), identity(path)));
    }

    /// The store at `store` (a file path; `:memory:` has none), with its
    /// SQLite companions.
    pub fn store(&mut self, store: &Path) {
        if store.as_os_str() == ":memory:" {
            return;
        }
        self.add("the store", store);
        for suffix in ["-wal", "-shm", "-journal"] {
            let mut name = store.as_os_str().to_owned();
            name.push(suffix);
            self.add(format!("the store's {suffix} file"), Path::new(&name));
        }
    }

    /// Which protected file `path` is, if any: the same inode, or (for one
    /// that does not exist yet) the same absolute path.
    fn find(&self, path: &Path) -> Option<&str> {
        let id = identity(path);
        let abs = absolute(path);
        self.files
            .iter()
            .find(|(_, p, i)| (id.is_some() && *i == id) || *p == abs)
            .map(|(what, _, _)| what.as_str())
    }
}

/// Where an output goes.
pub struct Output {
    /// The path as given, for messages.
    shown: PathBuf,
    /// `None` once finished.
    kind: Option<Kind>,
}

enum Kind {
    /// A temporary file, renamed onto `target` on [`Output::finish`].
    Replace {
        temp: tempfile::NamedTempFile,
        target: PathBuf,
        overwrite: bool,
    },
    /// A FIFO or character device, written as such.
    Stream(File),
}

impl Output {
    /// Opens `path` for an output named by `flag` (`--output`) under the
    /// rules of this module; `force` allows replacing an existing regular
    /// file.
    pub fn create(flag: &str, path: &Path, force: bool, protected: &Protected) -> Result<Self> {
        Self::open(flag, path, force, protected, 0o666)
    }

    /// [`Output::create`] for a new file of mode `mode` (less the umask),
    /// which it has from its creation on (a private key's 0600).
    fn open(
        flag: &str,
        path: &Path,
        force: bool,
        protected: &Protected,
        mode: u32,
    ) -> Result<Self> {
        let fail = |why: String| anyhow!("{flag} {}: {why}", path.display());
        if let Some(what) = protected.find(path) {
            return Err(fail(format!(
                "is {what}; an output never replaces it (choose another path)"
            )));
        }
        // This process's own standard output (`/dev/stdout`, `/proc/self/fd/1`,
        // whatever it is: a pipe, a terminal, a file opened with `>>`) is
        // written through the same open file, so its offset and append mode
        // hold and nothing is replaced.
        if let Some(stdout) = own_stdout()
            && identity(path).is_some()
            && identity(path) == stdout.metadata().ok().and_then(|m| meta_identity(&m))
        {
            return Ok(Output {
                shown: path.to_path_buf(),
                kind: Some(Kind::Stream(stdout)),
            });
        }
        // Follow symbolic links: the file they lead to is what would be
        // written.
        let target = match std::fs::symlink_metadata(path) {
            // A link to a FIFO or a device is opened through the link (it
            // may not lead to a path: `/proc/self/fd/N` of a pipe).
            Ok(m)
                if m.file_type().is_symlink()
                    && std::fs::metadata(path).is_ok_and(|f| !f.is_file()) =>
            {
                path.to_path_buf()
            }
            Ok(m) if m.file_type().is_symlink() => std::fs::canonicalize(path)
                .map_err(|e| fail(format!("a symbolic link that leads nowhere ({e})")))?,
            _ => path.to_path_buf(),
        };
        if target != path
            && let Some(what) = protected.find(&target)
        {
            return Err(fail(format!(
                "leads to {what}; an output never replaces it (choose another path)"
            )));
        }
        let kind = match std::fs::metadata(&target) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Kind::Replace {
                temp: temp_beside(&target, mode).map_err(|e| fail(e.to_string()))?,
                target,
                overwrite: false,
            },
            Err(e) => return Err(fail(e.to_string())),
            Ok(meta) => match special(&meta) {
                Some(Special::Stream) => Kind::Stream(
                    std::fs::OpenOptions::new()
                        .write(true)
                        .open(&target)
                        .map_err(|e| fail(format!("opening: {e}")))?,
                ),
                Some(Special::Refused(what)) => {
                    return Err(fail(format!(
                        "is {what}; only a file, a FIFO or a character device can be written"
                    )));
                }
                None if let Some(what) = sniff(&target) => {
                    return Err(fail(format!(
                        "is {what}; an output never replaces it (choose another path)"
                    )));
                }
                None if !force => {
                    return Err(fail(
                        "exists; give --force to replace it (the new file replaces it only once complete)"
                            .into(),
                    ));
                }
                None => {
                    let temp = temp_beside(&target, mode).map_err(|e| fail(e.to_string()))?;
                    // The replacement keeps the mode of the file it replaces
                    // (a 0600 export stays 0600).
                    temp.as_file()
                        .set_permissions(meta.permissions())
                        .map_err(|e| fail(e.to_string()))?;
                    Kind::Replace {
                        temp,
                        target,
                        overwrite: true,
                    }
                }
            },
        };
        if let Kind::Replace { temp, .. } = &kind
            && let Ok(mut pending) = PENDING.lock()
        {
            pending.push(temp.path().to_path_buf());
        }
        Ok(Output {
            shown: path.to_path_buf(),
            kind: Some(kind),
        })
    }

    /// Where the bytes go while the output is written.
    pub fn writer(&mut self) -> &mut File {
        match self
            .kind
            .as_mut()
            .expect("an output is written before it is finished")
        {
            Kind::Replace { temp, .. } => temp.as_file_mut(),
            Kind::Stream(file) => file,
        }
    }

    /// The path as given.
    pub fn path(&self) -> &Path {
        &self.shown
    }

    /// Makes the output durable and puts it in place. Without this (an error,
    /// an early return) the temporary file is removed and nothing appears.
    pub fn finish(mut self) -> Result<()> {
        let shown = self.shown.display().to_string();
        match self.kind.take().expect("an output is finished once") {
            Kind::Stream(mut file) => file.flush().with_context(|| format!("writing {shown}")),
            Kind::Replace {
                temp,
                target,
                overwrite,
            } => {
                temp.as_file()
                    .sync_all()
                    .with_context(|| format!("writing {shown}"))?;
                let temp_path = temp.path().to_path_buf();
                let placed = if overwrite {
                    temp.persist(&target).map(|_| ())
                } else {
                    // A file that appeared meanwhile is not replaced either.
                    temp.persist_noclobber(&target).map(|_| ())
                };
                forget(&temp_path);
                placed.map_err(|e| anyhow!("moving the output into {shown}: {}", e.error))?;
                sync_dir(&target);
                Ok(())
            }
        }
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        // An output dropped unfinished: its temporary file goes with it.
        if let Some(Kind::Replace { temp, .. }) = &self.kind {
            forget(temp.path());
        }
    }
}

/// Two new files that appear together or not at all (a key pair): each is
/// written under a temporary name, then both are renamed into place,
/// neither replacing an existing file; if the second cannot be placed, the
/// first is removed again.
pub fn create_pair(
    first: (&str, &Path, &[u8], bool),
    second: (&str, &Path, &[u8], bool),
    protected: &Protected,
) -> Result<()> {
    let mut outputs = Vec::new();
    let mut protected = protected.clone();
    for (flag, path, bytes, private) in [first, second] {
        if std::fs::symlink_metadata(path).is_ok() {
            bail!(
                "{flag} {}: creating (it must not exist yet): a key is never written over a file",
                path.display()
            );
        }
        let mode = if private { 0o600 } else { 0o666 };
        let mut out = Output::open(flag, path, false, &protected, mode)?;
        // The pair's two halves may not share a path either.
        protected.add(format!("the {flag} file"), path);
        if !matches!(out.kind, Some(Kind::Replace { .. })) {
            bail!("{flag} {}: a key is written to a new file", path.display());
        }
        out.writer()
            .write_all(bytes)
            .with_context(|| format!("{flag} {}: writing", path.display()))?;
        outputs.push((flag, out));
    }
    let mut placed: Vec<PathBuf> = Vec::new();
    for (flag, out) in outputs {
        let path = out.path().to_path_buf();
        if let Err(e) = out.finish() {
            for done in &placed {
                let _ = std::fs::remove_file(done);
            }
            return Err(e.context(format!("{flag} {}", path.display())));
        }
        placed.push(path);
    }
    Ok(())
}

enum Special {
    /// Written as it is.
    Stream,
    /// Never written.
    Refused(&'static str),
}

/// What kind of file other than a regular one `meta` describes.
fn special(meta: &Metadata) -> Option<Special> {
    let t = meta.file_type();
    if t.is_file() {
        return None;
    }
    if t.is_dir() {
        return Some(Special::Refused("a directory"));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() || t.is_char_device() {
            return Some(Special::Stream);
        }
        if t.is_block_device() {
            return Some(Special::Refused("a block device"));
        }
        if t.is_socket() {
            return Some(Special::Refused("a socket"));
        }
    }
    Some(Special::Refused("not a regular file"))
}

/// What an existing file is, when it is one no output may replace even
/// with `--force`: a key (PEM), or an SQLite database (another store).
fn sniff(path: &Path) -> Option<&'static str> {
    use std::io::Read;
    let mut head = [0u8; 64];
    let n = File::open(path).and_then(|mut f| f.read(&mut head)).ok()?;
    let head = &head[..n];
    if head.starts_with(b"SQLite format 3\0") {
        return Some("an SQLite database (a store)");
    }
    let text = String::from_utf8_lossy(head);
    let text = text.trim_start();
    if text.starts_with("-----BEGIN") && text.contains("KEY-----") {
        return Some("a key (PEM)");
    }
    None
}

fn temp_beside(target: &Path, mode: u32) -> std::io::Result<tempfile::NamedTempFile> {
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".partial");
    // A new output gets the mode any new file gets (0666 less the umask),
    // not the temporary file's 0600; a private key gets 0600 from the start.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    #[cfg(not(unix))]
    let _ = mode;
    builder.tempfile_in(dir)
}

fn forget(path: &Path) {
    if let Ok(mut pending) = PENDING.lock() {
        pending.retain(|p| p != path);
    }
}

/// A second handle on this process's standard output (the same open file).
fn own_stdout() -> Option<File> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        std::io::stdout()
            .as_fd()
            .try_clone_to_owned()
            .ok()
            .map(File::from)
    }
    #[cfg(not(unix))]
    None
}

/// Makes a rename durable (best effort: not every file system allows it).
fn sync_dir(target: &Path) {
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty())
        && let Ok(d) = File::open(dir)
    {
        let _ = d.sync_all();
    }
}

/// The device and inode of the file `path` leads to, if it exists.
fn identity(path: &Path) -> Option<(u64, u64)> {
    std::fs::metadata(path).ok().and_then(|m| meta_identity(&m))
}

/// The device and inode `meta` describes.
fn meta_identity(meta: &Metadata) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some((meta.dev(), meta.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        None
    }
}

/// `path` made absolute with its parent folder's links resolved, for files
/// that may not exist yet.
fn absolute(path: &Path) -> PathBuf {
    if let Ok(p) = std::fs::canonicalize(path) {
        return p;
    }
    let parent = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    match (std::fs::canonicalize(&parent), path.file_name()) {
        (Ok(dir), Some(name)) => dir.join(name),
        _ => path.to_path_buf(),
    }
}
