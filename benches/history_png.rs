//! Rendering the /history picture for 90 days of check-ins (the issue asks for under 50 ms).
//! Run with `cargo bench --bench history_png`; results are in BENCHMARKS.md.

use std::hint::black_box;

use backcheck::history::{self, png::Labels};
use backcheck::model::{CheckIn, DayRecord, Level};
use backcheck::script::Script;
use criterion::{Criterion, criterion_group, criterion_main};
use jiff::civil::{Date, date};
use jiff::{Timestamp, ToSpan};

const TODAY: Date = date(2025, 3, 12);

/// 90 days of history: pain moving through 0-10, every level, a missed day now and then.
fn ninety_days() -> Vec<DayRecord> {
    const LEVELS: [Level; 6] = [
        Level::Usual,
        Level::Lighter,
        Level::Gentle,
        Level::ActiveRest,
        Level::SeeDoctor,
        Level::Emergency,
    ];
    (0..90i64)
        .filter(|n| n % 9 != 4)
        .filter_map(|n| {
            let date = TODAY.checked_sub(n.days()).ok()?;
            Some(DayRecord {
                date,
                checkin: CheckIn {
                    pain: Some(((n * 7 + 3) % 11) as u8),
                    ..CheckIn::default()
                },
                level: LEVELS[(n as usize / 5) % LEVELS.len()],
                episode_start: None,
                suggested: Vec::new(),
                clearance_note: false,
                recorded_at: Timestamp::UNIX_EPOCH,
            })
        })
        .collect()
}

fn history_png(c: &mut Criterion) {
    let script = Script::embedded().expect("dialogs load");
    let records = ninety_days();
    let labels = Labels::from_script(&script, 90);
    // Registers the font once, as the first /history of a running bot does.
    let series = history::pain_series(&records, TODAY, 90);
    history::render_png(&series, &labels).expect("renders");
    c.bench_function("history_png_90_days", |b| {
        b.iter(|| {
            let series = history::pain_series(black_box(&records), TODAY, 90);
            history::render_png(&series, &labels).expect("renders")
        })
    });
}

criterion_group!(benches, history_png);
criterion_main!(benches);
