//! The history picture: pain per day as a line with dots, over colour bands that show each
//! day's plan level, drawn in-process with plotters and encoded as PNG.
//!
//! Text is drawn with DejaVu Sans, embedded in the binary (assets/DejaVuSans.ttf, license
//! next to it): registered with plotters' ab_glyph support for the axis numbers, and laid out
//! by `glyphs` for the words. No system font lookup, no network: the picture looks the same
//! on every machine.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use jiff::civil::Date;
use plotters::backend::RGBPixel;
use plotters::prelude::*;
use plotters::style::register_font;

use super::glyphs::{Anchor, Canvas, FONT, font};
use super::{Mark, Window, by_date, marks};
use crate::model::{DayRecord, Level};
use crate::script::{Script, fill};

/// Picture size in pixels: wide enough for a year of 2-pixel days, readable on a phone.
pub const WIDTH: u32 = 800;
pub const HEIGHT: u32 = 450;

/// The space above the plot for the title and axis name, below it for dates and legend.
const TOP: u32 = 64;
const BOTTOM: u32 = 76;
/// The legend's strip at the bottom of the picture.
const LEGEND_HEIGHT: u32 = 40;

/// plotters' default family: the embedded font is registered under it, so every plotters
/// text style finds it without a system font lookup.
const FAMILY: &str = "sans-serif";

/// About this many date labels along the bottom, however long the span.
const DATE_LABELS: usize = 6;

/// Colours as RGB bytes: the picture's background, its words, the grid and axes.
pub const BACKGROUND: [u8; 3] = [255, 255, 255];
const INK: [u8; 3] = [40, 40, 40];
const GRID: [u8; 3] = [150, 150, 150];
/// The pain line and its dots.
pub const LINE: [u8; 3] = [25, 55, 140];

/// The band colour of a level: greens for the usual and lighter days, warming up through
/// yellow and orange to red for the days that needed a doctor.
pub fn level_colour(level: Level) -> [u8; 3] {
    match level {
        Level::Usual => [196, 232, 196],
        Level::Lighter => [222, 238, 178],
        Level::Gentle => [255, 236, 168],
        Level::ActiveRest => [255, 206, 158],
        Level::SeeDoctor => [246, 168, 168],
        Level::Emergency => [222, 118, 118],
    }
}

/// RGB bytes as a plotters colour.
fn colour([r, g, b]: [u8; 3]) -> RGBColor {
    RGBColor(r, g, b)
}

/// Why a picture could not be made. The text chart is sent either way.
#[derive(Debug, thiserror::Error)]
pub enum PngError {
    #[error("the embedded font cannot be read")]
    Font,
    #[error("cannot draw the history picture: {0}")]
    Draw(String),
    #[error("cannot encode the history picture: {0}")]
    Encode(String),
}

/// The days the picture shows: every date of the window with its check-in, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PainSeries {
    pub window: Window,
    pub days: Vec<(Date, Option<Mark>)>,
}

/// The series of the `days` dates ending `today`.
pub fn pain_series(records: &[DayRecord], today: Date, days: u16) -> PainSeries {
    let window = Window::ending(today, days);
    PainSeries {
        window,
        days: marks(&by_date(records, today), window),
    }
}

/// The words in the picture, from the Script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labels {
    pub title: String,
    pub axis: String,
    /// Short level names for the legend.
    pub levels: BTreeMap<Level, String>,
    /// Short month names, January first, for date labels.
    pub months: Vec<String>,
    /// A date label: `{day} {month}` ("3 Mar").
    pub date_format: String,
}

impl Labels {
    /// The labels of a picture of `days` days, in the Script's words.
    pub fn from_script(script: &Script, days: usize) -> Labels {
        let p = &script.history.picture;
        Labels {
            title: fill(&p.title, &[("days", &days.to_string())]),
            axis: p.axis.clone(),
            levels: script.history.levels.clone(),
            months: script.history.dates.months.clone(),
            date_format: script.history.dates.date.clone(),
        }
    }

