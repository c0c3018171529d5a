//! `report.html`: one self-contained static page (no network): the charts (PNG embedded), the
//! comparison table, the failed checks, and under each figure the sentences its numbers came
//! from.

use std::fmt::Write as _;
use std::path::Path;

use polars::prelude::DataFrame;

use std::collections::{BTreeSet, HashMap};

use crate::charts::{ChartData, ChartFiles};
use crate::compare::{Details, Frames};
use crate::error::{Error, Result};
use crate::frame::{floats, ints, strings};

/// Escape text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => o.push(c),
        }
    }
    o
}

fn base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn bounds(lo: Option<f64>, hi: Option<f64>) -> String {
    match (lo, hi) {
        (Some(l), Some(h)) if (h - l).abs() < 1e-9 => format!("{l:.1}"),
        (Some(l), Some(h)) => format!("[{l:.1}, {h:.1}]"),
        _ => "–".into(),
    }
}

fn opt_f(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.1}")).unwrap_or_else(|| "–".into())
}

fn opt_i(v: Option<i64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_else(|| "–".into())
}

/// Sentences of the shown reports, by report and fact / topic.
struct Lookup {
    facts: HashMap<(String, String), String>,
    outcomes: HashMap<String, String>,
    topics: HashMap<(String, String), String>,
}

impl Lookup {
    fn new(d: &Details) -> Result<Lookup> {
        let f = &d.fact_evidence;
        let facts = strings(f, "doc_id")?
            .into_iter()
            .zip(strings(f, "fact")?)
            .zip(strings(f, "evidence")?)
            .filter_map(|((doc, fact), ev)| Some(((doc?, fact?), ev?)))
            .collect();
        let mut outcomes: HashMap<String, String> = HashMap::new();
        let m = &d.composition;
        for (doc, ev) in strings(m, "doc_id")?
            .into_iter()
            .zip(strings(m, "evidence")?)
        {
            let (Some(doc), Some(ev)) = (doc, ev) else {
                continue;
            };
            let joined = outcomes.entry(doc).or_default();
            if !joined.contains(&ev) {
                if !joined.is_empty() {
                    joined.push_str(" … ");
                }
                joined.push_str(&ev);
            }
        }
        let t = &d.topic_evidence;
        let topics = strings(t, "doc_id")?
            .into_iter()
            .zip(strings(t, "topic")?)
            .zip(strings(t, "evidence")?)
            .filter_map(|((doc, topic), ev)| Some(((doc?, topic?), ev?)))
            .collect();
        Ok(Lookup {
            facts,
            outcomes,
            topics,
        })
    }

    fn fact(&self, doc: &str, fact: &str) -> String {
        self.facts
            .get(&(doc.to_string(), fact.to_string()))
            .cloned()
            .unwrap_or_default()
    }

    fn outcomes(&self, doc: &str) -> String {
        self.outcomes.get(doc).cloned().unwrap_or_default()
    }

    fn topic(&self, doc: &str, topic: &str) -> String {
        self.topics
            .get(&(doc.to_string(), topic.to_string()))
            .cloned()
            .unwrap_or_default()
    }
}

/// One line of a figure's evidence list.
struct Evidence {
    who: String,
    what: String,
    sentence: String,
    source: String,
}

fn evidence_table(rows: &[Evidence]) -> String {
    let mut s = String::from(
        "<details class=\"evidence\"><summary>Evidence: the sentences behind these numbers</summary><table><thead><tr><th>report</th><th>figure</th><th>sentence in the source</th><th>source file</th></tr></thead><tbody>",
    );
    for e in rows {
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td><td class=\"sentence\">{}</td><td class=\"src\">{}</td></tr>",
            esc(&e.who),
            esc(&e.what),
            esc(&e.sentence),
            esc(&e.source)
        );
    }
    s.push_str("</tbody></table></details>");
    s
}

