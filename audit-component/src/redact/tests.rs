use super::*;
use crate::json::node::{self, parse};
use sha2::{Digest, Sha256};

fn redacted(text: &str, rules: &Rules) -> String {
    let mut node = parse("x", text).unwrap();
    let mut r = Redactor::new(rules);
    r.redact(&mut node);
    let hidden = r.finish(&mut |_| Ok(None)).unwrap();
    let mut out = String::new();
    node::write(&node, &hidden, &mut out);
    out
}

#[test]
fn every_key_variant_is_sensitive() {
    let rules = Rules::default();
    for name in [
        "password",
        "Password",
        "PASSWORD",
        "new_password",
        "passwordConfirmation",
        "userpassword",
        "passwd",
        "secret",
        "client_secret",
        "clientSecret",
        "token",
        "accessToken",
        "refresh-token",
        "tokens",
        "api_key",
        "apiKey",
        "API-Key",
        "ApiKey",
        "x-api-key",
        "APIKEY",
        "api key",
        "authorization",
        "Authorization",
        "proxy_authorization",
        "cookie",
        "Cookie",
        "set-cookie",
        "Set-Cookie",
        "setCookie",
        "private_key",
        "privateKey",
        "ssn",
        "SSN",
        "card_number",
        "cardNumber",
        "credit_card_number",
        "cvv",
        "credentials",
        "passphrase",
    ] {
        assert_eq!(rules.classify(name), Class::Sensitive, "{name}");
    }
    for name in [
        "name",
        "email",
        "role",
        "passwordless",
        "business_name",
        "className",
        "tokenizer",
        "last_name",
        "secretary",
        "id",
        "keyboard",
        "cookie_consent_banner_text",
    ] {
        let class = rules.classify(name);
        // `cookie_consent_banner_text` holds the word cookie: sensitive is the
        // safe answer, and exceptions exist for it.
        if name.starts_with("cookie") {
            assert_eq!(class, Class::Sensitive, "{name}");
        } else {
            assert_eq!(class, Class::Plain, "{name}");
        }
    }
}

#[test]
fn extra_keys_and_exceptions() {
    let rules = Rules::new(&["pin".into(), "otp_seed".into()], &["csrf_token".into()]);
    assert_eq!(rules.classify("pin"), Class::Sensitive);
    assert_eq!(rules.classify("otpSeed"), Class::Sensitive);
    assert_eq!(rules.classify("csrfToken"), Class::Exempt);
    assert_eq!(rules.classify("csrf-token"), Class::Exempt);
    assert_eq!(rules.classify("access_token"), Class::Sensitive);
    assert_eq!(
        redacted(
            r#"{"csrf_token":"abc","inner":{"csrfToken":{"password":"p"}}}"#,
            &rules
        ),
        r#"{"csrf_token":"abc","inner":{"csrfToken":{"password":"[redacted]"}}}"#
    );
}

#[test]
fn values_are_hidden_at_any_depth_and_in_arrays() {
    let rules = Rules::default();
    let out = redacted(
        r#"{"users":[{"name":"a","password":"hunter2","keys":{"api_key":{"v":1}}}],"nothing":{"token":null}}"#,
        &rules,
    );
    assert_eq!(
        out,
        r#"{"nothing":{"token":null},"users":[{"keys":{"api_key":"[redacted]"},"name":"a","password":"[redacted]"}]}"#
    );
}

#[test]
fn tokens_and_card_numbers_are_found_by_value() {
    let rules = Rules::default();
    let jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
    let text = format!(
        r#"["{jwt}","see https://x.test/cb?t={jwt}","Bearer abcdefghijklmnop123","basic dXNlcjpwYXNz","Basic subscription","Bearer of bad news","4111 1111 1111 1111","card 5555-5555-5555-4444 declined",4111111111111111,378282246310005,1795000000000,"1795000000000","4111111111111112",9007199254740993]"#
    );
    let out = redacted(&text, &rules);
    assert_eq!(
        out,
        r#"["[redacted]","[redacted]","[redacted]","[redacted]","Basic subscription","Bearer of bad news","411111******1111","card 555555******4444 declined","411111******1111","***********0005",1795000000000,"1795000000000","4111111111111112",9007199254740993]"#
    );
    assert!(!out.contains("dozjg"));
}

#[test]
fn fingerprints_come_from_the_host() {
    let rules = Rules::default();
    let mut a = parse("x", r#"{"password":"same","token":"same","other":"x"}"#).unwrap();
    let mut r = Redactor::new(&rules);
    r.redact(&mut a);
    let mut seen = Vec::new();
    let hidden = r
        .finish(&mut |messages| {
            seen = messages.to_vec();
            Ok(Some(
                messages.iter().map(|m| Sha256::digest(m).into()).collect(),
            ))
        })
        .unwrap();
    assert_eq!(seen.len(), 2);
    assert!(seen.iter().all(|m| m.starts_with(FINGERPRINT_DOMAIN)));
    assert_eq!(&seen[0][FINGERPRINT_DOMAIN.len()..], b"\"same\"");
    assert_eq!(hidden[0].fingerprint, hidden[1].fingerprint);
    assert_eq!(hidden[0].fingerprint.as_ref().unwrap().len(), 64);
    // A host that answers with the wrong count is refused.
    let mut b = parse("x", r#"{"password":"p"}"#).unwrap();
    let mut r = Redactor::new(&rules);
    r.redact(&mut b);
    assert!(r.finish(&mut |_| Ok(Some(Vec::new()))).is_err());
}

#[test]
fn words_split_like_people_write_names() {
    assert_eq!(words("APIKey"), ["api", "key"]);
    assert_eq!(words("x-api-key"), ["x", "api", "key"]);
    assert_eq!(words("setCookie2"), ["set", "cookie2"]);
    assert_eq!(words("HTTPServerURL"), ["http", "server", "url"]);
    assert!(words("__").is_empty());
}

#[test]
fn a_short_bearer_token_is_a_credential_and_prose_is_not() {
    let rules = Rules::default();
    assert_eq!(
        redacted(
            r#"{"h":"Bearer xyz","i":"bearer a1","j":"Bearer tok","k":"Bearer of bad news"}"#,
            &rules
        ),
        r#"{"h":"[redacted]","i":"[redacted]","j":"[redacted]","k":"Bearer of bad news"}"#
    );
}

#[test]
fn an_exception_lifts_a_name_never_what_a_value_holds() {
    let rules = Rules::new(&[], &["csrf_token".into()]);
    assert_eq!(
        redacted(r#"{"csrf_token":"Bearer abc","csrfToken":"plain"}"#, &rules),
        r#"{"csrfToken":"plain","csrf_token":"[redacted]"}"#
    );
    for name in [
        "password",
        "Password",
        "API-Key",
        "apiKey",
        "set_cookie",
        "Authorization",
    ] {
        assert!(is_always_hidden(name), "{name}");
    }
    for name in ["password_policy", "csrf_token", "token_count"] {
        assert!(!is_always_hidden(name), "{name}");
    }
}
