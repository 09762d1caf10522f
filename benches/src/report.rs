//! The results: one section per hot path, one row per measure and size,
//! printed as a plain table or as the Markdown of `BENCHMARKS.md`.

use std::fmt::Write as _;

/// What a row's numbers are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Items per second (higher is better); the item is named.
    Rate(&'static str),
    /// Seconds per operation (lower is better).
    Time,
    /// Bytes (lower is better).
    Bytes,
}

/// One measure at one size, in up to three columns.
#[derive(Debug, Clone)]
pub struct Row {
    /// What is measured.
    pub measure: String,
    /// The size it was measured at (events, list length, bytes).
    pub size: String,
    /// The unit of the three columns.
    pub unit: Unit,
    /// Through wasmtime.
    pub component: Option<f64>,
    /// The same engine, native.
    pub native: Option<f64>,
    /// What a host would use instead.
    pub peer: Option<f64>,
}

impl Row {
    /// A row of the three columns.
    pub fn new(
        measure: impl Into<String>,
        size: impl Into<String>,
        unit: Unit,
        component: Option<f64>,
        native: Option<f64>,
        peer: Option<f64>,
    ) -> Self {
        Row {
            measure: measure.into(),
            size: size.into(),
            unit,
            component,
            native,
            peer,
        }
    }

    /// How the component fares against `other`: its speed as a share of
    /// the other's (for sizes: the other's bytes over ours), so that above
    /// 1 the component is ahead and below 1 behind.
    pub fn ratio(&self, other: Option<f64>) -> Option<f64> {
        let (ours, theirs) = (self.component?, other?);
        if ours <= 0.0 || theirs <= 0.0 {
            return None;
        }
        Some(match self.unit {
            Unit::Rate(_) => ours / theirs,
            Unit::Time | Unit::Bytes => theirs / ours,
        })
    }

    fn show(&self, v: Option<f64>) -> String {
        let Some(v) = v else {
            return "—".into();
        };
        match self.unit {
            Unit::Rate(item) => format!("{} {item}/s", thousands(v)),
            Unit::Time => {
                if v < 1e-3 {
                    format!("{:.2} µs", v * 1e6)
                } else if v < 1.0 {
                    format!("{:.2} ms", v * 1e3)
                } else {
                    format!("{v:.2} s")
                }
            }
            Unit::Bytes => {
                if v < 1e4 {
                    format!("{v:.0} B")
                } else if v < 1e7 {
                    format!("{:.1} KB", v / 1e3)
                } else {
                    format!("{:.1} MB", v / 1e6)
                }
            }
        }
    }
}

/// One hot path's results.
#[derive(Debug, Clone)]
pub struct Section {
    /// The path's name (`append`, `diff`, ...).
    pub path: &'static str,
    /// What the three columns are on this path.
    pub columns: [&'static str; 3],
    /// The rows.
    pub rows: Vec<Row>,
    /// What the checks established, and anything a reader must know.
    pub notes: Vec<String>,
}

fn thousands(v: f64) -> String {
    let n = v.round() as u64;
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn ratio(r: Option<f64>) -> String {
    r.map_or_else(|| "—".into(), |r| format!("{r:.2}"))
}

/// The sections as plain text tables, for a terminal.
pub fn text(sections: &[Section]) -> String {
    let mut out = String::new();
    for s in sections {
        let _ = writeln!(out, "\n== {} ==", s.path);
        let _ = writeln!(
            out,
            "   component: {} | native: {} | peer: {}",
            s.columns[0], s.columns[1], s.columns[2]
        );
        let header = [
            "measure",
            "size",
            "component",
            "native",
            "peer",
            "c/native",
            "c/peer",
        ];
        let mut cells: Vec<[String; 7]> = vec![header.map(String::from)];
        for r in &s.rows {
            cells.push([
                r.measure.clone(),
                r.size.clone(),
                r.show(r.component),
                r.show(r.native),
                r.show(r.peer),
                ratio(r.ratio(r.native)),
                ratio(r.ratio(r.peer)),
            ]);
        }
        let mut widths = [0usize; 7];
        for row in &cells {
            for (w, c) in widths.iter_mut().zip(row) {
                *w = (*w).max(c.chars().count());
            }
        }
        for row in &cells {
            let mut line = String::new();
            for (i, (c, w)) in row.iter().zip(widths).enumerate() {
                let pad = w - c.chars().count();
                if i < 2 {
                    line.push_str(c);
                    line.push_str(&" ".repeat(pad + 2));
                } else {
                    line.push_str(&" ".repeat(pad));
                    line.push_str(c);
                    line.push_str("  ");
                }
            }
            let _ = writeln!(out, "{}", line.trim_end());
        }
        for n in &s.notes {
            let _ = writeln!(out, "   - {n}");
        }
    }
    out
}

/// The sections as the Markdown tables of `BENCHMARKS.md`.
pub fn markdown(sections: &[Section]) -> String {
    let mut out = String::new();
    for s in sections {
        let _ = writeln!(out, "### {}\n", s.path);
        let _ = writeln!(
            out,
            "Component: {}. Native: {}. Peer: {}.\n",
            s.columns[0], s.columns[1], s.columns[2]
        );
        let _ = writeln!(
            out,
            "| measure | size | component | native | peer | component ÷ native | component ÷ peer |"
        );
        let _ = writeln!(out, "| --- | --- | ---: | ---: | ---: | ---: | ---: |");
        for r in &s.rows {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} |",
                r.measure,
                r.size,
                r.show(r.component),
                r.show(r.native),
                r.show(r.peer),
                ratio(r.ratio(r.native)),
                ratio(r.ratio(r.peer)),
            );
        }
        out.push('\n');
        for n in &s.notes {
            let _ = writeln!(out, "- {n}");
        }
        if !s.notes.is_empty() {
            out.push('\n');
        }
    }
    out
}

