//! History on fixed histories: the /history text chart (gaps, a single day, 90 days, a year,
//! all zeros, all tens), streaks across missed days and time-zone changes, the weekly
//! summary, and the PNG decoded back. Today is always Wednesday 12 March 2025.

mod common;

use backcheck::history::{self, Suggestion, Trend, png::Labels};
use backcheck::model::Activity::*;
use backcheck::model::Level::*;
use backcheck::model::{Activity, DayRecord, Level, Outcome};
use backcheck::script::Script;
use jiff::civil::{Date, date};
use jiff::{Timestamp, ToSpan};

const TODAY: Date = date(2025, 3, 12);

fn ago(n: i64) -> Date {
    common::days::ago(TODAY, n)
}

/// A check-in `n` days ago with its pain (None: not rated) and level.
fn day(n: i64, pain: Option<u8>, level: Level) -> DayRecord {
    common::days::day(TODAY, n, pain, level)
}

/// That day's answer to "how did yesterday go?" (and which activity, when worse).
fn went(mut r: DayRecord, outcome: Outcome, worse: Option<Activity>) -> DayRecord {
    r.checkin.yesterday = Some(outcome);
    r.checkin.worse_activity = worse;
    r
}

/// That day's plan offered these activities.
fn offered(mut r: DayRecord, activities: &[Activity]) -> DayRecord {
    r.suggested = activities.to_vec();
    r
}

fn script() -> Script {
    Script::embedded().expect("dialogs load")
}

/// /history's message for `days` days.
fn chart(records: &[DayRecord], days: u16) -> String {
    history::chart::render(&history::text_chart(records, TODAY, days), &script())
}

// ---------------------------------------------------------------------------------------
// The text chart.

#[test]
fn a_week_with_gaps_reads_one_row_a_day() {
    let records = [
        day(10, Some(9), ActiveRest),
        day(6, Some(8), ActiveRest),
        day(5, Some(6), Gentle),
        day(3, Some(4), Gentle),
        day(2, Some(2), Lighter),
        day(0, Some(0), Usual),
    ];
    let expected = "\
Your last 7 days: pain 0–10 and the plan of each day.
Thu  6  ████████░░ 8  active rest
Fri  7  ██████░░░░ 6  gentle
Sat  8  – no check-in
Sun  9  ████░░░░░░ 4  gentle
Mon 10  ██░░░░░░░░ 2  lighter
Tue 11  – no check-in
Wed 12  ░░░░░░░░░░ 0  usual

Check-ins in a row: 1 (your best: 2).
Average pain, last 7 days: 4.0 (the 7 days before: 9.0).";
    assert_eq!(chart(&records, 7), expected);

    // 14 days asked, but the first check-in was 10 days ago: rows start there.
    let text = chart(&records, 14);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "Your last 11 days: pain 0–10 and the plan of each day."
    );
    assert_eq!(lines[1], "Sun  2  █████████░ 9  active rest");
    assert_eq!(lines[2], "Mon  3  – no check-in");
    assert_eq!(lines[11], "Wed 12  ░░░░░░░░░░ 0  usual");
    assert_eq!(lines[12], "");
}

#[test]
fn a_single_check_in_today_is_a_one_row_chart() {
    let expected = "\
Today: pain 0–10 and the plan of the day.
Wed 12  █████░░░░░ 5  gentle

Check-ins in a row: 1 (your best: 1).
Average pain, last 7 days: 5.0 (no ratings the 7 days before).";
    assert_eq!(chart(&[day(0, Some(5), Gentle)], 14), expected);
}

#[test]
fn an_unrated_check_in_yesterday_and_none_today() {
    let expected = "\
Your last 2 days: pain 0–10 and the plan of each day.
Tue 11  ░░░░░░░░░░ ?  urgent help
Wed 12  – no check-in

Check-ins in a row: 1 up to yesterday; check in today to keep it going (your best: 1).
No pain ratings in the last 7 days.";
    assert_eq!(chart(&[day(1, None, Emergency)], 14), expected);
}

