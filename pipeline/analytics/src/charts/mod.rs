//! Stage 6, charts: six comparison figures, each written as SVG and PNG into `charts/`.
//!
//! Glyphs come from the bundled Noto Sans SC subset (`assets/fonts/`), registered with
//! plotters' `ab_glyph` backend, so PNGs show Chinese correctly on a machine with no fonts;
//! a character the subset lacks is written in pinyin instead of a box. Figures are drawn on
//! pixel coordinates (`Canvas`) so labels, legends and notes sit exactly where a reader looks.

mod data;
mod figures;

use std::path::{Path, PathBuf};
use std::sync::{LazyLock, Once};

use ab_glyph::{Font, FontRef};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontStyle, register_font};

pub use data::ChartData;

use crate::error::{Error, Result};

/// The bundled font (OFL; see assets/fonts/README.md for how the subset was made).
static FONT_BYTES: &[u8] = include_bytes!("../../../../assets/fonts/NotoSansSC-banli-subset.ttf");
/// The family name the figures use; registered once per process.
pub const FAMILY: &str = "banli-sans";
static REGISTER: Once = Once::new();
static FONT: LazyLock<Option<FontRef<'static>>> =
    LazyLock::new(|| FontRef::try_from_slice(FONT_BYTES).ok());

fn register() {
    REGISTER.call_once(|| {
        // A font that does not parse is caught by `font_covers` (everything becomes pinyin/?),
        // and by the chart tests; registration failure itself has no other remedy.
        let _ = register_font(FAMILY, FontStyle::Normal, FONT_BYTES);
    });
}

/// Whether the bundled font has a glyph for `c`.
pub fn font_covers(c: char) -> bool {
    FONT.as_ref().is_some_and(|f| f.glyph_id(c).0 != 0)
}

/// Text as the font can draw it: a character without a glyph becomes its pinyin (or `?`).
pub fn drawable(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if font_covers(c) || c == ' ' {
            out.push(c);
            continue;
        }
        use pinyin::ToPinyin;
        match c.to_pinyin() {
            Some(p) => {
                let mut py = p.plain().chars();
                if let Some(first) = py.next() {
                    out.extend(first.to_uppercase());
                    out.extend(py);
                }
            }
            None => out.push('?'),
        }
    }
    out
}

/// One chart file pair.
#[derive(Debug, Clone)]
pub struct ChartFiles {
    pub name: &'static str,
    pub title: String,
    pub svg: PathBuf,
    pub png: PathBuf,
    /// The SVG as written (tests read titles and labels from it).
    pub svg_text: String,
}

/// Fallback families for SVG viewers that do not have our font installed.
const SVG_FAMILIES: &str = "banli-sans, 'Noto Sans SC', 'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', 'WenQuanYi Micro Hei', sans-serif";

type DrawResult<DB> =
    std::result::Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// A figure that can draw itself on any plotters backend.
/// Where row labels end (the plot area starts 10 px to the right).
const PLOT_LABEL_RIGHT: i32 = figures::PLOT_X0 - 10;

pub trait Figure {
    fn name(&self) -> &'static str;
    fn title(&self) -> String;
    fn size(&self) -> (u32, u32);
    fn draw<DB: DrawingBackend>(&self, c: &Canvas<DB>) -> DrawResult<DB>;
}

/// Draw a figure on a white background of one backend (SVG or PNG: same drawing code).
fn paint<F: Figure, DB: DrawingBackend>(fig: &F, backend: DB) -> Result<()> {
    let name = fig.name();
    let canvas = Canvas {
        area: backend.into_drawing_area(),
    };
    canvas
        .area
        .fill(&WHITE)
        .map_err(|e| Error::chart(name, format!("{e:?}")))?;
    fig.draw(&canvas)
        .map_err(|e| Error::chart(name, format!("{e:?}")))?;
    canvas
        .area
        .present()
        .map_err(|e| Error::chart(name, format!("{e:?}")))
}

