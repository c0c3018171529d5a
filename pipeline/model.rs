//! The data types that cross a stage boundary. Plain data, no I/O.
//!
//! ingest → [`Document`] → extract → [`Extraction`] → normalize → [`Normalized`]
//! → validate → [`Check`] → write (Parquet) → compare.
//!
//! Offsets ("spans") are always counted in Unicode scalar values (characters), never in bytes,
//! because that is how Python and R index strings. `span_*` is into the normalized text,
//! `orig_*` into the decoded original text of the file.

use serde::{Deserialize, Serialize};

/// Half-open character range `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span {
            start: start as u32,
            end: end as u32,
        }
    }
}

/// Where an extracted value came from: a span in both texts and the sentence around it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Evidence {
    pub span: Span,
    pub orig: Span,
    /// The sentence in the original text (as printed, line breaks removed).
    pub sentence: String,
    /// 1-based line in the original file where the span starts.
    pub line: u32,
    /// Which rule produced the value (e.g. `category.label_count`), or `manual`.
    pub rule: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warn,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warn => "warn",
            Severity::Error => "error",
        }
    }
}

/// Something a user should know about an input: an unreadable file, an unparsed statistic,
/// a record that conflicts with an extracted value. Never silently dropped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub source_path: String,
    pub doc_id: Option<String>,
    pub severity: Severity,
    pub code: String,
    pub message: String,
    pub line: Option<u32>,
    pub column: Option<u32>,
}

impl Finding {
    pub fn new(
        source_path: &str,
        severity: Severity,
        code: &str,
        message: impl Into<String>,
    ) -> Self {
        Finding {
            source_path: source_path.to_string(),
            doc_id: None,
            severity,
            code: code.to_string(),
            message: message.into(),
            line: None,
            column: None,
        }
    }
    pub fn at(mut self, line: Option<u32>, column: Option<u32>) -> Self {
        self.line = line;
        self.column = column;
        self
    }
    pub fn doc(mut self, doc_id: &str) -> Self {
        self.doc_id = Some(doc_id.to_string());
        self
    }
}

/// A calendar date without time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        let dim = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
            2 => 28,
            _ => return None,
        };
        (day >= 1 && day <= dim && (1900..=2200).contains(&year)).then_some(Date {
            year,
            month,
            day,
        })
    }

    /// Days since 1970-01-01 (Arrow date32).
    pub fn days_since_epoch(self) -> i32 {
        // Howard Hinnant's days_from_civil.
        let y = if self.month <= 2 {
            self.year - 1
        } else {
            self.year
        } as i64;
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let m = self.month as i64;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + self.day as i64 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        (era * 146097 + doe - 719468) as i32
    }

    pub fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    pub fn parse_iso(s: &str) -> Option<Date> {
        let mut it = s.trim().splitn(3, '-');
        let y = it.next()?.parse().ok()?;
        let m = it.next()?.parse().ok()?;
        let d = it.next()?.parse().ok()?;
        Date::new(y, m, d)
    }
}

/// Where a document's metadata came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum MetadataSource {
    Registry,
    #[default]
    Inferred,
    Mixed,
}

impl MetadataSource {
    pub fn as_str(self) -> &'static str {
        match self {
            MetadataSource::Registry => "registry",
            MetadataSource::Inferred => "inferred",
            MetadataSource::Mixed => "mixed",
        }
    }
}

/// Report-level metadata (the `documents` table minus file facts). Unknown stays `None`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct DocMeta {
    pub jurisdiction_zh: Option<String>,
    pub jurisdiction_en: Option<String>,
    pub province_zh: Option<String>,
    /// national|provincial|prefecture|county|district
    pub admin_level: Option<String>,
    pub issuer_zh: Option<String>,
    /// government|department|congress|cppcc|other
    pub issuer_kind: Option<String>,
    /// npc_suggestion|cppcc_proposal|both
    pub channel: Option<String>,
    pub session_zh: Option<String>,
    pub year_handled: Option<i32>,
    pub report_date: Option<Date>,
    pub metadata_source: MetadataSource,
}

/// Input formats the ingest stage understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Txt,
    Html,
    Md,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Txt => "txt",
            Format::Html => "html",
            Format::Md => "md",
        }
    }
}

/// Normalized text with a map back to the original characters.
///
/// `origin[i]` is the index in the original text of normalized character `i`; `origin` has one
/// extra trailing entry (the original length) so that an end offset maps too.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NormText {
    pub text: String,
    pub origin: Vec<u32>,
    /// Byte offset of every character of `text`, plus `text.len()` at the end.
    pub char_bytes: Vec<u32>,
}

