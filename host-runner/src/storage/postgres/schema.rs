//! The PostgreSQL schema and its migrations: a version number in a table of
//! its own, raised one step at a time inside one transaction that holds an
//! advisory lock, so that of several processes starting at the same moment
//! one migrates and the others find the work done.

use super::errors::describe;
use postgres::Client as Connection;

/// The migrations, in order: step `i` brings a schema of version `i` to
/// version `i + 1`. Never edit a step that has shipped; add one.
const STEPS: &[&str] = &[include_str!("schema.sql")];

/// The version this program writes and reads.
pub(crate) const VERSION: i32 = STEPS.len() as i32;

/// The advisory lock every migration takes ("audit" in ASCII): held until
/// its transaction ends.
const MIGRATION_LOCK: i64 = 0x61_75_64_69_74;

/// Creates or brings up to date the schema; refuses a newer one.
pub(crate) fn migrate(conn: &mut Connection) -> Result<(), String> {
    if current(conn)? == Some(VERSION) {
        return Ok(());
    }
    let mut tx = conn.transaction().map_err(|e| describe(&e))?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .map_err(|e| describe(&e))?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS audit_schema (version integer NOT NULL)")
        .map_err(|e| format!("creating the schema: {}", describe(&e)))?;
    let found: Option<i32> = tx
        .query_opt("SELECT version FROM audit_schema", &[])
        .map_err(|e| describe(&e))?
        .map(|r| r.get(0));
    let found = found.unwrap_or(0);
    refuse_newer(found)?;
    for (step, sql) in STEPS.iter().enumerate().skip(found as usize) {
        tx.batch_execute(sql).map_err(|e| {
            format!(
                "migrating the schema to version {}: {}",
                step + 1,
                describe(&e)
            )
        })?;
    }
    if found == 0 {
        tx.execute(
            "INSERT INTO audit_schema (version) VALUES ($1)",
            &[&VERSION],
        )
    } else {
        tx.execute("UPDATE audit_schema SET version = $1", &[&VERSION])
    }
    .map_err(|e| describe(&e))?;
    tx.commit().map_err(|e| describe(&e))
}

/// Why a database cannot be read: nothing was ever stored in it.
pub const NO_SCHEMA: &str =
    "no audit schema in this database (a command that only reads never creates one)";

/// Checks, without writing, that the schema is there and not newer.
pub(crate) fn check(conn: &mut Connection) -> Result<(), String> {
    match current(conn)? {
        None | Some(0) => Err(
            "no audit schema in this database (a command that only reads never creates one)".into(),
        ),
        Some(v) if v < VERSION => Err(format!(
            "the database has schema version {v}, older than this program's {VERSION}: run a command that writes (append) once to migrate it"
        )),
        Some(v) => refuse_newer(v),
    }
}

/// The schema's version, none when the database has no schema yet.
fn current(conn: &mut Connection) -> Result<Option<i32>, String> {
    let exists: bool = conn
        .query_one("SELECT to_regclass('audit_schema') IS NOT NULL", &[])
        .map_err(|e| describe(&e))?
        .get(0);
    if !exists {
        return Ok(None);
    }
    let version = conn
        .query_opt("SELECT version FROM audit_schema", &[])
        .map_err(|e| describe(&e))?
        .map(|r| r.get::<_, i32>(0));
    if let Some(v) = version {
        refuse_newer(v)?;
    }
    Ok(version)
}

fn refuse_newer(found: i32) -> Result<(), String> {
    if found > VERSION {
        return Err(format!(
            "the database has schema version {found}, newer than this program's {VERSION}; use a newer audit-host"
        ));
    }
    Ok(())
}