/// Weekday and day of the 14 dates ending today, as the chart labels them.
const FORTNIGHT: [&str; 14] = [
    "Thu 27", "Fri 28", "Sat  1", "Sun  2", "Mon  3", "Tue  4", "Wed  5", "Thu  6", "Fri  7",
    "Sat  8", "Sun  9", "Mon 10", "Tue 11", "Wed 12",
];

#[test]
fn fourteen_days_of_zeros() {
    let records: Vec<DayRecord> = (0..14).map(|n| day(n, Some(0), Usual)).collect();
    let mut expected = vec!["Your last 14 days: pain 0–10 and the plan of each day.".to_string()];
    expected.extend(
        FORTNIGHT
            .iter()
            .map(|d| format!("{d}  ░░░░░░░░░░ 0  usual")),
    );
    expected.push(String::new());
    expected.push("Check-ins in a row: 14 (your best: 14).".to_string());
    expected.push("Average pain, last 7 days: 0.0 (the 7 days before: 0.0).".to_string());
    assert_eq!(chart(&records, 14), expected.join("\n"));
}

#[test]
fn fourteen_days_of_tens() {
    let records: Vec<DayRecord> = (0..14).map(|n| day(n, Some(10), ActiveRest)).collect();
    let text = chart(&records, 14);
    let rows: Vec<&str> = text.lines().skip(1).take(14).collect();
    let expected: Vec<String> = FORTNIGHT
        .iter()
        .map(|d| format!("{d}  ██████████ 10  active rest"))
        .collect();
    assert_eq!(rows, expected);
    assert!(
        text.ends_with("Average pain, last 7 days: 10.0 (the 7 days before: 10.0)."),
        "{text}"
    );
}

/// Telegram's limit, which counts UTF-16 code units.
fn fits_telegram(text: &str) -> bool {
    text.encode_utf16().count() <= 4096
}

#[test]
fn ninety_days_are_a_row_a_week() {
    // Pain cycles 0-10 with the age in days; every day whose age ends in 3 is missed.
    let records: Vec<DayRecord> = (0..90)
        .filter(|n| n % 10 != 3)
        .map(|n| day(n, Some((n % 11) as u8), Gentle))
        .collect();
    let text = chart(&records, 90);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("Your last 90 days, a line a week"),
        "{text}"
    );
    // 90 days: a 6-day first row (13-18 December), then 12 full weeks.
    assert_eq!(lines.len(), 1 + 13 + 3, "{text}");
    // 13-18 Dec: ages 89-84, pains 1, 0, 10, 9, 8, 7 (average 35/6).
    assert_eq!(lines[1], "13 Dec  ▁▁█▇▆▅  avg 5.8  6/6 days");
    // 19-25 Dec: ages 83 (missed) to 77, pains 5, 4, 3, 2, 1, 0.
    assert_eq!(lines[2], "19 Dec  ·▄▃▃▂▁▁  avg 2.5  6/7 days");
    // 6-12 Mar: pains 6, 5, 4, missed, 2, 1, 0 (average 18/6).
    assert_eq!(lines[13], " 6 Mar  ▅▄▃·▂▁▁  avg 3.0  6/7 days");
    assert_eq!(lines[15], "Check-ins in a row: 3 (your best: 9).");
    // The week before: ages 13 (missed) to 7: pains 1, 0, 10, 9, 8, 7.
    assert_eq!(
        lines[16],
        "Average pain, last 7 days: 3.0 (the 7 days before: 5.8)."
    );
    assert!(fits_telegram(&text));
}

#[test]
fn a_year_of_daily_check_ins_fits_in_one_message() {
    let records: Vec<DayRecord> = (0..400).map(|n| day(n, Some(10), Gentle)).collect();
    let text = chart(&records, 365);
    let weeks: Vec<&str> = text.lines().filter(|l| l.contains("avg")).collect();
    // 365 = 1 + 52 weeks of 7.
    assert_eq!(weeks.len(), 53);
    // The first row is 13 March 2024 alone (2024 was a leap year, before its 29 February).
    assert_eq!(weeks[0], "13 Mar  █  avg 10.0  1/1 days");
    assert_eq!(weeks[52], " 6 Mar  ███████  avg 10.0  7/7 days");
    assert!(text.contains("Check-ins in a row: 400 (your best: 400)."));
    assert!(
        fits_telegram(&text),
        "{} units",
        text.encode_utf16().count()
    );
}