impl NormText {
    pub fn char_len(&self) -> usize {
        self.char_bytes.len().saturating_sub(1)
    }

    /// Character index of a byte offset into `text` (must be a char boundary or `text.len()`).
    pub fn char_at_byte(&self, byte: usize) -> usize {
        match self.char_bytes.binary_search(&(byte as u32)) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    pub fn byte_at_char(&self, ch: usize) -> usize {
        self.char_bytes
            .get(ch)
            .copied()
            .unwrap_or(self.text.len() as u32) as usize
    }

    /// Span in the original text for a normalized character span.
    pub fn orig_span(&self, span: Span) -> Span {
        let last = self.origin.len().saturating_sub(1);
        let s = self.origin.get(span.start as usize).copied().unwrap_or(0);
        let e = if span.end > span.start {
            self.origin
                .get((span.end as usize - 1).min(last))
                .map(|v| v + 1)
                .unwrap_or(s)
        } else {
            s
        };
        Span {
            start: s,
            end: e.max(s),
        }
    }

    pub fn slice_chars(&self, span: Span) -> &str {
        let a = self.byte_at_char(span.start as usize);
        let b = self.byte_at_char(span.end as usize);
        self.text.get(a..b).unwrap_or("")
    }
}

/// One report after ingest: decoded, normalized, with metadata. Serialized (without its texts)
/// by the run cache.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Document {
    /// Stable id derived from the content hash.
    pub doc_id: String,
    /// Path relative to the input folder it was found in.
    pub source_path: String,
    /// Name of the bundled collection or input folder.
    pub collection: String,
    pub sha256: String,
    pub format: Format,
    pub encoding: String,
    pub bytes: u64,
    /// Decoded text as found in the file (for HTML: the file's text including markup).
    #[serde(skip)]
    pub original: String,
    #[serde(skip)]
    pub text: NormText,
    pub meta: DocMeta,
    /// Where the report was published, when the registry says.
    pub source_url: Option<String>,
    /// Length of the normalized text in characters (kept after the text is released).
    pub text_chars: u64,
}

impl Document {
    /// Drop the texts once every stage has run: the outputs carry spans and evidence, and a
    /// national-scale batch must not keep every report in memory.
    pub fn release_text(&mut self) {
        self.original = String::new();
        self.text = NormText::default();
    }

    /// Original text of a span, line breaks removed (how evidence is quoted).
    pub fn original_slice(&self, span: Span) -> String {
        self.original
            .chars()
            .skip(span.start as usize)
            .take(span.end.saturating_sub(span.start) as usize)
            .filter(|c| *c != '\n' && *c != '\r')
            .collect()
    }

    /// 1-based line number in the original text of an original character offset.
    pub fn original_line(&self, orig_char: u32) -> u32 {
        1 + self
            .original
            .chars()
            .take(orig_char as usize)
            .filter(|c| *c == '\n')
            .count() as u32
    }
}

/// Units of a fact value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    Count,
    Percent,
}

impl Unit {
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Count => "count",
            Unit::Percent => "percent",
        }
    }
}

/// How a value entered the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provenance {
    #[default]
    Extracted,
    Derived,
    Manual,
}

impl Provenance {
    pub fn as_str(self) -> &'static str {
        match self {
            Provenance::Extracted => "extracted",
            Provenance::Derived => "derived",
            Provenance::Manual => "manual",
        }
    }
}

/// One extracted quantity (`facts` table).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fact {
    /// Canonical name: total_items, rate_satisfied, …
    pub fact: String,
    /// The name as printed in the source (e.g. `按时办结率`), when it has one.
    pub name_zh: Option<String>,
    pub value: f64,
    /// The number exactly as printed after normalization (`7.70`, `100`).
    pub value_text: String,
    pub unit: Unit,
    /// Prefix, role, level, channel or definition note.
    pub qualifier: Option<String>,
    /// `exact`, or `lower_bound` for `超过90%`.
    pub bound: String,
    pub provenance: Provenance,
    pub evidence: Evidence,
}