/// Render a figure to `<dir>/<name>.svg` and `.png`, each written to a temp file and renamed.
pub fn render<F: Figure>(fig: &F, dir: &Path) -> Result<ChartFiles> {
    register();
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let name = fig.name();
    let size = fig.size();
    let mut svg = String::new();
    {
        paint(fig, SVGBackend::with_string(&mut svg, size))?;
    }
    let svg = svg.replace(
        &format!("font-family=\"{FAMILY}\""),
        &format!("font-family=\"{SVG_FAMILIES}\""),
    );
    let svg_path = dir.join(format!("{name}.svg"));
    banli::write::write_atomic(&svg_path, svg.as_bytes())?;

    let png_path = dir.join(format!("{name}.png"));
    let tmp = dir.join(format!(".{name}.tmp-{}.png", std::process::id()));
    {
        paint(fig, BitMapBackend::new(&tmp, size))?;
    }
    std::fs::rename(&tmp, &png_path).map_err(|e| Error::io(&png_path, e))?;
    Ok(ChartFiles {
        name,
        title: fig.title(),
        svg: svg_path,
        png: png_path,
        svg_text: svg,
    })
}

/// Render all six figures.
pub fn render_all(data: &ChartData, dir: &Path) -> Result<Vec<ChartFiles>> {
    Ok(vec![
        render(&figures::Composition(data), dir)?,
        render(&figures::ResolvedBounds(data), dir)?,
        render(&figures::Rates(data), dir)?,
        render(&figures::TopicMix(data), dir)?,
        render(&figures::YearOverYear(data), dir)?,
        render(&figures::ThemeMatrix(data), dir)?,
    ])
}

/// Pixel-coordinate drawing helpers over a plotters area.
pub struct Canvas<DB: DrawingBackend> {
    area: DrawingArea<DB, Shift>,
}

pub fn rgb(hex: u32) -> RGBColor {
    RGBColor((hex >> 16) as u8, (hex >> 8) as u8, hex as u8)
}

impl<DB: DrawingBackend> Canvas<DB> {
    pub fn rect(
        &self,
        x0: i32,
        y0: i32,
        x1: i32,
        y1: i32,
        color: RGBColor,
        filled: bool,
    ) -> DrawResult<DB> {
        let style = if filled {
            color.filled()
        } else {
            color.stroke_width(1)
        };
        self.area.draw(&Rectangle::new([(x0, y0), (x1, y1)], style))
    }

    pub fn line(&self, points: Vec<(i32, i32)>, color: RGBColor, width: u32) -> DrawResult<DB> {
        self.area
            .draw(&PathElement::new(points, color.stroke_width(width)))
    }

    /// Diagonal hatching inside a rectangle: how a merged category is marked.
    pub fn hatch(&self, x0: i32, y0: i32, x1: i32, y1: i32, color: RGBColor) -> DrawResult<DB> {
        let h = y1 - y0;
        let mut x = x0 - h;
        while x < x1 {
            // Clip the segment from (x, y1) to (x + h, y0) to [x0, x1].
            let (mut ax, mut ay, mut bx, mut by) = (x, y1, x + h, y0);
            if ax < x0 {
                ay -= x0 - ax;
                ax = x0;
            }
            if bx > x1 {
                by += bx - x1;
                bx = x1;
            }
            if ax < bx {
                self.line(vec![(ax, ay), (bx, by)], color, 2)?;
            }
            x += 8;
        }
        Ok(())
    }

    pub fn text(
        &self,
        s: &str,
        x: i32,
        y: i32,
        size: f64,
        color: RGBColor,
        h: HPos,
        v: VPos,
    ) -> DrawResult<DB> {
        let style = TextStyle::from((FAMILY, size).into_font())
            .color(&color)
            .pos(Pos::new(h, v));
        self.area.draw(&Text::new(drawable(s), (x, y), style))
    }

    /// A row's label, right-aligned against the plot area.
    pub fn row_label(&self, s: &str, y: i32) -> DrawResult<DB> {
        self.text(
            s,
            PLOT_LABEL_RIGHT,
            y,
            14.0,
            BLACK,
            HPos::Right,
            VPos::Center,
        )
    }