#[test]
fn thirty_one_days_are_still_daily_and_thirty_two_are_weekly() {
    let records: Vec<DayRecord> = (0..40).map(|n| day(n, Some(3), Lighter)).collect();
    assert_eq!(
        chart(&records, 31)
            .lines()
            .filter(|l| l.contains("lighter"))
            .count(),
        31
    );
    let weekly = chart(&records, 32);
    assert_eq!(weekly.lines().filter(|l| l.contains("avg")).count(), 5);
}

// ---------------------------------------------------------------------------------------
// Streaks: consecutive dates, one record per date.

fn streaks(records: &[DayRecord]) -> (u32, u32, bool) {
    let s = history::streaks(records, TODAY);
    (s.current, s.best, s.today_done)
}

#[test]
fn a_missed_day_breaks_a_streak_and_the_best_is_remembered() {
    let records = [
        day(9, Some(2), Lighter),
        day(8, Some(2), Lighter),
        day(7, Some(2), Lighter),
        day(6, Some(2), Lighter),
        // 5 days ago missed.
        day(4, Some(2), Lighter),
        day(3, Some(2), Lighter),
        day(2, Some(2), Lighter),
        day(1, Some(2), Lighter),
        day(0, Some(2), Lighter),
    ];
    assert_eq!(streaks(&records), (5, 5, true));
    assert_eq!(
        streaks(&records[..7]),
        (0, 4, false),
        "last check-in 2 days ago"
    );
    assert_eq!(
        streaks(&records[..8]),
        (4, 4, false),
        "yesterday's run still counts before today is over"
    );
    assert_eq!(streaks(&[]), (0, 0, false));
}

#[test]
fn time_zone_changes_count_by_date() {
    // Flying west: the next check-in, 20 hours later, lands on the same local date. Two
    // records of one date (which the store keeps as one) count once.
    let mut again = day(1, Some(3), Lighter);
    again.recorded_at = common::days::noon(ago(1)) + 8.hours();
    let records = [
        day(2, Some(3), Lighter),
        day(1, Some(3), Lighter),
        again,
        day(0, Some(3), Lighter),
    ];
    assert_eq!(streaks(&records), (3, 3, true));
    // A record dated tomorrow (a moment after moving west, it is still "yesterday" here) is
    // not counted yet.
    let ahead = [
        day(1, Some(3), Lighter),
        day(0, Some(3), Lighter),
        day(-1, Some(3), Lighter),
    ];
    assert_eq!(streaks(&ahead), (2, 2, true));
    // Flying east skips a local date: the check-ins were 26 hours apart, but a date has no
    // check-in, so the run starts again.
    let mut east = day(0, Some(3), Lighter);
    east.recorded_at = common::days::noon(ago(2)) + 26.hours();
    let skipped = [day(3, Some(3), Lighter), day(2, Some(3), Lighter), east];
    assert_eq!(streaks(&skipped), (1, 2, true));
}

#[test]
fn weekly_averages_and_trend() {
    let records = [
        day(12, Some(6), Gentle),
        day(8, Some(5), Gentle),
        day(6, Some(4), Gentle),
        day(2, None, SeeDoctor),
        day(0, Some(3), Lighter),
    ];
    let w = history::weeks(&records, TODAY);
    assert_eq!((w.this.sum, w.this.days), (7, 2));
    assert_eq!((w.before.sum, w.before.days), (11, 2));
    // 3.5 against 5.5: two points down.
    assert_eq!(w.trend(), Some(Trend::Down));
}

// ---------------------------------------------------------------------------------------
// The weekly summary: 6 to 12 March.

