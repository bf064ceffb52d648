//! Time zones from what people type: an IANA name ("Europe/Berlin"), a city ("new york"), or
//! their local time ("it's 14:35"), which picks the zones with that offset right now.

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::understand::Understanding;

/// Zones offered first when several share an offset: the most populous places.
const POPULAR: [&str; 40] = [
    "Europe/London",
    "Europe/Berlin",
    "Europe/Paris",
    "Europe/Madrid",
    "Europe/Rome",
    "Europe/Amsterdam",
    "Europe/Warsaw",
    "Europe/Athens",
    "Europe/Kyiv",
    "Europe/Istanbul",
    "Europe/Moscow",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "America/Toronto",
    "America/Mexico_City",
    "America/Bogota",
    "America/Lima",
    "America/Sao_Paulo",
    "America/Argentina/Buenos_Aires",
    "America/Santiago",
    "Pacific/Honolulu",
    "Africa/Lagos",
    "Africa/Cairo",
    "Africa/Johannesburg",
    "Africa/Nairobi",
    "Asia/Dubai",
    "Asia/Karachi",
    "Asia/Kolkata",
    "Asia/Dhaka",
    "Asia/Bangkok",
    "Asia/Shanghai",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Australia/Perth",
    "Pacific/Auckland",
];

/// How many zones to offer when several fit.
const MAX_CANDIDATES: usize = 6;

/// What a typed time zone answer resolved to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    One(String),
    Several(Vec<String>),
    Unknown,
}

/// Lowercase, spaces and dashes as underscores: how city names appear in zone names.
fn norm(s: &str) -> String {
    s.trim()
        .to_lowercase()
        .chars()
        .map(|c| if c == ' ' || c == '-' { '_' } else { c })
        .collect()
}

/// The city part of a zone name ("New_York" of "America/New_York").
fn city(zone: &str) -> &str {
    zone.rsplit('/').next().unwrap_or(zone)
}

/// A zone's button label with the region named in the user's language ("Berlin (Europa)"),
/// from questions.toml's time_zone.regions; a region not listed keeps its English name.
pub fn label_in(zone: &str, regions: &std::collections::BTreeMap<String, String>) -> String {
    match zone.split_once('/') {
        Some((region, _)) => {
            let region = regions.get(region).map_or(region, String::as_str);
            format!("{} ({region})", city(zone).replace('_', " "))
        }
        None => zone.to_string(),
    }
}

/// Whether `text` names the city of `zone` (to pick among offered zones by typing).
pub fn matches_city(zone: &str, text: &str) -> bool {
    let t = norm(text);
    !t.is_empty() && (norm(city(zone)) == t || norm(zone) == t)
}

/// Zones of the database that people pick: "Region/City", not legacy aliases.
fn canonical(name: &str) -> bool {
    const REGIONS: [&str; 10] = [
        "Africa/",
        "America/",
        "Antarctica/",
        "Asia/",
        "Atlantic/",
        "Australia/",
        "Europe/",
        "Indian/",
        "Pacific/",
        "Arctic/",
    ];
    REGIONS.iter().any(|r| name.starts_with(r))
}

/// Reads a typed time zone: an IANA name, a city, UTC, or the user's local time.
pub fn resolve(text: &str, now: Timestamp, u: &Understanding) -> Resolved {
    let t = norm(text);
    let t = t.trim_matches('_');
    if t.is_empty() || t.len() > 64 {
        return Resolved::Unknown;
    }
    if matches!(t, "utc" | "gmt" | "z" | "etc/utc") {
        return Resolved::One("UTC".to_string());
    }
    let names: Vec<String> = jiff::tz::db().available().map(|n| n.to_string()).collect();
    if let Some(exact) = names.iter().find(|n| norm(n) == t) {
        return Resolved::One(exact.clone());
    }
    let by_city: Vec<&String> = names
        .iter()
        .filter(|n| canonical(n) && norm(city(n)) == t)
        .collect();
    match by_city.as_slice() {
        [one] => return Resolved::One((*one).clone()),
        [] => {}
        several => {
            return Resolved::Several(
                several
                    .iter()
                    .take(MAX_CANDIDATES)
                    .map(|s| (*s).clone())
                    .collect(),
            );
        }
    }
    if !text.chars().any(|c| c.is_ascii_digit()) && !text.contains("noon") {
        return Resolved::Unknown;
    }
    match u.clock_time(&time_part(text)) {
        Some(local) => by_local_time(local, now, &names),
        None => Resolved::Unknown,
    }
}

/// The time in "it's 2:35 pm here": from the first word with a digit, with "am"/"pm".
fn time_part(text: &str) -> String {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    let Some(i) = words
        .iter()
        .position(|w| w.chars().any(|c| c.is_ascii_digit()))
    else {
        return lower;
    };
    let mut part = words[i].to_string();
    if let Some(next) = words.get(i + 1)
        && matches!(
            next.trim_end_matches(['.', ',', '!']),
            "am" | "pm" | "a.m" | "p.m"
        )
    {
        part.push(' ');
        part.push_str(next);
    }
    part
}

/// How far the user's clock may be from a zone's for that zone to count (people round).
const CLOCK_SLACK_MINUTES: i32 = 20;

/// The zones whose clocks show about `local` at `now`: the offset closest to what the user
/// said, within `CLOCK_SLACK_MINUTES`, popular places first.
fn by_local_time(local: jiff::civil::Time, now: Timestamp, names: &[String]) -> Resolved {
    let utc = now.to_zoned(TimeZone::UTC).time();
    let minutes = |t: jiff::civil::Time| i32::from(t.hour()) * 60 + i32::from(t.minute());
    let mut diff = minutes(local) - minutes(utc);
    // Offsets run from -12:00 to +14:00; wrap the day around into that range.
    if diff <= -12 * 60 {
        diff += 24 * 60;
    }
    if diff > 14 * 60 {
        diff -= 24 * 60;
    }
    let offset_of = |name: &str| -> Option<i32> {
        let tz = jiff::tz::db().get(name).ok()?;
        Some(tz.to_offset(now).seconds() / 60)
    };
    let zones: Vec<(&str, i32)> = POPULAR
        .iter()
        .copied()
        .chain(names.iter().map(String::as_str).filter(|n| canonical(n)))
        .filter_map(|n| Some((n, offset_of(n)?)))
        .collect();
    let Some(best) = zones
        .iter()
        .map(|(_, o)| *o)
        .min_by_key(|o| (o - diff).abs())
    else {
        return Resolved::Unknown;
    };
    if (best - diff).abs() > CLOCK_SLACK_MINUTES {
        return Resolved::Unknown;
    }
    let mut found: Vec<String> = Vec::new();
    for (name, _) in zones.iter().filter(|(_, o)| *o == best) {
        if found.len() == MAX_CANDIDATES {
            break;
        }
        if !found.iter().any(|f| f == name) {
            found.push(name.to_string());
        }
    }
    match found.len() {
        0 => Resolved::Unknown,
        1 => Resolved::One(found.remove(0)),
        _ => Resolved::Several(found),
    }
}