    /// "3 Mar".
    fn date(&self, date: Date) -> String {
        let month = self.months.get(date.month() as usize - 1);
        let day = date.day().to_string();
        fill(
            &self.date_format,
            &[("day", &day), ("month", month.map_or("", String::as_str))],
        )
    }
}

/// Registers the embedded font with plotters once per process (plotters keeps fonts in a
/// global table); plotters draws the pain axis numbers with it.
fn ensure_font() -> Result<&'static ab_glyph::FontRef<'static>, PngError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| register_font(FAMILY, FontStyle::Normal, FONT).is_ok());
    font().filter(|_| ok).ok_or(PngError::Font)
}

/// The picture as PNG bytes.
pub fn render_png(series: &PainSeries, labels: &Labels) -> Result<Vec<u8>, PngError> {
    let font = ensure_font()?;
    let mut pixels = vec![0u8; WIDTH as usize * HEIGHT as usize * 3];
    let plot = draw_plot(&mut pixels, series).map_err(|e| PngError::Draw(e.to_string()))?;
    let mut canvas = Canvas::new(&mut pixels, WIDTH, HEIGHT);
    draw_words(&mut canvas, font, plot, series, labels);
    encode(&pixels)
}

/// Where plotters put the plotting area, in pixels (right and bottom exclusive).
#[derive(Debug, Clone, Copy)]
struct PlotBox {
    left: i32,
    right: i32,
    top: i32,
    bottom: i32,
}

/// The bands, grid, pain axis numbers, line and dots, with plotters. Leaves room above for
/// the title and axis name and below for the dates and the legend.
fn draw_plot(
    pixels: &mut [u8],
    series: &PainSeries,
) -> Result<PlotBox, Box<dyn std::error::Error>> {
    let backend = BitMapBackend::<RGBPixel>::with_buffer_and_format(pixels, (WIDTH, HEIGHT))?;
    let root = backend.into_drawing_area();
    root.fill(&colour(BACKGROUND))?;
    let n = series.days.len().max(1);
    let mut chart = ChartBuilder::on(&root)
        .margin_top(TOP)
        .margin_bottom(BOTTOM)
        .margin_left(10)
        .margin_right(24)
        .y_label_area_size(34)
        .build_cartesian_2d(0f64..n as f64, -0.4f64..10.4f64)?;

    // The bands first, so the grid and the line are drawn over them.
    let bands = series.days.iter().enumerate().filter_map(|(i, (_, mark))| {
        let (x, level) = (i as f64, mark.as_ref()?.level);
        Some(Rectangle::new(
            [(x, -0.4), (x + 1.0, 10.4)],
            colour(level_colour(level)).filled(),
        ))
    });
    chart.draw_series(bands)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .y_labels(6)
        .y_label_formatter(&|v| format!("{v:.0}"))
        .label_style((FAMILY, 14).into_font().color(&colour(INK)))
        .bold_line_style(colour(GRID).mix(0.5))
        .light_line_style(TRANSPARENT)
        .axis_style(colour(GRID))
        .draw()?;

    // The pain line, broken where a day has no rating, and a dot per rated day.
    let (xs, ys) = chart.plotting_area().get_pixel_range();
    let column = (xs.end - xs.start) / i32::try_from(n).unwrap_or(i32::MAX).max(1);
    let radius = (column / 3).clamp(2, 4);
    let rated = |i: usize, mark: &Option<Mark>| {
        let pain = mark.as_ref()?.pain?;
        Some((i as f64 + 0.5, f64::from(pain)))
    };
    let mut run: Vec<(f64, f64)> = Vec::new();
    for (i, (_, mark)) in series.days.iter().enumerate() {
        match rated(i, mark) {
            Some(point) => run.push(point),
            None => draw_run(&mut chart, std::mem::take(&mut run))?,
        }
    }
    draw_run(&mut chart, run)?;
    let dots = series
        .days
        .iter()
        .enumerate()
        .filter_map(|(i, (_, m))| rated(i, m));
    chart.draw_series(dots.map(|p| Circle::new(p, radius, colour(LINE).filled())))?;
    root.present()?;
    Ok(PlotBox {
        left: xs.start,
        right: xs.end,
        top: ys.start,
        bottom: ys.end,
    })
}