/// A week of lighter days where walking was offered before three better days, running
/// once made it worse, and pain fell from 4 to about 2.
fn good_week() -> Vec<DayRecord> {
    vec![
        day(10, Some(4), Gentle),
        offered(
            day(7, Some(4), Gentle),
            &[Walking, AquaticExercise, CoreWork],
        ),
        offered(
            went(day(6, Some(3), Lighter), Outcome::Better, None),
            &[Walking, CoreWork],
        ),
        offered(
            went(day(5, Some(3), Lighter), Outcome::Better, None),
            &[Walking, Cycling, CoreWork],
        ),
        went(day(4, Some(2), Lighter), Outcome::Better, None),
        went(day(3, Some(2), Lighter), Outcome::Same, None),
        day(1, Some(2), Lighter),
        went(day(0, Some(1), Lighter), Outcome::Worse, Some(Running)),
    ]
}

#[test]
fn a_good_week_says_what_helped_and_to_keep_it() {
    let summary = history::weekly_summary(&good_week(), TODAY);
    assert_eq!(summary.checked_in, 6);
    assert_eq!(
        summary.helped,
        [(Walking, 3), (Cycling, 1), (AquaticExercise, 1)]
    );
    assert_eq!(summary.made_worse, [(Running, 1)]);
    assert_eq!(summary.weeks.trend(), Some(Trend::Down));
    assert_eq!(summary.suggestion, Suggestion::KeepActivity);
    assert_eq!(summary.about, Some((Walking, 3)));
    let expected = "\
Your week, 6 Mar to 12 Mar
Check-ins: 6 of 7 days.
Pain: 2.2 on average, down from 4.0 the week before.
Went better the day after a plan with: walking (3×), cycling (1×) and aquatic exercise (1×).
Made it worse: running (1×).

Walking was in your plan before 3 days that went better this week: keep it in.";
    assert_eq!(history::summary::render(&summary, &script()), expected);
}

#[test]
fn a_see_a_doctor_day_comes_before_every_other_suggestion() {
    let mut week = good_week();
    week.push(day(2, Some(5), SeeDoctor));
    let summary = history::weekly_summary(&week, TODAY);
    assert_eq!(summary.suggestion, Suggestion::SeeDoctor);
    let text = history::summary::render(&summary, &script());
    assert!(text.ends_with("please book that appointment."), "{text}");
}

#[test]
fn two_check_ins_suggest_a_reminder() {
    let week = [
        day(20, Some(2), Lighter),
        day(5, Some(3), Lighter),
        day(1, Some(2), Lighter),
    ];
    let summary = history::weekly_summary(&week, TODAY);
    assert_eq!(
        (summary.checked_in, summary.suggestion),
        (2, Suggestion::CheckInMore)
    );
    let text = history::summary::render(&summary, &script());
    assert!(
        text.contains("Pain: 2.5 on average (no ratings the week before to compare with).")
            && text.ends_with(
                "You checked in 2 of 7 days. A daily reminder helps: try /remind 07:30."
            ),
        "{text}"
    );
    // No check-in at all this week.
    let quiet = history::weekly_summary(&week[..1], TODAY);
    assert_eq!(
        (quiet.checked_in, quiet.suggestion),
        (0, Suggestion::CheckInMore)
    );
    let text = history::summary::render(&quiet, &script());
    assert!(
        text.contains("Check-ins: 0 of 7 days.\nNo pain ratings this week."),
        "{text}"
    );
}

/// Five check-ins this week with the given pains and "worse" reports, after a week of pain 4.
fn week_with(pains: [u8; 5], worse: [Option<Activity>; 5]) -> Vec<DayRecord> {
    let mut week = vec![day(9, Some(4), Gentle), day(8, Some(4), Gentle)];
    for (i, (pain, worse)) in pains.into_iter().zip(worse).enumerate() {
        let n = 4 - i as i64;
        let r = day(n, Some(pain), Gentle);
        week.push(match worse {
            Some(a) => went(r, Outcome::Worse, Some(a)),
            None => r,
        });
    }
    week
}

