//! The real `audit-host serve` on loopback, and a real HTTP client (ureq)
//! for the service's tests.

use crate::harness;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::Duration;

/// A running service over a store file in its own directory; killed when
/// dropped.
pub struct Server {
    pub child: Child,
    pub base: String,
    pub dir: tempfile::TempDir,
    pub store: PathBuf,
}

impl Server {
    /// `audit-host --store DIR/audit.db serve --listen 127.0.0.1:0 ARGS`.
    pub fn start(args: &[&str]) -> Server {
        let dir = tempfile::tempdir().unwrap();
        Self::start_in(dir, args)
    }

    /// The same in `dir` (whose store may already hold events and keys).
    pub fn start_in(dir: tempfile::TempDir, args: &[&str]) -> Server {
        let store = dir.path().join("audit.db");
        Self::start_on(dir, store, args)
    }

    /// The same over `store` (a file, or a PostgreSQL URL), run in `dir`.
    pub fn start_on(dir: tempfile::TempDir, store: PathBuf, args: &[&str]) -> Server {
        let mut child = harness::audit_host(dir.path())
            .arg("--store")
            .arg(&store)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("audit-host serve starts");
        let stderr = child.stderr.take().unwrap();
        let mut lines = BufReader::new(stderr).lines();
        let base = loop {
            let line = lines
                .next()
                .expect("serve printed its address before exiting")
                .unwrap();
            if let Some(rest) = line.strip_prefix("listening on ") {
                break rest.trim().to_string();
            }
        };
        // Keep draining stderr so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Server {
            child,
            base,
            dir,
            store,
        }
    }

    /// The URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A new key for `tenant` of `scope`, made by `audit-host apikey create`.
    pub fn key(&self, tenant: &str, scope: &str) -> String {
        make_key(&self.store, tenant, scope)
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A key made by the binary, as a product's operator makes one.
pub fn make_key(store: &Path, tenant: &str, scope: &str) -> String {
    let dir = match store.parent() {
        Some(dir) if dir.is_dir() => dir,
        _ => Path::new("."),
    };
    let out = harness::run_ok(
        harness::audit_host(dir)
            .arg("--store")
            .arg(store)
            .args(["apikey", "create", "--tenant", tenant, "--scope", scope]),
    );
    let key = out.trim().to_string();
    assert!(key.starts_with("ak_") && !key.contains('\n'), "{out:?}");
    key
}

/// A client that returns every status as a response, not an error.
pub fn client() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(120)))
        .build()
        .new_agent()
}

/// What came back: the status, the headers we look at, the body.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: ureq::http::HeaderMap,
    pub body: String,
}

impl Reply {
    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// The error object's kind and field, after checking its shape.
    pub fn error(&self) -> (String, Option<String>) {
        let v = self.json();
        let e = v
            .get("error")
            .unwrap_or_else(|| panic!("no error object: {}", self.body));
        let obj = e.as_object().unwrap();
        let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
        keys.sort();
        assert_eq!(keys, ["field", "kind", "message"], "{}", self.body);
        let message = e["message"].as_str().unwrap();
        assert!(
            !message.is_empty() && !message.contains('\n'),
            "{}",
            self.body
        );
        (
            e["kind"].as_str().unwrap().to_string(),
            e["field"].as_str().map(String::from),
        )
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

fn reply(result: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Reply {
    let mut response = result.expect("the server answers");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response
        .body_mut()
        .with_config()
        .limit(1 << 30)
        .read_to_string()
        .unwrap_or_default();
    Reply {
        status,
        headers,
        body,
    }
}

/// GET with these headers.
pub fn get(url: &str, headers: &[(&str, &str)]) -> Reply {
    let mut request = client().get(url);
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    reply(request.call())
}

/// A request with a body (`POST`, `PUT`, `PATCH`), JSON unless a
/// `Content-Type` is among the headers.
pub fn send(method: &str, url: &str, headers: &[(&str, &str)], body: &str) -> Reply {
    let agent = client();
    let mut request = match method {
        "POST" => agent.post(url),
        "PUT" => agent.put(url),
        "PATCH" => agent.patch(url),
        other => panic!("no {other}"),
    };
    if !headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
    {
        request = request.header("Content-Type", "application/json");
    }
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    reply(request.send(body))
}

/// POST.
pub fn post(url: &str, headers: &[(&str, &str)], body: &str) -> Reply {
    send("POST", url, headers, body)
}

/// `Authorization: Bearer KEY`.
pub fn bearer(key: &str) -> String {
    format!("Bearer {key}")
}

/// An admin viewer for the `Audit-Viewer` header.
pub const ADMIN: &str = r#"{"id":"u_admin","name":"Ana Admin","roles":["admin"]}"#;

/// One event of `tenant` as a backend sends it.
pub fn event_json(action: &str, actor: &str) -> String {
    serde_json::json!({
        "action": action,
        "actor": {"id": actor, "kind": "user", "name": "Jo Agent"},
        "targets": [{"kind": "user", "id": "u_7"}],
        "outcome": "success",
        "context": {"ip": "203.0.113.9"},
        "before": {"role": "agent"},
        "after": {"role": "supervisor"},
    })
    .to_string()
}

/// Resident memory of a process, in KiB.
pub fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}