/// The chart context of the picture: f64 days across, pain up.
type Chart<'a, 'b> = ChartContext<
    'a,
    BitMapBackend<'b, RGBPixel>,
    plotters::coord::cartesian::Cartesian2d<
        plotters::coord::types::RangedCoordf64,
        plotters::coord::types::RangedCoordf64,
    >,
>;

/// One unbroken stretch of the pain line (nothing for fewer than two points).
fn draw_run(
    chart: &mut Chart<'_, '_>,
    run: Vec<(f64, f64)>,
) -> Result<(), Box<dyn std::error::Error>> {
    if run.len() >= 2 {
        chart.draw_series(LineSeries::new(run, colour(LINE).stroke_width(2)))?;
    }
    Ok(())
}

/// The title, the axis name, the dates under the day columns (today always among them) and
/// a legend swatch with a name for each level that appears, from the usual routine up.
fn draw_words(
    canvas: &mut Canvas<'_>,
    font: &ab_glyph::FontRef<'_>,
    plot: PlotBox,
    series: &PainSeries,
    labels: &Labels,
) {
    let ink = INK;
    let middle = WIDTH as f32 / 2.0;
    canvas.text(
        font,
        22.0,
        &labels.title,
        (middle, 12.0),
        Anchor::Center,
        ink,
    );
    let axis_top = plot.top as f32 - 22.0;
    canvas.text(
        font,
        13.0,
        &labels.axis,
        (10.0, axis_top),
        Anchor::Left,
        ink,
    );

    let n = series.days.len().max(1);
    let column = (plot.right - plot.left) as f32 / n as f32;
    let step = n.div_ceil(DATE_LABELS).max(1);
    let dates_top = plot.bottom as f32 + 6.0;
    for (i, (date, _)) in series.days.iter().enumerate() {
        if (n - 1 - i).is_multiple_of(step) {
            let x = plot.left as f32 + (i as f32 + 0.5) * column;
            canvas.text(
                font,
                13.0,
                &labels.date(*date),
                (x, dates_top),
                Anchor::Center,
                ink,
            );
        }
    }

    let levels: BTreeSet<Level> = series
        .days
        .iter()
        .filter_map(|(_, m)| m.map(|m| m.level))
        .collect();
    let y = HEIGHT as i32 - LEGEND_HEIGHT as i32 / 2 - 2;
    let mut x = plot.left;
    for level in levels.iter().rev() {
        let name = labels.levels.get(level).map(String::as_str).unwrap_or("");
        canvas.fill_rect((x, y - 7), (x + 14, y + 7), level_colour(*level));
        canvas.outline_rect((x, y - 7), (x + 14, y + 7), GRID);
        let top = y as f32 - 9.0;
        let width = canvas.text(font, 14.0, name, (x as f32 + 20.0, top), Anchor::Left, ink);
        x += 20 + width.ceil() as i32 + 22;
    }
}

/// RGB pixels to PNG bytes. Fast compression: the picture is mostly flat colour, which
/// compresses well anyway, and it keeps rendering well under 50 ms.
fn encode(pixels: &[u8]) -> Result<Vec<u8>, PngError> {
    let err = |e: png::EncodingError| PngError::Encode(e.to_string());
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, WIDTH, HEIGHT);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header().map_err(err)?;
    writer.write_image_data(pixels).map_err(err)?;
    writer.finish().map_err(err)?;
    Ok(out)
}