#[test]
fn rising_pain_comes_before_an_activity_that_made_it_worse() {
    let worse = [None, Some(Running), None, Some(Running), None];
    let rising = history::weekly_summary(&week_with([5, 6, 5, 6, 5], worse), TODAY);
    assert_eq!(rising.weeks.trend(), Some(Trend::Up));
    assert_eq!(rising.suggestion, Suggestion::PainRising);

    let steady = history::weekly_summary(&week_with([4, 4, 4, 4, 4], worse), TODAY);
    assert_eq!(steady.suggestion, Suggestion::AvoidActivity);
    assert_eq!(steady.about, Some((Running, 2)));
    let text = history::summary::render(&steady, &script());
    assert!(
        text.ends_with(
            "Running made your back worse 2 times this week: I'll leave it out for two \
             weeks, so pick a gentler option."
        ),
        "{text}"
    );
}

#[test]
fn falling_and_steady_weeks_without_a_standout_activity() {
    let none = [None; 5];
    let falling = history::weekly_summary(&week_with([3, 3, 2, 3, 3], none), TODAY);
    assert_eq!(falling.suggestion, Suggestion::PainFalling);
    let steady = history::weekly_summary(&week_with([4, 3, 4, 4, 4], none), TODAY);
    assert_eq!(steady.weeks.trend(), Some(Trend::Steady));
    assert_eq!(steady.suggestion, Suggestion::KeepGoing);

    // Walking and cycling both offered before the same two better days: a tie names neither.
    let mut tied = week_with([4; 5], none);
    for r in tied.iter_mut() {
        if r.date == ago(4) || r.date == ago(2) {
            r.suggested = vec![Walking, Cycling, CoreWork];
        }
        if r.date == ago(3) || r.date == ago(1) {
            r.checkin.yesterday = Some(Outcome::Better);
        }
    }
    let summary = history::weekly_summary(&tied, TODAY);
    assert_eq!(summary.helped, [(Cycling, 2), (Walking, 2)]);
    assert_eq!(summary.suggestion, Suggestion::KeepGoing);
}

// ---------------------------------------------------------------------------------------
// The picture.

/// Renders and decodes the picture: (width, height, RGB pixels).
fn picture(records: &[DayRecord], days: u16) -> (u32, u32, Vec<u8>) {
    let series = history::pain_series(records, TODAY, days);
    let labels = Labels::from_script(&script(), series.days.len());
    let bytes = history::render_png(&series, &labels).expect("the picture renders");
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().expect("a PNG header");
    let mut pixels = vec![0; reader.output_buffer_size().expect("a buffer size")];
    let info = reader.next_frame(&mut pixels).expect("a frame");
    assert_eq!(
        (info.color_type, info.bit_depth),
        (png::ColorType::Rgb, png::BitDepth::Eight)
    );
    pixels.truncate(info.buffer_size());
    (info.width, info.height, pixels)
}

/// How many pixels of the region (x and y ranges) have exactly this colour.
fn count(
    pixels: &[u8],
    width: u32,
    xs: std::ops::Range<u32>,
    ys: std::ops::Range<u32>,
    rgb: [u8; 3],
) -> usize {
    ys.flat_map(|y| xs.clone().map(move |x| (x, y)))
        .filter(|&(x, y)| {
            let at = (y * width + x) as usize * 3;
            pixels[at..at + 3] == rgb
        })
        .count()
}

#[test]
fn the_picture_shows_bands_a_line_and_words() {
    use history::png::{BACKGROUND, HEIGHT, LINE, WIDTH, level_colour};
    let records: Vec<DayRecord> = (0..30)
        .filter(|n| n % 7 != 2)
        .map(|n| {
            let level = if n < 10 { Gentle } else { ActiveRest };
            day(n, Some((n % 9) as u8), level)
        })
        .collect();
    let (width, height, pixels) = picture(&records, 30);
    assert_eq!((width, height), (WIDTH, HEIGHT));
    assert_eq!((width, height), (800, 450));
    // The plot area (inside the margins) is mostly bands and line, not background.
    let (xs, ys) = (60..780, 70..370);
    let area = (xs.end - xs.start) as usize * (ys.end - ys.start) as usize;
    let background = count(&pixels, width, xs.clone(), ys.clone(), BACKGROUND);
    assert!(
        background * 100 / area < 30,
        "{background} of {area} background"
    );
    for level in [Gentle, ActiveRest] {
        let band = count(&pixels, width, xs.clone(), ys.clone(), level_colour(level));
        assert!(band * 100 / area > 10, "{level:?}: {band} of {area}");
    }
    for level in [Usual, Lighter, SeeDoctor, Emergency] {
        let band = count(&pixels, width, 0..width, 0..height, level_colour(level));
        assert_eq!(band, 0, "{level:?} appears nowhere, not even in the legend");
    }
    assert!(
        count(&pixels, width, xs, ys, LINE) > 500,
        "the pain line is drawn"
    );
    // The title: dark ink in the strip above the plot.
    let ink = (0..60u32)
        .flat_map(|y| (0..width).map(move |x| (x, y)))
        .filter(|&(x, y)| pixels[(y * width + x) as usize * 3] < 100)
        .count();
    assert!(ink > 200, "{ink} dark pixels in the title strip");
}

