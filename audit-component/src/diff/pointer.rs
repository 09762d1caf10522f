//! JSON Pointers (RFC 6901), built one segment at a time while the diff
//! walks a document.

/// Appends `/` and a member name with `~` written `~0` and `/` written `~1`
/// (in that order of concern: a name `~1` becomes `~01`, never `/`).
pub fn push_name(path: &mut String, name: &str) {
    path.push('/');
    if !name.contains(['~', '/']) {
        path.push_str(name);
        return;
    }
    for c in name.chars() {
        match c {
            '~' => path.push_str("~0"),
            '/' => path.push_str("~1"),
            c => path.push(c),
        }
    }
}

/// Appends `/` and an array index.
pub fn push_index(path: &mut String, index: usize) {
    use std::fmt::Write;
    let _ = write!(path, "/{index}");
}

/// The pointer of a top-level member.
pub fn pointer(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 1);
    push_name(&mut out, name);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_follow_rfc_6901() {
        assert_eq!(pointer("a/b~c"), "/a~1b~0c");
        assert_eq!(pointer("~1"), "/~01");
        assert_eq!(pointer(""), "/");
        assert_eq!(pointer("__proto__"), "/__proto__");
        let mut p = pointer("list");
        push_index(&mut p, 10);
        assert_eq!(p, "/list/10");
    }
}
