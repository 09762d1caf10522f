//! `audit-host serve`: every endpoint of API v1 through a real HTTP client,
//! every error status with the field it names, and who may do what.

use crate::harness;
use crate::serve_harness::*;

#[test]
fn events_go_in_as_an_object_an_array_or_json_lines_and_come_back_as_stored() {
    let server = Server::start(&[]);
    let ingest = bearer(&server.key("acme", "ingest"));
    let read = bearer(&server.key("acme", "read"));
    let events = server.url("/v1/tenants/acme/events");

    let one = post(
        &events,
        &[("Authorization", &ingest)],
        &event_json("user.updated", "u_1"),
    );
    assert_eq!(one.status, 201, "{}", one.body);
    let stored = one.json();
    let first = &stored["events"][0];
    assert_eq!(first["seq"], 1);
    assert_eq!(first["tenant"], "acme");
    assert_eq!(first["changes"][0]["path"], "/role");

    let array = format!(
        "[{},{}]",
        event_json("user.created", "u_2"),
        event_json("team.created", "u_2")
    );
    let two = post(&events, &[("Authorization", &ingest)], &array);
    assert_eq!(two.status, 201, "{}", two.body);
    assert_eq!(two.json()["events"].as_array().unwrap().len(), 2);

    let lines = format!(
        "{}\n{}\n",
        event_json("user.deactivated", "u_3"),
        event_json("user.activated", "u_3")
    );
    let three = post(
        &events,
        &[
            ("Authorization", &ingest),
            ("Content-Type", "application/x-ndjson"),
        ],
        &lines,
    );
    assert_eq!(three.status, 201, "{}", three.body);
    assert_eq!(three.json()["events"][1]["seq"], 5);

    // The stored bytes are the component's canonical JSON: what the CLI
    // prints for the same event.
    let cli = harness::run_ok(
        harness::audit_host(server.dir.path())
            .arg("--store")
            .arg(&server.store)
            .args([
                "query",
                "--tenant",
                "acme",
                "--action",
                "user.updated",
                "--format",
                "jsonl",
            ]),
    );
    let cli_event: serde_json::Value = serde_json::from_str(cli.lines().next().unwrap()).unwrap();
    assert_eq!(&cli_event, first);

    // A page, with a filter by the CLI's names, a count, and a cursor.
    let page = get(
        &server.url("/v1/tenants/acme/events?actor=u_2&limit=1&count=true"),
        &[("Authorization", &read), ("Audit-Viewer", ADMIN)],
    );
    assert_eq!(page.status, 200, "{}", page.body);
    let page = page.json();
    assert_eq!(page["count"], 2);
    assert_eq!(page["events"][0]["action"], "team.created");
    let cursor = page["next_cursor"].as_str().unwrap();
    let next = get(
        &server.url(&format!(
            "/v1/tenants/acme/events?actor=u_2&limit=1&cursor={cursor}"
        )),
        &[("Authorization", &read), ("Audit-Viewer", ADMIN)],
    )
    .json();
    assert_eq!(next["events"][0]["action"], "user.created");
    assert!(next["next_cursor"].is_null());
    assert!(next["count"].is_null());

    // Every filter parameter reaches the component.
    for query in [
        "from=2000-01-01",
        "to=2999-01-01",
        "actor_name=jo%20agent",
        "action=user.*",
        "category=user",
        "change_type=updated",
        "target=user:u_7",
        "outcome=success",
        "ip=203.0.113.0/24",
        "q=supervisor",
        "order=oldest",
    ] {
        let r = get(
            &server.url(&format!("/v1/tenants/acme/events?{query}")),
            &[("Authorization", &read), ("Audit-Viewer", ADMIN)],
        );
        assert_eq!(r.status, 200, "{query}: {}", r.body);
        assert!(
            !r.json()["events"].as_array().unwrap().is_empty(),
            "{query}"
        );
    }

    // One event by id; the read is recorded with the viewer as its actor.
    let id = first["id"].as_str().unwrap();
    let by_id = get(
        &server.url(&format!("/v1/tenants/acme/events/{id}")),
        &[("Authorization", &read), ("Audit-Viewer", ADMIN)],
    );
    assert_eq!(by_id.status, 200, "{}", by_id.body);
    assert_eq!(&by_id.json(), first);
    let viewed = get(
        &server.url("/v1/tenants/acme/events?action=audit_log.viewed&limit=1"),
        &[("Authorization", &read), ("Audit-Viewer", ADMIN)],
    )
    .json();
    assert_eq!(viewed["events"][0]["actor"]["id"], "u_admin");
}