#[test]
fn a_picture_without_check_ins_is_blank_but_valid_and_rendering_is_repeatable() {
    use history::png::{LINE, level_colour};
    let (width, height, pixels) = picture(&[], 30);
    assert_eq!((width, height), (800, 450));
    assert_eq!(
        count(&pixels, width, 0..width, 0..height, level_colour(Gentle)),
        0
    );
    assert_eq!(count(&pixels, width, 0..width, 0..height, LINE), 0);

    let records: Vec<DayRecord> = (0..90)
        .map(|n| day(n, Some((n % 11) as u8), Lighter))
        .collect();
    assert_eq!(picture(&records, 90), picture(&records, 90));
    let (_, _, year) = picture(&records, 365);
    assert!(count(&year, width, 0..width, 0..height, level_colour(Lighter)) > 1000);
}

// ---------------------------------------------------------------------------------------
// /history in the engine: the chart, then the picture; "/history week"; bad spans.

#[test]
fn the_history_command_sends_the_chart_then_the_picture() {
    use backcheck::engine::{Engine, Input, Reply};
    use backcheck::model::{Cleared, Profile};
    use backcheck::store::{Change, SledStore, Store};
    use std::sync::Arc;

    let store = Arc::new(SledStore::temporary().expect("a temporary store"));
    let profile = Profile {
        activities: vec![Walking],
        session_minutes: 30,
        cleared: Cleared::Yes,
        cancer_history: false,
        time_zone: "Europe/Berlin".to_string(),
        reminder: None,
        blocked: false,
        summary_day: Default::default(),
        language: Default::default(),
    };
    for record in good_week() {
        let change = Change {
            profile: Some(&profile),
            day: Some(&record),
            ..Change::default()
        };
        store.write(1, change).expect("write a day");
    }
    let engine = Engine::new(store.clone() as Arc<dyn Store>, Arc::new(script()), "UTC");
    let now: Timestamp = "2025-03-12T10:00:00Z".parse().expect("a timestamp");
    let send = |user, text: &str| engine.handle(user, Input::Text(text.to_string()), now);

    let replies = send(1, "/history");
    let [Reply::Message { text, .. }, Reply::Photo { caption, bytes }] = replies.as_slice() else {
        panic!("expected the chart and a picture: {replies:?}");
    };
    // The first check-in was 10 days ago: 11 rows, from Sunday 2 March.
    assert!(text.starts_with("Your last 11 days"), "{text}");
    assert!(text.contains("Wed 12  █░░░░░░░░░ 1  lighter"), "{text}");
    assert!(caption.contains("last 30 days"), "{caption}");
    let header = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .expect("a PNG")
        .info()
        .size();
    assert_eq!(header, (800, 450));

    let replies = send(1, "/history 90");
    assert!(
        matches!(replies.as_slice(), [_, Reply::Photo { caption, .. }] if caption.contains("last 90 days")),
        "{replies:?}"
    );
    let replies = send(1, "/history week");
    assert_eq!(replies.len(), 1);
    assert!(replies[0].body().starts_with("Your week, 6 Mar to 12 Mar"));
    for bad in ["/history 0", "/history 366", "/history soon"] {
        let replies = send(1, bad);
        assert!(
            replies[0].body().contains("/history week"),
            "{bad}: {replies:?}"
        );
    }
    assert!(
        send(2, "/history")[0]
            .body()
            .starts_with("No check-ins yet")
    );
}
