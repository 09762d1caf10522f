//! Filters: what a host asks for ([`Filter`], the WIT `filter`), checked
//! once into a [`Compiled`] filter that every read and export applies with
//! the same meaning, whatever the host.
//!
//! Matching happens in three steps, cheapest first: the store applies the
//! time range (the only part it indexes); [`Compiled::may_match`] rejects a
//! stored row from its raw canonical JSON without decoding it (a necessary
//! condition only); [`Compiled::matches`] decides on the decoded event.

use crate::catalog::classify::CHANGE_TYPES;
use crate::core::error::{Error, Result};
use crate::core::fields;
use crate::core::limits::{MAX_ID_BYTES, MAX_NAME_BYTES};
use crate::core::model::{Event, Outcome};
use crate::core::{ip, time};
use crate::json::canonical;
use crate::read::keyword::Keyword;
use chrono::{DateTime, Utc};
use ipnet::IpNet;
use memchr::memmem;
use serde::Serialize;
use std::net::IpAddr;

/// Filter text other than ids (keyword, name, category, ...), in bytes.
pub const MAX_FILTER_TEXT_BYTES: usize = 256;

/// A filter as a host writes it (the WIT `filter`). Every present field must
/// match. Its serde form (absent fields left out) is what `audit_log.viewed`
/// and `audit_log.exported` events record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Filter {
    /// Tenant.
    pub tenant: String,
    /// From this time, inclusive.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    /// Before this time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    /// Exact actor id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor_id: Option<String>,
    /// Exact action, or `entity.*`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// Text in the actor's display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor_name: Option<String>,
    /// Exact category.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Exact change type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change_type: Option<String>,
    /// A target of this kind.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_kind: Option<String>,
    /// With `target_kind`: a target of that kind and this id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_id: Option<String>,
    /// The outcome.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
    /// An address, or a CIDR block.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    /// A keyword searched in every text field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

impl Filter {
    /// A filter for every event of `tenant`.
    pub fn tenant(tenant: &str) -> Self {
        Filter {
            tenant: tenant.to_string(),
            ..Filter::default()
        }
    }
}

enum ActionMatch {
    Exact(String),
    Prefix(String),
}

enum IpMatch {
    Exact(String),
    Block(IpNet),
}

/// A filter checked and ready to match.
pub struct Compiled {
    since: Option<DateTime<Utc>>,
    until: Option<DateTime<Utc>>,
    actor_id: Option<String>,
    action: Option<ActionMatch>,
    actor_name: Option<String>,
    category: Option<String>,
    change_type: Option<String>,
    target_kind: Option<String>,
    target_id: Option<String>,
    outcome: Option<Outcome>,
    ip: Option<IpMatch>,
    keyword: Option<Keyword>,
    /// Byte strings a matching row's canonical body must contain (its
    /// `"member":"value"` pairs); a row without one of them cannot match.
    needles: Vec<memmem::Finder<'static>>,
}

