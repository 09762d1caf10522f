//! Client IP addresses: one address, parsed strictly and written in
//! canonical form, so that the same client always reads the same.

use std::net::IpAddr;

/// Parses one IP address and returns its canonical text: IPv4 dotted quad,
/// IPv6 in RFC 5952 compressed lowercase form, and an IPv4-mapped IPv6
/// address (`::ffff:1.2.3.4`) as the IPv4 address it carries. Refuses, with
/// the reason: empty text, lists, ports, zone ids, leading zeros and
/// anything else that is not exactly one address.
pub fn canonical(text: &str) -> Result<String, &'static str> {
    if text.is_empty() {
        return Err("empty; leave the field out when the address is unknown");
    }
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err("empty; leave the field out when the address is unknown");
    }
    if trimmed != text && !trimmed.contains(char::is_whitespace) && !trimmed.contains(',') {
        // Refused rather than trimmed: what is stored is what was given.
        return Err("whitespace around the address; send the address alone");
    }
    if text.contains(',') || text.contains(char::is_whitespace) {
        return Err("must be one address, not a list (pick the client from X-Forwarded-For first)");
    }
    if text.contains('%') {
        return Err("zone ids (`%eth0`) are not accepted");
    }
    match text.parse::<IpAddr>() {
        Ok(addr) => Ok(addr.to_canonical().to_string()),
        Err(_) if looks_like_port(text) => Err("must be an address without a port"),
        Err(_) if looks_like_zero_padded_v4(text) => Err(
            "IPv4 octets with leading zeros are ambiguous (octal or decimal); write them without",
        ),
        Err(_) => Err("not an IP address"),
    }
}

fn looks_like_port(text: &str) -> bool {
    if let Some(rest) = text.strip_prefix('[') {
        return rest.contains("]:");
    }
    match text.rsplit_once(':') {
        Some((host, port)) => {
            !port.is_empty()
                && port.bytes().all(|b| b.is_ascii_digit())
                && host.parse::<std::net::Ipv4Addr>().is_ok()
        }
        None => false,
    }
}

fn looks_like_zero_padded_v4(text: &str) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    parts.len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()))
        && parts.iter().any(|p| p.len() > 1 && p.starts_with('0'))
}

#[cfg(test)]
mod tests {
    use super::canonical;

    #[test]
    fn canonical_forms() {
        assert_eq!(canonical("203.0.113.9").unwrap(), "203.0.113.9");
        assert_eq!(canonical("2001:DB8:0:0:0:0:0:1").unwrap(), "2001:db8::1");
        assert_eq!(canonical("2001:db8::1").unwrap(), "2001:db8::1");
        assert_eq!(canonical("::ffff:1.2.3.4").unwrap(), "1.2.3.4");
        assert_eq!(canonical("::1").unwrap(), "::1");
    }

    #[test]
    fn refusals_say_why() {
        assert!(canonical("").unwrap_err().contains("empty"));
        assert!(canonical("1.2.3.4, 5.6.7.8").unwrap_err().contains("list"));
        assert!(canonical("1.2.3.4:8080").unwrap_err().contains("port"));
        assert!(canonical("[::1]:443").unwrap_err().contains("port"));
        assert!(canonical("fe80::1%eth0").unwrap_err().contains("zone"));
        assert!(
            canonical("010.001.001.001")
                .unwrap_err()
                .contains("leading zeros")
        );
        assert_eq!(canonical("unknown").unwrap_err(), "not an IP address");
        assert_eq!(canonical("1.2.3.256").unwrap_err(), "not an IP address");
        assert_eq!(canonical("1.2.3").unwrap_err(), "not an IP address");
        for padded in [" 1.2.3.4", "1.2.3.4 ", "\t::1\n"] {
            assert!(
                canonical(padded).unwrap_err().contains("whitespace around"),
                "{padded:?}"
            );
        }
        assert!(canonical("   ").unwrap_err().contains("empty"));
        assert!(canonical(" 1.2.3.4 5.6.7.8").unwrap_err().contains("list"));
    }
}
