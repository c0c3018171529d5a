//! Plain-text tables (`城建环保|69|41.57`, Markdown pipes) and footnotes that define codes
//! (`注:"A"类代表所提问题已解决或基本解决;…`).

use std::sync::LazyLock;

use regex::Regex;

use super::Ctx;
use crate::model::{Category, Extraction, Fact, Provenance, Topic, Unit};
use crate::numbers::{parse_arabic, parse_count};

static CODE_PAREN_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^["“”']?([A-Z甲乙丙丁])["“”']?类\(([^()]{2,60})\)$"#).expect("static regex")
});

static SINGLE_CODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^["“”']?([A-Z甲乙丙丁])["“”']?(?:类)?$"#).expect("static regex")
});

const TOTAL_ROWS: &[&str] = &["合计", "总计", "小计", "总数", "共计"];

struct Row {
    start: usize,
    end: usize,
    label: (usize, usize),
    /// A code in a column of its own before the label (`|A类|所提问题已解决…|238|`).
    code_cell: Option<(usize, usize)>,
    count: i64,
    pct: Option<(f64, String)>,
    /// Each channel's count and share, when the header gives each channel a column group of its
    /// own and no total column (`办理结果|代表建议|占比|政协提案|占比`).
    by_channel: Vec<(&'static str, i64, Option<(f64, String)>)>,
}

/// What a column holds, as its header names it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Column {
    /// Counts of one channel's items.
    Channel(&'static str),
    /// Counts of all items (`合计`).
    Total,
    /// Shares of the count column before it (`占比`, `%`).
    Share,
    Other,
}

/// The columns of a header row after the label column.
fn header_columns(ctx: &Ctx, cells: &[&str]) -> Vec<Column> {
    let scope = &ctx.rules.channel_scope;
    cells
        .iter()
        .map(|c| {
            if SHARE_HEADERS.iter().any(|h| c.contains(h)) {
                Column::Share
            } else if TOTAL_ROWS.iter().any(|t| c.starts_with(t)) {
                Column::Total
            } else if scope.npc.contains_any(c) && !scope.cppcc.contains_any(c) {
                Column::Channel(super::NPC)
            } else if scope.cppcc.contains_any(c) && !scope.npc.contains_any(c) {
                Column::Channel(super::CPPCC)
            } else {
                Column::Other
            }
        })
        .collect()
}

const SHARE_HEADERS: &[&str] = &["占比", "比例", "比重", "%", "百分比"];

/// Where a data row's count and share are, given the header's columns (indices into the cells
/// after the label): the total column when there is one, else one group per channel.
enum Layout {
    One { count: usize, share: Option<usize> },
    PerChannel(Vec<(&'static str, usize, Option<usize>)>),
}

fn layout_of(columns: &[Column]) -> Option<Layout> {
    let share_after = |i: usize| (columns.get(i + 1) == Some(&Column::Share)).then_some(i + 1);
    if let Some(i) = columns.iter().position(|c| *c == Column::Total) {
        return Some(Layout::One {
            count: i,
            share: share_after(i),
        });
    }
    let groups: Vec<(&'static str, usize, Option<usize>)> = columns
        .iter()
        .enumerate()
        .filter_map(|(i, c)| match c {
            Column::Channel(ch) => Some((*ch, i, share_after(i))),
            _ => None,
        })
        .collect();
    let distinct = groups
        .first()
        .is_some_and(|f| groups.iter().any(|g| g.0 != f.0));
    (groups.len() == 2 && distinct).then_some(Layout::PerChannel(groups))
}

pub fn extract_tables(ctx: &Ctx, ex: &mut Extraction) {
    let text = ctx.text;
    let mut rows: Vec<Row> = Vec::new();
    let mut header_is_topic = false;
    let mut layout: Option<Layout> = None;
    let mut last_end = 0;
    for (line_start, line) in lines_with_bars(text) {
        let body = line.trim_end_matches('\n');
        // A table's first line: the line before it may announce topics (`立案提案按内容分类如下:`).
        if line_start != last_end && rows.is_empty() {
            let prev_start = text[..line_start.saturating_sub(1)]
                .rfind('\n')
                .map_or(0, |p| p + 1);
            header_is_topic = line_start > 0
                && ctx.contains_any(&text[prev_start..line_start], &ctx.rules.topic_context);
            layout = None;
        }
        last_end = line_start + line.len();
        let cells = cells(body, line_start);
        if cells.len() < 2 {
            continue;
        }
        // The count follows the label, or a code column and the label.
        let count_at = |k: usize| cells.get(k).and_then(|(a, b)| parse_count(&text[*a..*b]));
        let code_column = cells.len() >= 3
            && count_at(1).is_none()
            && SINGLE_CODE.is_match(&text[cells[0].0..cells[0].1]);
        let k = if code_column { 2 } else { 1 };
        let (ls, le) = cells[k - 1];
        let label = &text[ls..le];
        let Some(count) = count_at(k) else {
            if ctx.contains_any(body, &ctx.rules.topic_context) {
                header_is_topic = true;
            }
            if rows.is_empty() {
                let names: Vec<&str> = cells[k..].iter().map(|(a, b)| &text[*a..*b]).collect();
                layout = layout_of(&header_columns(ctx, &names));
            }
            continue;
        };
        if label.is_empty() || label.chars().any(|c| c.is_ascii_digit()) {
            continue;
        }
        let code_cell = code_column.then_some(cells[0]);
        let cells = &cells[k - 1..];
        let share_at = |i: usize| {
            cells.get(i).and_then(|(a, b)| {
                let t = text[*a..*b].trim_end_matches('%');
                parse_arabic(t).map(|v| (v, t.to_string()))
            })
        };
        // Header column `j` is cell `j + 1` (the label is cell 0).
        let count_in = |j: usize| {
            cells
                .get(j + 1)
                .and_then(|(a, b)| parse_count(&text[*a..*b]))
        };
        let (count, pct, by_channel) = match &layout {
            Some(Layout::One { count: j, share }) => match count_in(*j) {
                Some(n) => (n, share.and_then(|s| share_at(s + 1)), vec![]),
                None => continue,
            },
            Some(Layout::PerChannel(groups)) => {
                let by: Option<Vec<_>> = groups
                    .iter()
                    .map(|(ch, j, share)| {
                        Some((*ch, count_in(*j)?, share.and_then(|s| share_at(s + 1))))
                    })
                    .collect();
                let Some(by) = by else { continue };
                (by.iter().map(|g| g.1).sum(), None, by)
            }
            None => (count, share_at(2), vec![]),
        };
        let row = Row {
            start: line_start,
            end: line_start + body.len(),
            label: (ls, le),
            code_cell,
            count,
            pct,
            by_channel,
        };
        if TOTAL_ROWS.iter().any(|t| label.starts_with(t)) {
            for (ch, n, _) in &row.by_channel {
                push_table_count(ctx, ex, &row, super::channel_fact(ch), *n);
            }
            ex.facts.push(Fact {
                fact: "table_total".into(),
                name_zh: Some(label.to_string()),
                value: row.count as f64,
                value_text: row.count.to_string(),
                unit: Unit::Count,
                qualifier: None,
                bound: "exact".into(),
                provenance: Provenance::Extracted,
                evidence: ctx.evidence(row.start, row.end, "table.total_row"),
            });
            flush(ctx, ex, &mut rows, header_is_topic);
            header_is_topic = false;
            continue;
        }
        rows.push(row);
    }
    flush(ctx, ex, &mut rows, header_is_topic);
}

/// A count read from a table's total row, unless that fact is already there.
fn push_table_count(ctx: &Ctx, ex: &mut Extraction, row: &Row, fact: &str, n: i64) {
    if ex.facts.iter().any(|f| f.fact == fact) {
        return;
    }
    ex.facts.push(Fact {
        fact: fact.into(),
        name_zh: None,
        value: n as f64,
        value_text: n.to_string(),
        unit: Unit::Count,
        qualifier: None,
        bound: "exact".into(),
        provenance: Provenance::Extracted,
        evidence: ctx.evidence(row.start, row.end, "table.total_row"),
    });
}

/// The lines of `text` holding a `|` (only they can be rows), each with its `\n` and its start,
/// as `split_inclusive('\n')` gives them: found by jumping from one `|` to the next instead of
/// visiting every line.
fn lines_with_bars(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut from = 0;
    std::iter::from_fn(move || {
        let bar = from + text[from..].find('|')?;
        let line_start = text[from..bar].rfind('\n').map_or(from, |i| from + i + 1);
        let line_end = text[bar..].find('\n').map_or(text.len(), |i| bar + i + 1);
        from = line_end;
        Some((line_start, &text[line_start..line_end]))
    })
}

/// Cells of a `|`-separated line as byte ranges (trimmed; empty edge cells dropped).
fn cells(line: &str, base: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut pos = 0;
    for part in line.split('|') {
        let lead = part.len() - part.trim_start().len();
        let t = part.trim();
        out.push((base + pos + lead, base + pos + lead + t.len()));
        pos += part.len() + 1;
    }
    if out.first().is_some_and(|(a, b)| a == b) {
        out.remove(0);
    }
    if out.last().is_some_and(|(a, b)| a == b) {
        out.pop();
    }
    out
}

/// Turn the rows of one table into categories (coded or outcome-worded rows) or topics.
fn flush(ctx: &Ctx, ex: &mut Extraction, rows: &mut Vec<Row>, header_is_topic: bool) {
    if rows.is_empty() {
        return;
    }
    let text = ctx.text;
    let defs = super::code_definitions(ctx);
    let code_of = |r: &Row| {
        let (a, b) = r.code_cell.unwrap_or(r.label);
        SINGLE_CODE
            .captures(&text[a..b])
            .and_then(|c| c.get(1))
            .map(|m| m.as_str().to_string())
    };
    let coded = rows
        .iter()
        .all(|r| code_of(r).is_some() || code_paren(text, r).is_some());
    let worded = rows
        .iter()
        .any(|r| ctx.contains_any(&text[r.label.0..r.label.1], &ctx.rules.outcome_words));
    if !(coded || (worded && !header_is_topic)) {
        push_topics(ctx, ex, rows);
        return;
    }
    // A table with one column group per channel lists each channel's scheme: channel by
    // channel, row by row.
    let mut cells: Vec<(&Row, Option<&'static str>, i64, Option<&(f64, String)>)> = Vec::new();
    for ch in [super::NPC, super::CPPCC] {
        for r in rows.iter() {
            if let Some((_, n, pct)) = r.by_channel.iter().find(|g| g.0 == ch) {
                cells.push((r, Some(ch), *n, pct.as_ref()));
            }
        }
    }
    if cells.is_empty() {
        cells = rows
            .iter()
            .map(|r| (r, None, r.count, r.pct.as_ref()))
            .collect();
    }
    for (r, channel, count, pct) in cells {
        let label = &text[r.label.0..r.label.1];
        let paren = code_paren(text, r);
        let code = code_of(r).or_else(|| paren.as_ref().map(|p| p.0.clone()));
        // A wording in its own column or in parentheses is the label; a bare code takes its
        // definition.
        let def = code
            .as_ref()
            .filter(|_| r.code_cell.is_none() && paren.is_none())
            .and_then(|c| defs.get(c));
        let (label_zh, label_norm) = match (def, &paren) {
            (Some(&(s, e)), _) => (ctx.original_of(s, e), text[s..e].to_string()),
            (None, Some((_, s, e))) => (ctx.original_of(*s, *e), text[*s..*e].to_string()),
            (None, None) => (ctx.original_of(r.label.0, r.label.1), label.to_string()),
        };
        let mut evidence = ctx.evidence(
            r.start,
            r.end,
            if def.is_some() {
                "table.coded_row+footnote"
            } else {
                "table.row"
            },
        );
        if let Some(&(s, e)) = def {
            evidence.sentence = format!("{} | {}", evidence.sentence, ctx.original_of(s, e));
        }
        ex.categories.push(Category {
            position: ex.categories.len() as u32,
            code,
            label_zh,
            label_norm,
            count: Some(count),
            pct_stated: pct.map(|p| p.0),
            pct_text: pct.map(|p| p.1.clone()),
            channel: channel.map(str::to_string),
            provenance: Provenance::Extracted,
            evidence,
            ..Category::blank()
        });
    }
    rows.clear();
}

/// `A类(已解决或基本解决)` as a row's label: the code and the byte range of its wording.
fn code_paren(text: &str, r: &Row) -> Option<(String, usize, usize)> {
    let c = CODE_PAREN_LABEL.captures(&text[r.label.0..r.label.1])?;
    let (code, def) = (c.get(1)?, c.get(2)?);
    Some((
        code.as_str().to_string(),
        r.label.0 + def.start(),
        r.label.0 + def.end(),
    ))
}

/// Rows of a table that is no outcome scheme: topics.
fn push_topics(ctx: &Ctx, ex: &mut Extraction, rows: &mut Vec<Row>) {
    let text = ctx.text;
    for r in rows.drain(..) {
        ex.topics.push(Topic {
            position: ex.topics.len() as u32,
            label_zh: ctx.original_of(r.label.0, r.label.1),
            label_norm: text[r.label.0..r.label.1].to_string(),
            count: Some(r.count),
            pct_stated: r.pct.as_ref().map(|p| p.0),
            pct_text: r.pct.as_ref().map(|p| p.1.clone()),
            shared_count: false,
            evidence: ctx.evidence(r.start, r.end, "table.topic_row"),
            mapped: vec![],
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The walk over every line it replaces.
    fn lines_with_bars_by_split(text: &str) -> Vec<(usize, &str)> {
        let mut out = Vec::new();
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            let line_start = offset;
            offset += line.len();
            if line.trim_end_matches('\n').contains('|') {
                out.push((line_start, line));
            }
        }
        out
    }

    #[test]
    fn bar_lines_are_the_split_lines_holding_a_bar() {
        let pieces = [
            "",
            "|",
            "||",
            "\n",
            "\n\n",
            "a",
            "件",
            "|x|1|\n",
            "城建|69|41.57",
        ];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    for d in pieces {
                        let text = format!("{a}{b}{c}{d}");
                        assert_eq!(
                            lines_with_bars(&text).collect::<Vec<_>>(),
                            lines_with_bars_by_split(&text),
                            "{text:?}"
                        );
                    }
                }
            }
        }
    }
}
