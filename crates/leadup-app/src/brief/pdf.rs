//! A brief as a PDF, typeset in-process with krilla and the `DejaVu` Sans fonts embedded (subset)
//! in the file: text wraps to the column, long briefs continue on the next A4 page, and the
//! text reads back (copy, search, `pdftotext`) as written. User-written text is drawn as text,
//! never interpreted.

use std::sync::LazyLock;

use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::text::{Font, TextDirection};
use leadup_core::date;
use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

use super::Brief;
use super::order::{self, Section};
use super::words;

static REGULAR_DATA: &[u8] = include_bytes!("../../fonts/DejaVuSans.ttf");
static BOLD_DATA: &[u8] = include_bytes!("../../fonts/DejaVuSans-Bold.ttf");

static REGULAR: LazyLock<Font> = LazyLock::new(|| Font::new(REGULAR_DATA.into(), 0).expect("DejaVu Sans loads"));
static BOLD: LazyLock<Font> = LazyLock::new(|| Font::new(BOLD_DATA.into(), 0).expect("DejaVu Sans Bold loads"));

const PAGE_WIDTH: f32 = 595.28;
const PAGE_HEIGHT: f32 = 841.89;
const MARGIN: f32 = 40.0;
const WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Face {
    Regular,
    Bold,
}

#[derive(Clone, Copy)]
enum Tone {
    Text,
    Muted,
    Accent,
}

impl Tone {
    fn color(self) -> rgb::Color {
        match self {
            Tone::Text => rgb::Color::new(29, 36, 51),
            Tone::Muted => rgb::Color::new(79, 88, 107),
            Tone::Accent => rgb::Color::new(37, 71, 196),
        }
    }
}

/// The width of `text` in `face` at `size` points.
fn width(text: &str, face: Face, size: f32) -> f32 {
    let data = if face == Face::Bold { BOLD_DATA } else { REGULAR_DATA };
    let Ok(font) = FontRef::new(data) else { return text.chars().count() as f32 * size * 0.6 };
    let charmap = font.charmap();
    let metrics = font.glyph_metrics(Size::new(size), LocationRef::default());
    text.chars().map(|c| charmap.map(c).and_then(|g| metrics.advance_width(g)).unwrap_or(size * 0.6)).sum()
}

