//! Text and flat rectangles drawn straight into the picture's RGB pixels with ab_glyph.
//!
//! plotters 0.3's ab_glyph text places every glyph at the pen position without its left
//! side bearing, so words drift apart after narrow letters ("activ e rest"). The picture's
//! words (title, axis name, dates, legend) are laid out here instead: advance and kerning
//! for the pen, and each outline drawn at its own pixel bounds.

use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};

/// The embedded font: DejaVu Sans (assets/DejaVuSans.ttf, license next to it).
pub const FONT: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");

/// The embedded font, parsed once; None only if the embedded file were broken.
pub fn font() -> Option<&'static FontRef<'static>> {
    static FONT_REF: OnceLock<Option<FontRef<'static>>> = OnceLock::new();
    FONT_REF
        .get_or_init(|| FontRef::try_from_slice(FONT).ok())
        .as_ref()
}

/// Where a text's x position is: its left edge, its middle or its right edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Left,
    Center,
    Right,
}

/// An RGB pixel buffer, row by row, 3 bytes a pixel.
pub struct Canvas<'a> {
    pixels: &'a mut [u8],
    width: u32,
    height: u32,
}

impl<'a> Canvas<'a> {
    /// A canvas over `pixels`, which must hold `width * height` RGB pixels (smaller buffers
    /// are safe: pixels outside it are skipped).
    pub fn new(pixels: &'a mut [u8], width: u32, height: u32) -> Canvas<'a> {
        Canvas {
            pixels,
            width,
            height,
        }
    }

    /// Mixes `colour` into one pixel with coverage `alpha` (0 to 1); outside pixels are
    /// ignored, so text near an edge is cut off rather than wrapped or panicking.
    fn blend(&mut self, x: i32, y: i32, colour: [u8; 3], alpha: f32) {
        let (Ok(x), Ok(y)) = (u32::try_from(x), u32::try_from(y)) else {
            return;
        };
        if x >= self.width || y >= self.height {
            return;
        }
        let at = (y as usize * self.width as usize + x as usize) * 3;
        let Some(pixel) = self.pixels.get_mut(at..at + 3) else {
            return;
        };
        let a = alpha.clamp(0.0, 1.0);
        for (p, c) in pixel.iter_mut().zip(colour) {
            *p = (f32::from(*p) * (1.0 - a) + f32::from(c) * a).round() as u8;
        }
    }

    /// A filled rectangle from (x0, y0) to (x1, y1), both inclusive.
    pub fn fill_rect(&mut self, (x0, y0): (i32, i32), (x1, y1): (i32, i32), colour: [u8; 3]) {
        for y in y0..=y1 {
            for x in x0..=x1 {
                self.blend(x, y, colour, 1.0);
            }
        }
    }

    /// A one-pixel outline of the rectangle from (x0, y0) to (x1, y1).
    pub fn outline_rect(&mut self, (x0, y0): (i32, i32), (x1, y1): (i32, i32), colour: [u8; 3]) {
        self.fill_rect((x0, y0), (x1, y0), colour);
        self.fill_rect((x0, y1), (x1, y1), colour);
        self.fill_rect((x0, y0), (x0, y1), colour);
        self.fill_rect((x1, y0), (x1, y1), colour);
    }

    /// Draws `text` at `size` pixels with its top at `top`, placed by `anchor` at `x` and
    /// kept inside the canvas. Returns the text's width in pixels.
    pub fn text(
        &mut self,
        font: &FontRef<'_>,
        size: f32,
        text: &str,
        (x, top): (f32, f32),
        anchor: Anchor,
        colour: [u8; 3],
    ) -> f32 {
        let width = text_width(font, size, text);
        let wanted = match anchor {
            Anchor::Left => x,
            Anchor::Center => x - width / 2.0,
            Anchor::Right => x - width,
        };
        let start = wanted.min(self.width as f32 - width - 2.0).max(2.0);
        let scaled = font.as_scaled(PxScale::from(size));
        let baseline = top + scaled.ascent();
        let mut pen = start;
        let mut previous = None;
        for c in text.chars() {
            let id = scaled.glyph_id(c);
            if let Some(p) = previous {
                pen += scaled.kern(p, id);
            }
            let glyph = id.with_scale_and_position(size, point(pen, baseline));
            if let Some(outline) = font.outline_glyph(glyph) {
                let bounds = outline.px_bounds();
                let (bx, by) = (bounds.min.x as i32, bounds.min.y as i32);
                outline.draw(|gx, gy, coverage| {
                    self.blend(bx + gx as i32, by + gy as i32, colour, coverage);
                });
            }
            pen += scaled.h_advance(id);
            previous = Some(id);
        }
        width
    }
}

/// The width of `text` at `size` pixels: the sum of advances and kerning.
pub fn text_width(font: &FontRef<'_>, size: f32, text: &str) -> f32 {
    let scaled = font.as_scaled(PxScale::from(size));
    let mut width = 0.0;
    let mut previous = None;
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(p) = previous {
            width += scaled.kern(p, id);
        }
        width += scaled.h_advance(id);
        previous = Some(id);
    }
    width
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_font_reads_and_draws_inside_the_canvas() {
        let font = font().expect("the embedded font parses");
        let mut pixels = vec![255u8; 40 * 20 * 3];
        let mut canvas = Canvas::new(&mut pixels, 40, 20);
        // Wider than the canvas: clipped, not a panic.
        let width = canvas.text(font, 14.0, "Wide text", (0.0, 2.0), Anchor::Left, [0; 3]);
        assert!(width > 40.0);
        assert!(pixels.iter().any(|p| *p < 128), "some ink landed");
        assert!(text_width(font, 14.0, "ii") < text_width(font, 14.0, "WW"));
    }
}
