//! Sensitive member names: the built-in terms and a tenant's own, matched
//! as whole words or as a name's ending, case and separators aside; and
//! the exceptions a tenant names.

/// The member names that are always sensitive.
pub const DEFAULT_KEYS: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "api_key",
    "access_key",
    "private_key",
    "authorization",
    "cookie",
    "set-cookie",
    "credentials",
    "ssn",
    "card_number",
    "cvv",
    "cvc",
];

/// Which member names are sensitive and which are exempt.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Rules {
    /// The tenant's extra terms as words (`api_key` is `["api", "key"]`),
    /// beyond [`DEFAULT_KEYS`].
    terms: Vec<Vec<String>>,
    /// The same terms with the words joined (`apikey`).
    joined: Vec<String>,
    /// Exempt names, folded (`csrftoken`).
    exceptions: Vec<String>,
}

/// The default terms, split into words once per process (they never
/// change), with their joined forms.
struct Defaults {
    terms: Vec<Vec<String>>,
    joined: Vec<String>,
    /// The joined terms by their first byte.
    by_first: Vec<Vec<usize>>,
    /// The first two bytes of every joined term, as a set of 65,536 bits:
    /// nearly every position of nearly every name starts no term, and this
    /// says so with one load instead of comparing it with each candidate
    /// (the test ran for every member of every document, and was a quarter
    /// of a diff's instructions before it).
    starts: Box<[u64; 1024]>,
}

fn defaults() -> &'static Defaults {
    static DEFAULTS: std::sync::OnceLock<Defaults> = std::sync::OnceLock::new();
    DEFAULTS.get_or_init(|| {
        let terms: Vec<Vec<String>> = DEFAULT_KEYS.iter().map(|t| words(t)).collect();
        let joined: Vec<String> = terms.iter().map(|w| w.concat()).collect();
        let mut by_first = vec![Vec::new(); 256];
        for (i, j) in joined.iter().enumerate() {
            if let Some(&b) = j.as_bytes().first() {
                by_first[b as usize].push(i);
            }
        }
        let mut starts = Box::new([0u64; 1024]);
        for j in &joined {
            // Every default term is at least two bytes long (a test holds
            // them so).
            if let [a, b, ..] = j.as_bytes() {
                let i = (usize::from(*a) << 8) | usize::from(*b);
                starts[i >> 6] |= 1 << (i & 63);
            }
        }
        Defaults {
            terms,
            joined,
            by_first,
            starts,
        }
    })
}

/// Whether `name`, case and separators aside, is one of [`DEFAULT_KEYS`]
/// (`Password`, `API-Key`): a name that is always hidden, which no
/// exception may lift.
pub fn is_always_hidden(name: &str) -> bool {
    let folded = words(name).concat();
    defaults().joined.iter().any(|j| *j == folded)
}

impl Rules {
    /// The default terms plus `extra`, minus the names in `exceptions`.
    pub fn new(extra: &[String], exceptions: &[String]) -> Self {
        let mut terms: Vec<Vec<String>> = Vec::new();
        for term in extra {
            let w = words(term);
            if !w.is_empty() && !terms.contains(&w) && !defaults().terms.contains(&w) {
                terms.push(w);
            }
        }
        let joined = terms.iter().map(|w| w.concat()).collect();
        let exceptions = exceptions.iter().map(|e| words(e).concat()).collect();
        Rules {
            terms,
            joined,
            exceptions,
        }
    }

    fn all_terms(&self) -> impl Iterator<Item = (&Vec<String>, &String)> {
        let d = defaults();
        d.terms
            .iter()
            .zip(&d.joined)
            .chain(self.terms.iter().zip(&self.joined))
    }

    /// What the rules say about a member name.
    pub fn classify(&self, name: &str) -> Class {
        let folded = fold(name);
        let folded_bytes = folded.as_bytes();
        if self.exceptions.iter().any(|e| e.as_bytes() == folded_bytes) {
            return Class::Exempt;
        }
        // Cheap first (this runs for every member of every document): a
        // name can only match a term it contains.
        if !self.contains_a_term(folded_bytes) {
            return Class::Plain;
        }
        let folded = folded.as_str();
        let name_words = words(name);
        for (term, joined) in self.all_terms() {
            if ends_with_term(folded, joined) || has_words(&name_words, term) {
                return Class::Sensitive;
            }
        }
        Class::Plain
    }

