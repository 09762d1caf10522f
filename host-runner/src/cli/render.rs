//! Rendering events for people: a table and a detail view. Everything that
//! came from an event passes through [`safe`], so that no field can move the
//! cursor, clear the screen, reverse text or start a new line.

use audit_host::bindings::{ActorKind, Change, ChangeOp, Event, Outcome, Target};
use std::io::{self, Write};

/// Text made safe for a terminal: control characters, bidirectional
/// overrides and invisible characters written as escapes (`\n`, `\u{202e}`).
pub fn safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || is_invisible(c) => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

fn is_invisible(c: char) -> bool {
    // Zero-width and bidirectional marks, embeddings, overrides and isolates
    // (U+061C is the Arabic letter mark), line and paragraph separators.
    matches!(c as u32, 0x061c | 0x180e | 0x200b..=0x200f | 0x2028..=0x202e | 0x2060..=0x206f | 0xfeff)
}

/// Cuts text to `width` characters, marking the cut with `…`.
fn fit(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// The actor as audit-log pages show it: a name, or "System".
pub fn actor(e: &Event) -> String {
    if e.actor.kind == ActorKind::System {
        return "System".into();
    }
    safe(e.actor.name.as_deref().unwrap_or(&e.actor.id))
}

fn target(t: &Target) -> String {
    format!(
        "{} {}",
        safe(&t.kind),
        safe(t.name.as_deref().unwrap_or(&t.id))
    )
}

pub fn outcome(o: &Outcome) -> String {
    match o {
        Outcome::Success => "success".into(),
        Outcome::Failure(None) => "failure".into(),
        Outcome::Failure(Some(reason)) => format!("failure: {}", safe(reason)),
    }
}

/// A short summary of the changes for one table cell.
fn changes_summary(changes: &[Change]) -> String {
    match changes {
        [] => String::new(),
        [c] => match c.op {
            ChangeOp::Replace => format!(
                "{}: {} → {}",
                safe(&c.path),
                safe(c.old.as_deref().unwrap_or("")),
                safe(c.new.as_deref().unwrap_or(""))
            ),
            ChangeOp::Add => format!("{} added", safe(&c.path)),
            ChangeOp::Remove => format!("{} removed", safe(&c.path)),
            ChangeOp::Move => format!(
                "{} moved to {}",
                safe(c.from_path.as_deref().unwrap_or("")),
                safe(&c.path)
            ),
        },
        many => format!("{} fields changed", many.len()),
    }
}

/// The action as admins see it: its name, with its label where the catalog
/// has one (`user.login_failed (Login Fail)`), as the CSV `action` column.
pub fn action(e: &Event) -> String {
    match &e.label {
        Some(label) => format!("{} ({})", safe(&e.action), safe(label)),
        None => safe(&e.action),
    }
}

/// The UTC time cut to seconds, as the table shows it.
pub fn short_time(t: &str) -> String {
    let seconds = t.split('.').next().unwrap_or(t).trim_end_matches('Z');
    format!("{}Z", seconds.replacen('T', " ", 1))
}

/// Events as an aligned table.
pub fn table(out: &mut impl Write, events: &[Event]) -> io::Result<()> {
    if events.is_empty() {
        return writeln!(out, "(no events)");
    }
    let rows: Vec<Vec<String>> = events
        .iter()
        .map(|e| {
            vec![
                e.seq.to_string(),
                short_time(&e.occurred_at),
                actor(e),
                action(e),
                e.targets.first().map(target).unwrap_or_default(),
                changes_summary(&e.changes),
                safe(e.context.ip.as_deref().unwrap_or("")),
                outcome(&e.outcome),
            ]
        })
        .collect();
    aligned(
        out,
        &[
            ("SEQ", 8),
            ("TIME (UTC)", 20),
            ("ACTOR", 22),
            ("ACTION", 56),
            ("TARGET", 24),
            ("CHANGES", 40),
            ("IP", 39),
            ("OUTCOME", 30),
        ],
        &rows,
    )
}

/// Rows of cells (already made safe) under a header of (title, widest),
/// each column as wide as its widest cell up to its limit.
pub fn aligned(
    out: &mut impl Write,
    header: &[(&str, usize)],
    rows: &[Vec<String>],
) -> io::Result<()> {
    let mut widths: Vec<usize> = header.iter().map(|(h, _)| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate().take(header.len()) {
            widths[i] = widths[i].max(cell.chars().count().min(header[i].1));
        }
    }
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let padded: Vec<String> = cells
            .enumerate()
            .map(|(i, c)| format!("{:<w$}", fit(c, header[i].1), w = widths[i]))
            .collect();
        padded.join("  ").trim_end().to_string()
    };
    writeln!(out, "{}", line(&mut header.iter().map(|(h, _)| *h)))?;
    for row in rows {
        writeln!(
            out,
            "{}",
            line(&mut row.iter().map(String::as_str).take(header.len()))
        )?;
    }
    Ok(())
}