/// One outcome category as the source states it (`categories` table).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Category {
    pub position: u32,
    pub code: Option<String>,
    /// The wording as printed (original script).
    pub label_zh: String,
    /// The wording normalized (simplified, half-width): what rules match against.
    pub label_norm: String,
    pub count: Option<i64>,
    pub pct_stated: Option<f64>,
    pub pct_text: Option<String>,
    /// What the denominator is (`all_items`, `lead_items`, …) and how the source named it.
    pub universe: String,
    pub universe_zh: Option<String>,
    pub universe_count: Option<i64>,
    /// Position of the category this one is nested in (`其中…`).
    pub parent: Option<u32>,
    /// npc_suggestion|cppcc_proposal when the report classifies each channel's items on its own
    /// (`建议方面:…;提案方面:…`); `None` when the scheme covers the whole report.
    pub channel: Option<String>,
    pub provenance: Provenance,
    pub evidence: Evidence,
    // Filled by normalize:
    pub tiers: Vec<String>,
    pub horizon_years: Option<i32>,
    pub mapping: Option<String>,
    pub mapping_rule: Option<String>,
}

impl Category {
    /// A category with nothing stated yet; extraction sites fill what the source printed and
    /// normalize fills the tiers.
    pub fn blank() -> Category {
        Category {
            position: 0,
            code: None,
            label_zh: String::new(),
            label_norm: String::new(),
            count: None,
            pct_stated: None,
            pct_text: None,
            universe: "all_items".into(),
            universe_zh: None,
            universe_count: None,
            parent: None,
            channel: None,
            provenance: Provenance::Extracted,
            evidence: Evidence::default(),
            tiers: vec![],
            horizon_years: None,
            mapping: None,
            mapping_rule: None,
        }
    }
}

/// A topic/field breakdown row (`topics` table).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Topic {
    pub position: u32,
    pub label_zh: String,
    pub label_norm: String,
    pub count: Option<i64>,
    pub pct_stated: Option<f64>,
    pub pct_text: Option<String>,
    /// True when the source gives one count for several topics (`各有2件`).
    pub shared_count: bool,
    pub evidence: Evidence,
    // Filled by normalize: (common topic code, relation) pairs.
    pub mapped: Vec<(String, String)>,
}

/// A handling-role count (`roles` table).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Role {
    pub position: u32,
    pub role_zh: String,
    /// lead|assisting|joint|split|other
    pub role: String,
    /// 州, 市, 省 … when the source breaks a role down by level.
    pub level_zh: Option<String>,
    /// npc_suggestion|cppcc_proposal when broken down by channel.
    pub channel: Option<String>,
    pub count: i64,
    /// Position of the role row this one breaks down.
    pub parent: Option<u32>,
    pub evidence: Evidence,
}

/// A named or numbered item (`items` table).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    pub position: u32,
    pub number: Option<i64>,
    pub title: Option<String>,
    pub kind: Option<String>,
    pub proposers: Vec<String>,
    pub proposer_count: Option<i64>,
    pub key_item: bool,
    pub themes: Vec<String>,
    pub evidence: Evidence,
}

/// Everything extracted from one document.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Extraction {
    pub facts: Vec<Fact>,
    pub categories: Vec<Category>,
    pub topics: Vec<Topic>,
    pub roles: Vec<Role>,
    pub items: Vec<Item>,
    pub findings: Vec<Finding>,
}

/// One row of the `outcomes` table: a tier or coarse group, with bounds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub tier: String,
    pub count_low: Option<i64>,
    pub count_high: Option<i64>,
    pub share_low: Option<f64>,
    pub share_high: Option<f64>,
    pub universe: String,
    pub universe_count: Option<i64>,
    pub exact: bool,
    /// True when shares come from the source's stated percentages (no counts printed).
    pub from_stated_pct: bool,
    /// The channel whose own scheme this row describes (`outcomes_by_channel`); `None` for a
    /// row over the whole report (`outcomes`).
    pub channel: Option<String>,
}

/// Status of a validation check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    Pass,
    Warn,
    Fail,
}

impl CheckStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckStatus::Pass => "pass",
            CheckStatus::Warn => "warn",
            CheckStatus::Fail => "fail",
        }
    }
}

/// One validation result (`checks` table).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Check {
    pub check: String,
    pub status: CheckStatus,
    pub expected: Option<String>,
    pub observed: Option<String>,
    pub message: String,
    /// What the check is about, e.g. `category:2`.
    pub subject: Option<String>,
}

/// A fully processed report: the unit the writer and the cache deal in.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Processed {
    pub doc: Document,
    pub extraction: Extraction,
    /// Rows over the whole report (`outcomes`).
    pub outcomes: Vec<Outcome>,
    /// Rows per channel, when the report classifies each channel on its own
    /// (`outcomes_by_channel`).
    #[serde(default)]
    pub channel_outcomes: Vec<Outcome>,
    pub checks: Vec<Check>,
}
