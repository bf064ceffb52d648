//! /history in German, from dialogs/de on disk: short German day and month names ("Mi.  2.",
//! " 2. Dez"), a decimal comma, and rows that still line up. Today is Wednesday 2 December
//! 2026. The English charts are in tests/history.rs.

mod common;

use std::path::Path;
use std::sync::OnceLock;

use backcheck::history::{self, png::Labels};
use backcheck::model::Level::*;
use backcheck::model::{DayRecord, Level};
use backcheck::script::Script;
use jiff::civil::{Date, date};

const TODAY: Date = date(2026, 12, 2);

/// A check-in `n` days ago with its pain (None: not rated) and level.
fn day(n: i64, pain: Option<u8>, level: Level) -> DayRecord {
    common::days::day(TODAY, n, pain, level)
}

/// The German script, loaded the way `[dialogs] language = "de"` loads it.
fn script() -> &'static Script {
    static S: OnceLock<Script> = OnceLock::new();
    S.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("dialogs/de");
        match Script::load(&dir) {
            Ok(s) => s,
            Err(e) => panic!("dialogs/de does not load: {e}"),
        }
    })
}

fn chart(records: &[DayRecord], days: u16) -> String {
    history::chart::render(&history::text_chart(records, TODAY, days), script())
}

#[test]
fn a_german_week_reads_german_dates() {
    let records = [
        day(10, Some(9), ActiveRest),
        day(6, Some(8), ActiveRest),
        day(5, Some(6), Gentle),
        day(3, Some(4), Gentle),
        day(2, Some(2), Lighter),
        day(0, Some(0), Usual),
    ];
    let expected = "\
Deine letzten 7 Tage: Schmerz 0–10 und der Plan jedes Tages.
Do. 26.  ████████░░ 8  aktive Ruhe
Fr. 27.  ██████░░░░ 6  sanft
Sa. 28.  – kein Check-in
So. 29.  ████░░░░░░ 4  sanft
Mo. 30.  ██░░░░░░░░ 2  leichter
Di.  1.  – kein Check-in
Mi.  2.  ░░░░░░░░░░ 0  üblich

Check-ins am Stück: 1 (dein Rekord: 2).
Durchschnittlicher Schmerz, letzte 7 Tage: 4,0 (die 7 Tage davor: 9,0).";
    assert_eq!(chart(&records, 7), expected);
}

#[test]
fn german_weekly_rows_start_with_day_and_month() {
    // Pain cycles 0-10 with the age in days; every day whose age ends in 3 is missed.
    let records: Vec<DayRecord> = (0..90)
        .filter(|n| n % 10 != 3)
        .map(|n| day(n, Some((n % 11) as u8), Gentle))
        .collect();
    let text = chart(&records, 90);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1 + 13 + 3, "{text}");
    // 4-9 September: ages 89-84, pains 1, 0, 10, 9, 8, 7.
    assert_eq!(lines[1], " 4. Sep  ▁▁█▇▆▅  Ø 5,8  6/6 Tage");
    assert_eq!(lines[2], "10. Sep  ·▄▃▃▂▁▁  Ø 2,5  6/7 Tage");
    // 26 November to 2 December.
    assert_eq!(lines[13], "26. Nov  ▅▄▃·▂▁▁  Ø 3,0  6/7 Tage");
}

#[test]
fn the_german_summary_and_picture_use_the_same_dates() {
    let records: Vec<DayRecord> = (0..7).map(|n| day(n, Some(3), Lighter)).collect();
    let summary = history::weekly_summary(&records, TODAY);
    let text = history::summary::render(&summary, script());
    assert_eq!(text.lines().next(), Some("Deine Woche, 26. Nov bis 2. Dez"));
    let labels = Labels::from_script(script(), 7);
    assert_eq!(labels.months.get(11).map(String::as_str), Some("Dez"));
    assert_eq!(labels.date_format, "{day}. {month}");
}
