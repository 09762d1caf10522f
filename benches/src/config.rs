//! What a run measures: the mode (sizes and repetitions) and the hot paths.

use anyhow::{Result, bail};
use std::path::PathBuf;

/// How big and how often.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The crate's test: every path at a size that takes milliseconds, one
    /// repetition; only the checks matter.
    Tiny,
    /// About a minute: smaller sizes, fewer repetitions.
    Quick,
    /// The sizes the issue names (query and export up to a million events).
    Full,
}

/// One hot path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Path {
    /// Validate, redact, diff, hash, store.
    Append,
    /// The diff of two states.
    Diff,
    /// First page and filtered count.
    Query,
    /// Streaming CSV export.
    Export,
    /// Chain verification.
    Verify,
    /// Calls, instantiation, cold starts.
    Boundary,
    /// The HTTP service against the library.
    Serve,
    /// The Python and Node hosts against their languages' libraries.
    Polyglot,
    /// The PostgreSQL store: concurrent writers, tenants, batches; reads.
    Postgres,
}

impl Path {
    /// Every path, in the order a run measures them.
    pub const ALL: [Path; 9] = [
        Path::Append,
        Path::Diff,
        Path::Query,
        Path::Export,
        Path::Verify,
        Path::Boundary,
        Path::Serve,
        Path::Polyglot,
        Path::Postgres,
    ];

    /// The name `--only` takes.
    pub fn name(self) -> &'static str {
        match self {
            Path::Append => "append",
            Path::Diff => "diff",
            Path::Query => "query",
            Path::Export => "export",
            Path::Verify => "verify",
            Path::Boundary => "boundary",
            Path::Serve => "serve",
            Path::Polyglot => "polyglot",
            Path::Postgres => "postgres",
        }
    }

    /// The path named `name`.
    pub fn parse(name: &str) -> Result<Path> {
        match Path::ALL.iter().find(|p| p.name() == name.trim()) {
            Some(p) => Ok(*p),
            None => bail!(
                "--only: unknown hot path {name:?} (expected some of append,diff,query,export,verify,boundary,serve,polyglot,postgres)"
            ),
        }
    }
}

/// A run's configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Sizes and repetitions.
    pub mode: Mode,
    /// The paths to measure (all when empty).
    pub only: Vec<Path>,
    /// Where generated logs are kept between runs.
    pub data_dir: PathBuf,
    /// Another build of the component to measure (a before/after); the
    /// embedded one when `None`.
    pub component: Option<PathBuf>,
}

impl Config {
    /// A configuration measuring every path, with data under `data_dir`.
    pub fn new(mode: Mode, data_dir: PathBuf) -> Self {
        Config {
            mode,
            only: Vec::new(),
            data_dir,
            component: None,
        }
    }

    /// The paths to measure, in order.
    pub fn paths(&self) -> Vec<Path> {
        Path::ALL
            .into_iter()
            .filter(|p| self.only.is_empty() || self.only.contains(p))
            .collect()
    }

    /// Three sizes, one per mode: `[tiny, quick, full]`.
    pub fn sizes<T: Copy>(&self, tiny: [T; 3], quick: [T; 3], full: [T; 3]) -> [T; 3] {
        match self.mode {
            Mode::Tiny => tiny,
            Mode::Quick => quick,
            Mode::Full => full,
        }
    }

    /// Repetitions of a measurement (its median is reported).
    pub fn runs(&self, quick: usize, full: usize) -> usize {
        match self.mode {
            Mode::Tiny => 1,
            Mode::Quick => quick,
            Mode::Full => full,
        }
    }

    /// The default data directory: `target/bench-data` of this workspace.
    pub fn default_data_dir() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/bench-data")
    }
}