    fn contains_a_term(&self, folded: &[u8]) -> bool {
        let d = defaults();
        // Every default term is at least two bytes long, so a position
        // whose two bytes start none starts no default term: the two bytes
        // at each position, rolled into one index of the pair table.
        let mut defaults_here = false;
        if let Some((&first, rest)) = folded.split_first() {
            let mut pair = usize::from(first);
            for (i, &b) in rest.iter().enumerate() {
                pair = ((pair << 8) | usize::from(b)) & 0xffff;
                if d.starts[pair >> 6] & (1 << (pair & 63)) != 0
                    && d.by_first[pair >> 8]
                        .iter()
                        .any(|&t| folded[i..].starts_with(d.joined[t].as_bytes()))
                {
                    defaults_here = true;
                    break;
                }
            }
        }
        defaults_here
            || (!self.joined.is_empty()
                && (0..folded.len()).any(|i| {
                    self.joined
                        .iter()
                        .any(|t| folded[i..].starts_with(t.as_bytes()))
                }))
    }
}

/// How a member name is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Its value is hidden.
    Sensitive,
    /// Named in the exceptions.
    Exempt,
    /// Checked by value only.
    Plain,
}

/// The name lowercased with everything but letters and digits dropped.
/// Short ASCII names (nearly all) are folded on the stack: this runs for
/// every member of every document.
fn fold(name: &str) -> Folded<'_> {
    if name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        return Folded::Borrowed(name);
    }
    if name.len() <= 64 && name.is_ascii() {
        let mut buffer = [0u8; 64];
        let mut len = 0;
        for b in name.bytes().filter(u8::is_ascii_alphanumeric) {
            buffer[len] = b.to_ascii_lowercase();
            len += 1;
        }
        return Folded::Inline(buffer, len);
    }
    Folded::Owned(
        name.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect(),
    )
}

enum Folded<'n> {
    Borrowed(&'n str),
    Inline([u8; 64], usize),
    Owned(String),
}

impl Folded<'_> {
    fn as_bytes(&self) -> &[u8] {
        match self {
            Folded::Borrowed(s) => s.as_bytes(),
            Folded::Inline(b, len) => &b[..*len],
            Folded::Owned(s) => s.as_bytes(),
        }
    }

    fn as_str(&self) -> &str {
        match self {
            Folded::Borrowed(s) => s,
            // Only ASCII letters and digits were written.
            Folded::Inline(b, len) => std::str::from_utf8(&b[..*len]).unwrap_or(""),
            Folded::Owned(s) => s,
        }
    }
}

/// The lowercase words of a name: split at anything but letters and
/// digits, and at camelCase boundaries (`APIKey` is `api key`).
pub fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut out = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            continue;
        }
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1).copied();
        let boundary = c.is_uppercase()
            && prev.is_some_and(|p| {
                p.is_lowercase()
                    || p.is_numeric()
                    || (p.is_uppercase() && next.is_some_and(char::is_lowercase))
            });
        if boundary && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn ends_with_term(folded: &str, joined: &str) -> bool {
    folded.ends_with(joined)
        || folded
            .strip_suffix('s')
            .is_some_and(|f| f.ends_with(joined))
}

/// Whether `name` holds `term`'s words in a row (the last may be plural).
fn has_words(name: &[String], term: &[String]) -> bool {
    if term.is_empty() || name.len() < term.len() {
        return false;
    }
    name.windows(term.len()).any(|window| {
        let last = term.len() - 1;
        window[..last] == term[..last]
            && (window[last] == term[last]
                || window[last].strip_suffix('s') == Some(term[last].as_str()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_term_is_long_enough_for_the_pair_test_and_found() {
        let rules = Rules::default();
        for key in DEFAULT_KEYS {
            assert!(words(key).concat().len() >= 2, "{key}");
            assert_eq!(rules.classify(key), Class::Sensitive, "{key}");
            assert_eq!(
                rules.classify(&format!("user_{key}")),
                Class::Sensitive,
                "{key}"
            );
        }
        assert_eq!(rules.classify("first_name"), Class::Plain);
        assert_eq!(rules.classify("s"), Class::Plain);
        let extra = Rules::new(&["pin".into()], &[]);
        assert_eq!(extra.classify("card_pin"), Class::Sensitive);
        assert_eq!(rules.classify("card_pin"), Class::Plain);
    }
}