#[test]
fn bulk_auth_export_verify_checkpoint_actions_settings_and_health() {
    let dir = tempfile::tempdir().unwrap();
    let key_path = dir.path().join("audit-signing.key");
    harness::run_ok(harness::audit_host(dir.path()).args(["keygen"]));
    let server = Server::start_in(dir, &["--signing-key", key_path.to_str().unwrap()]);
    let admin = bearer(&server.key("acme", "admin"));
    let auth = [("Authorization", admin.as_str())];
    let as_admin = [("Authorization", admin.as_str()), ("Audit-Viewer", ADMIN)];

    let bulk = post(
        &server.url("/v1/tenants/acme/events/bulk"),
        &auth,
        &format!(
            r#"{{"parent": {}, "children": [{}, {}]}}"#,
            event_json("user.imported", "u_1"),
            event_json("user.created", "u_1"),
            event_json("user.created", "u_1")
        ),
    );
    assert_eq!(bulk.status, 201, "{}", bulk.body);
    let stored = bulk.json()["events"].as_array().unwrap().clone();
    assert_eq!(stored.len(), 3);
    assert_eq!(stored[1]["correlation_id"], stored[0]["id"]);

    let login = post(
        &server.url("/v1/tenants/acme/auth/login"),
        &auth,
        r#"{"account": {"id": "u_1", "kind": "user", "name": "Jo"}, "method": "password-totp",
            "context": {"ip": "203.0.113.9", "session_id": "s_1"}}"#,
    );
    assert_eq!(login.status, 201, "{}", login.body);
    assert_eq!(login.json()["events"][0]["action"], "user.login_succeeded");
    let logout = post(
        &server.url("/v1/tenants/acme/auth/logout"),
        &auth,
        r#"{"account": {"id": "u_1", "kind": "user"}, "context": {"session_id": "s_1"}}"#,
    );
    assert_eq!(logout.status, 201, "{}", logout.body);
    let recovery = post(
        &server.url("/v1/tenants/acme/auth/recovery"),
        &auth,
        r#"{"identifier": "hunter2@example.com", "context": {"ip": "203.0.113.9"}}"#,
    );
    assert_eq!(recovery.status, 201, "{}", recovery.body);
    assert!(!recovery.body.contains("hunter2"), "{}", recovery.body);
    let auth_log = get(
        &server.url("/v1/tenants/acme/auth-log?count=true"),
        &as_admin,
    );
    assert_eq!(auth_log.status, 200, "{}", auth_log.body);
    let entries = auth_log.json()["entries"].as_array().unwrap().clone();
    assert_eq!(entries.len(), 3, "{}", auth_log.body);
    assert_eq!(entries[1]["event"]["action"], "user.logout");
    assert_eq!(entries[2]["method"], "password-totp");

    let csv = get(
        &server.url("/v1/tenants/acme/export?format=csv&action=user.created"),
        &as_admin,
    );
    assert_eq!(csv.status, 200, "{}", csv.body);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    let disposition = csv.header("content-disposition").unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"audit-acme-")
            && disposition.ends_with(".csv\""),
        "{disposition}"
    );
    let mut reader = csv::Reader::from_reader(csv.body.as_bytes());
    assert_eq!(reader.records().count(), 2);
    let jsonl = get(
        &server.url("/v1/tenants/acme/export?format=jsonl&columns=&order=oldest"),
        &as_admin,
    );
    assert_eq!(jsonl.status, 422, "columns are CSV only: {}", jsonl.body);
    let jsonl = get(
        &server.url("/v1/tenants/acme/export?format=jsonl&order=oldest"),
        &as_admin,
    );
    assert_eq!(jsonl.status, 200, "{}", jsonl.body);
    let first: serde_json::Value =
        serde_json::from_str(jsonl.body.lines().next().unwrap()).unwrap();
    assert_eq!(first, stored[0]);

    let verify = get(&server.url("/v1/tenants/acme/verify"), &auth);
    assert_eq!(verify.status, 200, "{}", verify.body);
    assert_eq!(verify.json()["intact"], true);
    let checkpoint = post(&server.url("/v1/tenants/acme/checkpoints"), &auth, "");
    assert_eq!(checkpoint.status, 201, "{}", checkpoint.body);
    let document = checkpoint.json()["checkpoint"].to_string();
    // The document verifies with the CLI and the public key.
    let pub_path = server.dir.path().join("audit-signing.pub");
    let cp_file = harness::write(&server.dir, "cp.json", &document);
    harness::run_ok(
        harness::audit_host(server.dir.path())
            .arg("--store")
            .arg(&server.store)
            .args(["verify", "--tenant", "acme", "--checkpoint"])
            .arg(&cp_file)
            .arg("--public-key")
            .arg(&pub_path),
    );

    let actions = get(&server.url("/v1/tenants/acme/actions"), &auth);
    assert_eq!(actions.status, 200);
    assert!(
        actions.json()["actions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["name"] == "user.login_failed" && a["label"].is_string())
    );

    let patched = send(
        "PATCH",
        &server.url("/v1/tenants/acme/settings"),
        &auth,
        r#"{"retention": {"days": 120}}"#,
    );
    assert_eq!(patched.status, 200, "{}", patched.body);
    assert_eq!(
        patched.json()["event"]["action"],
        "audit_log.settings_updated"
    );
    assert_eq!(patched.json()["event"]["actor"]["kind"], "api-key");
    let settings = get(&server.url("/v1/tenants/acme/settings"), &auth).json();
    assert_eq!(settings["retention"]["days"], 120);
    let put = send(
        "PUT",
        &server.url("/v1/tenants/acme/settings"),
        &auth,
        r#"{"catalog": {"profile": "qa"}}"#,
    );
    assert_eq!(put.status, 200, "{}", put.body);
    let settings = get(&server.url("/v1/tenants/acme/settings"), &auth).json();
    assert_eq!(settings["retention"]["days"], 90, "PUT replaces");
    assert_eq!(settings["catalog"]["profile"], "qa");
    let bad = send(
        "PUT",
        &server.url("/v1/tenants/acme/settings"),
        &auth,
        r#"{"retention": {"dayz": 1}}"#,
    );
    assert_eq!(bad.status, 422);
    assert_eq!(
        bad.error(),
        (
            "invalid-input".into(),
            Some("settings.retention.dayz".into())
        )
    );

    let health = get(&server.url("/v1/health"), &[]);
    assert_eq!(
        (health.status, health.json()["status"].clone()),
        (200, "ok".into())
    );
    let ready = get(&server.url("/v1/ready"), &[]);
    assert_eq!(
        (ready.status, ready.json()["status"].clone()),
        (200, "ready".into())
    );
}