/// Evidence rows per chart name, for the reports the charts show (`shown`).
fn figure_evidence(
    f: &Frames,
    d: &Details,
    ev: &Lookup,
    shown: &BTreeSet<String>,
) -> Result<Vec<(&'static str, Vec<Evidence>)>> {
    let c = &f.comparison;
    let label = strings(c, "label")?;
    let year = ints(c, "year")?;
    let src = strings(c, "source_path")?;
    let doc = strings(c, "doc_id")?;
    let who = |i: usize| {
        format!(
            "{} {}",
            label[i].clone().unwrap_or_default(),
            year[i].map(|y| y.to_string()).unwrap_or_default()
        )
    };
    let source_of = |d: &str| {
        doc.iter()
            .position(|x| x.as_deref() == Some(d))
            .and_then(|i| src[i].clone())
            .unwrap_or_default()
    };

    let m = &d.composition;
    let (m_doc, m_label, m_share, m_ev, m_line) = (
        strings(m, "doc_id")?,
        strings(m, "label_zh")?,
        floats(m, "share")?,
        strings(m, "evidence")?,
        ints(m, "line")?,
    );
    let mut composition = Vec::new();
    for i in 0..m.height() {
        let d = m_doc[i].clone().unwrap_or_default();
        if !shown.contains(&d) {
            continue;
        }
        let j = doc
            .iter()
            .position(|x| x.as_deref() == Some(d.as_str()))
            .unwrap_or(0);
        composition.push(Evidence {
            who: who(j),
            what: format!(
                "{} {}%",
                m_label[i].clone().unwrap_or_default(),
                opt_f(m_share[i])
            ),
            sentence: m_ev[i].clone().unwrap_or_default(),
            source: format!("{}:{}", source_of(&d), opt_i(m_line[i])),
        });
    }

    let (rl, rh) = (
        floats(c, "resolved_share_low")?,
        floats(c, "resolved_share_high")?,
    );
    let mut resolved = Vec::new();
    let mut rates = Vec::new();
    let mut yoy = Vec::new();
    let (sat, sat_def) = (
        floats(c, "satisfaction")?,
        strings(c, "satisfaction_definition")?,
    );
    let total = ints(c, "total_items")?;
    let rate_cols = [
        ("rate_completed", "办结率 completed"),
        ("rate_answered", "答复率 answered"),
        ("rate_face_to_face", "面复率 face to face"),
    ];
    let mut rate_vals = Vec::new();
    for (name, zh) in rate_cols {
        rate_vals.push((name, zh, floats(c, name)?));
    }
    for i in 0..c.height() {
        let Some(id) = doc[i].as_deref().filter(|d| shown.contains(*d)) else {
            continue;
        };
        let source = src[i].clone().unwrap_or_default();
        if rl[i].is_some() {
            resolved.push(Evidence {
                who: who(i),
                what: format!("resolved {}%", bounds(rl[i], rh[i])),
                sentence: ev.outcomes(id),
                source: source.clone(),
            });
        }
        for (name, zh, vals) in &rate_vals {
            if let Some(v) = vals[i] {
                rates.push(Evidence {
                    who: who(i),
                    what: format!("{zh} {v}%"),
                    sentence: ev.fact(id, name),
                    source: source.clone(),
                });
            }
        }
        if let Some(v) = sat[i] {
            let def = sat_def[i].clone().unwrap_or_default();
            let fact = if def == "satisfied_or_basic" {
                "rate_satisfied_or_basic"
            } else {
                "rate_satisfied"
            };
            rates.push(Evidence {
                who: who(i),
                what: format!("satisfaction {v}% ({def})"),
                sentence: ev.fact(id, fact),
                source: source.clone(),
            });
        }
        if let Some(n) = total[i] {
            yoy.push(Evidence {
                who: who(i),
                what: format!("{n} items; resolved {}%", bounds(rl[i], rh[i])),
                sentence: ev.fact(id, "total_items"),
                source,
            });
        }
    }

    let t = &f.topic_mix;
    let (t_doc, t_label, t_year, t_topic_zh, t_topic, t_share) = (
        strings(t, "doc_id")?,
        strings(t, "label")?,
        ints(t, "year")?,
        strings(t, "topic_zh")?,
        strings(t, "topic")?,
        floats(t, "share")?,
    );
    let topics = (0..t.height())
        .filter(|&i| t_doc[i].as_ref().is_some_and(|d| shown.contains(d)))
        .map(|i| Evidence {
            who: format!(
                "{} {}",
                t_label[i].clone().unwrap_or_default(),
                t_year[i].map(|y| y.to_string()).unwrap_or_default()
            ),
            what: format!(
                "{} {}%",
                t_topic_zh[i].clone().unwrap_or_default(),
                opt_f(t_share[i])
            ),
            sentence: ev.topic(
                t_doc[i].as_deref().unwrap_or_default(),
                t_topic[i].as_deref().unwrap_or_default(),
            ),
            source: source_of(t_doc[i].as_deref().unwrap_or_default()),
        })
        .collect();

    let th = &f.themes;
    let (h_label, h_theme, h_n, h_ev, h_doc) = (
        strings(th, "label")?,
        strings(th, "theme_zh")?,
        ints(th, "n_items")?,
        strings(th, "example_evidence")?,
        strings(th, "example_doc_id")?,
    );
    let themes = (0..th.height())
        .take(MAX_TABLE_ROWS)
        .map(|i| Evidence {
            who: h_label[i].clone().unwrap_or_default(),
            what: format!(
                "{} × {}",
                h_theme[i].clone().unwrap_or_default(),
                opt_i(h_n[i])
            ),
            sentence: h_ev[i].clone().unwrap_or_default(),
            source: source_of(h_doc[i].as_deref().unwrap_or_default()),
        })
        .collect();
    Ok(vec![
        ("outcome_composition", composition),
        ("resolved_bounds", resolved),
        ("rates", rates),
        ("topic_mix", topics),
        ("year_over_year", yoy),
        ("theme_matrix", themes),
    ])
}