/// One event in full, with a table of its changes.
pub fn detail(out: &mut impl Write, e: &Event) -> io::Result<()> {
    writeln!(out, "Event {} · {} · {}", e.seq, action(e), e.occurred_at)?;
    let who = match (&e.actor.name, &e.actor.email) {
        (Some(n), Some(m)) => format!("{} <{}>", safe(n), safe(m)),
        (Some(n), None) => safe(n),
        (None, Some(m)) => safe(m),
        (None, None) => String::new(),
    };
    let kind = match e.actor.kind {
        ActorKind::User => "user",
        ActorKind::System => "system",
        ActorKind::ApiKey => "api-key",
        ActorKind::Service => "service",
    };
    writeln!(out, "  id           {}", e.id)?;
    writeln!(out, "  actor        {who} ({kind} {})", safe(&e.actor.id))?;
    for t in &e.targets {
        writeln!(out, "  target       {} ({})", target(t), safe(&t.id))?;
    }
    writeln!(out, "  outcome      {}", outcome(&e.outcome))?;
    writeln!(
        out,
        "  category     {} · change type {}",
        safe(&e.category),
        safe(&e.change_type)
    )?;
    if let Some(ip) = &e.context.ip {
        writeln!(out, "  ip           {}", safe(ip))?;
    }
    if let Some(ua) = &e.context.user_agent {
        writeln!(out, "  user agent   {}", safe(ua))?;
    }
    if let Some(m) = &e.metadata {
        writeln!(out, "  metadata     {}", safe(m))?;
    }
    if let Some(c) = &e.correlation_id {
        writeln!(
            out,
            "  correlation  {} (the bulk operation's events: --text {})",
            safe(c),
            safe(c)
        )?;
    }
    writeln!(out, "  recorded at  {}", e.recorded_at)?;
    writeln!(out, "  hash         {}", e.hash)?;
    writeln!(out, "  prev hash    {}", e.prev_hash)?;
    if e.changes.is_empty() {
        return writeln!(out, "  changes      (none)");
    }
    writeln!(out, "  changes")?;
    changes(out, &e.changes)
}

/// The change list as a table (path, operation, old and new value), the
/// markers of redacted and collapsed changes under it.
pub fn changes(out: &mut impl Write, changes: &[Change]) -> io::Result<()> {
    if changes.is_empty() {
        return writeln!(out, "    (no changes)");
    }
    let path_w = changes
        .iter()
        .map(|c| safe(&c.path).chars().count())
        .max()
        .unwrap_or(4)
        .clamp(4, 40);
    let old_w = changes
        .iter()
        .map(|c| safe(c.old.as_deref().unwrap_or("")).chars().count())
        .max()
        .unwrap_or(3)
        .clamp(9, 40);
    writeln!(
        out,
        "    {:<path_w$}  {:<7}  {:<old_w$}  NEW VALUE",
        "PATH", "OP", "OLD VALUE"
    )?;
    for c in changes {
        let op = match c.op {
            ChangeOp::Add => "add",
            ChangeOp::Remove => "remove",
            ChangeOp::Replace => "replace",
            ChangeOp::Move => "move",
        };
        let old = match (&c.from_path, c.op) {
            (Some(from), ChangeOp::Move) => format!("from {}", safe(from)),
            _ => safe(c.old.as_deref().unwrap_or("")),
        };
        let mut new = safe(c.new.as_deref().unwrap_or(""));
        if c.redacted {
            new.push_str("  (value hidden)");
        }
        if c.collapsed {
            new.push_str("  (collapsed: too many changes below)");
        }
        writeln!(
            out,
            "    {:<path_w$}  {:<7}  {:<old_w$}  {}",
            fit(&safe(&c.path), 40),
            op,
            fit(&old, 40),
            fit(&new, 90)
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::safe;

    #[test]
    fn terminal_controls_are_visible() {
        assert_eq!(safe("a\nb"), "a\\nb");
        assert_eq!(safe("\u{1b}[2J"), "\\u{1b}[2J");
        assert_eq!(safe("abc\u{202e}def"), "abc\\u{202e}def");
        assert_eq!(safe("zero\u{200b}width"), "zero\\u{200b}width");
        assert_eq!(safe("\u{85}"), "\\u{85}");
        assert_eq!(
            safe("a\u{61c}b\u{2066}c\u{2069}"),
            "a\\u{61c}b\\u{2066}c\\u{2069}"
        );
        assert_eq!(safe("Smyth ñ 漢"), "Smyth ñ 漢");
    }
}
