//! A PostgreSQL server for the tests, found or made without a manual step:
//! the one `AUDIT_TEST_POSTGRES_URL` names, else one already listening on
//! 127.0.0.1:5432 that lets the `postgres` role in, else a throwaway server
//! started from the installed binaries in a temporary folder (as an
//! unprivileged user when the tests run as root: initdb refuses root).
//! Every test gets a database of its own, dropped when it ends. The tests
//! that stop and restart a server always get a throwaway one.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// What to install when there is no PostgreSQL at all.
const INSTALL: &str = "the PostgreSQL tests need a server: set AUDIT_TEST_POSTGRES_URL, start one on 127.0.0.1:5432, or install PostgreSQL's server binaries (Debian: apt-get install postgresql) so that the tests can start their own";

/// The server every test shares: its URL without a database name
/// (`postgres://USER@HOST:PORT`).
fn shared() -> &'static str {
    static SERVER: OnceLock<(String, Option<Throwaway>)> = OnceLock::new();
    let (base, _) = SERVER.get_or_init(|| {
        if let Ok(url) = std::env::var("AUDIT_TEST_POSTGRES_URL") {
            let base = base_of(&url);
            admin(&base).unwrap_or_else(|e| panic!("AUDIT_TEST_POSTGRES_URL={url}: {e}"));
            return (base, None);
        }
        let local = "postgres://postgres@127.0.0.1:5432".to_string();
        if admin(&local).is_ok() {
            return (local, None);
        }
        let server = Throwaway::start();
        (server.base(), Some(server))
    });
    base
}

/// `url` without its database (and query).
fn base_of(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("a postgres:// URL");
    let authority = rest.split(['/', '?']).next().unwrap_or(rest);
    format!("{scheme}://{authority}")
}

fn admin(base: &str) -> Result<postgres::Client, postgres::Error> {
    let mut config: postgres::Config = format!("{base}/postgres").parse()?;
    config.connect_timeout(Duration::from_secs(3));
    config.connect(postgres::NoTls)
}

/// A database of one test, dropped (with its connections) at the end.
pub struct TestDb {
    base: String,
    name: String,
}

impl TestDb {
    /// A new empty database on the shared server.
    pub fn new() -> TestDb {
        Self::on(shared())
    }

    /// A new empty database on the server at `base`.
    pub fn on(base: &str) -> TestDb {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "audit_test_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let mut client = admin(base).expect("the test server lets the tests in");
        client
            .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .expect("drop a leftover test database");
        client
            .batch_execute(&format!(
                "CREATE DATABASE {name} ENCODING 'UTF8' TEMPLATE template0"
            ))
            .expect("create the test database");
        TestDb {
            base: base.to_string(),
            name,
        }
    }

    /// Its name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its URL, for `--store`.
    pub fn url(&self) -> String {
        format!("{}/{}", self.base, self.name)
    }

    /// A plain client of it, to look at (or tamper with) the rows.
    pub fn client(&self) -> postgres::Client {
        self.url()
            .parse::<postgres::Config>()
            .expect("URL")
            .connect(postgres::NoTls)
            .expect("connect to the test database")
    }

    /// The tenant's rows as stored: (seq, prev_hash, hash, body).
    pub fn raw_rows(&self, tenant: &str) -> Vec<(u64, String, String, String)> {
        self.client()
            .query(
                "SELECT seq, prev_hash, hash, body FROM audit_events WHERE tenant = $1 ORDER BY seq",
                &[&tenant],
            )
            .expect("rows")
            .iter()
            .map(|r| (r.get::<_, i64>(0) as u64, r.get(1), r.get(2), r.get(3)))
            .collect()
    }

