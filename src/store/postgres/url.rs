//! Database URLs in messages: shown without their password, and driver messages scrubbed of
//! it in case one ever quotes it.

/// The URL as it may be shown: `postgres://user:***@host/db`. A key-value string loses its
/// `password=` value.
pub fn redact_url(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://") {
        let (authority, tail) = match rest.find(['/', '?']) {
            Some(i) => rest.split_at(i),
            None => (rest, ""),
        };
        if let Some((userinfo, host)) = authority.rsplit_once('@') {
            let user = userinfo.split(':').next().unwrap_or("");
            let hidden = if userinfo.contains(':') { ":***" } else { "" };
            let tail = hide_query_password(tail);
            return format!("{scheme}://{user}{hidden}@{host}{tail}");
        }
        return format!("{scheme}://{authority}{}", hide_query_password(tail));
    }
    url.split_whitespace()
        .map(|part| match part.split_once('=') {
            Some((key, _)) if key.eq_ignore_ascii_case("password") => "password=***".to_owned(),
            _ => part.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `?password=...` in a URL's query, hidden.
fn hide_query_password(tail: &str) -> String {
    let Some((path, query)) = tail.split_once('?') else {
        return tail.to_owned();
    };
    let query: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((key, _)) if key.eq_ignore_ascii_case("password") => "password=***".to_owned(),
            _ => pair.to_owned(),
        })
        .collect();
    format!("{path}?{}", query.join("&"))
}

/// `message` with any password of `url` cut out, in case a driver message quotes it.
pub(super) fn hide_password(url: &str, message: &str) -> String {
    let mut message = message.to_owned();
    for password in passwords_in(url) {
        if !password.is_empty() {
            message = message.replace(&password, "***");
        }
    }
    message
}

/// The password(s) a URL or key-value string holds, as written.
fn passwords_in(url: &str) -> Vec<String> {
    let mut found = Vec::new();
    if let Some((_, rest)) = url.split_once("://") {
        let authority = rest.split(['/', '?']).next().unwrap_or("");
        if let Some((userinfo, _)) = authority.rsplit_once('@')
            && let Some((_, password)) = userinfo.split_once(':')
        {
            found.push(password.to_owned());
        }
    }
    for part in url.split(['&', '?', ' ']) {
        if let Some((key, value)) = part.split_once('=')
            && key.eq_ignore_ascii_case("password")
        {
            found.push(value.to_owned());
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_shown_without_their_password() {
        assert_eq!(
            redact_url("postgres://bc:s3cr%40t@db.example:5432/backcheck?sslmode=disable"),
            "postgres://bc:***@db.example:5432/backcheck?sslmode=disable"
        );
        assert_eq!(
            redact_url("postgresql://bc@localhost/bc"),
            "postgresql://bc@localhost/bc"
        );
        assert_eq!(
            redact_url("postgres://localhost/bc?user=bc&password=hunter2"),
            "postgres://localhost/bc?user=bc&password=***"
        );
        assert_eq!(
            redact_url("host=localhost user=bc password=hunter2 dbname=bc"),
            "host=localhost user=bc password=*** dbname=bc"
        );
        assert_eq!(
            hide_password("postgres://bc:hunter2@h/db", "login hunter2 refused"),
            "login *** refused"
        );
    }
}
