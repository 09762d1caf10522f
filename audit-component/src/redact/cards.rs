//! Payment card numbers inside strings and numbers: 13 to 19 digits
//! passing the Luhn check, masked to the last four (and the first six from
//! 16 digits on, as PCI DSS 3.4.1 allows at most).

/// The text with every card number in it masked, or `None` when it holds
/// none.
pub fn mask_card(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    if bytes.len() < 13 || bytes.iter().filter(|b| b.is_ascii_digit()).count() < 13 {
        return None;
    }
    let mut out = String::with_capacity(s.len());
    let mut masked_any = false;
    let mut i = 0;
    let mut copied = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() || (i > 0 && bytes[i - 1].is_ascii_digit()) {
            i += 1;
            continue;
        }
        // A run of digits, single spaces or dashes allowed between them.
        let start = i;
        let mut end = i;
        let mut digits = Vec::new();
        let mut j = i;
        while j < bytes.len() {
            if bytes[j].is_ascii_digit() {
                digits.push(bytes[j] - b'0');
                j += 1;
                end = j;
            } else if (bytes[j] == b' ' || bytes[j] == b'-')
                && j + 1 < bytes.len()
                && bytes[j + 1].is_ascii_digit()
            {
                j += 1;
            } else {
                break;
            }
        }
        if is_card(&digits) {
            out.push_str(&s[copied..start]);
            out.push_str(&masked(&digits));
            copied = end;
            masked_any = true;
        }
        i = end.max(i + 1);
    }
    if !masked_any {
        return None;
    }
    out.push_str(&s[copied..]);
    Some(out)
}

fn is_card(digits: &[u8]) -> bool {
    (13..=19).contains(&digits.len()) && (2..=6).contains(&digits[0]) && luhn(digits)
}

fn luhn(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

fn masked(digits: &[u8]) -> String {
    let n = digits.len();
    let shown_head = if n >= 16 { 6 } else { 0 };
    digits
        .iter()
        .enumerate()
        .map(|(i, d)| {
            if i < shown_head || i >= n - 4 {
                char::from(b'0' + d)
            } else {
                '*'
            }
        })
        .collect()
}