    pub fn circle(&self, x: i32, y: i32, r: i32, color: RGBColor, filled: bool) -> DrawResult<DB> {
        let style = if filled {
            color.filled()
        } else {
            color.stroke_width(2)
        };
        self.area.draw(&Circle::new((x, y), r, style))
    }

    pub fn triangle(&self, x: i32, y: i32, r: i32, color: RGBColor) -> DrawResult<DB> {
        self.area.draw(&Polygon::new(
            vec![(x, y - r), (x - r, y + r - 1), (x + r, y + r - 1)],
            color.filled(),
        ))
    }

    pub fn diamond(&self, x: i32, y: i32, r: i32, color: RGBColor) -> DrawResult<DB> {
        self.area.draw(&Polygon::new(
            vec![(x, y - r), (x + r, y), (x, y + r), (x - r, y)],
            color.filled(),
        ))
    }

    pub fn square(&self, x: i32, y: i32, r: i32, color: RGBColor) -> DrawResult<DB> {
        self.rect(x - r + 1, y - r + 1, x + r - 1, y + r - 1, color, true)
    }

    pub fn cross(&self, x: i32, y: i32, r: i32, color: RGBColor) -> DrawResult<DB> {
        self.line(vec![(x - r, y), (x + r, y)], color, 3)?;
        self.line(vec![(x, y - r), (x, y + r)], color, 3)
    }

    /// A horizontal percent axis from `x0` (0 %) to `x1` (100 %) with grid lines down to `y1`.
    pub fn percent_axis(
        &self,
        x0: i32,
        x1: i32,
        y0: i32,
        y1: i32,
        from: f64,
        to: f64,
        step: f64,
    ) -> DrawResult<DB> {
        let mut v = from;
        while v <= to + 1e-9 {
            let x = scale(v, from, to, x0, x1);
            self.line(vec![(x, y0), (x, y1)], rgb(0xe0e0e0), 1)?;
            self.text(
                &format!("{v:.0}%"),
                x,
                y1 + 4,
                13.0,
                rgb(0x555555),
                HPos::Center,
                VPos::Top,
            )?;
            v += step;
        }
        Ok(())
    }

    /// The figure's title and subtitle.
    pub fn heading(&self, title: &str, subtitle: &str) -> DrawResult<DB> {
        self.text(title, 20, 14, 24.0, BLACK, HPos::Left, VPos::Top)?;
        self.text(subtitle, 20, 46, 14.0, rgb(0x555555), HPos::Left, VPos::Top)
    }
}

/// Map `v` in [from, to] to pixels [x0, x1].
pub fn scale(v: f64, from: f64, to: f64, x0: i32, x1: i32) -> i32 {
    let t = if to > from {
        (v - from) / (to - from)
    } else {
        0.0
    };
    x0 + (t.clamp(0.0, 1.0) * f64::from(x1 - x0)).round() as i32
}

#[cfg(test)]
mod tests {
    use super::data::{ChartData, Row, Segment};
    use super::*;

    fn row(doc: &str, label: &str, year: i32, resolved: (f64, f64)) -> Row {
        let mut tiers = std::collections::BTreeMap::new();
        let exact = resolved.0 == resolved.1;
        tiers.insert(
            "resolved",
            (Some(resolved.0), Some(resolved.1), Some(exact)),
        );
        tiers.insert("addressed", (Some(90.0), Some(90.0), Some(true)));
        Row {
            doc_id: doc.into(),
            series_key: format!("{label}|government|npc_suggestion"),
            place: label.into(),
            label: format!("{label} {year}"),
            year: Some(year),
            universe: Some("all_items".into()),
            universe_count: Some(100),
            total_items: Some(100),
            tiers,
            completed: Some(100.0),
            answered: None,
            face_to_face: None,
            satisfaction: Some(97.5),
            satisfaction_definition: Some("satisfied_or_basic".into()),
        }
    }