impl Compiled {
    /// Checks every field; errors name it (`filter.ip: ...`).
    pub fn new(f: &Filter) -> Result<Self> {
        fields::tenant(&f.tenant).map_err(|e| e.within("filter"))?;
        sizes(f)?;
        let bound = |field: &str, v: &Option<String>| -> Result<Option<DateTime<Utc>>> {
            v.as_deref()
                .map(|t| {
                    time::parse_bound(t)
                        .map_err(|why| Error::invalid(format!("filter.{field}"), why))
                })
                .transpose()
        };
        let mut needles = Vec::new();
        let mut member = |name: &str, value: &str, closed: bool| {
            let mut needle = String::new();
            canonical::write_string(name, &mut needle);
            needle.push(':');
            canonical::write_string(value, &mut needle);
            if !closed {
                needle.pop();
            }
            needles.push(memmem::Finder::new(needle.as_bytes()).into_owned());
        };
        let action = match f.action.as_deref() {
            None => None,
            Some(a) => match a.strip_suffix(".*") {
                Some(entity) => {
                    fields::action(&format!("{entity}.x")).map_err(|_| {
                        Error::invalid(
                            "filter.action",
                            "must be an action name or entity.* (such as user.*)",
                        )
                    })?;
                    member("action", &format!("{entity}."), false);
                    Some(ActionMatch::Prefix(format!("{entity}.")))
                }
                None => {
                    fields::action(a).map_err(|e| e.within("filter"))?;
                    member("action", a, true);
                    Some(ActionMatch::Exact(a.to_string()))
                }
            },
        };
        for (field, value) in [
            ("filter.actor_id", &f.actor_id),
            ("filter.target_id", &f.target_id),
        ] {
            if value.as_deref().is_some_and(str::is_empty) {
                return Err(Error::invalid(field, "must not be empty"));
            }
        }
        if let Some(id) = &f.actor_id {
            member("id", id, true);
        }
        let actor_name = f.actor_name.as_deref().map(name_search).transpose()?;
        if let Some(c) = &f.category {
            token("filter.category", c)?;
            member("category", c, true);
        }
        if let Some(t) = &f.change_type {
            if !CHANGE_TYPES.contains(&t.as_str()) {
                return Err(Error::invalid(
                    "filter.change_type",
                    format!("must be one of {}", CHANGE_TYPES.join(", ")),
                ));
            }
            member("change_type", t, true);
        }
        if let Some(k) = &f.target_kind {
            token("filter.target_kind", k)?;
            member("kind", k, true);
        }
        if let Some(id) = &f.target_id {
            if f.target_kind.is_none() {
                return Err(Error::invalid(
                    "filter.target_id",
                    "needs filter.target_kind (a target is named by kind and id)",
                ));
            }
            member("id", id, true);
        }
        if let Some(o) = f.outcome {
            member("outcome", o.as_str(), true);
        }
        let ip = f.ip.as_deref().map(ip_match).transpose()?;
        let keyword = match f.text.as_deref() {
            None => None,
            Some(t) => Some(Keyword::new(t).map_err(|why| Error::invalid("filter.text", why))?),
        };
        let c = Compiled {
            since: bound("since", &f.since)?,
            until: bound("until", &f.until)?,
            actor_id: f.actor_id.clone(),
            action,
            actor_name,
            category: f.category.clone(),
            change_type: f.change_type.clone(),
            target_kind: f.target_kind.clone(),
            target_id: f.target_id.clone(),
            outcome: f.outcome,
            ip,
            keyword,
            needles,
        };
        if let (Some(s), Some(u)) = (c.since, c.until)
            && s >= u
        {
            return Err(Error::invalid(
                "filter.until",
                "must be later than filter.since",
            ));
        }
        Ok(c)
    }

    /// The time range as the store's bounds: microseconds, the lower one
    /// rounded down and the upper one up, so that the store over-selects
    /// and never under-selects.
    pub fn store_bounds(&self) -> (Option<i64>, Option<i64>) {
        (
            self.since.map(time::micros),
            self.until.map(time::micros_ceil),
        )
    }

    /// The store's bounds when they select exactly the matching rows: the
    /// filter tests nothing but the time range, and its ends fall on whole
    /// microseconds (as stored `occurred_at_us` values are rounded down, a
    /// whole-microsecond bound compares the same rounded or not). A count of
    /// such a filter is the store's count.
    pub fn exact_store_bounds(&self) -> Option<(Option<i64>, Option<i64>)> {
        let whole =
            |t: &Option<DateTime<Utc>>| t.is_none_or(|t| time::micros(t) == time::micros_ceil(t));
        (!self.selective() && self.target_id.is_none() && whole(&self.since) && whole(&self.until))
            .then(|| self.store_bounds())
    }

    /// Whether the filter tests more than the time range, so that many
    /// rows the store hands back may be skipped.
    pub fn selective(&self) -> bool {
        self.actor_id.is_some()
            || self.action.is_some()
            || self.actor_name.is_some()
            || self.category.is_some()
            || self.change_type.is_some()
            || self.target_kind.is_some()
            || self.outcome.is_some()
            || self.ip.is_some()
            || self.keyword.is_some()
    }

    /// False when the stored body (canonical JSON) cannot match; true means
    /// only "decode and check".
    pub fn may_match(&self, body: &str) -> bool {
        let bytes = body.as_bytes();
        self.needles.iter().all(|n| n.find(bytes).is_some())
            && self.keyword.as_ref().is_none_or(|k| k.may_match(body))
    }