/// Most rows of a table on the page; the Parquet tables have them all.
pub const MAX_TABLE_ROWS: usize = 500;

/// The first `MAX_TABLE_ROWS` rows of `c` (of `total` in the table).
fn comparison_table(c: &DataFrame, total: usize, ev: &Lookup) -> Result<String> {
    let cols = [
        "label",
        "year",
        "channel",
        "issuer_zh",
        "total_items",
        "universe",
        "universe_count",
    ];
    let mut v = Vec::new();
    for name in cols {
        v.push(strings(c, name)?);
    }
    let tier = |t: &str| -> Result<(Vec<Option<f64>>, Vec<Option<f64>>)> {
        Ok((
            floats(c, &format!("{t}_share_low"))?,
            floats(c, &format!("{t}_share_high"))?,
        ))
    };
    let (res, prog, addr, defer) = (
        tier("resolved")?,
        tier("progressing")?,
        tier("addressed")?,
        tier("deferred")?,
    );
    let (sat, sat_def, fails, failed) = (
        floats(c, "satisfaction")?,
        strings(c, "satisfaction_definition")?,
        ints(c, "checks_fail")?,
        strings(c, "failed_checks")?,
    );
    let ids = strings(c, "doc_id")?;
    let mut s = String::from(
        "<table id=\"comparison\" class=\"sortable\"><thead><tr><th>jurisdiction</th><th>year</th><th>channel</th><th>issuer</th><th>items</th><th>universe</th><th>resolved %</th><th>progressing %</th><th>addressed %</th><th>deferred %</th><th>satisfaction %</th><th>failed checks</th></tr></thead><tbody>",
    );
    for i in 0..c.height().min(MAX_TABLE_ROWS) {
        let get = |k: usize| v[k][i].clone().unwrap_or_default();
        let universe = match (v[5][i].as_deref(), v[6][i].as_deref()) {
            (Some(u), Some(n)) => format!("{u} ({n})"),
            (Some(u), None) => u.to_string(),
            _ => "no outcome scheme".into(),
        };
        let sat_text = match (sat[i], sat_def[i].as_deref()) {
            (Some(x), Some(d)) => format!(
                "{x:.1} ({})",
                if d == "satisfied" {
                    "satisfied only"
                } else {
                    "or basically"
                }
            ),
            _ => "–".into(),
        };
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td title=\"{}\">{}</td><td>{}</td><td title=\"{}\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&get(0)),
            esc(&get(1)),
            esc(&get(2)),
            esc(&get(3)),
            esc(&ev.fact(ids[i].as_deref().unwrap_or_default(), "total_items")),
            esc(&get(4)),
            esc(&universe),
            esc(&ev.outcomes(ids[i].as_deref().unwrap_or_default())),
            bounds(res.0[i], res.1[i]),
            bounds(prog.0[i], prog.1[i]),
            bounds(addr.0[i], addr.1[i]),
            bounds(defer.0[i], defer.1[i]),
            esc(&sat_text),
            match fails[i] {
                Some(n) if n > 0 => esc(&failed[i].clone().unwrap_or_default()),
                _ => String::new(),
            }
        );
    }
    s.push_str("</tbody></table>");
    if total > MAX_TABLE_ROWS {
        let _ = write!(
            s,
            "<p class=\"note\">First {MAX_TABLE_ROWS} of {total} rows; all are in comparison.parquet.</p>",
        );
    }
    Ok(s)
}