/// `text` broken into lines no wider than `max` (a word wider than a line is cut).
fn wrap(text: &str, face: Face, size: f32, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() { word.to_owned() } else { format!("{line} {word}") };
        if width(&candidate, face, size) <= max {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        let mut piece = String::new();
        for c in word.chars() {
            piece.push(c);
            if width(&piece, face, size) > max && piece.chars().count() > 1 {
                piece.pop();
                lines.push(std::mem::take(&mut piece));
                piece.push(c);
            }
        }
        line = piece;
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// One cell of a row: where it starts, how wide it is, and what it says.
struct Cell {
    x: f32,
    width: f32,
    face: Face,
    size: f32,
    tone: Tone,
    right: bool,
    text: String,
}

impl Cell {
    fn new(x: f32, width: f32, text: impl Into<String>) -> Self {
        Self { x, width, face: Face::Regular, size: 8.5, tone: Tone::Text, right: false, text: text.into() }
    }
    fn bold(mut self) -> Self {
        self.face = Face::Bold;
        self
    }
    fn size(mut self, size: f32) -> Self {
        self.size = size;
        self
    }
    fn tone(mut self, tone: Tone) -> Self {
        self.tone = tone;
        self
    }
    fn right(mut self) -> Self {
        self.right = true;
        self
    }
}

/// A line of text drawn at a place on a page.
struct Glyphs {
    x: f32,
    baseline: f32,
    face: Face,
    size: f32,
    tone: Tone,
    text: String,
}

/// What one page shows: lines of text, and thin rules as (top, thickness).
#[derive(Default)]
struct PageContent {
    glyphs: Vec<Glyphs>,
    rules: Vec<(f32, f32)>,
}

/// Lays rows out top to bottom, starting a new page when one is full.
struct Layout {
    pages: Vec<PageContent>,
    y: f32,
}

impl Layout {
    fn new() -> Self {
        Self { pages: vec![PageContent::default()], y: MARGIN }
    }

    fn space(&mut self, points: f32) {
        self.y += points;
    }

    /// A thin rule across the column.
    fn rule(&mut self) {
        let y = self.y;
        self.pages.last_mut().expect("a page").rules.push((y, 0.5));
        self.y += 2.0;
    }

    fn row(&mut self, cells: Vec<Cell>) {
        let wrapped: Vec<(Cell, Vec<String>)> = cells
            .into_iter()
            .map(|cell| {
                let lines = wrap(&cell.text, cell.face, cell.size, cell.width);
                (cell, lines)
            })
            .collect();
        let height = wrapped.iter().map(|(cell, lines)| lines.len() as f32 * cell.size * 1.3).fold(0.0_f32, f32::max);
        if self.y + height > PAGE_HEIGHT - MARGIN {
            self.pages.push(PageContent::default());
            self.y = MARGIN;
        }
        let top = self.y;
        let page = &mut self.pages.last_mut().expect("a page").glyphs;
        for (cell, lines) in wrapped {
            for (n, text) in lines.into_iter().enumerate() {
                let x = if cell.right { cell.x + cell.width - width(&text, cell.face, cell.size) } else { cell.x };
                let baseline = top + cell.size * (1.3 * n as f32 + 1.0);
                page.push(Glyphs { x, baseline, face: cell.face, size: cell.size, tone: cell.tone, text });
            }
        }
        self.y = top + height;
    }

    fn heading(&mut self, text: &str) {
        self.space(7.0);
        self.row(vec![Cell::new(MARGIN, WIDTH, text.to_uppercase()).bold().size(9.5).tone(Tone::Accent)]);
        self.space(1.5);
    }

    fn paragraph(&mut self, text: &str, tone: Tone) {
        self.row(vec![Cell::new(MARGIN, WIDTH, text).size(9.0).tone(tone)]);
        self.space(1.5);
    }

    fn bullet(&mut self, text: &str) {
        self.row(vec![
            Cell::new(MARGIN + 2.0, 8.0, "•").size(9.0),
            Cell::new(MARGIN + 10.0, WIDTH - 10.0, text).size(9.0),
        ]);
        self.space(1.0);
    }
}

fn layout(brief: &Brief) -> Layout {
    let mut out = Layout::new();
    let who = &brief.stakeholder.name;
    out.row(vec![Cell::new(MARGIN, WIDTH, format!("{} · brief for {who}", brief.team.name)).bold().size(15.0)]);
    out.space(2.0);
    out.paragraph(
        &format!(
            "{} to {} · from {} · {}",
            date::format(brief.period.start),
            date::format(brief.period.end),
            brief.team.manager,
            words::since(brief)
        ),
        Tone::Muted,
    );
    out.space(2.0);
    let label = format!("{}.", brief.headline.label);
    let label_width = width(&label, Face::Bold, 10.5) + 5.0;
    out.row(vec![
        Cell::new(MARGIN, label_width, label).bold().size(10.5),
        Cell::new(MARGIN + label_width, WIDTH - label_width, &brief.headline.reason).size(10.0),
    ]);
    if !brief.note.is_empty() {
        out.space(3.0);
        out.paragraph(&brief.note, Tone::Muted);
    }

    let placed = order::sections(brief);
    for p in placed.iter().filter(|p| p.full) {
        section(&mut out, brief, p.section);
    }
    let rest: Vec<_> = placed.iter().filter(|p| !p.full).collect();
    if !rest.is_empty() {
        out.heading("Also in this period");
        for p in rest {
            out.bullet(&order::summary(brief, p.section));
        }
    }
    for section in &brief.not_tracked {
        out.heading(&section.title);
        out.paragraph(&section.note, Tone::Muted);
    }
    out
}

/// Section `section` of `brief` in full.
fn section(out: &mut Layout, brief: &Brief, section: Section) {
    let who = &brief.stakeholder.name;
    match section {
        Section::Initiatives => {
            out.heading("Initiatives");
            if brief.initiatives.is_empty() {
                out.paragraph("No planned or committed initiatives.", Tone::Muted);
            } else {
                // Columns: title, state, done, target, P50, P85, chance, since last brief.
                let cols: [(f32, f32); 8] = [
                    (0.0, 128.0),
                    (130.0, 48.0),
                    (180.0, 34.0),
                    (216.0, 52.0),
                    (270.0, 52.0),
                    (324.0, 52.0),
                    (378.0, 32.0),
                    (418.0, 97.0),
                ];
                let at = |n: usize| (MARGIN + cols[n].0, cols[n].1);
                let header = ["Initiative", "State", "Done", "Target", "P50", "P85", "Chance", "Since last brief"];
                out.row(
                    header
                        .iter()
                        .enumerate()
                        .map(|(n, h)| {
                            let cell = Cell::new(at(n).0, at(n).1, *h).bold().size(7.5).tone(Tone::Muted);
                            if (2..=6).contains(&n) { cell.right() } else { cell }
                        })
                        .collect(),
                );
                out.rule();
                for line in &brief.initiatives {
                    let star = if line.serves_stakeholder { " ★" } else { "" };
                    let done = if line.items == 0 { "–".to_owned() } else { format!("{}/{}", line.done, line.items) };
                    out.row(vec![
                        Cell::new(at(0).0, at(0).1, format!("{}{star}", line.title)).bold().size(7.5),
                        Cell::new(at(1).0, at(1).1, line.state.label()).size(7.5),
                        Cell::new(at(2).0, at(2).1, done).size(7.5).right(),
                        Cell::new(at(3).0, at(3).1, words::day(line.target)).size(7.5).right(),
                        Cell::new(at(4).0, at(4).1, words::day(line.p50)).size(7.5).right(),
                        Cell::new(at(5).0, at(5).1, words::day(line.p85)).size(7.5).right(),
                        Cell::new(at(6).0, at(6).1, words::chance(line.probability_by_target)).size(7.5).right(),
                        Cell::new(at(7).0, at(7).1, words::drift(line)).size(7.5),
                    ]);
                    out.row(vec![Cell::new(at(0).0, WIDTH, words::committed(line)).size(7.0).tone(Tone::Muted)]);
                    out.space(1.0);
                    out.rule();
                }
                out.paragraph(
                &format!("★ serves an objective {who} owns or follows, or they follow it. Forecasts are the stored ones of each initiative's page; chance is of making the target."),
                Tone::Muted,
            );
            }
        }
        Section::Risks => {
            out.heading("Risks");
            if brief.risks.is_empty() {
                out.paragraph("None: every dated initiative has at least a 70% chance and none fell.", Tone::Muted);
            }
            for risk in &brief.risks {
                out.bullet(&format!("{}: {}", risk.title, risk.reason));
            }
        }
        Section::ChangeRequests => {
            out.heading("Change requests");
            if brief.change_requests.is_empty() {
                out.paragraph("None filed or decided in the period.", Tone::Muted);
            }
            for r in &brief.change_requests {
                out.bullet(&format!(
                    "{} {} ({}), asked by {} on {}; cost {}. Why: {}",
                    r.kind,
                    r.initiative,
                    words::request_status(r),
                    r.filed_by,
                    date::format(r.filed_on),
                    words::cost(r),
                    r.reason
                ));
            }
        }
        Section::Decisions => {
            out.heading(&format!("Decisions needed from {who}"));
            if brief.decisions.is_empty() && brief.asks.is_empty() {
                out.paragraph("Nothing waits for a decision.", Tone::Muted);
            }
            for d in &brief.decisions {
                out.bullet(&format!("{} (waiting since {})", d.what, date::format(d.since)));
            }
            for ask in &brief.asks {
                out.bullet(&format!("Ask: {ask}"));
            }
        }
        Section::KeyResults => {
            out.heading("Key results");
            if brief.key_results.is_empty() {
                out.paragraph(&format!("{who} owns or follows no objective."), Tone::Muted);
            }
            for kr in &brief.key_results {
                out.bullet(&format!("{}: {}", kr.metric, words::key_result(kr)));
            }
        }
        Section::Evidence => {
            out.heading("Evidence");
            if brief.evidence.is_empty() {
                out.paragraph("No evidence linked to initiatives serving these objectives.", Tone::Muted);
            }
            for e in &brief.evidence {
                let from = e.customer.as_deref().map(|c| format!(", {c}")).unwrap_or_default();
                out.bullet(&format!("{} ({}{from}, {}): {}", e.kind, words::day(e.date), e.initiative, e.summary));
            }
        }
        Section::Commitments => {
            out.heading("Commitments");
            if brief.commitments_due.is_empty() && brief.commitments_met.is_empty() {
                out.paragraph("None due or met in the period.", Tone::Muted);
            }
            for (title, lines) in
                [("Due in the period", &brief.commitments_due), ("Met in the period", &brief.commitments_met)]
            {
                if !lines.is_empty() {
                    out.paragraph(title, Tone::Muted);
                }
                for c in lines {
                    out.bullet(&format!("{}, to {}, {}", c.statement, c.to, words::commitment(c, brief.period.end)));
                }
            }
            if let Some(t) = &brief.track_record {
                out.paragraph("Track record", Tone::Muted);
                out.paragraph(&words::track_record(t), Tone::Text);
            }
        }
        Section::Wins => {
            out.heading("Wins");
            if brief.wins.is_empty() {
                out.paragraph("No win confirmed in the period.", Tone::Muted);
            }
            for win in &brief.wins {
                let impact = if win.impact.is_empty() { String::new() } else { format!(": {}", win.impact) };
                out.bullet(&format!(
                    "{} ({}){impact}. Credit: {}",
                    win.title,
                    date::format(win.achieved_on),
                    win.credited.join(", ")
                ));
            }
        }
    }
}

/// `brief` as a PDF document.
pub fn pdf(brief: &Brief) -> Vec<u8> {
    let layout = layout(brief);
    let mut document = Document::new();
    document
        .set_metadata(Metadata::new().title(brief.subject()).creator("leadup".to_owned()).language("en".to_owned()));
    for PageContent { glyphs, rules } in &layout.pages {
        let mut page = document.start_page_with(PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT).expect("A4 is a size"));
        let mut surface = page.surface();
        for &(y, thickness) in rules {
            let mut path = PathBuilder::new();
            if let Some(rect) = Rect::from_xywh(MARGIN, y, WIDTH, thickness) {
                path.push_rect(rect);
            }
            if let Some(path) = path.finish() {
                surface.set_fill(Some(Fill { paint: rgb::Color::new(223, 227, 234).into(), ..Fill::default() }));
                surface.draw_path(&path);
            }
        }
        for g in glyphs {
            let font = if g.face == Face::Bold { BOLD.clone() } else { REGULAR.clone() };
            surface.set_fill(Some(Fill { paint: g.tone.color().into(), ..Fill::default() }));
            surface.draw_text(
                Point::from_xy(g.x, g.baseline),
                font,
                g.size,
                &g.text,
                false,
                TextDirection::LeftToRight,
            );
        }
        surface.finish();
        page.finish();
    }
    document.finish().expect("a brief of text and rules always serialises")
}

#[cfg(test)]
mod tests {
    use super::{Face, layout, wrap};

    #[test]
    fn text_wraps_at_word_breaks_and_cuts_only_overlong_words() {
        let text = "one two three four five six seven eight nine ten";
        let lines = wrap(text, Face::Regular, 9.0, 60.0);
        assert!(lines.len() > 2, "{lines:?}");
        assert_eq!(lines.join(" "), text);
        let long = "x".repeat(400);
        let cut = wrap(&long, Face::Regular, 9.0, 100.0);
        assert!(cut.len() > 3, "{cut:?}");
        assert_eq!(cut.concat(), long);
        assert_eq!(wrap("", Face::Bold, 9.0, 100.0), [""]);
        assert_eq!(wrap("a\nb\tc", Face::Regular, 9.0, 500.0), ["a b c"]);
    }

    #[test]
    fn a_long_brief_continues_on_more_pages() {
        let mut brief = crate::brief::tests::hostile();
        assert_eq!(layout(&brief).pages.len(), 1);
        brief.note = "word ".repeat(3000);
        assert!(layout(&brief).pages.len() > 2);
        assert!(super::pdf(&brief).starts_with(b"%PDF-"));
    }
}