    /// Checks the tenant's chain as stored, without the component: seq
    /// 1..=n, each prev_hash the previous hash, each hash the body's
    /// SHA-256, the head the last row. Returns n.
    pub fn verify_chain(&self, tenant: &str) -> usize {
        let rows = self.raw_rows(tenant);
        let mut prev = "0".repeat(64);
        for (i, (seq, prev_hash, hash, body)) in rows.iter().enumerate() {
            assert_eq!(*seq, i as u64 + 1, "seq without gaps or repeats");
            assert_eq!(*prev_hash, prev, "seq {seq} links to its predecessor");
            assert_eq!(
                *hash,
                crate::harness::sha256_hex(body),
                "seq {seq}: hash of the body"
            );
            prev = hash.clone();
        }
        let head = self
            .client()
            .query_opt(
                "SELECT seq, hash FROM audit_heads WHERE tenant = $1",
                &[&tenant],
            )
            .expect("head");
        match head {
            None => assert!(rows.is_empty(), "rows without a head"),
            Some(h) => {
                assert_eq!(
                    h.get::<_, i64>(0) as usize,
                    rows.len(),
                    "the head is the last row"
                );
                assert_eq!(
                    h.get::<_, String>(1),
                    prev,
                    "the head's hash is the last row's"
                );
            }
        }
        rows.len()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Ok(mut client) = admin(&self.base) {
            let _ = client.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

/// A server of the test's own, in a temporary folder: started, stopped
/// (`-m immediate`: as a crash would) and started again by the test.
pub struct Throwaway {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
    user: Option<String>,
}

impl Throwaway {
    /// initdb and start a new server on a free port of 127.0.0.1.
    pub fn start() -> Throwaway {
        let server = Self::init();
        server.pg_ctl_start();
        server
    }

    /// A server that also takes TLS connections, with a certificate for
    /// `localhost` and 127.0.0.1 signed by a CA made here
    /// ([`Throwaway::ca_file`]); every connection but the admin database's
    /// must use TLS.
    pub fn start_with_tls() -> Throwaway {
        let server = Self::init();
        let dir = server.dir.path();
        let openssl = |args: &[&str]| {
            let out = Command::new("openssl")
                .args(args)
                .current_dir(dir)
                .output()
                .expect("openssl (Debian: apt-get install openssl) makes the test's certificates");
            assert!(
                out.status.success(),
                "openssl {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        let ec = [
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
        ];
        openssl(
            &[
                &["req", "-x509"][..],
                &ec,
                &[
                    "-keyout",
                    "ca.key",
                    "-out",
                    "ca.crt",
                    "-days",
                    "2",
                    "-subj",
                    "/CN=audit test CA",
                ],
            ]
            .concat(),
        );
        openssl(
            &[
                &["req"][..],
                &ec,
                &[
                    "-keyout",
                    "server.key",
                    "-out",
                    "server.csr",
                    "-subj",
                    "/CN=localhost",
                ],
            ]
            .concat(),
        );
        std::fs::write(
            dir.join("san.ext"),
            "subjectAltName=DNS:localhost,IP:127.0.0.1\n",
        )
        .expect("ext");
        openssl(&[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.crt",
            "-days",
            "2",
            "-extfile",
            "san.ext",
        ]);
        let data = server.data();
        for f in ["server.crt", "server.key"] {
            std::fs::copy(dir.join(f), data.join(f)).expect("copy the certificate");
        }
        let mut conf = std::fs::OpenOptions::new()
            .append(true)
            .open(data.join("postgresql.conf"))
            .expect("postgresql.conf");
        use std::io::Write as _;
        writeln!(
            conf,
            "ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'"
        )
        .expect("conf");
        std::fs::write(
            data.join("pg_hba.conf"),
            "local all all trust\nhostnossl postgres all 127.0.0.1/32 trust\nhostssl all all 127.0.0.1/32 trust\nhostssl all all ::1/128 trust\n",
        )
        .expect("pg_hba.conf");
        if let Some(user) = &server.user {
            let status = Command::new("chown")
                .args(["-R", user])
                .arg(&data)
                .status()
                .expect("chown");
            assert!(status.success());
            let _ = Command::new("chmod")
                .arg("600")
                .arg(data.join("server.key"))
                .status();
        } else {
            let _ = Command::new("chmod")
                .arg("600")
                .arg(data.join("server.key"))
                .status();
        }
        server.pg_ctl_start();
        server
    }

    /// The CA that signed a TLS server's certificate.
    pub fn ca_file(&self) -> PathBuf {
        self.dir.path().join("ca.crt")
    }

    /// Its port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// A standby of `primary` (pg_basebackup, streaming replication),
    /// started on a port of its own: read-only, as a replica given by
    /// mistake would be.
    pub fn standby_of(primary: &Throwaway) -> Throwaway {
        let server = Self::prepare(primary.bin.clone());
        let port = primary.port.to_string();
        server.run(
            "pg_basebackup",
            &[
                "-D",
                path(&server.data()),
                "-R",
                "-X",
                "stream",
                "-h",
                "127.0.0.1",
                "-p",
                &port,
                "-U",
                "postgres",
            ],
        );
        server.pg_ctl_start();
        server
    }

    /// A new server's folder and data (initdb), not started.
    fn init() -> Throwaway {
        let bin = binaries().unwrap_or_else(|| panic!("{INSTALL}"));
        let server = Self::prepare(bin);
        server.run(
            "initdb",
            &[
                "-D",
                path(&server.data()),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-instructions",
            ],
        );
        server
    }

    /// A temporary folder the server's user owns, and a free port.
    fn prepare(bin: PathBuf) -> Throwaway {
        let dir = tempfile::Builder::new()
            .prefix("audit-pg-")
            .tempdir()
            .expect("temp dir");
        let user = unprivileged_user();
        if let Some(user) = &user {
            let status = Command::new("chown")
                .arg(user)
                .arg(dir.path())
                .status()
                .expect("chown");
            assert!(status.success(), "chown {user} {}", dir.path().display());
        }
        let port = free_port();
        Throwaway {
            dir,
            bin,
            port,
            user,
        }
    }

    /// Its URL without a database.
    pub fn base(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}", self.port)
    }

    /// Stops it as a crash would: no checkpoint, no goodbye to clients.
    pub fn stop_immediate(&self) {
        self.run(
            "pg_ctl",
            &["-D", path(&self.data()), "-m", "immediate", "-w", "stop"],
        );
    }

    /// Starts it again (after [`Throwaway::stop_immediate`]).
    pub fn pg_ctl_start(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=on",
            self.port,
            path(self.dir.path())
        );
        let log = self.dir.path().join("server.log");
        self.run(
            "pg_ctl",
            &[
                "-D",
                path(&self.data()),
                "-o",
                &options,
                "-l",
                path(&log),
                "-w",
                "-t",
                "60",
                "start",
            ],
        );
        let deadline = Instant::now() + Duration::from_secs(30);
        while admin(&self.base()).is_err() {
            assert!(
                Instant::now() < deadline,
                "the throwaway server accepts connections"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn run(&self, program: &str, args: &[&str]) {
        let exe = self.bin.join(program);
        let mut cmd = match &self.user {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(&exe);
                c
            }
            None => Command::new(&exe),
        };
        let out = cmd.args(args).output().expect("run a PostgreSQL binary");
        assert!(
            out.status.success(),
            "{program} {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for Throwaway {
    fn drop(&mut self) {
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.stop_immediate()));
    }
}

fn path(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 temp path")
}

/// The folder of initdb, pg_ctl and postgres: `pg_config --bindir`, else
/// the newest of Debian's /usr/lib/postgresql/*/bin, else the PATH's.
fn binaries() -> Option<PathBuf> {
    let has = |dir: &Path| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file();
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output()
        && out.status.success()
    {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if has(&dir) {
            return Some(dir);
        }
    }
    let mut debian: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|d| has(d))
        .collect();
    debian.sort_by_key(|d| {
        d.parent()
            .and_then(|v| v.file_name())
            .and_then(|v| v.to_str())
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0)
    });
    if let Some(dir) = debian.pop() {
        return Some(dir);
    }
    std::env::var_os("PATH").and_then(|p| std::env::split_paths(&p).find(|d| has(d)))
}

/// Who runs the throwaway server when the tests run as root: `postgres`
/// when that user exists, else `nobody`.
fn unprivileged_user() -> Option<String> {
    let uid = Command::new("id").arg("-u").output().ok()?;
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        return None;
    }
    let exists = |name: &str| {
        Command::new("id")
            .arg(name)
            .output()
            .is_ok_and(|o| o.status.success())
    };
    Some(
        if exists("postgres") {
            "postgres"
        } else {
            "nobody"
        }
        .to_string(),
    )
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}