#[test]
fn every_error_is_one_object_with_the_right_status_naming_the_field() {
    let server = Server::start(&["--max-body-mib", "1"]);
    let ingest = bearer(&server.key("acme", "ingest"));
    let read = bearer(&server.key("acme", "read"));
    let events = server.url("/v1/tenants/acme/events");
    let with_ingest = [("Authorization", ingest.as_str())];
    let as_reader = [("Authorization", read.as_str()), ("Audit-Viewer", ADMIN)];

    let cases: Vec<(Reply, u16, &str, Option<&str>)> = vec![
        (
            post(&events, &[], &event_json("user.updated", "u")),
            401,
            "unauthorized",
            Some("Authorization"),
        ),
        (
            post(&events, &[("Authorization", "Bearer ak_nope")], "{}"),
            401,
            "unauthorized",
            Some("Authorization"),
        ),
        (
            post(&events, &[("Authorization", "Basic Zm9vOmJhcg==")], "{}"),
            401,
            "unauthorized",
            Some("Authorization"),
        ),
        (
            post(
                &events,
                &with_ingest,
                r#"{"action": "user.updated", "actor": {"id": "u", "kind": "user"}, "outcome": "success", "context": {"ip": "10.0.0.999"}}"#,
            ),
            422,
            "invalid-input",
            Some("events[0].context.ip"),
        ),
        (
            post(
                &events,
                &with_ingest,
                &format!(
                    "[{}, {}]",
                    event_json("user.updated", "u"),
                    event_json("user.updated", "u").replacen('{', r#"{"tenant": "globex", "#, 1)
                ),
            ),
            422,
            "invalid-input",
            Some("events[1].tenant"),
        ),
        (
            post(&events, &with_ingest, "{not json"),
            422,
            "invalid-input",
            None,
        ),
        (
            post(
                &server.url("/v1/tenants/acme/events/bulk"),
                &with_ingest,
                &format!(
                    r#"{{"parent": {}, "children": [{}, {}]}}"#,
                    event_json("user.imported", "u"),
                    event_json("user.created", "u"),
                    event_json("user.created", "u").replace("203.0.113.9", "203.0.113"),
                ),
            ),
            422,
            "invalid-input",
            Some("children[1].context.ip"),
        ),
        (
            post(
                &server.url("/v1/tenants/acme/events/bulk"),
                &with_ingest,
                r#"{"parent": {}, "children": [7]}"#,
            ),
            400,
            "bad-request",
            Some("children[0]"),
        ),
        (
            post(
                &events,
                &[("Authorization", &ingest), ("Content-Type", "text/html")],
                "{}",
            ),
            415,
            "unsupported-media-type",
            Some("Content-Type"),
        ),
        (
            post(&events, &with_ingest, &"x".repeat(2 * 1024 * 1024)),
            413,
            "limit-exceeded",
            Some("body"),
        ),
        (
            post(
                &events,
                &[("Authorization", &ingest), ("Idempotency-Key", "")],
                "{}",
            ),
            400,
            "bad-request",
            Some("Idempotency-Key"),
        ),
        (
            get(&format!("{events}?limit=x"), &as_reader),
            400,
            "bad-request",
            Some("limit"),
        ),
        (
            get(&format!("{events}?colour=red"), &as_reader),
            400,
            "bad-request",
            Some("colour"),
        ),
        (
            get(&format!("{events}?from=yesterday"), &as_reader),
            422,
            "invalid-input",
            Some("from"),
        ),
        (
            get(&format!("{events}?actor_name=a%3Bb"), &as_reader),
            422,
            "invalid-input",
            Some("actor_name"),
        ),
        (
            get(&format!("{events}?target=user%3A"), &as_reader),
            422,
            "invalid-input",
            None,
        ),
        (
            get(&format!("{events}?limit=5000"), &as_reader),
            422,
            "invalid-input",
            Some("limit"),
        ),
        (
            get(&format!("{events}?cursor=garbage"), &as_reader),
            422,
            "invalid-input",
            Some("cursor"),
        ),
        (
            get(&events, &[("Authorization", &read)]),
            400,
            "bad-request",
            Some("Audit-Viewer"),
        ),
        (
            get(
                &events,
                &[
                    ("Authorization", &read),
                    ("Audit-Viewer", r#"{"id": "u", "roles": "admin"}"#),
                ],
            ),
            400,
            "bad-request",
            Some("Audit-Viewer.roles"),
        ),
        (
            get(
                &events,
                &[
                    ("Authorization", &read),
                    ("Audit-Viewer", r#"{"id": "u", "roles": ["no way"]}"#),
                ],
            ),
            422,
            "invalid-input",
            Some("Audit-Viewer.roles[0]"),
        ),
        (
            get(
                &format!("{events}/00000000-0000-7000-8000-000000000000"),
                &as_reader,
            ),
            404,
            "not-found",
            None,
        ),
        (get(&server.url("/v1/nothing"), &[]), 404, "not-found", None),
        (
            send("PUT", &server.url("/v1/health"), &[], "{}"),
            405,
            "method-not-allowed",
            None,
        ),
    ];
    for (reply, status, kind, field) in cases {
        assert_eq!(reply.status, status, "{}", reply.body);
        let (k, f) = reply.error();
        assert_eq!(k, kind, "{}", reply.body);
        if field.is_some() {
            assert_eq!(f.as_deref(), field, "{}", reply.body);
        }
    }
    // Nothing of the refused requests was stored.
    let page = get(&format!("{events}?count=true&action=user.*"), &as_reader).json();
    assert_eq!(page["count"], 0);
}

#[test]
fn keys_reach_their_tenant_and_scope_only_and_revoked_keys_stop_at_once() {
    let server = Server::start(&[]);
    let ingest = bearer(&server.key("acme", "ingest"));
    let read = bearer(&server.key("acme", "read"));
    let globex_admin = bearer(&server.key("globex", "admin"));
    let events = server.url("/v1/tenants/acme/events");

    // Ingest keys cannot read; read keys cannot write; admin keys of
    // another tenant reach nothing here, whether or not the tenant exists.
    let r = get(
        &events,
        &[("Authorization", &ingest), ("Audit-Viewer", ADMIN)],
    );
    assert_eq!((r.status, r.error().0.as_str()), (403, "forbidden"));
    let r = post(
        &events,
        &[("Authorization", &read)],
        &event_json("user.updated", "u"),
    );
    assert_eq!((r.status, r.error().0.as_str()), (403, "forbidden"));
    for tenant in ["acme", "no-such-tenant"] {
        let r = get(
            &server.url(&format!("/v1/tenants/{tenant}/events")),
            &[("Authorization", &globex_admin), ("Audit-Viewer", ADMIN)],
        );
        assert_eq!(r.status, 403, "{tenant}");
        assert!(
            !r.body.contains(tenant) || tenant == "acme" && !r.body.contains("acme"),
            "{}",
            r.body
        );
    }
    let other = get(
        &server.url("/v1/tenants/no-such-tenant/events"),
        &[("Authorization", &globex_admin), ("Audit-Viewer", ADMIN)],
    );
    let acme = get(
        &events,
        &[("Authorization", &globex_admin), ("Audit-Viewer", ADMIN)],
    );
    assert_eq!(
        other.body, acme.body,
        "no difference between no such tenant and not yours"
    );
    let r = get(
        &server.url("/v1/tenants/acme/settings"),
        &[("Authorization", &read)],
    );
    assert_eq!(r.status, 403, "settings need admin");

    // Revoking works at once, in the running service.
    let list = harness::run_ok(
        harness::audit_host(server.dir.path())
            .arg("--store")
            .arg(&server.store)
            .args(["apikey", "list", "--tenant", "acme", "--json"]),
    );
    assert!(!list.contains("ak_"), "list never shows a key: {list}");
    let ingest_id = list
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|k| k["scope"] == "ingest")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let ok = post(
        &events,
        &[("Authorization", &ingest)],
        &event_json("user.updated", "u"),
    );
    assert_eq!(ok.status, 201);
    harness::run_ok(
        harness::audit_host(server.dir.path())
            .arg("--store")
            .arg(&server.store)
            .args(["apikey", "revoke", &ingest_id]),
    );
    let r = post(
        &events,
        &[("Authorization", &ingest)],
        &event_json("user.updated", "u"),
    );
    assert_eq!((r.status, r.error().0.as_str()), (401, "unauthorized"));
    // Only a hash of each key is in the store.
    let db = std::fs::read(&server.store).unwrap();
    let secret = ingest.trim_start_matches("Bearer ");
    assert!(!db.windows(secret.len()).any(|w| w == secret.as_bytes()));
}

#[test]
fn viewer_tokens_read_alone_for_their_tenant_until_they_expire_and_non_admins_are_refused_and_recorded()
 {
    let server = Server::start(&[]);
    let read = bearer(&server.key("acme", "read"));
    let ingest = bearer(&server.key("acme", "ingest"));
    let ingest_globex = bearer(&server.key("globex", "ingest"));
    post(
        &server.url("/v1/tenants/acme/events"),
        &[("Authorization", &ingest)],
        &event_json("user.updated", "u_1"),
    );
    post(
        &server.url("/v1/tenants/globex/events"),
        &[("Authorization", &ingest_globex)],
        &event_json("user.updated", "u_1"),
    );
    let token_for = |viewer: &str, ttl: u64| -> String {
        let r = post(
            &server.url("/v1/tenants/acme/viewer-tokens"),
            &[("Authorization", &read)],
            &format!(r#"{{"viewer": {viewer}, "ttl_seconds": {ttl}}}"#),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        let v = r.json();
        assert!(v["expires_at"].as_str().unwrap().ends_with('Z'));
        v["token"].as_str().unwrap().to_string()
    };
    let token = token_for(ADMIN, 60);
    let page = get(
        &server.url("/v1/tenants/acme/events"),
        &[("Authorization", &bearer(&token))],
    );
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(page.json()["events"][0]["action"], "user.updated");

    // Another tenant's log, a write, a token made with a token: refused.
    let r = get(
        &server.url("/v1/tenants/globex/events"),
        &[("Authorization", &bearer(&token))],
    );
    assert_eq!(r.status, 403);
    let r = post(
        &server.url("/v1/tenants/acme/events"),
        &[("Authorization", &bearer(&token))],
        &event_json("user.updated", "u"),
    );
    assert_eq!(r.status, 403);
    let r = post(
        &server.url("/v1/tenants/acme/viewer-tokens"),
        &[("Authorization", &bearer(&token))],
        &format!(r#"{{"viewer": {ADMIN}}}"#),
    );
    assert_eq!(r.status, 403);

    // A changed byte anywhere, a token from another store's key, an
    // unsigned one: 401.
    let (head, tag) = token.rsplit_once('.').unwrap();
    let mut flipped = tag.as_bytes().to_vec();
    flipped[3] = if flipped[3] == b'A' { b'B' } else { b'A' };
    let forged = format!("{head}.{}", String::from_utf8(flipped).unwrap());
    let unsigned = head.to_string();
    let payload = head.strip_prefix("avt1.").unwrap();
    let claims = String::from_utf8(base64_url_decode(payload)).unwrap();
    let to_globex = claims.replace("\"acme\"", "\"globex\"");
    let other_tenant = format!("avt1.{}.{tag}", base64_url_encode(to_globex.as_bytes()));
    for bad in [forged, unsigned, other_tenant, "avt1.x.y".to_string()] {
        for tenant in ["acme", "globex"] {
            let r = get(
                &server.url(&format!("/v1/tenants/{tenant}/events")),
                &[("Authorization", &bearer(&bad))],
            );
            assert_eq!(r.status, 401, "{bad}: {}", r.body);
        }
    }
    let short = token_for(ADMIN, 1);
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let r = get(
        &server.url("/v1/tenants/acme/events"),
        &[("Authorization", &bearer(&short))],
    );
    assert_eq!(r.status, 401, "expired: {}", r.body);
    assert!(r.body.contains("expired"), "{}", r.body);
    let r = post(
        &server.url("/v1/tenants/acme/viewer-tokens"),
        &[("Authorization", &read)],
        &format!(r#"{{"viewer": {ADMIN}, "ttl_seconds": 100000}}"#),
    );
    assert_eq!(
        (r.status, r.error().1.as_deref()),
        (422, Some("ttl_seconds"))
    );

    // A non-admin viewer: the component refuses, and records the refusal.
    let agent = token_for(
        r#"{"id": "u_agent", "name": "Jo Agent", "roles": ["agent"]}"#,
        60,
    );
    let r = get(
        &server.url("/v1/tenants/acme/events"),
        &[("Authorization", &bearer(&agent))],
    );
    assert_eq!(
        (r.status, r.error().0.as_str()),
        (403, "denied"),
        "{}",
        r.body
    );
    let refusals = get(
        &server.url("/v1/tenants/acme/events?action=audit_log.viewed&outcome=failure"),
        &[("Authorization", &read), ("Audit-Viewer", ADMIN)],
    )
    .json();
    assert_eq!(
        refusals["events"][0]["actor"]["id"], "u_agent",
        "{refusals}"
    );
}

#[test]
fn reads_beyond_the_rate_get_429_and_requests_beyond_the_bound_get_503_with_retry_after() {
    let server = Server::start(&[
        "--reads-per-second",
        "1",
        "--read-burst",
        "2",
        "--max-in-flight",
        "1",
    ]);
    let read = bearer(&server.key("acme", "read"));
    let url = server.url("/v1/tenants/acme/events");
    let statuses: Vec<Reply> = (0..4)
        .map(|_| get(&url, &[("Authorization", &read), ("Audit-Viewer", ADMIN)]))
        .collect();
    assert_eq!(statuses[0].status, 200);
    let limited = statuses
        .iter()
        .find(|r| r.status == 429)
        .expect("a 429 within 4 reads at 1/s");
    assert_eq!(limited.error().0, "rate-limited");
    assert!(
        limited
            .header("retry-after")
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= 1
    );

    // A client that sends its headers and stalls its body holds the one
    // place in flight: the next request is refused at once, with 503.
    use std::io::Write;
    let addr = server.base.trim_start_matches("http://").to_string();
    let ingest = server.key("acme", "ingest");
    let mut slow = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        slow,
        "POST /v1/tenants/acme/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {ingest}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{"
    )
    .unwrap();
    slow.flush().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let r = get(
        &server.url("/v1/tenants/acme/verify"),
        &[("Authorization", &read)],
    );
    assert_eq!(
        (r.status, r.error().0.as_str()),
        (503, "unavailable"),
        "{}",
        r.body
    );
    assert_eq!(r.header("retry-after"), Some("1"));
    drop(slow);
}

fn base64_url_decode(text: &str) -> Vec<u8> {
    use base64ct::Encoding;
    base64ct::Base64UrlUnpadded::decode_vec(text).unwrap()
}

fn base64_url_encode(bytes: &[u8]) -> String {
    use base64ct::Encoding;
    base64ct::Base64UrlUnpadded::encode_string(bytes)
}