    /// Whether a stored `occurred_at` is within the time range.
    pub fn in_time_range(&self, seq: u64, occurred_at: &str) -> Result<bool> {
        if self.since.is_none() && self.until.is_none() {
            return Ok(true);
        }
        let at = time::parse(occurred_at)
            .map_err(|_| Error::Store(format!("stored event {seq} has a malformed occurred_at")))?;
        Ok(!(self.since.is_some_and(|s| at < s) || self.until.is_some_and(|u| at >= u)))
    }

    /// Whether a decoded event matches every field.
    pub fn matches(&self, e: &Event) -> Result<bool> {
        if !self.in_time_range(e.seq, &e.occurred_at)? {
            return Ok(false);
        }
        if self.actor_id.as_ref().is_some_and(|id| *id != e.actor.id) {
            return Ok(false);
        }
        let action_ok = match &self.action {
            None => true,
            Some(ActionMatch::Exact(a)) => *a == e.action,
            Some(ActionMatch::Prefix(p)) => e.action.starts_with(p.as_str()),
        };
        if !action_ok {
            return Ok(false);
        }
        if let Some(needle) = &self.actor_name {
            let shown = e.actor.name.as_deref().unwrap_or(&e.actor.id);
            if !squeeze_lower(shown).contains(needle.as_str()) {
                return Ok(false);
            }
        }
        if self.category.as_ref().is_some_and(|c| *c != e.category)
            || self
                .change_type
                .as_ref()
                .is_some_and(|c| *c != e.change_type)
            || self.outcome.is_some_and(|o| o != e.outcome)
        {
            return Ok(false);
        }
        if let Some(kind) = &self.target_kind {
            let hit = e
                .targets
                .iter()
                .any(|t| t.kind == *kind && self.target_id.as_ref().is_none_or(|id| *id == t.id));
            if !hit {
                return Ok(false);
            }
        }
        if let Some(m) = &self.ip {
            let hit = match (m, e.context.ip.as_deref()) {
                (_, None) => false,
                (IpMatch::Exact(a), Some(b)) => a == b,
                (IpMatch::Block(net), Some(b)) => {
                    b.parse::<IpAddr>().is_ok_and(|a| net.contains(&a))
                }
            };
            if !hit {
                return Ok(false);
            }
        }
        Ok(self.keyword.as_ref().is_none_or(|k| k.matches(e)))
    }
}

/// Every filter field within its size, before anything is parsed.
fn sizes(f: &Filter) -> Result<()> {
    let fields = [
        ("since", &f.since, MAX_NAME_BYTES),
        ("until", &f.until, MAX_NAME_BYTES),
        ("actor_id", &f.actor_id, MAX_ID_BYTES),
        ("action", &f.action, MAX_NAME_BYTES),
        ("actor_name", &f.actor_name, MAX_FILTER_TEXT_BYTES),
        ("category", &f.category, MAX_NAME_BYTES),
        ("change_type", &f.change_type, MAX_NAME_BYTES),
        ("target_kind", &f.target_kind, MAX_NAME_BYTES),
        ("target_id", &f.target_id, MAX_ID_BYTES),
        ("ip", &f.ip, MAX_NAME_BYTES),
        ("text", &f.text, MAX_FILTER_TEXT_BYTES),
    ];
    for (name, value, limit) in fields {
        if let Some(v) = value
            && v.len() > limit
        {
            return Err(Error::too_large(
                format!("filter.{name}"),
                limit,
                v.len(),
                "bytes",
            ));
        }
    }
    Ok(())
}

/// A category or a target kind: lowercase letters, digits and `_`.
fn token(field: &str, value: &str) -> Result<()> {
    let ok = !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(
            field,
            "must be lowercase letters, digits and _ (such as user)",
        ))
    }
}

/// The name search audit-log pages offer: only letters, digits, whitespace
/// and underscores, so that nothing in it can be read as syntax by any
/// layer. Returns the text lowercased, whitespace runs squeezed to one space.
fn name_search(text: &str) -> Result<String> {
    if !text
        .chars()
        .all(|c| c.is_alphanumeric() || c.is_whitespace() || c == '_')
    {
        return Err(Error::invalid(
            "filter.actor_name",
            "use only letters, digits, whitespace or underscores",
        ));
    }
    let squeezed = squeeze_lower(text);
    if squeezed.is_empty() {
        return Err(Error::invalid(
            "filter.actor_name",
            "must contain a letter or a digit",
        ));
    }
    Ok(squeezed)
}

