//! Credentials inside strings: JWTs (`eyJ...`, three base64url parts) and
//! `Authorization` values (`Bearer ...`, `Basic ...`).

fn is_base64url(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

/// A JWT (JWS or JWE compact form) anywhere in the text: `eyJ` starting a
/// base64url part, then at least two more parts joined by dots.
pub(super) fn holds_jwt(s: &str) -> bool {
    let bytes = s.as_bytes();
    // memchr's substring search, its searcher made once: most strings
    // hold no `eyJ` at all.
    static FINDER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"eyJ"));
    for at in FINDER.find_iter(bytes) {
        if at > 0 && is_base64url(bytes[at - 1]) {
            continue;
        }
        let mut parts = Vec::new();
        let mut i = at;
        loop {
            let start = i;
            while i < bytes.len() && is_base64url(bytes[i]) {
                i += 1;
            }
            parts.push(i - start);
            if i < bytes.len() && bytes[i] == b'.' && parts.len() < 5 {
                i += 1;
            } else {
                break;
            }
        }
        // header.payload.signature (the signature may be empty: alg none).
        if parts.len() >= 3 && parts[0] >= 10 && parts[1] >= 2 {
            return true;
        }
    }
    false
}

/// An HTTP `Authorization` credential anywhere in the text: `Bearer` and a
/// token, or `Basic` and base64 that does not read as an ordinary word
/// (`Basic plan` is not one). No length makes a token safe: a `Bearer`
/// token of any length is a credential (`Bearer xyz`), unless it is a short
/// lowercase word that prose goes on after (`Bearer of bad news`): fewer
/// than 8 letters, no digit, capital or symbol, and another word after it.
pub(super) fn holds_credential(s: &str) -> bool {
    let bytes = s.as_bytes();
    // Look only where a scheme could end: at the spaces.
    for space in memchr::memchr_iter(b' ', bytes) {
        // Both schemes end in `r` or `c` before the space: most spaces (in
        // prose, in user agents) end no scheme.
        if space == 0 || !matches!(bytes[space - 1] | 0x20, b'r' | b'c') {
            continue;
        }
        for (scheme, min) in [("bearer ", 1), ("basic ", 4)] {
            let Some(at) = (space + 1).checked_sub(scheme.len()) else {
                continue;
            };
            if !bytes[at..=space].eq_ignore_ascii_case(scheme.as_bytes())
                || (at > 0 && bytes[at - 1].is_ascii_alphanumeric())
            {
                continue;
            }
            let rest = &s[space + 1..];
            let token: &str = rest
                .split(|c: char| !(c.is_ascii_alphanumeric() || "-._~+/=".contains(c)))
                .next()
                .unwrap_or("");
            if token.len() < min {
                continue;
            }
            let credential_like = if scheme == "bearer " {
                !prose_word(token, &rest[token.len()..])
            } else {
                token.len().is_multiple_of(4)
                    && token
                        .bytes()
                        .any(|b| b.is_ascii_digit() || b.is_ascii_uppercase() || b == b'=')
            };
            if credential_like {
                return true;
            }
        }
    }
    false
}

/// Whether the word after `Bearer` reads as prose rather than a token: a
/// short lowercase word, with another word after it.
fn prose_word(token: &str, after: &str) -> bool {
    token.len() < 8
        && token.bytes().all(|b| b.is_ascii_lowercase())
        && after
            .strip_prefix(' ')
            .is_some_and(|rest| rest.chars().next().is_some_and(|c| c.is_alphabetic()))
}