impl Unit {
    /// The unit as a script reads it: `events/s`, `s`, `B`.
    pub fn name(self) -> String {
        match self {
            Unit::Rate(item) => format!("{item}/s"),
            Unit::Time => "s".into(),
            Unit::Bytes => "B".into(),
        }
    }

    /// Whether a larger value is better (rates) or worse (times, bytes).
    pub fn higher_is_better(self) -> bool {
        matches!(self, Unit::Rate(_))
    }
}

/// The sections as one JSON document, for scripts comparing runs: every
/// row with its three columns (value and unit, `null` where a column has
/// no figure) and both ratios, and the run's context (mode, machine).
pub fn json(sections: &[Section], run: serde_json::Value) -> String {
    let paths: Vec<serde_json::Value> = sections
        .iter()
        .map(|s| {
            let column = |name: &str, v: Option<f64>, unit: Unit| {
                serde_json::json!({
                    "column": name,
                    "value": v,
                    "unit": unit.name(),
                })
            };
            let rows: Vec<serde_json::Value> = s
                .rows
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "measure": r.measure,
                        "size": r.size,
                        "unit": r.unit.name(),
                        "higher_is_better": r.unit.higher_is_better(),
                        "columns": [
                            column("component", r.component, r.unit),
                            column("native", r.native, r.unit),
                            column("peer", r.peer, r.unit),
                        ],
                        "component": r.component,
                        "native": r.native,
                        "peer": r.peer,
                        "ratios": {
                            "component_over_native": r.ratio(r.native),
                            "component_over_peer": r.ratio(r.peer),
                        },
                    })
                })
                .collect();
            serde_json::json!({
                "path": s.path,
                "columns": {
                    "component": s.columns[0],
                    "native": s.columns[1],
                    "peer": s.columns[2],
                },
                "rows": rows,
                "notes": s.notes,
            })
        })
        .collect();
    let doc = serde_json::json!({
        "format": "audit-bench/1",
        "run": run,
        "paths": paths,
    });
    let mut text = serde_json::to_string_pretty(&doc).expect("a JSON value always serialises");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_json_report_carries_every_column_its_unit_and_the_ratios() {
        let sections = vec![Section {
            path: "verify",
            columns: ["component", "native", "peer"],
            rows: vec![
                Row::new(
                    "verify",
                    "10 events",
                    Unit::Rate("events"),
                    Some(50.0),
                    Some(100.0),
                    None,
                ),
                Row::new(
                    "diff",
                    "1 KB",
                    Unit::Time,
                    Some(2e-6),
                    Some(1e-6),
                    Some(4e-6),
                ),
            ],
            notes: vec!["same verdicts".into()],
        }];
        let doc: serde_json::Value =
            serde_json::from_str(&json(&sections, serde_json::json!({"mode": "tiny"}))).unwrap();
        assert_eq!(doc["format"], "audit-bench/1");
        assert_eq!(doc["run"]["mode"], "tiny");
        let rows = &doc["paths"][0]["rows"];
        assert_eq!(rows[0]["unit"], "events/s");
        assert_eq!(rows[0]["columns"][1]["value"], 100.0);
        assert_eq!(rows[0]["peer"], serde_json::Value::Null);
        assert_eq!(rows[0]["ratios"]["component_over_native"], 0.5);
        assert_eq!(
            rows[0]["ratios"]["component_over_peer"],
            serde_json::Value::Null
        );
        // Times: lower is better, so the ratio is theirs over ours.
        assert_eq!(rows[1]["unit"], "s");
        assert_eq!(rows[1]["higher_is_better"], false);
        assert_eq!(rows[1]["ratios"]["component_over_native"], 0.5);
        assert_eq!(rows[1]["ratios"]["component_over_peer"], 2.0);
        assert_eq!(doc["paths"][0]["notes"][0], "same verdicts");
    }
}