/// Lowercase, with every run of whitespace as one space and none at the ends.
fn squeeze_lower(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

/// An address (compared in canonical form) or a CIDR block.
fn ip_match(text: &str) -> Result<IpMatch> {
    if !text.contains('/') {
        return ip::canonical(text)
            .map(IpMatch::Exact)
            .map_err(|why| Error::invalid("filter.ip", why));
    }
    let net: IpNet = text.parse().map_err(|_| {
        Error::invalid(
            "filter.ip",
            "not an IP address or CIDR block (such as 203.0.113.0/24 or 2001:db8::/32)",
        )
    })?;
    // Stored addresses are canonical: an IPv4-mapped IPv6 address is stored
    // as the IPv4 address it carries, so a block of mapped addresses is
    // matched as the IPv4 block it maps.
    if let IpNet::V6(v6) = net
        && v6.prefix_len() >= 96
        && let Some(v4) = v6.network().to_ipv4_mapped()
        && let Ok(block) = ipnet::Ipv4Net::new(v4, v6.prefix_len() - 96)
    {
        return Ok(IpMatch::Block(IpNet::V4(block)));
    }
    Ok(IpMatch::Block(net))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(f: impl FnOnce(&mut Filter)) -> String {
        let mut filter = Filter::tenant("acme");
        f(&mut filter);
        match Compiled::new(&filter) {
            Ok(_) => "accepted".into(),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn the_name_search_takes_only_letters_digits_whitespace_and_underscores() {
        assert_eq!(
            refused(|f| f.actor_name = Some("Ana;DROP".into())),
            "filter.actor_name: use only letters, digits, whitespace or underscores"
        );
        assert_eq!(
            refused(|f| f.actor_name = Some("Ana_Admin 2".into())),
            "accepted"
        );
        assert_eq!(
            refused(|f| f.actor_name = Some("José Ñúñez".into())),
            "accepted"
        );
        for bad in ["a'b", "a%", "a-b", "a.b", "\"", "a\u{0}"] {
            assert!(
                refused(|f| f.actor_name = Some(bad.into())).starts_with("filter.actor_name:"),
                "{bad:?}"
            );
        }
        assert!(refused(|f| f.actor_name = Some("   ".into())).starts_with("filter.actor_name"));
    }

    #[test]
    fn each_bad_field_is_named() {
        assert!(
            refused(|f| f.change_type = Some("edited".into()))
                .starts_with("filter.change_type: must be one of created, updated")
        );
        assert!(refused(|f| f.category = Some("User".into())).starts_with("filter.category:"));
        assert!(refused(|f| f.target_kind = Some("a b".into())).starts_with("filter.target_kind:"));
        assert!(refused(|f| f.target_id = Some("u_1".into())).starts_with("filter.target_id:"));
        assert!(refused(|f| f.ip = Some("1.2.3.4/33".into())).starts_with("filter.ip:"));
        assert!(refused(|f| f.ip = Some("010.1.1.1".into())).starts_with("filter.ip:"));
        assert!(refused(|f| f.ip = Some("fe80::1%eth0".into())).starts_with("filter.ip:"));
        assert!(refused(|f| f.text = Some(String::new())).starts_with("filter.text:"));
        assert_eq!(
            refused(|f| f.text = Some("x".repeat(300))),
            "filter.text: 300 bytes, over the limit of 256 bytes"
        );
        assert!(refused(|f| f.tenant = "a b".into()).starts_with("filter.tenant:"));
    }

    #[test]
    fn mapped_blocks_match_ipv4_addresses() {
        let mut f = Filter::tenant("acme");
        f.ip = Some("::ffff:203.0.113.0/120".into());
        let c = Compiled::new(&f).unwrap();
        match c.ip {
            Some(IpMatch::Block(IpNet::V4(n))) => assert_eq!(n.to_string(), "203.0.113.0/24"),
            _ => panic!("expected an IPv4 block"),
        }
    }

    #[test]
    fn squeezing() {
        assert_eq!(squeeze_lower("  Ana \t  ADMIN "), "ana admin");
    }
}