/// The first `MAX_TABLE_ROWS` rows of `f` (of `total` failed checks).
fn failed_checks_table(f: &DataFrame, total: usize) -> Result<String> {
    if total == 0 {
        return Ok("<p>No check failed.</p>".into());
    }
    let cols = [
        "label",
        "year",
        "check",
        "expected",
        "observed",
        "message",
        "source_path",
    ];
    let mut v = Vec::new();
    for name in cols {
        v.push(strings(f, name)?);
    }
    let mut s = String::from(
        "<table id=\"failed-checks\"><thead><tr><th>report</th><th>year</th><th>check</th><th>expected</th><th>observed</th><th>message</th><th>source file</th></tr></thead><tbody>",
    );
    for i in 0..f.height().min(MAX_TABLE_ROWS) {
        s.push_str("<tr>");
        for col in &v {
            let _ = write!(s, "<td>{}</td>", esc(&col[i].clone().unwrap_or_default()));
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table>");
    if total > MAX_TABLE_ROWS {
        let _ = write!(
            s,
            "<p class=\"note\">First {MAX_TABLE_ROWS} of {total} failed checks; all are in the checks table.</p>",
        );
    }
    Ok(s)
}

const STYLE: &str = r#"
body{font-family:"Noto Sans SC","Noto Sans CJK SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif;margin:2rem auto;max-width:1280px;padding:0 1rem;color:#222}
h1{font-size:1.6rem}h2{margin-top:2.5rem;border-bottom:1px solid #ddd}
figure{margin:1.5rem 0}figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{font-weight:600;margin-bottom:.4rem}
table{border-collapse:collapse;font-size:.85rem;width:100%}th,td{border:1px solid #ddd;padding:.25rem .4rem;vertical-align:top;text-align:left}
th{background:#f5f5f5;cursor:pointer}td.sentence{max-width:640px}td.src{font-family:monospace;font-size:.75rem}
details.evidence{margin:.5rem 0 1rem}details.evidence summary{cursor:pointer;color:#2166ac}
.note{color:#555;font-size:.9rem}
"#;

/// Sorts a table by a clicked header; marks the page ready for tests.
const SCRIPT: &str = r#"
document.querySelectorAll("table.sortable th").forEach(function (th, col) {
  th.addEventListener("click", function () {
    var body = th.closest("table").tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var dir = th.dataset.dir === "asc" ? -1 : 1;
    th.dataset.dir = dir === 1 ? "asc" : "desc";
    rows.sort(function (a, b) {
      var x = a.cells[col].textContent, y = b.cells[col].textContent;
      var nx = parseFloat(x.replace(/^\[/, "")), ny = parseFloat(y.replace(/^\[/, ""));
      if (!isNaN(nx) && !isNaN(ny)) { return dir * (nx - ny); }
      return dir * x.localeCompare(y, "zh");
    });
    rows.forEach(function (r) { body.appendChild(r); });
  });
});
document.documentElement.dataset.ready = "1";
"#;

/// The rows the page's evidence lists read: the comparison rows of the shown reports and of
/// the themes listed (the rest of the table never reaches the page, and copying its columns
/// into vectors grew with the corpus), their topic mix, the first themes.
fn on_the_page(f: &Frames, shown: &BTreeSet<String>) -> Result<Frames> {
    use polars::prelude::*;
    let themes = f.themes.head(Some(MAX_TABLE_ROWS));
    let mut docs: Vec<String> = shown.iter().cloned().collect();
    docs.extend(strings(&themes, "example_doc_id")?.into_iter().flatten());
    let keep = |df: &DataFrame, docs: &[String]| -> Result<DataFrame> {
        let ids = Series::new("ids".into(), docs);
        Ok(df
            .clone()
            .lazy()
            .filter(col("doc_id").is_in(lit(ids).implode(false), false))
            .collect()?)
    };
    let shown_docs: Vec<String> = shown.iter().cloned().collect();
    Ok(Frames {
        comparison: keep(&f.comparison, &docs)?,
        topic_mix: keep(&f.topic_mix, &shown_docs)?,
        themes,
        failed_checks: f.failed_checks.head(Some(0)),
    })
}

/// Write `report.html` into `out`.
pub fn write(
    out: &Path,
    frames: &Frames,
    details: &Details,
    data: &ChartData,
    charts: &[ChartFiles],
) -> Result<std::path::PathBuf> {
    let shown: BTreeSet<String> = data.shown_docs().into_iter().collect();
    let lookup = Lookup::new(details)?;
    let evidence = figure_evidence(&on_the_page(frames, &shown)?, details, &lookup, &shown)?;
    let mut html = String::new();
    html.push_str("<!doctype html><html lang=\"zh-Hans\"><head><meta charset=\"utf-8\"><title>banli: 建议提案办理比较 comparison</title>");
    let _ = write!(html, "<style>{STYLE}</style></head><body>");
    let years: Vec<i64> = ints(&frames.comparison, "year")?
        .into_iter()
        .flatten()
        .collect();
    let span = match (years.iter().min(), years.iter().max()) {
        (Some(a), Some(b)) if a != b => format!("{a}–{b}"),
        (Some(a), _) => a.to_string(),
        _ => "no year".into(),
    };
    let _ = write!(
        html,
        "<h1>建议提案办理比较 How governments handled deputies' suggestions and CPPCC proposals</h1><p class=\"note\">{} jurisdiction-years, {span}. Shares are percent of each report's own universe; a range [low, high] means the source merges tiers or leaves items unclassified. Every number links to the sentence it came from (open “Evidence” under a figure, or hover a table cell).</p>",
        frames.comparison.height()
    );
    html.push_str("<nav><a href=\"#charts\">Charts</a> · <a href=\"#table\">Comparison table</a> · <a href=\"#checks\">Failed checks</a></nav><h2 id=\"charts\">Charts</h2>");
    for ch in charts {
        let png = std::fs::read(&ch.png).map_err(|e| Error::io(&ch.png, e))?;
        let _ = write!(
            html,
            "<figure id=\"fig-{name}\"><figcaption>{title}</figcaption><img alt=\"{title}\" src=\"data:image/png;base64,{data}\"><div class=\"note\">Files: <a href=\"charts/{name}.svg\">SVG</a> · <a href=\"charts/{name}.png\">PNG</a></div>",
            name = ch.name,
            title = esc(&ch.title),
            data = base64(&png)
        );
        if let Some((_, rows)) = evidence.iter().find(|(n, _)| *n == ch.name) {
            html.push_str(&evidence_table(rows));
        }
        html.push_str("</figure>");
    }
    html.push_str("<h2 id=\"table\">Comparison table</h2><p class=\"note\">Click a header to sort. Hover the items or resolved cell to read the sentence.</p>");
    let c = &frames.comparison;
    html.push_str(&comparison_table(
        &c.head(Some(MAX_TABLE_ROWS)),
        c.height(),
        &lookup,
    )?);
    html.push_str("<h2 id=\"checks\">Failed checks</h2><p class=\"note\">Checks never change the data; they flag where a report's own numbers disagree.</p>");
    let failed = &frames.failed_checks;
    html.push_str(&failed_checks_table(
        &failed.head(Some(MAX_TABLE_ROWS)),
        failed.height(),
    )?);
    let _ = write!(html, "<script>{SCRIPT}</script></body></html>\n");
    let path = out.join("report.html");
    banli::write::write_atomic(&path, html.as_bytes())?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