    fn segment(doc: &str, share: f64, tiers: &[&str]) -> Segment {
        Segment {
            doc_id: doc.into(),
            code: None,
            label_zh: "类别".into(),
            share: Some(share),
            tiers: tiers.iter().map(|t| t.to_string()).collect(),
        }
    }

    #[test]
    fn a_character_missing_from_the_font_is_written_in_pinyin() {
        assert!(font_covers('漯') && font_covers('A') && font_covers('7'));
        let rare = ['鱻', '龘', '靐', '齉', '爩']
            .into_iter()
            .find(|c| !font_covers(*c))
            .expect("the subset lacks at least one rare character");
        let out = drawable(&format!("{rare}市"));
        assert!(!out.contains(rare), "{out}");
        assert!(
            out.ends_with('市') && out.chars().next().is_some_and(|c| c.is_ascii_uppercase()),
            "{out}"
        );
    }

    #[test]
    fn composition_draws_a_merged_category_as_one_hatched_segment() {
        let data = ChartData {
            rows: vec![row("d1", "甲市 Jiashi", 2021, (0.0, 60.0))],
            total_rows: 1,
            segments: vec![
                segment("d1", 60.0, &["resolved", "in_progress"]),
                segment("d1", 30.0, &["planned"]),
            ],
            ..Default::default()
        };
        let dir = tempfile::tempdir().unwrap();
        let files = render(&figures::Composition(&data), dir.path()).unwrap();
        let svg = &files.svg_text;
        assert!(svg.contains("甲市 Jiashi 2021"));
        assert!(svg.contains("合并类别 merged category"));
        assert!(svg.contains("60.0%") && svg.contains("30.0%"));
        // The hatching: many short diagonal strokes inside the merged segment only.
        assert!(svg.matches("<polyline").count() > 20, "no hatching drawn");
        assert!(files.png.exists() && dir.path().join("outcome_composition.svg").exists());
    }

    #[test]
    fn bounds_are_bars_and_exact_values_are_dots() {
        let data = ChartData {
            rows: vec![
                row("d1", "甲市 Jiashi", 2021, (0.0, 52.8)),
                row("d2", "乙县 Yixian", 2021, (58.7, 58.7)),
            ],
            total_rows: 2,
            ..Default::default()
        };
        let dir = tempfile::tempdir().unwrap();
        let svg = render(&figures::ResolvedBounds(&data), dir.path())
            .unwrap()
            .svg_text;
        assert!(svg.contains("[0.0%, 52.8%]"));
        assert!(svg.contains("58.7%") && !svg.contains("[58.7%"));
        assert_eq!(
            svg.matches("<circle").count(),
            2,
            "one dot for the exact value, one in the legend"
        );
    }

    #[test]
    fn empty_inputs_still_give_every_chart_with_a_note() {
        let dir = tempfile::tempdir().unwrap();
        let charts = render_all(&ChartData::default(), dir.path()).unwrap();
        assert_eq!(charts.len(), 6);
        for c in &charts {
            assert!(c.png.exists(), "{}", c.name);
            assert!(
                c.svg_text.contains("No "),
                "{} has no empty-data note",
                c.name
            );
        }
    }

    #[test]
    fn many_reports_are_cut_to_a_readable_chart() {
        let rows: Vec<Row> = (0..500)
            .map(|i| {
                row(
                    &format!("d{i}"),
                    &format!("市{i}"),
                    2000 + (i % 5),
                    (50.0, 50.0),
                )
            })
            .collect();
        let kept = data::keep_readable(rows);
        assert_eq!(kept.len(), data::MAX_ROWS);
        assert!(
            kept.iter().all(|r| r.year == Some(2004)),
            "the latest year comes first"
        );
        let data = ChartData {
            total_rows: 500,
            rows: kept,
            ..Default::default()
        };
        let (_, h) = figures::ResolvedBounds(&data).size();
        assert!(h < 2000, "{h} px tall");
        assert!(data.shown_note().contains("40 of 500"));
    }
}
