//! /history as a text chart that reads well in a chat.
//!
//! Rows begin at the first check-in when the user started within the span. Up to 31 days: a row a day with a 10-cell bar of the pain score, the score and the day's
//! plan level, and a dash row for a day without a check-in. Longer spans: a row a week (7
//! dates ending today, the oldest row taking the remainder) with a sparkline of the days,
//! the week's average and its number of check-ins, so a year stays well under Telegram's
//! 4096 characters. Below the rows: the check-in streaks and this week's average pain
//! against last week's.

use jiff::civil::Date;

use super::stats::{PainAverage, Streaks, Weeks, streaks, weeks};
use super::{Mark, Window, by_date, marks, tenths_text};
use crate::model::DayRecord;
use crate::script::{Script, fill};

/// The longest span shown a row a day; longer spans get a row a week.
pub const DAILY_MAX_DAYS: usize = 31;

/// Cells of a day's bar: one per pain point.
const BAR_CELLS: u8 = 10;
const BAR_FULL: char = '█';
const BAR_EMPTY: char = '░';

/// Sparkline blocks, lowest to highest: pain 0 still shows a block, so it differs from a gap.
const SPARKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
/// A day without a check-in, in a sparkline.
const SPARK_GAP: char = '·';
/// A check-in whose pain was not rated (a red flag ended it first), in a sparkline.
const SPARK_UNRATED: char = '?';

/// Dates per weekly row.
const WEEK: usize = 7;

/// One row of the chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Row {
    /// One date, with its check-in if there was one.
    Day { date: Date, mark: Option<Mark> },
    /// Up to 7 consecutive dates starting at `first`.
    Week {
        first: Date,
        /// One per date, oldest first (None: no check-in).
        marks: Vec<Option<Mark>>,
        average: PainAverage,
        /// Dates with a check-in.
        checked_in: u32,
    },
}

/// Everything /history shows, as data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextChart {
    pub window: Window,
    pub rows: Vec<Row>,
    pub streaks: Streaks,
    pub weeks: Weeks,
}

/// The chart of the `days` dates ending `today`. `records` may hold all of history (the best
/// streak looks at all of it); rows show only the window, and start at the first check-in
/// ever when that falls inside it: the days before someone began were not missed.
pub fn text_chart(records: &[DayRecord], today: Date, days: u16) -> TextChart {
    let by_date = by_date(records, today);
    let mut window = Window::ending(today, days);
    if let Some(&first) = by_date.keys().next() {
        window.first = window.first.max(first);
    }
    let marks = marks(&by_date, window);
    let rows = if marks.len() <= DAILY_MAX_DAYS {
        marks
            .into_iter()
            .map(|(date, mark)| Row::Day { date, mark })
            .collect()
    } else {
        weekly_rows(&marks)
    };
    TextChart {
        window,
        rows,
        streaks: streaks(records, today),
        weeks: weeks(records, today),
    }
}

/// Rows of 7 dates ending with the last date; the oldest row holds what is left over, so the
/// newest row is exactly "this week".
fn weekly_rows(marks: &[(Date, Option<Mark>)]) -> Vec<Row> {
    let (oldest, full_weeks) = marks.split_at(marks.len() % WEEK);
    std::iter::once(oldest)
        .filter(|block| !block.is_empty())
        .chain(full_weeks.chunks(WEEK))
        .filter_map(|block| {
            let first = block.first()?.0;
            let marks: Vec<Option<Mark>> = block.iter().map(|(_, m)| *m).collect();
            let average = PainAverage::of(marks.iter().map(|m| m.and_then(|m| m.pain)));
            let checked_in = marks.iter().filter(|m| m.is_some()).count();
            Some(Row::Week {
                first,
                marks,
                average,
                checked_in: u32::try_from(checked_in).unwrap_or(u32::MAX),
            })
        })
        .collect()
}

/// A pain score as a 10-cell bar ("██████░░░░" for 6); an unrated day is all empty cells.
pub fn bar(pain: Option<u8>) -> String {
    let full = pain.map_or(0, |p| p.min(BAR_CELLS));
    (0..BAR_CELLS)
        .map(|i| if i < full { BAR_FULL } else { BAR_EMPTY })
        .collect()
}

