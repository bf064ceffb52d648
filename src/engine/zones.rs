//! Time zones from what people type: an IANA name ("Europe/Berlin"), a city ("new york"), a
//! place their language's [places] lists ("Wien", "München"), or their local time ("it's
//! 14:35", "es ist halb drei"), which picks the zones with that offset right now.

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

/// A zone's button label, the place and region named in the user's language ("Wien
/// (Europa)"): the place as understand.toml's [places] writes it, else the zone's city; the
/// region from questions.toml's time_zone.regions, else its English name.
pub fn label_in(
    zone: &str,
    regions: &std::collections::BTreeMap<String, String>,
    u: &Understanding,
) -> String {
    match zone.split_once('/') {
        Some((region, _)) => {
            let region = regions.get(region).map_or(region, String::as_str);
            let place = u
                .zone_name(zone)
                .map_or_else(|| city(zone).replace('_', " "), str::to_string);
            format!("{place} ({region})")
        }
        None => zone.to_string(),
    }
}

/// Whether `text` names the city of `zone`, or a place [places] lists for it (to pick among
/// offered zones by typing).
pub fn matches_city(zone: &str, text: &str, u: &Understanding) -> bool {
    let t = norm(text);
    !t.is_empty() && (norm(city(zone)) == t || norm(zone) == t || u.place_zone(text) == Some(zone))
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

/// Reads a typed time zone: an IANA name, a place the language lists ("Wien"), a city, UTC,
/// or the user's local time ("es ist halb drei"). `preferred` (the language's suggested
/// zones) come first when several zones show that time.
pub fn resolve(text: &str, now: Timestamp, u: &Understanding, preferred: &[String]) -> Resolved {
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
    if let Some(zone) = u.place_zone(text) {
        return Resolved::One(zone.to_string());
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
    let readings = u.clock_readings(text);
    if readings.is_empty() {
        return Resolved::Unknown;
    }
    by_local_time(&readings, now, &names, preferred)
}

/// How far the user's clock may be from a zone's for that zone to count (people round).
const CLOCK_SLACK_MINUTES: i32 = 20;

/// The zones whose clocks show about one of `readings` at `now`: for each reading the offset
/// closest to it, within `CLOCK_SLACK_MINUTES`. A reading that only remote places fit ("halb
/// drei" read as 2:30 at night, said on a European afternoon) gives way to one that preferred
/// or popular places fit; `preferred` zones come first, then popular ones.
fn by_local_time(
    readings: &[jiff::civil::Time],
    now: Timestamp,
    names: &[String],
    preferred: &[String],
) -> Resolved {
    let offset_of = |name: &str| -> Option<i32> {
        let tz = jiff::tz::db().get(name).ok()?;
        Some(tz.to_offset(now).seconds() / 60)
    };
    let zones: Vec<(&str, i32)> = preferred
        .iter()
        .map(String::as_str)
        .chain(POPULAR.iter().copied())
        .chain(names.iter().map(String::as_str).filter(|n| canonical(n)))
        .filter_map(|n| Some((n, offset_of(n)?)))
        .collect();
    let known = preferred.len() + POPULAR.len();
    let utc = now.to_zoned(TimeZone::UTC).time();
    let minutes = |t: jiff::civil::Time| i32::from(t.hour()) * 60 + i32::from(t.minute());
    // Each reading's zones, in the order of `zones` (preferred, popular, the rest).
    let mut per_reading: Vec<Vec<(usize, &str)>> = Vec::new();
    for local in readings {
        let mut diff = minutes(*local) - minutes(utc);
        // Offsets run from -12:00 to +14:00; wrap the day around into that range.
        if diff <= -12 * 60 {
            diff += 24 * 60;
        }
        if diff > 14 * 60 {
            diff -= 24 * 60;
        }
        let Some(best) = zones
            .iter()
            .map(|(_, o)| *o)
            .min_by_key(|o| (o - diff).abs())
        else {
            continue;
        };
        if (best - diff).abs() > CLOCK_SLACK_MINUTES {
            continue;
        }
        let fit: Vec<(usize, &str)> = zones
            .iter()
            .enumerate()
            .filter(|(_, (_, o))| *o == best)
            .map(|(i, (n, _))| (i, *n))
            .collect();
        per_reading.push(fit);
    }
    // Readings that a preferred or popular place fits win over those only remote ones fit.
    let popular: Vec<&Vec<(usize, &str)>> = per_reading
        .iter()
        .filter(|fit| fit.iter().any(|(i, _)| *i < known))
        .collect();
    let chosen: Vec<&Vec<(usize, &str)>> = if popular.is_empty() {
        per_reading.iter().collect()
    } else {
        popular
    };
    let mut all: Vec<(usize, &str)> = chosen.into_iter().flatten().copied().collect();
    all.sort_by_key(|(i, _)| *i);
    let mut found: Vec<String> = Vec::new();
    for (_, name) in all {
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
