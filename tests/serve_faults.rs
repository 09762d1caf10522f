//! `audit-host serve` under faults and load: the same idempotency key
//! retried at once, an export of 100,000 events in flat memory, a client
//! that goes away mid-export, SIGTERM with requests in flight, `kill -9`
//! while clients post.

use crate::harness;
use crate::serve_harness::*;
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};

#[test]
fn the_same_idempotency_key_retried_at_once_stores_the_events_once() {
    let server = Server::start(&[]);
    let ingest = bearer(&server.key("acme", "ingest"));
    let url = server.url("/v1/tenants/acme/events");
    let body = format!(
        "[{},{}]",
        event_json("user.updated", "u_1"),
        event_json("team.updated", "u_1")
    );
    let replies: Vec<Reply> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..6)
            .map(|_| {
                s.spawn(|| {
                    post(
                        &url,
                        &[
                            ("Authorization", &ingest),
                            ("Idempotency-Key", "order-7781"),
                        ],
                        &body,
                    )
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let first = replies[0].json();
    for r in &replies {
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(r.json(), first, "every retry gets the first response");
    }
    // A later retry too; a different body under the same key conflicts.
    let again = post(
        &url,
        &[
            ("Authorization", &ingest),
            ("Idempotency-Key", "order-7781"),
        ],
        &body,
    );
    assert_eq!(again.json(), first);
    let other = post(
        &url,
        &[
            ("Authorization", &ingest),
            ("Idempotency-Key", "order-7781"),
        ],
        &event_json("user.deleted", "u_1"),
    );
    assert_eq!(other.status, 409, "{}", other.body);
    assert_eq!(
        other.error(),
        (
            "invalid-input".into(),
            Some("events[0].idempotency_key".into())
        )
    );
    let read = bearer(&server.key("acme", "read"));
    let page = get(
        &server.url("/v1/tenants/acme/events?count=true&q=u_1&action=user.updated"),
        &[("Authorization", &read), ("Audit-Viewer", ADMIN)],
    )
    .json();
    assert_eq!(page["count"], 1, "{page}");
    assert_eq!(
        harness::verify_chain(&server.store, "acme"),
        3,
        "two events and the read"
    );
}

/// Appends `n` events to `tenant` in batches of 1,000 over HTTP.
fn fill(server: &Server, key: &str, n: usize) {
    let url = server.url("/v1/tenants/acme/events");
    let line = event_json("user.updated", "u_1");
    let mut left = n;
    while left > 0 {
        let batch = left.min(1000);
        let body: String = std::iter::repeat_n(line.as_str(), batch)
            .collect::<Vec<_>>()
            .join("\n");
        let r = post(
            &url,
            &[
                ("Authorization", key),
                ("Content-Type", "application/x-ndjson"),
            ],
            &body,
        );
        assert_eq!(r.status, 201, "{}", &r.body[..r.body.len().min(300)]);
        left -= batch;
    }
}

#[test]
fn an_export_of_100000_events_streams_in_flat_memory_and_a_client_that_leaves_stops_it() {
    let server = Server::start(&["--workers", "1"]);
    let ingest = bearer(&server.key("acme", "ingest"));
    let read = bearer(&server.key("acme", "read"));
    fill(&server, &ingest, 100_000);
    let url = server.url("/v1/tenants/acme/export?format=csv&order=oldest");

    // Warm up: a small export, so the instance and its allocator have
    // grown to their working size before the baseline is taken.
    let warm = get(
        &format!("{url}&to=2000-01-01"),
        &[("Authorization", &read), ("Audit-Viewer", ADMIN)],
    );
    assert_eq!(warm.status, 200);
    let before = rss_kib(server.pid());
    let peak = Arc::new(Mutex::new(before));
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sampler = {
        let (peak, done, pid) = (peak.clone(), done.clone(), server.pid());
        std::thread::spawn(move || {
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                let now = rss_kib(pid);
                let mut p = peak.lock().unwrap();
                *p = (*p).max(now);
                drop(p);
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
        })
    };
    // Read the export as a stream, counting bytes and lines, keeping nothing.
    let mut response = client()
        .get(&url)
        .header("Authorization", &read)
        .header("Audit-Viewer", ADMIN)
        .call()
        .unwrap();
    assert_eq!(response.status(), 200);
    let mut reader = response.body_mut().as_reader();
    let mut buf = vec![0u8; 1 << 16];
    let (mut bytes, mut newlines) = (0usize, 0usize);
    loop {
        let n = reader.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        bytes += n;
        newlines += buf[..n].iter().filter(|b| **b == b'\n').count();
    }
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    sampler.join().unwrap();
    let growth_mib = (*peak.lock().unwrap()).saturating_sub(before) / 1024;
    // Header + 100,000 events + the two reads' own events.
    assert!(newlines > 100_000, "{newlines} lines");
    let file_mib = bytes / (1024 * 1024);
    assert!(file_mib >= 20, "the file is {file_mib} MiB");
    eprintln!(
        "export of {file_mib} MiB: server memory grew {growth_mib} MiB (from {} MiB)",
        before / 1024
    );
    assert!(
        growth_mib * 4 < file_mib as u64,
        "server memory grew {growth_mib} MiB during a {file_mib} MiB export"
    );

    // A client that reads a little and goes away: the export stops and
    // the only worker is free again at once.
    let mut stream =
        std::net::TcpStream::connect(server.base.trim_start_matches("http://")).unwrap();
    write!(
        stream,
        "GET /v1/tenants/acme/export?format=jsonl HTTP/1.1\r\nHost: x\r\nAuthorization: {read}\r\nAudit-Viewer: {ADMIN}\r\n\r\n"
    )
    .unwrap();
    let mut first = [0u8; 4096];
    assert!(stream.read(&mut first).unwrap() > 0);
    // Stall long enough for the worker to block on the full connection,
    // then go away.
    std::thread::sleep(std::time::Duration::from_millis(500));
    drop(stream);
    let started = std::time::Instant::now();
    let r = get(
        &server.url("/v1/tenants/acme/verify"),
        &[("Authorization", &read)],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(30),
        "the worker came back after {:?}",
        started.elapsed()
    );
}

#[test]
fn sigterm_finishes_the_requests_in_flight_then_exits_0() {
    let mut server = Server::start(&[]);
    let ingest = server.key("acme", "ingest");
    let addr = server.base.trim_start_matches("http://").to_string();
    let body = event_json("user.updated", "u_1");
    // A request in flight: headers sent, body not yet.
    let mut stream = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        stream,
        "POST /v1/tenants/acme/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {ingest}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .unwrap();
    stream.flush().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let pid = server.pid();
    assert!(
        std::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .unwrap()
            .success()
    );
    // New connections are refused once the signal is handled.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while std::net::TcpStream::connect(&addr).is_ok() {
        assert!(
            std::time::Instant::now() < deadline,
            "the service still accepts 10 s after SIGTERM"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    stream.write_all(body.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
    let status = server.child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    assert_eq!(harness::verify_chain(&server.store, "acme"), 1);
}

#[test]
fn kill_9_while_four_clients_post_loses_no_event_that_got_a_201() {
    let mut server = Server::start(&[]);
    let ingest = bearer(&server.key("acme", "ingest"));
    let url = server.url("/v1/tenants/acme/events");
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let clients: Vec<_> = (0..4)
        .map(|c| {
            let (url, ingest, acknowledged, stop) = (
                url.clone(),
                ingest.clone(),
                acknowledged.clone(),
                stop.clone(),
            );
            std::thread::spawn(move || {
                let agent = client();
                let mut i = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let body = format!(
                        "[{}]",
                        (0..10)
                            .map(|_| event_json("user.updated", &format!("c{c}")))
                            .collect::<Vec<_>>()
                            .join(",")
                    );
                    i += 1;
                    let sent = agent
                        .post(&url)
                        .header("Authorization", &ingest)
                        .header("Content-Type", "application/json")
                        .header("Idempotency-Key", &format!("c{c}-{i}"))
                        .send(&body);
                    let Ok(mut response) = sent else { break };
                    if response.status() != 201 {
                        continue;
                    }
                    let Ok(text) = response.body_mut().read_to_string() else {
                        break;
                    };
                    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
                    let mut ack = acknowledged.lock().unwrap();
                    for e in v["events"].as_array().unwrap() {
                        ack.push(e["id"].as_str().unwrap().to_string());
                    }
                }
            })
        })
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    server.child.kill().unwrap(); // SIGKILL
    server.child.wait().unwrap();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for c in clients {
        c.join().unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(
        acknowledged.len() >= 40,
        "only {} events acknowledged",
        acknowledged.len()
    );
    // Every acknowledged event is in the store, and the chain is intact.
    let stored = harness::verify_chain(&server.store, "acme");
    assert!(stored >= acknowledged.len());
    let verify = harness::audit_host(server.dir.path())
        .arg("--store")
        .arg(&server.store)
        .args(["verify", "--tenant", "acme"])
        .output()
        .unwrap();
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stdout)
    );
    let rows = harness::raw_rows(&server.store, "acme");
    let ids: std::collections::HashSet<String> = rows
        .iter()
        .map(|(_, _, _, body)| {
            serde_json::from_str::<serde_json::Value>(body).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    for id in &acknowledged {
        assert!(ids.contains(id), "acknowledged {id} is not stored");
    }
}

#[test]
fn a_client_that_never_finishes_its_headers_is_cut_off_after_the_header_timeout() {
    let server = Server::start(&["--header-timeout-ms", "300"]);
    let mut slow = std::net::TcpStream::connect(server.base.trim_start_matches("http://")).unwrap();
    slow.set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    write!(slow, "GET /v1/health HTTP/1.1\r\nHost: x\r\n").unwrap();
    let started = std::time::Instant::now();
    let mut rest = Vec::new();
    // The server closes the connection (a read ends) long before ours times out.
    let _ = slow.read_to_end(&mut rest);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "the connection stayed open {:?}",
        started.elapsed()
    );
    assert!(!String::from_utf8_lossy(&rest).contains("200 OK"));
    // The service itself is fine.
    assert_eq!(get(&server.url("/v1/health"), &[]).status, 200);
}