/// One day of a sparkline: a block for the pain, a dot for no check-in, "?" for unrated.
pub fn spark(mark: Option<Mark>) -> char {
    match mark {
        None => SPARK_GAP,
        Some(Mark { pain: None, .. }) => SPARK_UNRATED,
        Some(Mark { pain: Some(p), .. }) => {
            let i = usize::from(p.min(10)) * (SPARKS.len() - 1) / 10;
            SPARKS[i]
        }
    }
}

/// A name from a dialog list, or nothing (the loader checks that the lists are complete).
fn name(names: &[String], index: usize) -> &str {
    names.get(index).map(String::as_str).unwrap_or("")
}

/// "Mon  3": the weekday and the day of the month, padded so that the bars line up.
pub fn day_label(script: &Script, date: Date) -> String {
    let d = &script.history.dates;
    let weekday = date.weekday().to_monday_zero_offset() as usize;
    let day = format!("{:>2}", date.day());
    fill(
        &d.day,
        &[("weekday", name(&d.weekdays, weekday)), ("day", &day)],
    )
}

/// " 3 Mar": the day of the month and the month, for weekly rows (padded) and the summary.
pub fn date_label(script: &Script, date: Date) -> String {
    date_text(script, date, format!("{:>2}", date.day()))
}

/// "3 Mar": a date in the dialog's words, its day as given.
fn date_text(script: &Script, date: Date, day: String) -> String {
    let d = &script.history.dates;
    let month = name(&d.months, date.month() as usize - 1);
    fill(&d.date, &[("day", &day), ("month", month)])
}

/// The chart as the message /history sends.
pub fn render(chart: &TextChart, script: &Script) -> String {
    let c = &script.history.chart;
    let days = chart.window.len().to_string();
    let daily = chart.rows.iter().all(|r| matches!(r, Row::Day { .. }));
    let header = match (chart.window.len(), daily) {
        (1, _) => &c.today_header,
        (_, true) => &c.daily_header,
        (_, false) => &c.weekly_header,
    };
    let mut lines = vec![fill(header, &[("days", &days)])];
    lines.extend(chart.rows.iter().map(|row| row_text(row, script)));
    lines.push(String::new());
    lines.push(streak_text(&chart.streaks, script));
    lines.push(average_text(&chart.weeks, script));
    lines.join("\n")
}

/// One row as text.
fn row_text(row: &Row, script: &Script) -> String {
    let h = &script.history;
    let c = &h.chart;
    match row {
        Row::Day { date, mark: None } => fill(&c.missed, &[("date", &day_label(script, *date))]),
        Row::Day {
            date,
            mark: Some(mark),
        } => {
            let pain = mark
                .pain
                .map_or_else(|| c.unrated.clone(), |p| p.to_string());
            fill(
                &c.day,
                &[
                    ("date", &day_label(script, *date)),
                    ("bar", &bar(mark.pain)),
                    ("pain", &pain),
                    ("level", h.level(mark.level)),
                ],
            )
        }
        Row::Week {
            first,
            marks,
            average,
            checked_in,
        } => {
            let spark: String = marks.iter().map(|m| spark(*m)).collect();
            let average = average.tenths().map_or_else(
                || c.no_average.clone(),
                |t| tenths_text(t, &c.decimal_point),
            );
            fill(
                &c.week,
                &[
                    ("from", &date_label(script, *first)),
                    ("spark", &spark),
                    ("average", &average),
                    ("checked", &checked_in.to_string()),
                    ("days", &marks.len().to_string()),
                ],
            )
        }
    }
}

/// The streak line: a run that includes today, one that can still grow today, or none.
fn streak_text(s: &Streaks, script: &Script) -> String {
    let c = &script.history.chart;
    let (current, best) = (s.current.to_string(), s.best.to_string());
    let template = match (s.current, s.today_done) {
        (0, _) => &c.streak_none,
        (_, true) => &c.streak,
        (_, false) => &c.streak_open,
    };
    fill(template, &[("current", &current), ("best", &best)])
}

/// This week's average pain against last week's, as far as there are ratings.
fn average_text(w: &Weeks, script: &Script) -> String {
    let c = &script.history.chart;
    let text = |t: u32| tenths_text(t, &c.decimal_point);
    match (w.this.tenths(), w.before.tenths()) {
        (Some(this), Some(last)) => {
            fill(&c.average, &[("this", &text(this)), ("last", &text(last))])
        }
        (Some(this), None) => fill(&c.average_no_before, &[("this", &text(this))]),
        (None, _) => c.average_none.clone(),
    }
}
