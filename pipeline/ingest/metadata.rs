//! Report metadata inferred from the text (jurisdiction, province, level, issuer, channel,
//! session, year handled, report date). Unknown stays `None`; a city is never guessed.
//!
//! Everything is read from the normalized text (`doc.text`); names that are printed in the output
//! (jurisdiction, issuer, session) are cut from the original text at the matched span, so a
//! traditional-character report keeps its own script (鞏留縣, 市三屆人大七次會議).
//! The vocabularies live in `datasets/rules/metadata.toml` ([`MetadataRules`]); place names
//! come from the gazetteer.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, LazyLock, Mutex, OnceLock};

use aho_corasick::{AhoCorasick, Anchored, Input, MatchKind, StartKind};
use pinyin::ToPinyin;
use regex::Regex;
use serde::Deserialize;

use crate::gazetteer::{Division, Gazetteer};
use crate::model::{Date, DocMeta, Document, MetadataSource, Span};
use crate::numbers::parse_cn_integer;
use crate::rules::Rules;
use crate::rules::ends_with_any;

// ---------------------------------------------------------------- rules (data)

/// Vocabularies for metadata inference (`datasets/rules/metadata.toml`, where every field is
/// explained). Words are matched against the normalized text.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetadataRules {
    pub place: PlaceRules,
    pub issuer: IssuerRules,
    pub channel: ChannelRules,
    pub session: SessionRules,
    pub date: DateRules,
    pub year: YearRules,
    pub pinyin: PinyinRules,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlaceRules {
    pub ignore_names: Vec<String>,
    pub short_aliases: BTreeMap<String, String>,
    pub not_place_words: Vec<String>,
    pub place_words: Vec<String>,
    pub institution_words: Vec<String>,
    pub level_words: Vec<String>,
    pub level_aliases: BTreeMap<String, String>,
    pub admin_levels: BTreeMap<String, String>,
    pub body_words: Vec<String>,
    pub national_level: String,
    pub national_en: String,
    pub generic_suffixes: Vec<String>,
    pub autonomous_prefix: String,
    pub ethnic_groups: Vec<String>,
    pub foreign_before: Vec<String>,
    pub foreign_window: usize,
    pub short_name_after: Vec<String>,
    pub quote_chars: String,
    pub score_mention: i32,
    pub score_institution: i32,
    pub score_head: i32,
    pub score_level: i32,
    pub score_issuer: i32,
    pub boundary_before: String,
    pub head_lines: usize,
    pub head_chars: usize,
    /// Words before a news outlet's name in the head (`稿源:福州网`).
    #[serde(default)]
    pub outlet_cues: Vec<String>,
    /// Endings of a local outlet's name after its place (`福州网`, `宝鸡日报`), longest first.
    #[serde(default)]
    pub outlet_suffixes: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssuerRules {
    pub endings: Vec<String>,
    pub prefixes: Vec<String>,
    pub labels: Vec<String>,
    pub title_word: String,
    pub verbs: Vec<String>,
    pub speaker_titles: Vec<String>,
    pub speaker_lines: usize,
    pub speaker_chars: usize,
    pub max_chars: usize,
    pub kind: Vec<IssuerKindRule>,
}

/// An issuer is of `kind` when its name contains one of `contains` or ends with one of `ends_with`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssuerKindRule {
    pub kind: String,
    #[serde(default)]
    pub contains: Vec<String>,
    #[serde(default)]
    pub ends_with: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelRules {
    pub npc_strong: Vec<String>,
    pub npc_weak: Vec<String>,
    pub cppcc_strong: Vec<String>,
    pub cppcc_weak: Vec<String>,
    pub neutral_words: Vec<String>,
    pub both_words: Vec<String>,
    pub count_unit: String,
    pub clause_breaks: String,
    pub sentence_breaks: String,
    pub both_min_share: f64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionRules {
    pub levels: Vec<String>,
    pub bodies: Vec<String>,
    pub national: String,
    pub ordinal_prefix: String,
    pub ordinal_chars: String,
    pub term_word: String,
    pub sitting_word: String,
    pub cppcc_body: String,
    pub body_aliases: BTreeMap<String, String>,
    pub committee_word: String,
    pub max_place_chars: usize,
    pub delivery_after: Vec<String>,
    pub items_after: Vec<String>,
    pub delivery_window: usize,
    pub delivery_date_window: usize,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DateRules {
    pub cues: Vec<DateCue>,
    pub cutoff_words: Vec<String>,
    pub delivery_after: Vec<String>,
    pub dateline_after: Vec<String>,
    pub dateline_chars: usize,
    pub session_words: Vec<String>,
    pub paren_window: usize,
    /// Endings of a news byline that may stand before a dateline on its line
    /// (`吴江日报讯(记者 …)2024年1月8日上午,…`).
    #[serde(default)]
    pub byline_ends: Vec<String>,
    /// Words of a web page's stamp line (来源, 稿源, 编辑) found this close to a date on its line,
    /// in characters, make it the page's date.
    #[serde(default)]
    pub stamp_words: Vec<String>,
    #[serde(default)]
    pub stamp_window: usize,
    /// A line this short (in characters) without a full stop is a headline: a count in it does
    /// not end the part of the text where a dateline can stand.
    #[serde(default)]
    pub headline_chars: usize,
    /// Words later in the sentence of a day told before the first count that make it the day
    /// the report was given (`…会议12月22日召开`), under a web page's stamp.
    #[serde(default)]
    pub event_after: crate::rules::WordList,
    /// Words right before such a day that make it a cut-off instead (`截至5月14日`).
    #[serde(default)]
    pub event_cutoffs: Vec<String>,
}

/// A word before a date and what it makes the date (`written` or `published`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DateCue {
    pub cue: String,
    pub kind: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YearRules {
    pub handling_words: Vec<String>,
    pub window: usize,
    pub not_after: Vec<String>,
    pub year_end: Vec<String>,
    pub cutoff_words: Vec<String>,
    pub cutoff_min_month: u32,
    pub multi_year_words: Vec<String>,
    pub previous_year_words: Vec<String>,
    pub current_year_words: Vec<String>,
    pub comparison_before: Vec<String>,
    pub late_report_month: u32,
    pub early_report_month: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PinyinRules {
    pub char_readings: BTreeMap<String, String>,
    pub name_readings: BTreeMap<String, String>,
}

// ---------------------------------------------------------------- entry point

/// Infer report metadata from the document's text. Never panics; unknown fields stay `None`.
pub fn infer(doc: &Document, rules: &Rules) -> DocMeta {
    let compiled = compiled(rules);
    let ctx = Ctx::new(doc, rules, &compiled);
    let mentions = place_mentions(&ctx);
    let issuer = find_issuer(&ctx, &mentions);
    let channel = infer_channel(&ctx);
    let session = infer_session(&ctx, channel);
    let report_date = infer_report_date(&ctx);
    let year_handled = infer_year_handled(&ctx, report_date);
    let level = document_level(&ctx);
    let place = infer_jurisdiction(
        &ctx,
        &mentions,
        issuer.as_ref(),
        session.as_ref(),
        level.as_deref(),
    );

    let mut meta = DocMeta {
        metadata_source: MetadataSource::Inferred,
        ..Default::default()
    };
    if let Some(p) = place {
        meta.jurisdiction_zh = Some(p.name_zh);
        meta.jurisdiction_en = Some(p.name_en);
        meta.province_zh = p.province;
        meta.admin_level = p.level;
    }
    if meta.admin_level.is_none() {
        meta.admin_level = level_of_unnamed_place(&ctx, session.as_ref(), level.as_deref());
    }
    // A national report has no province, whatever places it names.
    if meta.province_zh.is_none()
        && meta.admin_level.as_deref() != Some("national")
        && let Some(province) =
            province_of_mentions(&ctx, &mentions).or_else(|| province_of_outlet(&ctx))
    {
        // A provincial report that names only places inside its province (自治区政协…;
        // 石嘴山市政府承办61件) is that province's.
        if meta.jurisdiction_zh.is_none() && meta.admin_level.as_deref() == Some("provincial") {
            if let Some(d) = ctx
                .g
                .divisions
                .iter()
                .find(|d| d.level == "provincial" && d.name == province)
            {
                meta.jurisdiction_en = Some(english_of_division(&ctx, d, None));
                meta.jurisdiction_zh = Some(province.clone());
            }
        }
        meta.province_zh = Some(province);
    }
    if let Some(i) = issuer {
        meta.issuer_zh = Some(i.printed);
        meta.issuer_kind = Some(i.kind);
    }
    meta.channel = channel.map(str::to_string);
    meta.session_zh = session.map(|s| s.printed);
    meta.year_handled = year_handled;
    meta.report_date = report_date.map(|d| d.date);
    meta
}

// ---------------------------------------------------------------- compiled matchers

/// Matchers built from the rules and the gazetteer, cached per rules fingerprint.
struct Compiled {
    places: Option<PlaceMatcher>,
    bodies: Option<AhoCorasick>,
    /// The same search, vectorized where the machine allows (the automaton's prefilter looks
    /// for bytes every Han character starts with).
    bodies_packed: Option<aho_corasick::packed::Searcher>,
    /// The channel word lists of [`classify_clause`], searched in one pass.
    clause_words: WordSets,
    /// Word lists looked for in a window around many matches, each in one pass: the
    /// handling words after a year, the words before a place visited elsewhere, the delivery
    /// words after a session and the session words after a date.
    handling_words: WordSets,
    foreign_before: WordSets,
    delivery_after: WordSets,
    session_words: WordSets,
    sessions: Vec<(SessionPattern, SessionGroups)>,
    count: Option<CountFinder>,
    /// The sitting word (次会议) and the national level word (全国), searched in every report.
    sitting_word: Option<AhoCorasick>,
    national_level: Option<AhoCorasick>,
    /// Words looked for through the whole text of every report, one search per word (`None` for
    /// an empty word): the issuer labels (发布机构) and the words for the previous and the
    /// current year. A prebuilt search skips most of the text where `str::match_indices` reads
    /// it all.
    issuer_labels: Vec<Option<AhoCorasick>>,
    previous_year_words: Vec<Option<AhoCorasick>>,
    current_year_words: Vec<Option<AhoCorasick>>,
    /// Any of the multi-year words (任期内, 五年来), in one pass.
    multi_year: Option<AnyWordFinder>,
    /// The first characters of the speaker titles (主任, 副县长), sorted.
    speaker_title_starts: Vec<char>,
    /// [`level_suffixes`] of the place rules.
    level_suffixes: Vec<(String, String)>,
    /// Character lists of the rules asked of many characters in turn, as sets.
    clause_breaks: CharSet,
    sentence_breaks: CharSet,
    boundary_before: CharSet,
    ordinal_chars: CharSet,
}

/// The characters of a string, for `s.contains(c)` asked of many `c`: a bit per ASCII
/// character and the others sorted, where `str::contains` searched the string each time.
#[derive(Debug, Default)]
struct CharSet {
    ascii: u128,
    other: Vec<char>,
}

impl CharSet {
    fn new(s: &str) -> CharSet {
        let mut set = CharSet::default();
        for c in s.chars() {
            if c.is_ascii() {
                set.ascii |= 1u128 << (c as u32);
            } else {
                set.other.push(c);
            }
        }
        set.other.sort_unstable();
        set.other.dedup();
        set
    }

    /// `s.contains(c)` for the `s` the set was built from.
    fn contains(&self, c: char) -> bool {
        if c.is_ascii() {
            self.ascii & (1u128 << (c as u32)) != 0
        } else {
            self.other.binary_search(&c).is_ok()
        }
    }
}

/// The first characters of the non-empty `words`, sorted and without repeats.
fn first_chars(words: &[String]) -> Vec<char> {
    let mut firsts: Vec<char> = words.iter().filter_map(|w| w.chars().next()).collect();
    firsts.sort_unstable();
    firsts.dedup();
    firsts
}

/// `starts_with_any(s, words).is_some()` for an `s` that starts with `first`, given the
/// [`first_chars`] of `words`: most characters start no word, and are told so without comparing
/// `s` with every word.
fn starts_with_a_word(s: &str, first: char, words: &[String], firsts: &[char]) -> bool {
    firsts.binary_search(&first).is_ok() && starts_with_any(s, words).is_some()
}

/// One search per word of `words`, in order.
fn word_finders(words: &[String]) -> Vec<Option<AhoCorasick>> {
    words.iter().map(|w| word_finder(w)).collect()
}

/// A search for any of the non-empty `words` (empty ones are ignored, as in [`contains_any`]).
fn any_word_finder(words: &[String]) -> Option<AnyWordFinder> {
    let non_empty = || words.iter().filter(|w| !w.is_empty());
    Some(AnyWordFinder {
        ac: AhoCorasick::new(non_empty()).ok()?,
        packed: aho_corasick::packed::Searcher::new(non_empty()),
    })
}

/// Whether a text holds any of some words: the automaton, and the same words vectorized
/// (Teddy) where the machine allows. The automaton's own prefilter did not pick Teddy for the
/// multi-year words and read a whole report byte by byte.
struct AnyWordFinder {
    ac: AhoCorasick,
    packed: Option<aho_corasick::packed::Searcher>,
}

impl AnyWordFinder {
    /// Some word occurs in `s` (a leftmost-first search finds a match exactly when one does).
    fn is_match(&self, s: &str) -> bool {
        match &self.packed {
            Some(packed) => packed.find(s).is_some(),
            None => self.ac.is_match(s),
        }
    }
}

/// [`contains_any`] by the prebuilt `finder` of the same words when there is one.
fn contains_any_found(s: &str, words: &[String], finder: Option<&AnyWordFinder>) -> bool {
    match finder {
        Some(f) => f.is_match(s),
        None => contains_any(s, words),
    }
}

/// Start of every occurrence of `word` from the left, not overlapping (`str::match_indices`),
/// by the prebuilt single-word `finder` (a vectorized search) when there is one.
fn word_starts<'t>(
    text: &'t str,
    word: &'t str,
    finder: Option<&'t AhoCorasick>,
) -> Box<dyn Iterator<Item = usize> + 't> {
    match finder {
        Some(ac) => Box::new(ac.find_iter(text).map(|m| m.start())),
        None => Box::new(text.match_indices(word).map(|(i, _)| i)),
    }
}

/// A search for one non-empty word.
fn word_finder(word: &str) -> Option<AhoCorasick> {
    if word.is_empty() {
        return None;
    }
    AhoCorasick::new([word]).ok()
}

/// How counts of items (`230件`) are found: a search for the unit and the digits before it, or
/// the regex when the unit itself holds digits (or is empty) and that shortcut would not agree.
enum CountFinder {
    Unit(AhoCorasick),
    Regex(Regex),
}

impl CountFinder {
    fn build(unit: &str) -> Option<CountFinder> {
        if !unit.is_empty() && !unit.chars().any(is_digit) {
            return AhoCorasick::new([unit]).ok().map(CountFinder::Unit);
        }
        Regex::new(&format!(r"(\d+){}", regex::escape(unit)))
            .ok()
            .map(CountFinder::Regex)
    }

    fn find_all(&self, text: &str) -> Vec<(usize, usize)> {
        match self {
            CountFinder::Unit(unit) => count_matches(text, unit),
            CountFinder::Regex(re) => re.find_iter(text).map(|m| (m.start(), m.end())).collect(),
        }
    }
}

struct PlaceMatcher {
    /// Full names and short aliases (楚雄州) of every division.
    full: NameIndex,
    full_divs: Vec<Vec<usize>>,
    /// Names that are ordinary words (城区, 东区): places only right after their parent (攀枝花市东区).
    needs_parent: Vec<bool>,
    /// Short names of provincial and prefecture units (巴中, 广西), a last resort.
    short: NameIndex,
    short_divs: Vec<Vec<usize>>,
}

/// Compiled matchers by rules fingerprint (a handful at most).
type CompiledCache = Mutex<Vec<(String, Arc<Compiled>)>>;

fn compiled(rules: &Rules) -> Arc<Compiled> {
    static CACHE: OnceLock<CompiledCache> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let Ok(mut entries) = cache.lock() else {
        return Arc::new(build_compiled(rules));
    };
    if let Some((_, c)) = entries.iter().find(|(fp, _)| *fp == rules.fingerprint) {
        return c.clone();
    }
    let c = Arc::new(build_compiled(rules));
    if entries.len() >= 4 {
        entries.remove(0);
    }
    entries.push((rules.fingerprint.clone(), c.clone()));
    c
}

fn build_compiled(rules: &Rules) -> Compiled {
    let m = &rules.metadata;
    Compiled {
        places: build_place_matcher(&rules.gazetteer, &m.place),
        bodies: AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&m.place.body_words)
            .ok(),
        bodies_packed: aho_corasick::packed::Config::new()
            .match_kind(aho_corasick::packed::MatchKind::LeftmostLongest)
            .builder()
            .extend(&m.place.body_words)
            .build(),
        clause_words: WordSets::build(&clause_lists(&m.channel)),
        handling_words: WordSets::build(&[&m.year.handling_words]),
        foreign_before: WordSets::build(&[&m.place.foreign_before]),
        delivery_after: WordSets::build(&[&m.session.delivery_after]),
        session_words: WordSets::build(&[&m.date.session_words]),
        sessions: session_patterns(&m.session)
            .into_iter()
            .filter_map(|(pattern, lead)| SessionPattern::build(&pattern, lead))
            .map(|p| p.requiring(&committee_literals(&m.session)))
            .map(|p| {
                let groups = p.groups();
                (p, groups)
            })
            .collect(),
        count: CountFinder::build(&m.channel.count_unit),
        sitting_word: word_finder(&m.session.sitting_word),
        national_level: word_finder(&m.place.national_level),
        issuer_labels: word_finders(&m.issuer.labels),
        previous_year_words: word_finders(&m.year.previous_year_words),
        current_year_words: word_finders(&m.year.current_year_words),
        multi_year: any_word_finder(&m.year.multi_year_words),
        speaker_title_starts: first_chars(&m.issuer.speaker_titles),
        level_suffixes: level_suffixes(&m.place),
        clause_breaks: CharSet::new(&m.channel.clause_breaks),
        sentence_breaks: CharSet::new(&m.channel.sentence_breaks),
        boundary_before: CharSet::new(&m.place.boundary_before),
        ordinal_chars: CharSet::new(&m.session.ordinal_chars),
    }
}

fn build_place_matcher(g: &Gazetteer, r: &PlaceRules) -> Option<PlaceMatcher> {
    let ((full_names, full_divs), (short_names, short_divs)) = place_names(g, r);
    let needs_parent = full_names
        .iter()
        .map(|n| r.ignore_names.contains(n))
        .collect();
    Some(PlaceMatcher {
        full: NameIndex::build(&full_names)?,
        full_divs,
        needs_parent,
        short: NameIndex::build(&short_names)?,
        short_divs,
    })
}

/// Names and their divisions, in name order without repeats: the full names and short aliases
/// of every division, and the short names of the provincial and prefecture units.
type NameList = (Vec<String>, Vec<Vec<usize>>);

fn place_names(g: &Gazetteer, r: &PlaceRules) -> (NameList, NameList) {
    let mut full: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut short: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, d) in g.divisions.iter().enumerate() {
        if d.name.chars().count() >= 2 {
            full.entry(d.name.clone()).or_default().push(i);
        }
        for alias in short_aliases(d, r) {
            full.entry(alias).or_default().push(i);
        }
        let big = d.level == "provincial" || d.level == "prefecture";
        if big && d.short_name != d.name && d.short_name.chars().count() >= 2 {
            short.entry(d.short_name.clone()).or_default().push(i);
        }
    }
    (full.into_iter().unzip(), short.into_iter().unzip())
}

/// 楚雄彝族自治州 → 楚雄州; 长阳土家族自治县 → 长阳县.
fn short_aliases(d: &Division, r: &PlaceRules) -> Vec<String> {
    r.short_aliases
        .iter()
        .filter(|(suffix, _)| d.name.ends_with(suffix.as_str()) && d.short_name != d.name)
        .map(|(_, alias)| format!("{}{}", d.short_name, alias))
        .filter(|a| *a != d.name)
        .collect()
}

/// Alternation of escaped words, longest first.
fn alternation(words: &[String]) -> String {
    let mut ws: Vec<&String> = words.iter().filter(|w| !w.is_empty()).collect();
    ws.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
    ws.iter()
        .map(|w| regex::escape(w))
        .collect::<Vec<_>>()
        .join("|")
}

/// 市七届人大六次会议 / 十二届全国人大四次会议 (term first), 县人大十六届一次会议 (body first),
/// 政协泉州市第十四届委员会第四次会议 / 政协第十二届淄博市委员会第一次会议 (committee forms),
/// and 三届二次会议 (no body; used only when no session names its body). Each comes with the
/// literal every one of its matches starts with, if it has one (政协 of the committee forms).
fn session_patterns(s: &SessionRules) -> Vec<(String, Option<String>)> {
    let level = alternation(&s.levels);
    let body = alternation(&s.bodies);
    let class: String = s
        .ordinal_chars
        .chars()
        .map(|c| regex::escape(&c.to_string()))
        .collect();
    let ord = format!("(?:{}?[{}]+)", regex::escape(&s.ordinal_prefix), class);
    let term = regex::escape(&s.term_word);
    let sit = regex::escape(&s.sitting_word);
    let nat = regex::escape(&s.national);
    let body_first =
        format!("(?P<lvl>{level})?(?P<body>{body})(?P<term>{ord}){term}(?P<num>{ord}){sit}");
    let term_first = format!(
        "(?P<lvl>{level})?(?P<term>{ord}){term}(?P<nat>{nat})?(?P<body>{body})(?P<num>{ord}){sit}"
    );
    let bodiless = format!("(?P<term>{ord}){term}(?P<num>{ord}){sit}");
    let cppcc = regex::escape(&s.cppcc_body);
    let committee = regex::escape(&s.committee_word);
    let place = format!("[^\\s\\p{{P}}\\d]{{1,{}}}?", s.max_place_chars);
    let place_first =
        format!("(?P<body>{cppcc}){place}(?P<term>{ord}){term}{committee}(?P<num>{ord}){sit}");
    let term_then_place =
        format!("(?P<body>{cppcc})(?P<term>{ord}){term}{place}{committee}(?P<num>{ord}){sit}");
    let lead = Some(s.cppcc_body.clone()).filter(|b| !b.is_empty());
    vec![
        (body_first, None),
        (term_first, None),
        (place_first, lead.clone()),
        (term_then_place, lead),
        (bodiless, None),
    ]
}

/// A session pattern and how its matches are looked for in a window.
enum SessionPattern {
    /// Searched anywhere in the window.
    Anywhere(Regex),
    /// Every match starts with `lead` (政协): the pattern anchored with `^`, tried at each
    /// occurrence of `lead` in turn. The unanchored search spent most of its time in the reverse
    /// search for the start of a match (a lazy DFA over the Unicode class of the place name,
    /// built anew for each new character), which the anchored one does not need.
    /// `required` are literals every match holds (see [`SessionPattern::requiring`]): where the
    /// rest of the window lacks one, the anchored search is not run.
    AtLead {
        anchored: Regex,
        lead: String,
        required: Vec<String>,
    },
}

/// The literals every match of a committee form holds whatever its place and ordinals: the
/// term word (届) and the committee word (委员会) are written in both forms outside any
/// optional or repeated group.
fn committee_literals(s: &SessionRules) -> [&str; 2] {
    [s.term_word.as_str(), s.committee_word.as_str()]
}

/// Index of each named group of a session pattern (`None` where the pattern has no such group):
/// looked up once instead of by name for every match.
#[derive(Clone, Copy, Default)]
struct SessionGroups {
    term: Option<usize>,
    num: Option<usize>,
    body: Option<usize>,
    nat: Option<usize>,
    lvl: Option<usize>,
}

impl SessionGroups {
    fn of(re: &Regex) -> SessionGroups {
        let index = |name: &str| re.capture_names().position(|n| n == Some(name));
        SessionGroups {
            term: index("term"),
            num: index("num"),
            body: index("body"),
            nat: index("nat"),
            lvl: index("lvl"),
        }
    }
}

/// Group `i` of a match, if the pattern has it and it took part.
fn group<'h>(cap: &regex::Captures<'h>, i: Option<usize>) -> Option<regex::Match<'h>> {
    cap.get(i?)
}

impl SessionPattern {
    fn build(pattern: &str, lead: Option<String>) -> Option<SessionPattern> {
        Some(match lead {
            Some(lead) => SessionPattern::AtLead {
                anchored: Regex::new(&format!("^(?:{pattern})")).ok()?,
                lead,
                required: Vec::new(),
            },
            None => SessionPattern::Anywhere(Regex::new(pattern).ok()?),
        })
    }

    /// The pattern with `literals` that every match starting at its lead holds (only the
    /// committee forms, the patterns with a lead, are given them: [`committee_literals`]).
    fn requiring(mut self, literals: &[&str]) -> SessionPattern {
        if let SessionPattern::AtLead { required, .. } = &mut self {
            required.extend(
                literals
                    .iter()
                    .filter(|l| !l.is_empty())
                    .map(|l| l.to_string()),
            );
        }
        self
    }

    /// The group indices of the regex whose captures [`SessionPattern::matches`] gives.
    fn groups(&self) -> SessionGroups {
        match self {
            SessionPattern::Anywhere(re) => SessionGroups::of(re),
            SessionPattern::AtLead { anchored, .. } => SessionGroups::of(anchored),
        }
    }

    /// The matches of the unanchored pattern in `window`, as `captures_iter` gives them, each
    /// with the byte offset its capture positions are relative to.
    ///
    /// For [`SessionPattern::AtLead`]: the leftmost match starts at an occurrence of the lead,
    /// and the patterns have no look-around, so the match starting at byte `p` is the anchored
    /// match in `window[p..]` (the same priorities pick it); after a match the search resumes
    /// at its end (matches are never empty: they hold the lead).
    fn matches<'w>(&self, window: &'w str) -> Vec<(usize, regex::Captures<'w>)> {
        let (anchored, lead, required) = match self {
            SessionPattern::Anywhere(re) => {
                return re.captures_iter(window).map(|c| (0, c)).collect();
            }
            SessionPattern::AtLead {
                anchored,
                lead,
                required,
            } => (anchored, lead.as_str(), required),
        };
        let step = lead.chars().next().map_or(1, char::len_utf8);
        let mut out = Vec::new();
        let mut from = 0;
        while let Some(p) = window
            .get(from..)
            .and_then(|w| w.find(lead))
            .map(|i| from + i)
        {
            let Some(cap) = window
                .get(p..)
                .filter(|rest| required.iter().all(|l| contains_word(rest, l)))
                .and_then(|rest| anchored.captures(rest))
            else {
                from = p + step;
                continue;
            };
            from = p + cap.get(0).map_or(step, |m| m.end().max(step));
            out.push((p, cap));
        }
        out
    }
}

// ---------------------------------------------------------------- context and text helpers

struct Ctx<'a> {
    doc: &'a Document,
    text: &'a str,
    r: &'a MetadataRules,
    g: &'a Gazetteer,
    c: &'a Compiled,
    /// Byte offset where the head (title lines) ends.
    head_end: usize,
    /// Byte offset of the first count of items (`230件`) outside a headline, or the text's end.
    first_count: usize,
    /// Byte ranges of the counts of items, in order.
    counts: Vec<(usize, usize)>,
    /// Every `YYYY年`, in order.
    years: Vec<YearAt>,
    /// Byte offsets of the original text's characters, indexed as far as they were asked for.
    original_chars: OriginalChars<'a>,
}

impl<'a> Ctx<'a> {
    fn new(doc: &'a Document, rules: &'a Rules, c: &'a Compiled) -> Ctx<'a> {
        let text = doc.text.text.as_str();
        let r = &rules.metadata;
        let head_end = head_end(text, r.place.head_lines, r.place.head_chars);
        let counts = c
            .count
            .as_ref()
            .map(|f| f.find_all(text))
            .unwrap_or_default();
        let first_count = counts
            .iter()
            .map(|m| m.0)
            .find(|&at| !on_headline(text, at, r.date.headline_chars))
            .unwrap_or(text.len());
        Ctx {
            doc,
            text,
            r,
            g: &rules.gazetteer,
            c,
            head_end,
            first_count,
            counts,
            years: year_matches(text),
            original_chars: OriginalChars::new(&doc.original),
        }
    }

    /// The original text of a normalized byte span (as printed), or the normalized text when the
    /// original cannot be mapped cleanly (markup in between). Pinyin glosses are left out.
    fn printed(&self, start: usize, end: usize) -> String {
        let norm = self.text.get(start..end).unwrap_or("");
        let t = &self.doc.text;
        let span = Span::new(t.char_at_byte(start), t.char_at_byte(end));
        let orig = original_slice(&self.original_chars, t.orig_span(span));
        let orig = match super::glosses::strip_pinyin_glosses(&orig, super::text::Origins::Identity)
        {
            Some((unglossed, _)) => unglossed,
            None => orig,
        };
        let orig = orig.trim();
        let clean = !orig.is_empty()
            && !orig.contains(['<', '>'])
            && orig.chars().count() <= norm.chars().count() * 2 + 4;
        if clean {
            orig.to_string()
        } else {
            norm.to_string()
        }
    }
}

/// Byte offset of the `n`th character of a text (`char_indices().nth(n)`), walked from the
/// nearest of the checkpoints recorded every [`CHECKPOINT_STRIDE`] characters, which grow only as
/// far as the furthest character asked for: walking from the start of the text on every lookup
/// was quadratic on long documents, while indexing every character cost more than the walks it
/// saved on the short reports that make up most of a corpus.
struct OriginalChars<'a> {
    text: &'a str,
    known: RefCell<Checkpoints>,
}

const CHECKPOINT_STRIDE: usize = 64;

#[derive(Default)]
struct Checkpoints {
    /// Byte offset of character `k * CHECKPOINT_STRIDE`, for each `k` reached so far.
    bytes: Vec<usize>,
    /// The text holds no further checkpoint.
    complete: bool,
}

impl<'a> OriginalChars<'a> {
    fn new(text: &'a str) -> OriginalChars<'a> {
        OriginalChars {
            text,
            known: RefCell::new(Checkpoints::default()),
        }
    }

    /// Byte offset of character `n`, or `None` past the end of the text.
    fn byte_of(&self, n: usize) -> Option<usize> {
        let checkpoint = self.checkpoint(n / CHECKPOINT_STRIDE)?;
        let rest = self.text.get(checkpoint..)?;
        let (i, _) = rest.char_indices().nth(n % CHECKPOINT_STRIDE)?;
        Some(checkpoint + i)
    }

    /// Byte offset of character `k * CHECKPOINT_STRIDE`, recording the checkpoints up to it.
    fn checkpoint(&self, k: usize) -> Option<usize> {
        let mut known = self.known.borrow_mut();
        if known.bytes.is_empty() {
            known.bytes.push(0);
        }
        while known.bytes.len() <= k && !known.complete {
            let last = known.bytes.last().copied().unwrap_or(0);
            let rest = self.text.get(last..).unwrap_or("");
            match rest.char_indices().nth(CHECKPOINT_STRIDE) {
                Some((i, _)) => known.bytes.push(last + i),
                None => known.complete = true,
            }
        }
        known.bytes.get(k).copied()
    }
}

/// [`Document::original_slice`] through the checkpoints: the characters of `span` in the
/// original text, line breaks left out (the document's own walks from the start every call).
fn original_slice(chars: &OriginalChars, span: Span) -> String {
    let Some(from) = chars.byte_of(span.start as usize) else {
        return String::new();
    };
    let len = span.end.saturating_sub(span.start) as usize;
    let to = chars
        .byte_of(span.start as usize + len)
        .unwrap_or(chars.text.len());
    chars
        .text
        .get(from..to)
        .unwrap_or("")
        .chars()
        .filter(|c| *c != '\n' && *c != '\r')
        .collect()
}

fn head_end(text: &str, lines: usize, chars: usize) -> usize {
    let by_chars = text
        .char_indices()
        .nth(chars)
        .map(|(i, _)| i)
        .unwrap_or(text.len());
    let by_lines = text
        .match_indices('\n')
        .nth(lines.saturating_sub(1))
        .map(|(i, _)| i)
        .unwrap_or(text.len());
    by_chars.min(by_lines)
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}')
}

/// Up to `n` characters before byte offset `pos`.
fn before(text: &str, pos: usize, n: usize) -> &str {
    let head = text.get(..pos).unwrap_or("");
    let start = head
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map(|(i, _)| i)
        .unwrap_or(0);
    if n == 0 {
        ""
    } else {
        head.get(start..).unwrap_or("")
    }
}

/// Up to `n` characters from byte offset `pos`.
fn after(text: &str, pos: usize, n: usize) -> &str {
    let tail = text.get(pos..).unwrap_or("");
    let end = tail
        .char_indices()
        .nth(n)
        .map(|(i, _)| i)
        .unwrap_or(tail.len());
    tail.get(..end).unwrap_or("")
}

fn starts_with_any<'w>(s: &str, words: &'w [String]) -> Option<&'w String> {
    words
        .iter()
        .filter(|w| !w.is_empty() && s.starts_with(w.as_str()))
        .max_by_key(|w| w.len())
}

fn contains_any(s: &str, words: &[String]) -> bool {
    words.iter().any(|w| !w.is_empty() && contains_word(s, w))
}

/// [`contains_any`] by the one-pass search of the same `words` (built as a [`WordSets`] of that
/// one list), word by word when it could not be built.
fn contains_any_of(s: &str, words: &[String], set: &WordSets) -> bool {
    match set.any(s) {
        Some(any) => any,
        None => contains_any(s, words),
    }
}

/// `s.contains(word)`. A clause or window is searched by comparing at each byte: setting up the
/// standard library's two-way search cost more than the search itself on a few dozen bytes.
fn contains_word(s: &str, word: &str) -> bool {
    const SHORT: usize = 256;
    if s.len() > SHORT {
        return s.contains(word);
    }
    let (hay, needle) = (s.as_bytes(), word.as_bytes());
    let Some(&first) = needle.first() else {
        return true;
    };
    hay.windows(needle.len())
        .any(|w| w.first() == Some(&first) && w == needle)
}

/// Byte range of the line containing `pos`, looking at most `LINE_WINDOW` characters each way.
/// The nearest line breaks are searched for (a word-at-a-time search) in the bytes that can
/// hold `LINE_WINDOW` characters; the characters are walked one by one only on a line longer
/// than that (see [`line_at_walked`]).
fn line_at(text: &str, pos: usize) -> (usize, usize) {
    if !text.is_char_boundary(pos) {
        return (pos, pos);
    }
    // Bytes enough for `LINE_WINDOW` characters of up to 4 bytes, and a partial one.
    const REACH: usize = LINE_WINDOW * 4 + 8;
    let bytes = text.as_bytes();
    let chars_in = |from: usize, to: usize| {
        bytes
            .get(from..to)
            .map_or(0, |b| b.iter().filter(|b| **b & 0xC0 != 0x80).count())
    };
    let mut lo = pos.saturating_sub(REACH);
    while !text.is_char_boundary(lo) {
        lo += 1;
    }
    let back = text.get(lo..pos).unwrap_or("");
    let start = match back.rfind('\n') {
        Some(i) => Some(lo + i + 1),
        None if lo == 0 => Some(0),
        // No break within the reach: the line runs back `LINE_WINDOW` characters or more.
        None => None,
    }
    .filter(|&s| pos - s <= LINE_WINDOW || chars_in(s, pos) <= LINE_WINDOW);
    let mut hi = (pos + REACH).min(text.len());
    while !text.is_char_boundary(hi) {
        hi -= 1;
    }
    let fwd = text.get(pos..hi).unwrap_or("");
    let end = match fwd.find('\n') {
        Some(i) => Some(pos + i),
        None if hi == text.len() => Some(hi),
        None => None,
    }
    .filter(|&e| e - pos <= LINE_WINDOW || chars_in(pos, e) <= LINE_WINDOW);
    match (start, end) {
        (Some(s), Some(e)) => (s, e),
        _ => {
            let (s, e) = line_at_walked(text, pos);
            (start.unwrap_or(s), end.unwrap_or(e))
        }
    }
}

/// [`line_at`] by walking the bytes from `pos` each way, counting characters, as far as the
/// nearest line break or `LINE_WINDOW` characters.
fn line_at_walked(text: &str, pos: usize) -> (usize, usize) {
    if !text.is_char_boundary(pos) {
        return (pos, pos);
    }
    let bytes = text.as_bytes();
    let is_char_start = |b: u8| b & 0xC0 != 0x80;
    let mut start = pos;
    let mut chars = 0;
    while chars < LINE_WINDOW {
        let Some(b) = start.checked_sub(1).and_then(|i| bytes.get(i)) else {
            break;
        };
        if *b == b'\n' {
            break;
        }
        start -= 1;
        chars += usize::from(is_char_start(*b));
    }
    let mut end = pos;
    let mut chars = 0;
    while let Some(b) = bytes.get(end) {
        if is_char_start(*b) {
            if chars == LINE_WINDOW || *b == b'\n' {
                break;
            }
            chars += 1;
        }
        end += 1;
    }
    (start, end)
}

const LINE_WINDOW: usize = 2000;

/// Lines of the text with their byte offsets, from either end.
fn lines_with_offsets(text: &str) -> impl DoubleEndedIterator<Item = (usize, &str)> {
    let base = text.as_ptr() as usize;
    text.split('\n')
        .map(move |line| (line.as_ptr() as usize - base, line))
}

/// Value of an ordinal as printed: 十二, 12, 第三.
fn ordinal_value(s: &str, prefix: &str) -> Option<u64> {
    let s = s.strip_prefix(prefix).unwrap_or(s);
    s.parse().ok().or_else(|| parse_cn_integer(s))
}

// ---------------------------------------------------------------- digit scanners
//
// Hand-written equivalents of the regexes `(\d{4})年`, `(\d{4})年(\d{1,2})月(\d{1,2})日`,
// `(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})` and `(\d+)件`: a literal search finds the few places
// where one can match and the digits around it are read by hand, instead of a regex pass over
// the whole text for each. `\d` is Unicode (`Nd`) as in the regexes; the tests check that both
// agree.

const YEAR_WORD: char = '年';
const MONTH_WORD: char = '月';
const DAY_WORD: char = '日';

/// Literal searches for the digit scanners, built once.
struct Literals {
    /// `年`.
    year: AhoCorasick,
    /// The separators of an ISO date: `-`, `/`, `.`.
    date_seps: AhoCorasick,
}

static LITERALS: LazyLock<Option<Literals>> = LazyLock::new(|| {
    Some(Literals {
        year: AhoCorasick::new([YEAR_WORD.to_string()]).ok()?,
        date_seps: AhoCorasick::new(["-", "/", "."]).ok()?,
    })
});

/// `c` is a digit as the regex `\d` sees it (Unicode `Nd`, not only ASCII).
fn is_digit(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    // No decimal digit lies below U+0660 outside ASCII, nor among CJK punctuation, kana and
    // ideographs (the characters next to almost every digit in a report).
    if c < '\u{660}' || ('\u{3000}'..='\u{9FFF}').contains(&c) {
        return false;
    }
    static ND: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"^\d$").ok());
    let mut buf = [0; 4];
    ND.as_ref()
        .is_some_and(|re| re.is_match(c.encode_utf8(&mut buf)))
}

fn is_date_sep(c: char) -> bool {
    matches!(c, '-' | '/' | '.')
}

/// Start of exactly `n` digits right before byte `pos`, if the `n` characters there are digits.
fn digits_before(text: &str, pos: usize, n: usize) -> Option<usize> {
    let mut chars = text.get(..pos)?.char_indices().rev();
    let mut start = pos;
    for _ in 0..n {
        let (i, c) = chars.next()?;
        if !is_digit(c) {
            return None;
        }
        start = i;
    }
    Some(start)
}

/// End of the run of digits at byte `pos`, reading at most `max` of them, and their count.
fn digits_after(text: &str, pos: usize, max: usize) -> (usize, usize) {
    let mut end = pos;
    let mut n = 0;
    for c in text.get(pos..).unwrap_or("").chars() {
        if n == max || !is_digit(c) {
            break;
        }
        end += c.len_utf8();
        n += 1;
    }
    (end, n)
}

/// `\d{1,2}` then a character `word` accepts (never a digit), at byte `pos`: the digits' end
/// and the end of that character.
fn one_or_two_digits_then(
    text: &str,
    pos: usize,
    word: impl Fn(char) -> bool,
) -> Option<(usize, usize)> {
    // A third digit fails both ways the regex can split the run.
    let (end, n) = digits_after(text, pos, 3);
    if !(1..=2).contains(&n) {
        return None;
    }
    let c = text.get(end..)?.chars().next().filter(|c| word(*c))?;
    Some((end, end + c.len_utf8()))
}

/// A `(\d{4})年` match (`start..end` includes `年`).
#[derive(Debug, Clone, Copy, PartialEq)]
struct YearAt {
    start: usize,
    end: usize,
}

impl YearAt {
    fn digits<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.start..self.end - YEAR_WORD.len_utf8())
            .unwrap_or("")
    }
}

/// Every `(\d{4})年` in the text, in order (they cannot overlap: `年` is not a digit).
fn year_matches(text: &str) -> Vec<YearAt> {
    let Some(lit) = LITERALS.as_ref() else {
        return Vec::new();
    };
    lit.year
        .find_iter(text)
        .filter_map(|m| {
            Some(YearAt {
                start: digits_before(text, m.start(), 4)?,
                end: m.end(),
            })
        })
        .collect()
}

/// A date found in the text with its year, month and day digits.
#[derive(Debug, Clone, Copy, PartialEq)]
struct DateAt<'t> {
    start: usize,
    end: usize,
    year: &'t str,
    month: &'t str,
    day: &'t str,
}

impl DateAt<'_> {
    fn date(&self) -> Option<Date> {
        let num = |s: &str| s.parse::<u32>().ok();
        Date::new(num(self.year)? as i32, num(self.month)?, num(self.day)?)
    }
}

/// The `(\d{4})年(\d{1,2})月(\d{1,2})日` that starts with the year `y`, if any.
fn cn_date_at<'t>(text: &'t str, y: YearAt) -> Option<DateAt<'t>> {
    let (month_end, after_month) = one_or_two_digits_then(text, y.end, |c| c == MONTH_WORD)?;
    let (day_end, end) = one_or_two_digits_then(text, after_month, |c| c == DAY_WORD)?;
    Some(DateAt {
        start: y.start,
        end,
        year: y.digits(text),
        month: text.get(y.end..month_end)?,
        day: text.get(after_month..day_end)?,
    })
}

/// Every `(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})` match, as the regex finds them: leftmost first,
/// each search resuming after the previous match (2022-1-52022-1-5 holds one date, 2022-1-52).
fn iso_dates(text: &str) -> Vec<DateAt<'_>> {
    let Some(lit) = LITERALS.as_ref() else {
        return Vec::new();
    };
    let mut out: Vec<DateAt> = Vec::new();
    let mut resume = 0;
    for sep in lit.date_seps.find_iter(text) {
        if let Some(d) = iso_date_at(text, sep.start())
            && d.start >= resume
        {
            resume = d.end;
            out.push(d);
        }
    }
    out
}

/// The ISO date whose first separator is at byte `sep`, if any.
fn iso_date_at(text: &str, sep: usize) -> Option<DateAt<'_>> {
    let start = digits_before(text, sep, 4)?;
    let month_start = sep + 1;
    let (month_end, day_start) = one_or_two_digits_then(text, month_start, is_date_sep)?;
    let (end, n) = digits_after(text, day_start, 2);
    (n > 0).then_some(())?;
    Some(DateAt {
        start,
        end,
        year: text.get(start..sep)?,
        month: text.get(month_start..month_end)?,
        day: text.get(day_start..end)?,
    })
}

/// The text holds a Chinese or an ISO date (the regexes' `is_match`).
fn has_date(text: &str) -> bool {
    year_matches(text)
        .into_iter()
        .any(|y| cn_date_at(text, y).is_some())
        || !iso_dates(text).is_empty()
}

/// `1-2` digits then `月` at the start of `s` (`^(\d{1,2})月`): the month's digits.
fn month_at_start(s: &str) -> Option<&str> {
    let (end, _) = one_or_two_digits_then(s, 0, |c| c == MONTH_WORD)?;
    s.get(..end)
}

/// Byte ranges of every `(\d+)UNIT` (a count of items, `230件`), for a unit without digits.
/// The digits before a unit run back to the first non-digit: `\d+` is greedy and the match
/// starts as far left as it can.
fn count_matches(text: &str, unit: &AhoCorasick) -> Vec<(usize, usize)> {
    unit.find_iter(text)
        .filter_map(|m| {
            let run = text.get(..m.start())?;
            let digits: usize = run
                .chars()
                .rev()
                .take_while(|c| is_digit(*c))
                .map(char::len_utf8)
                .sum();
            (digits > 0).then_some((m.start() - digits, m.end()))
        })
        .collect()
}

// ---------------------------------------------------------------- name index

/// Gazetteer names and how a text is scanned for them. Matches are those of a leftmost-longest
/// automaton's `find_iter` over the names: the first position where a name starts, the longest
/// name there, then on from its end.
struct NameIndex {
    scan: NameScan,
}

enum NameScan {
    /// Every name is 2 characters or more, the names end with few distinct characters (县, 区,
    /// 市…) and none repeats: the text is searched for those last characters only (a vectorized
    /// search over a handful of characters), and each name that can end there is looked up.
    Ends(NameEnds),
    /// Every name is 2 characters or more: a filter on the first two characters at each
    /// character of the text, then the automaton anchored where a name may start.
    Starts { ac: AhoCorasick, starts: Vec<u64> },
    /// Otherwise the automaton searches the whole text itself.
    Automaton(AhoCorasick),
}

/// [`NameScan::Ends`]: names found from their last character.
struct NameEnds {
    /// A search for the distinct last characters of the names (single characters: their
    /// occurrences never overlap, so the search finds every one).
    last: AhoCorasick,
    /// The same search, vectorized (Teddy) where the machine allows: the automaton's own
    /// prefilter looks for the first bytes of the characters, which every Han character in the
    /// text shares.
    last_packed: Option<aho_corasick::packed::Searcher>,
    /// For each pattern of `last`, the distinct byte lengths of the names ending with it,
    /// ascending.
    lens: Vec<Vec<usize>>,
    /// Hashed (first-two-character key, byte length) of every name: most places where a last
    /// character stands start no name of that length, and are told so without a lookup.
    keys: Vec<u64>,
    /// Each name and its pattern number (its index in the names given).
    ids: std::collections::HashMap<String, aho_corasick::PatternID>,
}

const NAME_START_BITS: u32 = 18;

/// Most distinct last characters for the [`NameScan::Ends`] scan (the full names end with 7).
const MAX_END_CHARS: usize = 32;

impl NameIndex {
    fn build(names: &[String]) -> Option<NameIndex> {
        let all_long = names
            .iter()
            .all(|n| first_two_chars(n.as_bytes(), 0).is_some());
        if !all_long {
            let ac = AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(names)
                .ok()?;
            return Some(NameIndex {
                scan: NameScan::Automaton(ac),
            });
        }
        if let Some(ends) = NameEnds::build(names) {
            return Some(NameIndex {
                scan: NameScan::Ends(ends),
            });
        }
        Some(NameIndex {
            scan: NameIndex::starts_scan(names)?,
        })
    }

    /// The [`NameScan::Starts`] scan of names all 2 characters or more.
    fn starts_scan(names: &[String]) -> Option<NameScan> {
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .start_kind(StartKind::Anchored)
            .build(names)
            .ok()?;
        let mut bits = vec![0u64; 1 << (NAME_START_BITS - 6)];
        for name in names {
            set_bit(
                &mut bits,
                name_start_bit(first_two_chars(name.as_bytes(), 0)?),
            );
        }
        Some(NameScan::Starts { ac, starts: bits })
    }

    /// The matches of a leftmost-longest automaton over the names, in order (as its
    /// `find_iter` gives them).
    fn find_all(&self, text: &str) -> Vec<aho_corasick::Match> {
        match &self.scan {
            NameScan::Ends(ends) => ends.find_all(text),
            NameScan::Starts { ac, starts } => find_by_starts(ac, starts, text),
            NameScan::Automaton(ac) => ac.find_iter(text).collect(),
        }
    }
}

fn set_bit(bits: &mut [u64], bit: usize) {
    if let Some(word) = bits.get_mut(bit / 64) {
        *word |= 1 << (bit % 64);
    }
}

fn bit_is_set(bits: &[u64], bit: usize) -> bool {
    bits.get(bit / 64)
        .is_some_and(|w| w & (1 << (bit % 64)) != 0)
}

/// The bit of a name of `len` bytes whose first two characters have the key `key`.
fn key_len_bit(key: u64, len: usize) -> usize {
    name_start_bit(key ^ (len as u64).wrapping_mul(0xD6E8_FEB8_6659_FD93))
}

impl NameEnds {
    /// `None` when the names do not suit this scan (too many last characters, a repeated
    /// name, a name under 2 characters).
    fn build(names: &[String]) -> Option<NameEnds> {
        let mut last_chars: Vec<char> = Vec::new();
        let mut lens: Vec<Vec<usize>> = Vec::new();
        let mut keys = vec![0u64; 1 << (NAME_START_BITS - 6)];
        let mut ids = std::collections::HashMap::with_capacity(names.len());
        for (i, name) in names.iter().enumerate() {
            let last = name.chars().next_back()?;
            let k = match last_chars.iter().position(|c| *c == last) {
                Some(k) => k,
                None => {
                    if last_chars.len() == MAX_END_CHARS {
                        return None;
                    }
                    last_chars.push(last);
                    lens.push(Vec::new());
                    last_chars.len() - 1
                }
            };
            let key = first_two_chars(name.as_bytes(), 0)?;
            set_bit(&mut keys, key_len_bit(key, name.len()));
            lens.get_mut(k)?.push(name.len());
            let id = aho_corasick::PatternID::new(i).ok()?;
            if ids.insert(name.clone(), id).is_some() {
                return None;
            }
        }
        for l in &mut lens {
            l.sort_unstable();
            l.dedup();
        }
        let last_strs: Vec<String> = last_chars.iter().map(|c| c.to_string()).collect();
        let last = AhoCorasick::new(&last_strs).ok()?;
        let last_packed = aho_corasick::packed::Searcher::new(&last_strs);
        Some(NameEnds {
            last,
            last_packed,
            lens,
            keys,
            ids,
        })
    }

    /// Every name occurring in the text ends at an occurrence of its last character, so the
    /// names found there, by their byte lengths, are all the occurrences of names; the
    /// automaton's match at a position is the longest name starting there, and its scan takes
    /// the first position at or after the previous match's end where a name starts.
    fn find_all(&self, text: &str) -> Vec<aho_corasick::Match> {
        self.find_all_with(text, true)
    }

    /// [`NameEnds::find_all`], with the vectorized search of the last characters if
    /// `vectorized` and there is one (else the automaton).
    fn find_all_with(&self, text: &str, vectorized: bool) -> Vec<aho_corasick::Match> {
        // (start, end, pattern) of every occurrence of a name.
        let mut found: Vec<(usize, usize, aho_corasick::PatternID)> = Vec::new();
        match self.last_packed.as_ref().filter(|_| vectorized) {
            Some(packed) => {
                for last in packed.find_iter(text) {
                    self.names_ending_at(text, last.end(), last.pattern(), &mut found);
                }
            }
            None => {
                for last in self.last.find_iter(text) {
                    self.names_ending_at(text, last.end(), last.pattern(), &mut found);
                }
            }
        }
        found.sort_unstable_by_key(|&(start, end, _)| (start, std::cmp::Reverse(end)));
        let mut out = Vec::new();
        let mut from = 0;
        for (start, end, id) in found {
            if start < from {
                continue;
            }
            out.push(aho_corasick::Match::new(id, start..end));
            from = end;
        }
        out
    }

    /// Pushes the names that end at byte `end` with the last character `last`.
    fn names_ending_at(
        &self,
        text: &str,
        end: usize,
        last: aho_corasick::PatternID,
        found: &mut Vec<(usize, usize, aho_corasick::PatternID)>,
    ) {
        let bytes = text.as_bytes();
        let Some(lens) = self.lens.get(last.as_usize()) else {
            return;
        };
        for &len in lens {
            let Some(start) = end.checked_sub(len) else {
                break;
            };
            if !text.is_char_boundary(start) {
                continue;
            }
            let Some((key, _)) = two_char_key(bytes, start) else {
                continue;
            };
            if !bit_is_set(&self.keys, key_len_bit(key, len)) {
                continue;
            }
            if let Some(id) = text.get(start..end).and_then(|s| self.ids.get(s)) {
                found.push((start, end, *id));
            }
        }
    }
}

/// [`NameScan::Starts`]: leftmost-longest, the first position where a name starts, the longest
/// name there, then on from its end.
fn find_by_starts(ac: &AhoCorasick, starts: &[u64], text: &str) -> Vec<aho_corasick::Match> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some((key, width)) = two_char_key(bytes, i) {
        if bit_is_set(starts, name_start_bit(key)) {
            let input = Input::new(text).span(i..text.len()).anchored(Anchored::Yes);
            if let Ok(Some(m)) = ac.try_find(input) {
                out.push(m);
                i = m.end();
                continue;
            }
        }
        i += width;
    }
    out
}

/// Bytes of a UTF-8 character from its first byte.
const fn utf8_width(first: u8) -> usize {
    match first {
        0..0xC0 => 1,
        0xC0..0xE0 => 2,
        0xE0..0xF0 => 3,
        _ => 4,
    }
}

/// [`utf8_width`] of every byte: [`two_char_key`] runs at every character of every report, and
/// a table lookup there costs less than the comparisons.
static UTF8_WIDTH: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = utf8_width(b as u8) as u8;
        b += 1;
    }
    table
};

/// `KEY_MASKS[n]` keeps the low `n` bytes of a word (all of them from 8 on); 16 entries so that
/// an index masked with 15 needs no bounds check.
static KEY_MASKS: [u64; 16] = {
    let mut masks = [u64::MAX; 16];
    let mut n = 0;
    while n < 8 {
        masks[n] = (1u64 << (8 * n)) - 1;
        n += 1;
    }
    masks
};

/// [`first_two_chars`] at byte `i` (the same key) and the width of the character there, by
/// table lookups; the last few bytes of the text go through [`first_two_chars`] itself.
#[inline(always)]
fn two_char_key(bytes: &[u8], i: usize) -> Option<(u64, usize)> {
    let first = usize::from(UTF8_WIDTH[usize::from(*bytes.get(i)?)]);
    let n = first + usize::from(UTF8_WIDTH[usize::from(*bytes.get(i + first)?)]);
    let key = match bytes.get(i..i + 8) {
        Some(eight) => u64::from_le_bytes(eight.try_into().ok()?) & KEY_MASKS[n & 15],
        None => first_two_chars(bytes, i)?,
    };
    Some((key, first))
}

/// The bytes of the two characters at byte `i` (at most 8) as a little-endian integer, or
/// `None` when fewer than two characters are left.
fn first_two_chars(bytes: &[u8], i: usize) -> Option<u64> {
    let first = utf8_width(*bytes.get(i)?);
    let n = first + utf8_width(*bytes.get(i + first)?);
    let word = match bytes.get(i..i + 8) {
        Some(eight) => u64::from_le_bytes(eight.try_into().ok()?),
        None => {
            let mut buf = [0u8; 8];
            buf.get_mut(..n)?.copy_from_slice(bytes.get(i..i + n)?);
            u64::from_le_bytes(buf)
        }
    };
    Some(if n >= 8 {
        word
    } else {
        word & ((1u64 << (8 * n)) - 1)
    })
}

fn name_start_bit(key: u64) -> usize {
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - NAME_START_BITS)) as usize
}

// ---------------------------------------------------------------- place mentions

/// A gazetteer name found in the text.
#[derive(Debug, Clone)]
struct Mention {
    start: usize,
    end: usize,
    name: String,
    divs: Vec<usize>,
    /// Start of the mention this one is written after as its parent (张家界市 in 张家界市永定区).
    parent: Option<usize>,
    /// This mention only qualifies the next one (its parent).
    qualifier: bool,
    /// Nothing before it could make it the tail of another word (新增城市 is not 增城市).
    clean: bool,
}

fn place_mentions(ctx: &Ctx) -> Vec<Mention> {
    let Some(pm) = &ctx.c.places else {
        return Vec::new();
    };
    let mut out: Vec<Mention> = Vec::new();
    for m in pm.full.find_all(ctx.text) {
        let name = ctx.text.get(m.start()..m.end()).unwrap_or("");
        let divs = pm
            .full_divs
            .get(m.pattern().as_usize())
            .cloned()
            .unwrap_or_default();
        let adjacent = out.last().is_some_and(|p| p.end == m.start());
        let clean = adjacent || starts_word(ctx, m.start());
        if !plausible_place(ctx, name, m.end(), clean) {
            continue;
        }
        let mut mention = Mention {
            start: m.start(),
            end: m.end(),
            name: name.to_string(),
            divs,
            parent: None,
            qualifier: false,
            clean,
        };
        if adjacent && let Some(prev) = out.last_mut() {
            link_to_parent(ctx.g, prev, &mut mention);
        }
        let needs_parent = pm
            .needs_parent
            .get(m.pattern().as_usize())
            .copied()
            .unwrap_or(false);
        if needs_parent && mention.parent.is_none() {
            continue;
        }
        out.push(mention);
    }
    out
}

/// A word can start at `start`: after a non-Han character, a function word (在, 对, 年…), or at
/// the start of a line of the original text near the top (a title joined to the next line).
fn starts_word(ctx: &Ctx, start: usize) -> bool {
    let p = &ctx.r.place;
    match before(ctx.text, start, 1).chars().next() {
        None => true,
        Some(c) if !is_han(c) || ctx.c.boundary_before.contains(c) => true,
        Some(_) => {
            ctx.doc.text.char_at_byte(start) < p.head_chars && opens_original_line(ctx, start)
        }
    }
}

/// Reject names that are parts of words: 召开县 (开县), 江南区域 (江南区), but keep 益阳市场监管局.
fn plausible_place(ctx: &Ctx, name: &str, end: usize, clean: bool) -> bool {
    let p = &ctx.r.place;
    if name.chars().count() <= 2 && !clean {
        return false;
    }
    let last = name.chars().last().unwrap_or(' ');
    let tail = format!("{last}{}", after(ctx.text, end, 4));
    starts_with_any(&tail, &p.place_words).is_some()
        || starts_with_any(&tail, &p.not_place_words).is_none()
}

/// `parent` is written right before `child`: keep the child's divisions under that parent.
fn link_to_parent(g: &Gazetteer, parent: &mut Mention, child: &mut Mention) {
    let parent_names: HashSet<&str> = parent
        .divs
        .iter()
        .filter_map(|i| g.divisions.get(*i))
        .map(|d| d.name.as_str())
        .collect();
    let under: Vec<usize> = child
        .divs
        .iter()
        .copied()
        .filter(|i| {
            g.divisions.get(*i).is_some_and(|d| {
                parent_names.contains(d.province.as_str())
                    || d.prefecture
                        .as_deref()
                        .is_some_and(|p| parent_names.contains(p))
            })
        })
        .collect();
    if !under.is_empty() {
        child.divs = under;
        child.parent = Some(parent.start);
        parent.qualifier = true;
    }
}

/// Words naming the reporting body or its session right after a place name.
fn institution_follows(ctx: &Ctx, end: usize) -> bool {
    let next = after(ctx.text, end, 8);
    if starts_with_any(next, &ctx.r.place.institution_words).is_some() {
        return true;
    }
    let s = &ctx.r.session;
    let digits: String = next
        .chars()
        .take_while(|c| ctx.c.ordinal_chars.contains(*c))
        .collect();
    !digits.is_empty() && next[digits.len()..].starts_with(s.term_word.as_str())
}

// ---------------------------------------------------------------- document level

/// The level the report speaks from: the level word most often written before a body
/// (市政府, 县人大, 自治区人大). Ties go to the word seen first.
fn document_level(ctx: &Ctx) -> Option<String> {
    let ac = ctx.c.bodies.as_ref()?;
    let mut counts: Vec<(&str, usize, usize)> = Vec::new();
    let bytes = ctx.text.as_bytes();
    let mut count = |start: usize| {
        let Some(level) = level_before(bytes, start, &ctx.c.level_suffixes) else {
            return;
        };
        match counts.iter_mut().find(|(l, _, _)| *l == level) {
            Some(entry) => entry.1 += 1,
            None => counts.push((level, 1, start)),
        }
    };
    match &ctx.c.bodies_packed {
        Some(packed) => packed.find_iter(ctx.text).for_each(|m| count(m.start())),
        None => ac.find_iter(ctx.text).for_each(|m| count(m.start())),
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.2.cmp(&a.2)))
        .map(|(l, _, _)| l.to_string())
}

/// Characters before a body that [`document_level`] looks at for a level word.
const LEVEL_LOOKBACK_CHARS: usize = 4;

/// The level words a body can be written after, with their [`canonical_level`], longest first:
/// the non-empty words of at most [`LEVEL_LOOKBACK_CHARS`] characters (a longer one cannot end
/// the characters looked at).
fn level_suffixes(r: &PlaceRules) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = r
        .level_words
        .iter()
        .filter(|w| !w.is_empty() && w.chars().count() <= LEVEL_LOOKBACK_CHARS)
        .map(|w| (w.clone(), canonical_level(w, r).to_string()))
        .collect();
    out.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
    out
}

/// The canonical level word that the `LEVEL_LOOKBACK_CHARS` characters before byte `start`
/// end with, the longest one if several do (`ends_with_any(before(text, start, 4), …)`, then
/// [`canonical_level`]): those characters end with a word of at most that many characters
/// exactly when the text before `start` does, and two words of the same length that both end
/// it are the same word.
fn level_before<'w>(
    bytes: &[u8],
    start: usize,
    suffixes: &'w [(String, String)],
) -> Option<&'w str> {
    let head = bytes.get(..start)?;
    suffixes
        .iter()
        .find(|(w, _)| head.ends_with(w.as_bytes()))
        .map(|(_, canonical)| canonical.as_str())
}

/// The level word a division's name ends with (市 for 楚雄市 and 重庆市, 州 for 楚雄州 and
/// 楚雄彝族自治州).
fn name_level<'w>(name: &str, r: &'w PlaceRules) -> Option<&'w str> {
    ends_with_any(name, &r.level_words)
        .filter(|w| **w != r.national_level)
        .map(|w| canonical_level(w, r))
}

/// 自治州 is written 州 before a body (州人大), so both count as 州.
fn canonical_level<'w>(level: &'w str, r: &'w PlaceRules) -> &'w str {
    r.level_aliases
        .get(level)
        .map(String::as_str)
        .unwrap_or(level)
}

// ---------------------------------------------------------------- jurisdiction

struct Place {
    name_zh: String,
    name_en: String,
    province: Option<String>,
    level: Option<String>,
}

/// One jurisdiction the text may be about, with the evidence for it.
#[derive(Debug, Default)]
struct Candidate {
    name: String,
    mentions: Vec<usize>,
    score: i32,
    /// Named as the reporting body, its congress or session, in the issuer, or at the report's level.
    strong: bool,
    institution: bool,
    in_head: bool,
}

fn infer_jurisdiction(
    ctx: &Ctx,
    mentions: &[Mention],
    issuer: Option<&Issuer>,
    session: Option<&Session>,
    level: Option<&str>,
) -> Option<Place> {
    let candidates = score_candidates(ctx, mentions, level, issuer);
    if let Some(best) = best_candidate(mentions, candidates) {
        return place_from_candidate(ctx, mentions, &best);
    }
    let national =
        session.is_some_and(|s| s.national) || level == Some(ctx.r.place.national_level.as_str());
    if national {
        return Some(national_place(ctx));
    }
    place_from_short_name(ctx, level)
}

/// The province every place the text names lies in, when they agree: places named with their
/// body (石嘴山市政府), in the head or twice; places visited elsewhere and names that may be the
/// tail of another word left out.
fn province_of_mentions(ctx: &Ctx, mentions: &[Mention]) -> Option<String> {
    let mut province: Option<String> = None;
    let named_twice = |m: &Mention| mentions.iter().filter(|o| o.name == m.name).count() >= 2;
    for m in mentions {
        if m.qualifier || !m.clean || is_foreign_mention(ctx, m.start) {
            continue;
        }
        // A single passing mention may be a word's tail (会同县文化和旅游局 is 会同 + 县文化…).
        let evidence = institution_follows(ctx, m.end) || m.start < ctx.head_end || named_twice(m);
        if !evidence {
            continue;
        }
        let divs: Vec<&Division> = m
            .divs
            .iter()
            .filter_map(|i| ctx.g.divisions.get(*i))
            .collect();
        // A name several provinces share says nothing.
        let Some(here) = common(&divs, |d| d.province.clone()) else {
            continue;
        };
        match &province {
            Some(p) if *p != here => return None,
            _ => province = Some(here),
        }
    }
    province
}

/// The province of the local outlet a page names in its head (`稿源:福州网` → 福建省), when
/// every division of that name lies in one province.
fn province_of_outlet(ctx: &Ctx) -> Option<String> {
    let p = &ctx.r.place;
    let head = &ctx.text[..ctx.head_end.min(ctx.text.len())];
    for cue in &p.outlet_cues {
        for (at, _) in head.match_indices(cue.as_str()) {
            let rest = head[at + cue.len()..].trim_start_matches([':', ' ']);
            let name_end = rest
                .char_indices()
                .find(|(_, c)| !is_han(*c))
                .map_or(rest.len(), |(i, _)| i);
            let outlet = &rest[..name_end];
            let Some(place) = p
                .outlet_suffixes
                .iter()
                .filter_map(|s| outlet.strip_suffix(s.as_str()))
                .find(|place| place.chars().count() >= 2)
            else {
                continue;
            };
            let divs = ctx.g.lookup(place);
            if let Some(province) = common(&divs, |d| d.province.clone()) {
                return Some(province);
            }
        }
    }
    None
}

/// The administrative level of a report that never names its place in full (省十三届人大四次会议,
/// 市政府办理…): the level word of its session, else the level it speaks from, through the
/// `admin_levels` table of the place rules.
fn level_of_unnamed_place(
    ctx: &Ctx,
    session: Option<&Session>,
    document_level: Option<&str>,
) -> Option<String> {
    let p = &ctx.r.place;
    session
        .and_then(|s| s.level.as_deref())
        .or(document_level)
        .and_then(|word| p.admin_levels.get(canonical_level(word, p)))
        .cloned()
}

/// The strong candidate with the highest score (earliest on a tie), unless two tie without either
/// being named as the reporting body: then the text does not say which it is about.
fn best_candidate(mentions: &[Mention], candidates: Vec<Candidate>) -> Option<Candidate> {
    let mut strong: Vec<Candidate> = candidates.into_iter().filter(|c| c.strong).collect();
    strong.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then_with(|| first_start(mentions, a).cmp(&first_start(mentions, b)))
    });
    let mut it = strong.into_iter();
    let best = it.next()?;
    let tied = it.next().is_some_and(|second| second.score == best.score);
    (!tied || best.institution).then_some(best)
}

fn first_start(mentions: &[Mention], c: &Candidate) -> usize {
    c.mentions
        .first()
        .and_then(|i| mentions.get(*i))
        .map(|m| m.start)
        .unwrap_or(usize::MAX)
}

fn score_candidates(
    ctx: &Ctx,
    mentions: &[Mention],
    level: Option<&str>,
    issuer: Option<&Issuer>,
) -> Vec<Candidate> {
    let p = &ctx.r.place;
    let issuer_tail = issuer
        .filter(|i| !i.from_body)
        .and_then(|i| chain_tail_at(mentions, i.start));
    let mut by_name: BTreeMap<String, Candidate> = BTreeMap::new();
    for (i, m) in mentions.iter().enumerate() {
        if m.qualifier || is_foreign_mention(ctx, m.start) {
            continue;
        }
        let c = by_name.entry(m.name.clone()).or_insert_with(|| Candidate {
            name: m.name.clone(),
            ..Default::default()
        });
        c.mentions.push(i);
        c.score += p.score_mention;
        if institution_follows(ctx, m.end) {
            c.score += p.score_institution;
            c.institution = true;
        }
        if m.start < ctx.head_end {
            c.score += p.score_head;
            c.in_head = true;
        }
        if issuer_tail == Some(i) {
            c.score += p.score_issuer;
            c.strong = true;
        }
    }
    for c in by_name.values_mut() {
        let fits_level = level.is_some_and(|l| name_level(&c.name, p) == Some(l));
        if fits_level {
            c.score += p.score_level;
        }
        // Outside the issuer, a name at another level than the one the report speaks from is
        // someone else (河南省人民政府 in the page header of a 市 report).
        // A single passing mention at the right level is not enough (新增城市 → 增城市).
        let clean = c
            .mentions
            .iter()
            .filter_map(|i| mentions.get(*i))
            .any(|m| m.clean);
        let evidence = c.institution || c.in_head || (c.mentions.len() >= 2 && clean);
        c.strong |= (fits_level && evidence) || (level.is_none() && (c.institution || c.in_head));
    }
    by_name.into_values().collect()
}

/// A place the report's people went to or learned from: 赴杭州市、宁波市考察学习.
fn is_foreign_mention(ctx: &Ctx, start: usize) -> bool {
    let p = &ctx.r.place;
    let back = before(ctx.text, start, p.foreign_window);
    let clause = back
        .rsplit(|c: char| "。,;:!?\n()".contains(c))
        .next()
        .unwrap_or("");
    contains_any_of(clause, &p.foreign_before, &ctx.c.foreign_before)
}

/// The most specific mention of the chain starting at byte `start` (宁波市 → 海曙区).
fn chain_tail_at(mentions: &[Mention], start: usize) -> Option<usize> {
    let mut idx = mentions.iter().position(|m| m.start == start)?;
    while let Some(next) = mentions
        .iter()
        .position(|m| m.parent == Some(mentions[idx].start))
    {
        idx = next;
    }
    Some(idx)
}

/// Divisions a candidate can be: those under a parent written before it, else those whose
/// province or prefecture the text names, else all with that name.
fn resolve_divisions(ctx: &Ctx, mentions: &[Mention], c: &Candidate) -> Vec<usize> {
    let ms: Vec<&Mention> = c.mentions.iter().filter_map(|i| mentions.get(*i)).collect();
    let mut chained: Vec<usize> = ms
        .iter()
        .filter(|m| m.parent.is_some())
        .flat_map(|m| m.divs.iter().copied())
        .collect();
    chained.sort_unstable();
    chained.dedup();
    if !chained.is_empty() {
        return chained;
    }
    let all: Vec<usize> = ms.first().map(|m| m.divs.clone()).unwrap_or_default();
    let named: HashSet<&str> = mentions.iter().map(|m| m.name.as_str()).collect();
    let in_context: Vec<usize> = all
        .iter()
        .copied()
        .filter(|i| {
            ctx.g.divisions.get(*i).is_some_and(|d| {
                let named_parent = |p: &str| p != d.name && named.contains(p);
                named_parent(&d.province) || d.prefecture.as_deref().is_some_and(named_parent)
            })
        })
        .collect();
    if in_context.is_empty() {
        all
    } else {
        in_context
    }
}

fn place_from_candidate(ctx: &Ctx, mentions: &[Mention], c: &Candidate) -> Option<Place> {
    let divs: Vec<&Division> = resolve_divisions(ctx, mentions, c)
        .iter()
        .filter_map(|i| ctx.g.divisions.get(*i))
        .collect();
    let shown = c
        .mentions
        .iter()
        .filter_map(|i| mentions.get(*i))
        .find(|m| m.parent.is_some())
        .or_else(|| c.mentions.first().and_then(|i| mentions.get(*i)))?;
    let single = if divs.len() == 1 {
        divs.first().copied()
    } else {
        None
    };
    let district = single.filter(|d| is_district(d));
    let printed_tail = ctx.printed(shown.start, shown.end);
    let (name_zh, prefecture) = match (district, shown.parent) {
        (Some(d), Some(parent_start)) => {
            (ctx.printed(parent_start, shown.end), d.prefecture.clone())
        }
        (Some(d), None) => (
            format!(
                "{}{}",
                d.prefecture.clone().unwrap_or_default(),
                printed_tail
            ),
            d.prefecture.clone(),
        ),
        _ => (printed_tail, None),
    };
    let name_en = match single {
        Some(d) => english_of_division(ctx, d, prefecture.as_deref()),
        None => {
            let short = common(&divs, |d| d.short_name.clone())
                .unwrap_or_else(|| strip_generic(&c.name, &ctx.r.place));
            english_name(&ctx.r.pinyin, &short)
        }
    };
    let province = common(&divs, |d| d.province.clone());
    let level = common(&divs, |d| admin_level(d).to_string());
    Some(Place {
        name_zh,
        name_en,
        province,
        level,
    })
}

/// The value all divisions agree on, if any.
fn common<T: PartialEq>(divs: &[&Division], f: impl Fn(&Division) -> T) -> Option<T> {
    let first = f(divs.first()?);
    divs.iter().all(|d| f(d) == first).then_some(first)
}

fn is_district(d: &Division) -> bool {
    d.level == "county" && d.name.ends_with('区') && d.prefecture.is_some()
}

fn admin_level(d: &Division) -> &'static str {
    match d.level.as_str() {
        "provincial" => "provincial",
        "prefecture" => "prefecture",
        _ if is_district(d) => "district",
        _ => "county",
    }
}

fn national_place(ctx: &Ctx) -> Place {
    let p = &ctx.r.place;
    Place {
        name_zh: p.national_level.clone(),
        name_en: p.national_en.clone(),
        province: None,
        level: Some("national".into()),
    }
}

/// Last resort when no full name is printed: a provincial or prefecture short name used of the
/// place itself (“五彩巴中”建设, 《广西日报》, 深圳人大代表) whose level matches the level the
/// report speaks from (市, 自治区).
fn place_from_short_name(ctx: &Ctx, level: Option<&str>) -> Option<Place> {
    let level = level?;
    let pm = ctx.c.places.as_ref()?;
    let mut found: BTreeMap<usize, usize> = BTreeMap::new();
    for m in pm.short.find_all(ctx.text) {
        if !short_name_self_reference(ctx, m.end()) {
            continue;
        }
        for i in pm
            .short_divs
            .get(m.pattern().as_usize())
            .into_iter()
            .flatten()
        {
            let fits = ctx
                .g
                .divisions
                .get(*i)
                .is_some_and(|d| name_level(&d.name, &ctx.r.place) == Some(level));
            if fits {
                *found.entry(*i).or_default() += 1;
            }
        }
    }
    let top = found.values().copied().max()?;
    let winners: Vec<usize> = found
        .into_iter()
        .filter(|(_, n)| *n == top)
        .map(|(i, _)| i)
        .collect();
    let [only] = winners.as_slice() else {
        return None;
    };
    let d = ctx.g.divisions.get(*only)?;
    Some(Place {
        name_zh: d.name.clone(),
        name_en: english_of_division(ctx, d, None),
        province: Some(d.province.clone()),
        level: Some(admin_level(d).to_string()),
    })
}

/// The words after a short name (past closing quotes) make it the place itself: 巴中”建设, 广西日报.
fn short_name_self_reference(ctx: &Ctx, end: usize) -> bool {
    let p = &ctx.r.place;
    let next = after(ctx.text, end, 8);
    let next = next.trim_start_matches(|c: char| p.quote_chars.contains(c));
    starts_with_any(next, &p.short_name_after).is_some()
}

// ---------------------------------------------------------------- English names

/// `Ningbo Haishu` for a district shown with its city, `Luohe` otherwise.
fn english_of_division(ctx: &Ctx, d: &Division, prefecture: Option<&str>) -> String {
    let mut parts = Vec::new();
    if let Some(pref) = prefecture {
        let pref_short = ctx
            .g
            .lookup_full(pref)
            .first()
            .map(|p| p.short_name.clone());
        parts.push(pref_short.unwrap_or_else(|| strip_generic(pref, &ctx.r.place)));
    }
    parts.push(d.short_name.clone());
    parts
        .iter()
        .map(|p| english_name(&ctx.r.pinyin, p))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Remove one generic suffix, and the ethnic group names before an autonomous suffix
/// (广西壮族自治区 → 广西, 恩施土家族苗族自治州 → 恩施), when at least 2 characters stay.
fn strip_generic(name: &str, r: &PlaceRules) -> String {
    let name = fast2s::convert(name);
    let mut sorted: Vec<&String> = r.generic_suffixes.iter().collect();
    sorted.sort_by_key(|s| std::cmp::Reverse(s.chars().count()));
    for s in sorted {
        if let Some(stem) = name.strip_suffix(s.as_str()) {
            let stem = if s.starts_with(r.autonomous_prefix.as_str()) {
                strip_ethnic(stem, r)
            } else {
                stem.to_string()
            };
            if stem.chars().count() >= 2 {
                return stem;
            }
        }
    }
    name
}

/// Drop trailing ethnic group names (with or without 族) while at least 2 characters stay.
fn strip_ethnic(stem: &str, r: &PlaceRules) -> String {
    let mut stem = stem.to_string();
    loop {
        let trimmed = stem.strip_suffix('族').unwrap_or(&stem);
        let Some(group) = ends_with_any(trimmed, &r.ethnic_groups) else {
            return stem;
        };
        let rest = &trimmed[..trimmed.len() - group.len()];
        if rest.chars().count() < 2 {
            return stem;
        }
        stem = rest.to_string();
    }
}

/// Pinyin without tones, syllables joined, first letter capitalized: 漯河 → Luohe, 西安 → Xi'an.
fn english_name(r: &PinyinRules, short: &str) -> String {
    let short = fast2s::convert(short);
    if let Some(fixed) = r.name_readings.get(&short) {
        return fixed.clone();
    }
    let mut out = String::new();
    for c in short.chars() {
        let syllable = r
            .char_readings
            .get(&c.to_string())
            .cloned()
            .or_else(|| c.to_pinyin().map(|p| p.plain().to_string()));
        let Some(syl) = syllable else { continue };
        if !out.is_empty() && syl.starts_with(['a', 'e', 'o']) {
            out.push('\'');
        }
        out.push_str(&syl);
    }
    capitalize(&out)
}

fn capitalize(s: &str) -> String {
    let mut cs = s.chars();
    match cs.next() {
        Some(f) => f.to_uppercase().chain(cs).collect(),
        None => String::new(),
    }
}

// ---------------------------------------------------------------- issuer

#[derive(Debug, Clone)]
struct Issuer {
    start: usize,
    printed: String,
    kind: String,
    /// Found in a sentence of the body rather than where a report names its issuer (title,
    /// label, speaker, signature): not evidence of the jurisdiction.
    from_body: bool,
}

/// The issuing body, from (in order) a title `X关于…`, a `发布机构:` label, a speaker line
/// `X副县长 李新`, a `(X,日期)` title note, a signature line at the end, or `X共办理…` in the
/// body. It must start with a place name.
fn find_issuer(ctx: &Ctx, mentions: &[Mention]) -> Option<Issuer> {
    let heads = issuer_heads(ctx, mentions);
    let starts: HashSet<usize> = mentions
        .iter()
        .map(|m| m.start)
        .chain(heads.iter().copied())
        .collect();
    let placed = issuer_in_title(ctx, &starts)
        .or_else(|| issuer_in_label(ctx, &starts))
        .or_else(|| issuer_in_speaker_line(ctx, &starts))
        .or_else(|| issuer_in_paren_note(ctx, &starts))
        .or_else(|| issuer_in_signature(ctx, &starts));
    let from_body = placed.is_none();
    let (start, end) = placed.or_else(|| issuer_in_body(ctx, &starts, &heads))?;
    let norm = ctx.text.get(start..end).unwrap_or("");
    Some(Issuer {
        start,
        printed: ctx.printed(start, end),
        kind: issuer_kind(norm, &ctx.r.issuer),
        from_body,
    })
}

/// A candidate issuer span: starts at a place name (or 政协 before one), ends with an issuer
/// ending, short enough.
fn issuer_span(
    ctx: &Ctx,
    starts: &HashSet<usize>,
    start: usize,
    end: usize,
) -> Option<(usize, usize)> {
    let s = ctx.text.get(start..end)?;
    let r = &ctx.r.issuer;
    let prefix_len = starts_with_any(s, &r.prefixes)
        .map(|p| p.len())
        .filter(|n| starts.contains(&(start + n)))
        .unwrap_or(0);
    let at_place = starts.contains(&(start + prefix_len));
    let ok = at_place
        && ends_with_any(s, &r.endings).is_some()
        && s.chars().count() <= r.max_chars
        && s.chars().all(is_han);
    ok.then_some((start, end))
}

/// Trim spaces, list bullets and a `标题:` label off a line segment; byte offsets kept.
fn trim_segment(text: &str, start: usize, end: usize) -> (usize, usize) {
    let seg = text.get(start..end).unwrap_or("");
    let after_label = seg.rfind(':').map(|i| i + 1).unwrap_or(0);
    let inner = &seg[after_label..];
    let lead = inner.len()
        - inner
            .trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '-' | '•' | '*' | '#'))
            .len();
    let trail = inner.len() - inner.trim_end().len();
    let s = start + after_label + lead;
    (s, (end - trail).max(s))
}

/// `漯河市人民政府关于…`, `济南市人民政府2022年…情况`, or the issuer alone on the line before
/// `关于…`.
fn issuer_in_title(ctx: &Ctx, starts: &HashSet<usize>) -> Option<(usize, usize)> {
    let word = ctx.r.issuer.title_word.as_str();
    let mut prev: Option<(usize, &str)> = None;
    for (k, (off, line)) in lines_with_offsets(ctx.text).enumerate() {
        let before_line = prev.replace((off, line));
        if off >= ctx.head_end.max(1) && k > 0 {
            break;
        }
        let by_word = line.find(word);
        let Some(pos) = by_word.or_else(|| line.find(|c: char| c.is_ascii_digit())) else {
            continue;
        };
        if pos == 0 && by_word.is_none() {
            continue;
        }
        let (s, e) = if pos == 0 {
            let Some((poff, pline)) = before_line else {
                continue;
            };
            trim_segment(ctx.text, poff, poff + pline.len())
        } else {
            trim_segment(ctx.text, off, off + pos)
        };
        if let Some(span) = issuer_span(ctx, starts, s, e) {
            return Some(span);
        }
    }
    None
}

fn issuer_in_label(ctx: &Ctx, starts: &HashSet<usize>) -> Option<(usize, usize)> {
    for (k, label) in ctx.r.issuer.labels.iter().enumerate() {
        let finder = ctx.c.issuer_labels.get(k).and_then(Option::as_ref);
        for pos in word_starts(ctx.text, label, finder) {
            let rest = after(ctx.text, pos + label.len(), 8);
            let skip = rest.len()
                - rest
                    .trim_start_matches(|c: char| c == ':' || c.is_whitespace())
                    .len();
            let start = pos + label.len() + skip;
            let value = after(ctx.text, start, ctx.r.issuer.max_chars + 1);
            let value_end = start
                + value
                    .find(|c: char| c.is_whitespace())
                    .unwrap_or(value.len());
            if let Some(span) = issuer_span(
                ctx,
                starts,
                start,
                until_original_break(ctx, start, value_end),
            ) {
                return Some(span);
            }
        }
    }
    None
}

/// Where the original text had a line break (or markup) that normalization joined away, so a
/// label's value ends there: `发布机构: 南京市建邺区教育局⏎按照…`.
fn until_original_break(ctx: &Ctx, start: usize, end: usize) -> usize {
    let t = &ctx.doc.text;
    let (a, b) = (t.char_at_byte(start), t.char_at_byte(end));
    for i in a + 1..b {
        if let (Some(p), Some(q)) = (t.origin.get(i - 1), t.origin.get(i))
            && *q > p + 1
        {
            return t.byte_at_char(i);
        }
    }
    end
}

/// `黔南布依族苗族自治州人大常委会代表工作委员会主任 李春生`: the body before the speaker's title,
/// on a line of its own near the top (in the normalized text, or in the original when a line
/// join glued it to the line before).
fn issuer_in_speaker_line(ctx: &Ctx, starts: &HashSet<usize>) -> Option<(usize, usize)> {
    let r = &ctx.r.issuer;
    let line_starts = lines_with_offsets(ctx.text)
        .take(r.speaker_lines)
        .map(|(off, line)| trim_segment(ctx.text, off, off + line.len()).0);
    let mut near_top: Vec<usize> = starts
        .iter()
        .copied()
        .filter(|s| ctx.doc.text.char_at_byte(*s) < r.speaker_chars)
        .collect();
    near_top.sort_unstable();
    let glued = near_top
        .into_iter()
        .filter(|s| opens_original_line(ctx, *s));
    line_starts
        .chain(glued)
        .find_map(|s| speaker_body(ctx, starts, s))
}

/// The longest issuer starting at `s` that is directly followed by a speaker's title.
fn speaker_body(ctx: &Ctx, starts: &HashSet<usize>, s: usize) -> Option<(usize, usize)> {
    let r = &ctx.r.issuer;
    let run = after(ctx.text, s, r.max_chars + 6);
    let run = &run[..run
        .char_indices()
        .find(|(_, c)| !is_han(*c))
        .map(|(i, _)| i)
        .unwrap_or(run.len())];
    let firsts = &ctx.c.speaker_title_starts;
    let end = run
        .char_indices()
        .filter(|&(i, c)| i > 0 && starts_with_a_word(&run[i..], c, &r.speaker_titles, firsts))
        .map(|(i, _)| i)
        .filter(|&i| issuer_span(ctx, starts, s, s + i).is_some())
        .max()?;
    Some((s, s + end))
}

/// `关于…的报告(宁波市海曙区人民政府,2021-12-01)`.
fn issuer_in_paren_note(ctx: &Ctx, starts: &HashSet<usize>) -> Option<(usize, usize)> {
    for (pos, _) in ctx.text.match_indices('(') {
        let inner_start = pos + 1;
        let inner = after(ctx.text, inner_start, ctx.r.issuer.max_chars + 2);
        let Some(comma) = inner.find([',', '，']) else {
            continue;
        };
        if let Some(span) = issuer_span(ctx, starts, inner_start, inner_start + comma) {
            return Some(span);
        }
    }
    None
}

/// A line near the end that is only the issuer's name (the signature above the date).
fn issuer_in_signature(ctx: &Ctx, starts: &HashSet<usize>) -> Option<(usize, usize)> {
    let mut last: Vec<(usize, &str)> = lines_with_offsets(ctx.text).rev().take(6).collect();
    last.reverse();
    last.into_iter().find_map(|(off, line)| {
        let (s, e) = trim_segment(ctx.text, off, off + line.len());
        issuer_span(ctx, starts, s, e)
    })
}

/// `鞏留縣人民政府共辦理…`, `济南市人民政府承办…`.
fn issuer_in_body(ctx: &Ctx, starts: &HashSet<usize>, heads: &[usize]) -> Option<(usize, usize)> {
    let r = &ctx.r.issuer;
    for &head in heads {
        let run = after(ctx.text, head, r.max_chars);
        let han_len = run
            .char_indices()
            .find(|(_, c)| !is_han(*c))
            .map(|(i, _)| i)
            .unwrap_or(run.len());
        let run = &run[..han_len];
        let verb_at = r
            .verbs
            .iter()
            .filter_map(|v| run.find(v.as_str()))
            .filter(|i| *i > 0)
            .min();
        if let Some(v) = verb_at
            && let Some(span) = issuer_span(ctx, starts, head, head + v)
        {
            return Some(span);
        }
    }
    None
}

/// Where an issuer's name can start: the first place name of a chain (宁波市 of 宁波市海曙区), or
/// the national level word before a body (全国人大常委会).
fn issuer_heads(ctx: &Ctx, mentions: &[Mention]) -> Vec<usize> {
    let p = &ctx.r.place;
    let word = p.national_level.as_str();
    let national = word_starts(ctx.text, word, ctx.c.national_level.as_ref()).filter(|i| {
        !word.is_empty()
            && starts_with_any(after(ctx.text, i + word.len(), 6), &p.body_words).is_some()
    });
    let mut heads: Vec<usize> = mentions
        .iter()
        .filter(|m| m.parent.is_none())
        .map(|m| m.start)
        .chain(national)
        .collect();
    heads.sort_unstable();
    heads
}

/// government, department, congress, cppcc as the kind rules say, else other.
fn issuer_kind(name: &str, r: &IssuerRules) -> String {
    let rule = r
        .kind
        .iter()
        .find(|k| contains_any(name, &k.contains) || ends_with_any(name, &k.ends_with).is_some());
    rule.map(|k| k.kind.clone())
        .unwrap_or_else(|| "other".into())
}

// ---------------------------------------------------------------- channel

/// Which items the report counts: from the clauses around `N件`, not from passing mentions.
fn infer_channel(ctx: &Ctx) -> Option<&'static str> {
    ctx.c.count.as_ref()?;
    let mut tally = ChannelTally::default();
    let mut prev_end = 0;
    let matches = &ctx.counts;
    for (k, (start, end)) in matches.iter().enumerate() {
        let next_start = matches.get(k + 1).map(|m| m.0).unwrap_or(ctx.text.len());
        tally.add(clause_channel(ctx, prev_end, *start, *end, next_start));
        prev_end = *end;
    }
    tally.decide(ctx.r.channel.both_min_share)
}

/// What one counted clause is about.
#[derive(Debug, Clone, Copy, PartialEq)]
enum ClauseChannel {
    Unknown,
    Npc { strong: bool },
    Cppcc { strong: bool },
    Both,
}

#[derive(Debug, Default)]
struct ChannelTally {
    npc_strong: usize,
    npc_weak: usize,
    cppcc_strong: usize,
    cppcc_weak: usize,
    both: usize,
}

impl ChannelTally {
    fn add(&mut self, c: ClauseChannel) {
        match c {
            ClauseChannel::Unknown => {}
            ClauseChannel::Npc { strong: true } => self.npc_strong += 1,
            ClauseChannel::Npc { strong: false } => self.npc_weak += 1,
            ClauseChannel::Cppcc { strong: true } => self.cppcc_strong += 1,
            ClauseChannel::Cppcc { strong: false } => self.cppcc_weak += 1,
            ClauseChannel::Both => self.both += 1,
        }
    }

    /// Both when clauses name both channels at least half as often as the main one does, or
    /// when each channel has its own counts in a comparable number of clauses; else the channel
    /// with more (strong counting double) counted clauses.
    fn decide(&self, min_share: f64) -> Option<&'static str> {
        let (hi, lo) = (
            self.npc_strong.max(self.cppcc_strong),
            self.npc_strong.min(self.cppcc_strong),
        );
        if self.both > 0 && self.both * 2 >= hi {
            return Some("both");
        }
        if lo > 0 && (lo as f64) >= (hi as f64) * min_share {
            return Some("both");
        }
        let npc = self.npc_strong * 2 + self.npc_weak;
        let cppcc = self.cppcc_strong * 2 + self.cppcc_weak;
        match (npc, cppcc) {
            (0, 0) => None,
            (n, c) if n >= c => Some("npc_suggestion"),
            _ => Some("cppcc_proposal"),
        }
    }
}

/// The channel of the clause a count belongs to: the words before it back to a clause break
/// (or the previous count), else the few words right after it (77件建议).
fn clause_channel(
    ctx: &Ctx,
    prev_end: usize,
    start: usize,
    end: usize,
    next_start: usize,
) -> ClauseChannel {
    let r = &ctx.r.channel;
    let back = before(ctx.text, start, 40);
    let back_from = start - back.len();
    let cut = back
        .char_indices()
        .rev()
        .find(|(_, c)| ctx.c.clause_breaks.contains(*c))
        .map(|(i, c)| back_from + i + c.len_utf8())
        .unwrap_or(back_from);
    let pre = ctx
        .text
        .get(cut.max(prev_end).min(start)..start)
        .unwrap_or("");
    let found = classify_clause(pre, r, &ctx.c.clause_words);
    if found != ClauseChannel::Unknown {
        return found;
    }
    let post = after(ctx.text, end, 8);
    let post = &post[..post
        .find(|c: char| ctx.c.clause_breaks.contains(c))
        .unwrap_or(post.len())];
    let post = post
        .get(..post.len().min(next_start.saturating_sub(end)))
        .unwrap_or("");
    classify_clause(post, r, &ctx.c.clause_words)
}

/// `建议提案`/`人大代表…政协提案` name both; `提案` beats a generic `建议` (所提建议…的提案).
///
/// The word lists are searched in one pass ([`WordSets`]); the neutral words are blanked (and
/// the clause searched again) only when the clause holds one (or a neutral word is empty).
fn classify_clause(clause: &str, r: &ChannelRules, words: &WordSets) -> ClauseChannel {
    let Some(mut found) = words.found(clause) else {
        return classify_clause_by_words(clause, r);
    };
    // An empty neutral word blanks every gap between characters: the search cannot see it.
    if found & (1 << CLAUSE_NEUTRAL) != 0 || r.neutral_words.iter().any(String::is_empty) {
        let s = without_neutral_words(clause, r);
        let Some(again) = words.found(&s) else {
            return classify_clause_by_words(clause, r);
        };
        found = again;
    }
    let has = |list: usize| found & (1 << list) != 0;
    clause_channel_of(
        has(CLAUSE_BOTH),
        (has(CLAUSE_NPC_STRONG), has(CLAUSE_NPC_WEAK)),
        (has(CLAUSE_CPPCC_STRONG), has(CLAUSE_CPPCC_WEAK)),
    )
}

/// [`classify_clause`] one search per word (the fallback, and the tests' oracle).
fn classify_clause_by_words(clause: &str, r: &ChannelRules) -> ClauseChannel {
    let s = without_neutral_words(clause, r);
    clause_channel_of(
        contains_any(&s, &r.both_words),
        (
            contains_any(&s, &r.npc_strong),
            contains_any(&s, &r.npc_weak),
        ),
        (
            contains_any(&s, &r.cppcc_strong),
            contains_any(&s, &r.cppcc_weak),
        ),
    )
}

fn clause_channel_of(both: bool, (ns, nw): (bool, bool), (cs, cw): (bool, bool)) -> ClauseChannel {
    if both {
        return ClauseChannel::Both;
    }
    match (ns, cs) {
        (true, true) => ClauseChannel::Both,
        (true, false) if cw => ClauseChannel::Both,
        (true, false) => ClauseChannel::Npc { strong: true },
        (false, true) => ClauseChannel::Cppcc { strong: true },
        (false, false) if nw && !cw => ClauseChannel::Npc { strong: false },
        (false, false) if cw && !nw => ClauseChannel::Cppcc { strong: false },
        _ => ClauseChannel::Unknown,
    }
}

/// The lists of [`classify_clause`], at the positions `CLAUSE_*`.
fn clause_lists(r: &ChannelRules) -> [&[String]; 6] {
    [
        &r.neutral_words,
        &r.both_words,
        &r.npc_strong,
        &r.npc_weak,
        &r.cppcc_strong,
        &r.cppcc_weak,
    ]
}

const CLAUSE_NEUTRAL: usize = 0;
const CLAUSE_BOTH: usize = 1;
const CLAUSE_NPC_STRONG: usize = 2;
const CLAUSE_NPC_WEAK: usize = 3;
const CLAUSE_CPPCC_STRONG: usize = 4;
const CLAUSE_CPPCC_WEAK: usize = 5;

/// Which of several word lists (up to 32) have a word in a string, in one pass over it: an
/// automaton over every non-empty word reporting all occurrences, overlapping ones included, so
/// a list is found exactly when [`contains_any`] finds one of its words.
struct WordSets {
    /// `None` when there is no non-empty word.
    ac: Option<AhoCorasick>,
    /// For each pattern of `ac`, the lists holding it (bit `k` for list `k`).
    lists: Vec<u32>,
    /// The automaton could not be built: callers search word by word.
    failed: bool,
}

impl WordSets {
    fn build(lists: &[&[String]]) -> WordSets {
        if lists.len() > 32 {
            return WordSets {
                ac: None,
                lists: Vec::new(),
                failed: true,
            };
        }
        let mut words: Vec<&str> = Vec::new();
        let mut masks: Vec<u32> = Vec::new();
        for (k, list) in lists.iter().enumerate() {
            for w in list.iter().filter(|w| !w.is_empty()) {
                match words.iter().position(|x| *x == w.as_str()) {
                    Some(i) => {
                        if let Some(m) = masks.get_mut(i) {
                            *m |= 1 << k;
                        }
                    }
                    None => {
                        words.push(w);
                        masks.push(1 << k);
                    }
                }
            }
        }
        if words.is_empty() {
            return WordSets {
                ac: None,
                lists: masks,
                failed: false,
            };
        }
        let ac = AhoCorasick::builder()
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .prefilter(false)
            .build(&words)
            .ok();
        WordSets {
            failed: ac.is_none(),
            ac,
            lists: masks,
        }
    }

    /// Some list has a word in `s` (`found(s) != 0`: every word belongs to a list), stopping at
    /// the first word; `None` when there is no automaton.
    fn any(&self, s: &str) -> Option<bool> {
        if self.failed {
            return None;
        }
        Some(self.ac.as_ref().is_some_and(|ac| ac.is_match(s)))
    }

    /// The lists with a word in `s` (bit `k` for list `k`); `None` when there is no automaton.
    fn found(&self, s: &str) -> Option<u32> {
        if self.failed {
            return None;
        }
        let Some(ac) = &self.ac else {
            return Some(0);
        };
        let mut found = 0;
        for m in ac.find_overlapping_iter(s) {
            found |= self.lists.get(m.pattern().as_usize()).copied().unwrap_or(0);
        }
        Some(found)
    }
}

/// The clause with its neutral words (意见建议 …) blanked. Most clauses hold none: they are read
/// in place, copied only to blank one out.
fn without_neutral_words<'a>(clause: &'a str, r: &ChannelRules) -> Cow<'a, str> {
    let mut s = Cow::Borrowed(clause);
    for w in &r.neutral_words {
        if contains_word(&s, w) {
            s = Cow::Owned(s.replace(w.as_str(), " "));
        }
    }
    s
}

// ---------------------------------------------------------------- session

#[derive(Debug, Clone)]
struct Session {
    printed: String,
    national: bool,
    /// The level word written before the session (省 of 省十三届人大四次会议).
    level: Option<String>,
}

#[derive(Debug)]
struct SessionMention {
    start: usize,
    end: usize,
    key: (String, u64, u64),
    national: bool,
    delivery: bool,
    level: Option<String>,
    /// Followed by one of the `items_after` words (以来).
    since: bool,
}

/// The session the items were submitted at: the most-mentioned session of the report's body
/// (人大 for suggestions, 政协 for proposals) that is not where the report was delivered. A report
/// on both channels covers several sessions; it gets one only when a clause counting both kinds
/// of items names it (共收到区十七届人大一次会议人大代表建议和政协委员提案107件).
fn infer_session(ctx: &Ctx, channel: Option<&str>) -> Option<Session> {
    let wanted = |m: &SessionMention| match channel {
        Some("npc_suggestion") => m.key.0 != ctx.r.session.cppcc_body,
        Some("cppcc_proposal") => m.key.0 == ctx.r.session.cppcc_body || m.key.0.is_empty(),
        _ => in_clause_on_both_channels(ctx, m.start, m.end),
    };
    let mut mentions: Vec<SessionMention> = session_mentions(ctx)
        .into_iter()
        .filter(|m| !m.delivery && wanted(m))
        .collect();
    // `…会议以来` says outright which session the items date from, even without its body.
    if mentions.iter().any(|m| m.since) {
        mentions.retain(|m| m.since);
    }
    if mentions.iter().any(|m| !m.key.0.is_empty()) {
        mentions.retain(|m| !m.key.0.is_empty());
    }
    let mut groups: BTreeMap<&(String, u64, u64), Vec<&SessionMention>> = BTreeMap::new();
    for m in &mentions {
        groups.entry(&m.key).or_default().push(m);
    }
    let best = groups.into_iter().max_by(|(ka, a), (kb, b)| {
        a.len()
            .cmp(&b.len())
            .then((kb.1, kb.2).cmp(&(ka.1, ka.2)))
            .then(b[0].start.cmp(&a[0].start))
    })?;
    let shown = best
        .1
        .iter()
        // The form readers cite: one that names its level, with the body's short name and no 第
        // before the sitting (省十三届人大三次会议 rather than 省第十三届人民代表大会第三次会议,
        // 县第十八届人大四次会议 rather than 县第十八届人大第四次会议), else the longest.
        .max_by_key(|m| {
            let placed = m.level.is_some() || m.national;
            let printed = &ctx.text[m.start..m.end];
            let s = &ctx.r.session;
            let short_body = !s
                .body_aliases
                .keys()
                .any(|full| printed.contains(full.as_str()));
            let plain_sitting = printed
                .split_once(s.term_word.as_str())
                .is_none_or(|(_, sitting)| !sitting.contains(s.ordinal_prefix.as_str()));
            let len = m.end - m.start;
            (
                placed,
                short_body,
                plain_sitting,
                len,
                std::cmp::Reverse(m.start),
            )
        })?;
    Some(Session {
        printed: ctx.printed(shown.start, shown.end),
        national: shown.national,
        level: shown.level.clone(),
    })
}

/// The sentence around a session (40 characters each way at most) counts both kinds of items.
fn in_clause_on_both_channels(ctx: &Ctx, start: usize, end: usize) -> bool {
    let breaks = &ctx.c.sentence_breaks;
    let back = before(ctx.text, start, 40);
    let back = back
        .char_indices()
        .rev()
        .find(|(_, c)| breaks.contains(*c))
        .map(|(i, c)| &back[i + c.len_utf8()..])
        .unwrap_or(back);
    let fwd = after(ctx.text, end, 40);
    let fwd = &fwd[..fwd.find(|c: char| breaks.contains(c)).unwrap_or(fwd.len())];
    classify_clause(&format!("{back}{fwd}"), &ctx.r.channel, &ctx.c.clause_words)
        == ClauseChannel::Both
}

/// Bytes before a sitting word that a session phrase can span (the longest level + body +
/// ordinals are well under 40 characters).
const SESSION_WINDOW_BYTES: usize = 240;

/// A match's byte range in the whole text.
#[derive(Clone, Copy)]
struct ByteRange {
    start: usize,
    end: usize,
}

/// Byte ranges ending at each occurrence of `word` and starting up to `before` bytes earlier
/// (on a character boundary), overlapping ranges merged. No `word`: the whole text.
#[cfg(test)]
fn windows_before(text: &str, word: &str, before: usize) -> Vec<(usize, usize)> {
    windows_before_found(text, word, None, before)
}

/// [`windows_before`] with the word's prebuilt finder.
fn windows_before_found(
    text: &str,
    word: &str,
    finder: Option<&AhoCorasick>,
    before: usize,
) -> Vec<(usize, usize)> {
    if word.is_empty() {
        return vec![(0, text.len())];
    }
    let mut out: Vec<(usize, usize)> = Vec::new();
    for pos in word_starts(text, word, finder) {
        let mut start = pos.saturating_sub(before);
        while !text.is_char_boundary(start) {
            start += 1;
        }
        let end = pos + word.len();
        match out.last_mut() {
            Some(last) if start <= last.1 => last.1 = end,
            _ => out.push((start, end)),
        }
    }
    out
}

fn session_mentions(ctx: &Ctx) -> Vec<SessionMention> {
    let s = &ctx.r.session;
    let mut out: Vec<SessionMention> = Vec::new();
    // Every session phrase ends with the sitting word (次会议): the patterns only run in short
    // windows before its occurrences, not over the whole text.
    let windows = windows_before_found(
        ctx.text,
        &s.sitting_word,
        ctx.c.sitting_word.as_ref(),
        SESSION_WINDOW_BYTES,
    );
    for (pattern, g) in &ctx.c.sessions {
        for &(ws, we) in &windows {
            let window = ctx.text.get(ws..we).unwrap_or("");
            for (at, cap) in pattern.matches(window) {
                let (Some(whole), Some(term_m)) = (cap.get(0), group(&cap, g.term)) else {
                    continue;
                };
                let base = ws + at;
                let whole = ByteRange {
                    start: base + whole.start(),
                    end: base + whole.end(),
                };
                let term_start = base + term_m.start();
                let term = ordinal_value(term_m.as_str(), &s.ordinal_prefix);
                let num =
                    group(&cap, g.num).and_then(|t| ordinal_value(t.as_str(), &s.ordinal_prefix));
                let (Some(term), Some(num)) = (term, num) else {
                    continue;
                };
                let body = group(&cap, g.body).map(|b| b.as_str()).unwrap_or("");
                let body = s.body_aliases.get(body).map(String::as_str).unwrap_or(body);
                let level = group(&cap, g.lvl).map(|l| l.as_str());
                let national = group(&cap, g.nat).is_some() || level == Some(s.national.as_str());
                let start = last_body_before(ctx.text, whole.start, term_start, &s.cppcc_body);
                let delivery = is_delivery_session(ctx, start, whole.end);
                let since =
                    starts_with_any(after(ctx.text, whole.end, 4), &s.items_after).is_some();
                out.push(SessionMention {
                    start,
                    end: whole.end,
                    key: (body.to_string(), term, num),
                    national,
                    delivery,
                    level: level.map(str::to_string),
                    since,
                });
            }
        }
    }
    out.sort_by_key(|m| (m.start, std::cmp::Reverse(m.end)));
    let mut last_end = 0;
    out.retain(|m| {
        let keep = m.start >= last_end;
        last_end = last_end.max(m.end);
        keep
    });
    out
}

/// `政协通报了政协连南瑶族自治县第七届…`: a committee-form match starts at the last 政协 before
/// its term.
fn last_body_before(text: &str, start: usize, term_start: usize, body: &str) -> usize {
    let lead = text.get(start..term_start).unwrap_or("");
    match lead.rfind(body) {
        Some(i) if i > 0 && !body.is_empty() && lead.starts_with(body) => start + i,
        _ => start,
    }
}

/// `2017年3月8日,十二届全国人大五次会议举行…`: the session where the report is delivered, unless
/// the report covers the time since it (`…会议以来`).
fn is_delivery_session(ctx: &Ctx, start: usize, end: usize) -> bool {
    let s = &ctx.r.session;
    let next = after(ctx.text, end, s.delivery_window);
    if starts_with_any(next, &s.items_after).is_some() {
        return false;
    }
    let clause = &next[..next
        .find(['。', ',', ';', '\n', '(', ')'])
        .unwrap_or(next.len())];
    if contains_any_of(clause, &s.delivery_after, &ctx.c.delivery_after) {
        return true;
    }
    let back = before(ctx.text, start, s.delivery_date_window);
    let same_clause = back.rsplit(['。', '\n', '(', ')']).next().unwrap_or("");
    has_date(same_clause)
}

// ---------------------------------------------------------------- report date

#[derive(Debug, Clone, Copy, PartialEq)]
struct ReportDate {
    date: Date,
    /// False for a web page's upload date.
    written: bool,
    /// Delivered at a session (——2021年12月21日在…会议上, 2017年2月21日…会议开幕).
    at_session: bool,
}

/// How much a date says it is the report's own date (lower is better).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum DateRank {
    /// `——2015年11月20日在…常务委员会第二十一次会议上`: delivered at a session (beats a web
    /// page's `日期:` line).
    Delivered,
    WrittenOrDelivered,
    /// A dateline, a signature line or a closing parenthesis: placed where a report's date goes.
    Placed,
    Published,
}

/// The report's date: a written/issued label, a delivery line (——2021年12月21日在…会议上), a
/// signature or dateline, a date in a closing parenthesis, and only then a web upload date.
/// Cut-offs in the narrative (截至2016年11月22日) never count.
fn infer_report_date(ctx: &Ctx) -> Option<ReportDate> {
    let mut cues: Vec<&DateCue> = ctx
        .r
        .date
        .cues
        .iter()
        .filter(|c| !c.cue.is_empty())
        .collect();
    cues.sort_by_key(|c| std::cmp::Reverse(c.cue.chars().count()));
    let mut best: Option<(DateRank, usize, Date)> = None;
    let cn_dates = ctx.years.iter().filter_map(|y| cn_date_at(ctx.text, *y));
    for found in cn_dates.chain(iso_dates(ctx.text)) {
        let Some(date) = found.date() else {
            continue;
        };
        let Some(rank) = date_rank(ctx, &cues, found.start, found.end) else {
            continue;
        };
        let better = best.is_none_or(|(r, pos, _)| (rank, found.start) < (r, pos));
        if better {
            best = Some((rank, found.start, date));
        }
    }
    // `10月24日,…常委会第二十九次会议听取…` with the year only in the page's date: the
    // meeting's day, in the year that puts it on or before the full date.
    if let Some((rank, _, full)) = best
        && rank > DateRank::WrittenOrDelivered
        && let Some((pos, meeting)) = yearless_dateline(ctx, full)
    {
        return Some(ReportDate {
            date: meeting,
            written: true,
            at_session: at_session(ctx, pos),
        });
    }
    // `本报讯 …常委会第九次会议12月22日召开` under a page stamp of the 23rd: the report's day is
    // the meeting's, which the story tells before its first count.
    if let Some((DateRank::Published, _, stamp)) = best
        && let Some((pos, event)) = event_date_in_head(ctx, stamp)
    {
        return Some(ReportDate {
            date: event,
            written: true,
            at_session: at_session(ctx, pos),
        });
    }
    best.map(|(rank, pos, date)| ReportDate {
        date,
        written: rank != DateRank::Published,
        at_session: at_session(ctx, pos),
    })
}

/// Most days a meeting may lie before the page that reports it.
const MAX_EVENT_DAYS_BEFORE_STAMP: i32 = 31;

/// A day (`12月22日`, `2018年5月17日` in the stamp's year) before the first count whose clause
/// goes on, within 20 characters, to an event word (`召开`, `获悉`, `作了报告`: `[date]
/// event_after`), not a cut-off, no later than `stamp` nor more than a month before it: the day
/// the report was given.
fn event_date_in_head(ctx: &Ctx, stamp: Date) -> Option<(usize, Date)> {
    for start in month_starts_in_head(ctx) {
        let Some((month, day, end)) = month_day_at(ctx.text, start) else {
            continue;
        };
        let before = &ctx.text[..start];
        let written_year = before.strip_suffix('年').map(|b| {
            let digits = b.bytes().rev().take_while(u8::is_ascii_digit).count();
            b[b.len() - digits..].parse::<i32>().ok()
        });
        let year = match written_year {
            Some(Some(y)) if y == stamp.year => y,
            Some(_) => continue,
            None if (month, day) <= (stamp.month, stamp.day) => stamp.year,
            None => stamp.year - 1,
        };
        let year_start = before.len()
            - written_year.map_or(0, |_| {
                '年'.len_utf8()
                    + before[..before.len() - '年'.len_utf8()]
                        .bytes()
                        .rev()
                        .take_while(u8::is_ascii_digit)
                        .count()
            });
        if ends_with_any(&ctx.text[..year_start], &ctx.r.date.event_cutoffs).is_some() {
            continue;
        }
        // The event word stands in the date's own clause (`1月6日报到,1月8日—12日召开` is a
        // schedule, the second day's).
        let rest = after(ctx.text, end, 20);
        let clause = &rest[..rest.find(['。', '\n', ',', ':', ';']).unwrap_or(rest.len())];
        if !ctx.r.date.event_after.contains_any(clause) {
            continue;
        }
        let Some(date) = Date::new(year, month, day) else {
            continue;
        };
        let days = stamp.days_since_epoch() - date.days_since_epoch();
        if (0..=MAX_EVENT_DAYS_BEFORE_STAMP).contains(&days) {
            return Some((year_start, date));
        }
    }
    None
}

/// A dateline without a year (`11月26日,县…常委会第二十七次会议听取…`) opening one of the
/// first lines and telling of a session, dated in the year that puts it on or before `full`
/// (the report's only full date, usually its web or newspaper date).
fn yearless_dateline(ctx: &Ctx, full: Date) -> Option<(usize, Date)> {
    for start in month_starts_in_head(ctx) {
        let at = start + ctx.text[start..].find('月').unwrap_or(0);
        let line_start = ctx.text[..start].rfind('\n').map_or(0, |p| p + 1);
        let opens_line =
            start == line_start || is_byline(&ctx.text[line_start..start], &ctx.r.date.byline_ends);
        let Some((month, day, end)) = month_day_at(ctx.text, start) else {
            continue;
        };
        if start == at
            || ctx.text[..start].ends_with('年')
            || !is_dateline(ctx, start, opens_line)
            || starts_with_any(after(ctx.text, end, 4), &ctx.r.date.dateline_after).is_none()
            || !at_session(ctx, start)
        {
            continue;
        }
        let year = if (month, day) <= (full.month, full.day) {
            full.year
        } else {
            full.year - 1
        };
        return Date::new(year, month, day).map(|d| (start, d));
    }
    None
}

/// Where the digits before each 月 start, in the text before the first count (the start is the
/// 月 itself when no digit precedes it).
fn month_starts_in_head<'t>(ctx: &Ctx<'t>) -> impl Iterator<Item = usize> + 't {
    let head = &ctx.text[..ctx.first_count.min(ctx.text.len())];
    head.match_indices('月').map(move |(at, _)| {
        at - head[..at]
            .bytes()
            .rev()
            .take_while(u8::is_ascii_digit)
            .count()
    })
}

/// `(\d{1,2})月(\d{1,2})日` at `start`: month, day and the end byte.
fn month_day_at(text: &str, start: usize) -> Option<(u32, u32, usize)> {
    let digits = |from: usize| {
        let n = text[from..]
            .bytes()
            .take(3)
            .take_while(u8::is_ascii_digit)
            .count();
        (1..=2)
            .contains(&n)
            .then(|| (text[from..from + n].parse::<u32>().ok(), from + n))
    };
    let (month, at) = digits(start)?;
    let at = at + text[at..].strip_prefix('月').map(|_| '月'.len_utf8())?;
    let (day, at) = digits(at)?;
    let end = at + text[at..].strip_prefix('日').map(|_| '日'.len_utf8())?;
    Some((month?, day?, end))
}

/// The sentence starting at a date speaks of a meeting (会议) or a congress session.
fn at_session(ctx: &Ctx, date_start: usize) -> bool {
    let next = after(ctx.text, date_start, 60);
    let sentence = &next[..next.find(['。', '\n']).unwrap_or(next.len())];
    let head = &sentence[..sentence.find(['(', ')']).unwrap_or(sentence.len())];
    contains_any_of(head, &ctx.r.date.session_words, &ctx.c.session_words)
}

/// What a date at `start..end` is, from the words around it; `None` for a cut-off or an
/// ordinary date in the narrative. `cues` are sorted longest first.
fn date_rank(ctx: &Ctx, cues: &[&DateCue], start: usize, end: usize) -> Option<DateRank> {
    let r = &ctx.r.date;
    if ctx
        .text
        .get(..start)
        .is_some_and(|h| h.ends_with(|c: char| c.is_ascii_digit()))
    {
        return None;
    }
    let back = before(ctx.text, start, 10);
    let back_trimmed = back.trim_end_matches(|c: char| c == ':' || c.is_whitespace());
    if ends_with_any(back, &r.cutoff_words).is_some() {
        return None;
    }
    if let Some(cue) = cues.iter().find(|c| back_trimmed.ends_with(c.cue.as_str())) {
        return Some(if cue.kind == "published" {
            DateRank::Published
        } else {
            DateRank::WrittenOrDelivered
        });
    }
    let next = after(ctx.text, end, 4);
    if is_page_stamp(ctx, start, end) {
        return Some(DateRank::Published);
    }
    if starts_with_any(next, &r.delivery_after).is_some() {
        return Some(if at_session(ctx, start) {
            DateRank::Delivered
        } else {
            DateRank::WrittenOrDelivered
        });
    }
    let (ls, le) = line_at(ctx.text, start);
    let line = ctx.text.get(ls..le).unwrap_or("");
    let lead = ctx
        .text
        .get(ls..start)
        .unwrap_or("")
        .trim_matches(|c: char| c.is_whitespace() || matches!(c, '—' | '-'));
    if line.trim() == ctx.text.get(start..end).unwrap_or("") {
        return Some(DateRank::Placed);
    }
    let byline = is_byline(lead, &r.byline_ends);
    if is_dateline(ctx, start, lead.is_empty() || byline)
        && (starts_with_any(next, &r.dateline_after).is_some()
            || (byline && (next.is_empty() || next.starts_with('\n'))))
    {
        return Some(DateRank::Placed);
    }
    in_closing_parenthesis(ctx, start, end, ls, le).then_some(DateRank::Placed)
}

/// A web page's stamp: the date followed by a clock time (`2022-01-10 16:05`,
/// `2012年01月16日10:47`), or with a stamp word close by on its line (`稿源:泉州晚报 2017-01-08`,
/// `2013年08月27日 点击:2431`).
fn is_page_stamp(ctx: &Ctx, start: usize, end: usize) -> bool {
    let r = &ctx.r.date;
    if starts_with_clock_time(after(ctx.text, end, 10).trim_start_matches(' ')) {
        return true;
    }
    if r.stamp_words.is_empty() || r.stamp_window == 0 {
        return false;
    }
    let (ls, le) = line_at(ctx.text, start);
    let back = ctx.text.get(ls..start).unwrap_or("");
    let back = before(back, back.len(), r.stamp_window);
    let fwd = ctx.text.get(end..le).unwrap_or("");
    let fwd = after(fwd, 0, r.stamp_window);
    r.stamp_words
        .iter()
        .any(|w| !w.is_empty() && (back.contains(w.as_str()) || fwd.contains(w.as_str())))
}

/// `16:05`, `9:26:44`: one or two digits, a colon and two digits.
fn starts_with_clock_time(s: &str) -> bool {
    let b = s.as_bytes();
    let hours = b.iter().take_while(|c| c.is_ascii_digit()).count();
    (1..=2).contains(&hours)
        && b.get(hours) == Some(&b':')
        && b.get(hours + 1).is_some_and(u8::is_ascii_digit)
        && b.get(hours + 2).is_some_and(u8::is_ascii_digit)
}

/// A headline (`市政协:682件提案已全部办复 落实面接近九成`): a short line without a full stop.
/// Its counts come before the report's dateline without being its narrative.
fn on_headline(text: &str, at: usize, max_chars: usize) -> bool {
    let (ls, le) = line_at(text, at);
    let line = text.get(ls..le).unwrap_or("");
    max_chars > 0 && !line.contains('。') && line.chars().count() <= max_chars
}

/// A short news byline (`本报讯`, `吴江日报讯(记者 沈佳怡)`, `新华社北京1月8日电`) before a
/// dateline: its closing parenthetical aside, it ends with one of `ends`.
fn is_byline(lead: &str, ends: &[String]) -> bool {
    let lead = lead.trim_end_matches([' ', ':']);
    let lead = match lead.strip_suffix(')') {
        Some(inner) => inner.rfind('(').map_or(lead, |p| lead[..p].trim_end()),
        None => lead,
    };
    lead.chars().count() <= 24 && ends_with_any(lead, ends).is_some()
}

/// A date opening a line near the start of the text and before the first count (in the
/// normalized text, or in the original when a title was joined to it): `2017年1月16日,四川省…`.
/// A later paragraph opening with a date tells of an event, not the report's date.
fn is_dateline(ctx: &Ctx, start: usize, opens_normalized_line: bool) -> bool {
    let near_start =
        start < ctx.first_count && ctx.doc.text.char_at_byte(start) < ctx.r.date.dateline_chars;
    near_start && (opens_normalized_line || opens_original_line(ctx, start))
}

/// Only spaces, dashes and markup (`<p>`) stand between the original line start and `start`.
fn opens_original_line(ctx: &Ctx, start: usize) -> bool {
    let t = &ctx.doc.text;
    let Some(orig) = t.origin.get(t.char_at_byte(start)).map(|o| *o as usize) else {
        return false;
    };
    let Some(byte) = ctx.original_chars.byte_of(orig) else {
        return false;
    };
    let lead = before(&ctx.doc.original, byte, 80);
    let line_lead = match lead.rfind('\n') {
        Some(i) => &lead[i + 1..],
        None if lead.len() == byte => lead,
        None => return false,
    };
    without_markup(line_lead)
        .chars()
        .all(|c| c.is_whitespace() || matches!(c, '—' | '-'))
}

fn without_markup(s: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// The date sits in parentheses that close the line: `(2016年10月20日)`, `(…,2021-12-01)`.
fn in_closing_parenthesis(
    ctx: &Ctx,
    start: usize,
    end: usize,
    line_start: usize,
    line_end: usize,
) -> bool {
    let w = ctx.r.date.paren_window;
    let back = before(ctx.text, start, w);
    let back = back
        .get(back.len() - back.len().min(start.saturating_sub(line_start))..)
        .unwrap_or("");
    let opened = back.rfind('(').is_some_and(|o| !back[o..].contains(')'));
    let fwd = after(ctx.text, end, w);
    let fwd = fwd
        .get(..fwd.len().min(line_end.saturating_sub(end)))
        .unwrap_or(fwd);
    let closes_line = fwd.find(')').is_some_and(|c| {
        !fwd[..c].contains('(')
            && fwd[c + 1..]
                .trim_matches(|ch: char| ch.is_whitespace() || ch == '。')
                .is_empty()
    });
    opened && (closes_line || fwd.starts_with(')'))
}

// ---------------------------------------------------------------- year handled

/// The year the items were handled: stated (`2021年,市…共交办`), else relative to the report's
/// date (`上一年`, `今年`), else implied by the date: a report written in the second half of a
/// year covers that year, one delivered at a session early in a year covers the year before.
/// A report on a whole term (任期内, 五年来) has no single year.
fn infer_year_handled(ctx: &Ctx, report_date: Option<ReportDate>) -> Option<i32> {
    let r = &ctx.r.year;
    let anchor = report_date
        .map(|d| d.date.year)
        .or_else(|| dateline_year(ctx));
    if let Some(y) = stated_year(ctx, anchor) {
        return Some(y);
    }
    if let Some(y) = relative_year(ctx, anchor) {
        return Some(y);
    }
    if contains_any_found(ctx.text, &r.multi_year_words, ctx.c.multi_year.as_ref()) {
        return None;
    }
    let d = report_date.filter(|d| d.written)?;
    if d.date.month >= r.late_report_month {
        return Some(d.date.year);
    }
    (d.at_session && d.date.month <= r.early_report_month).then_some(d.date.year - 1)
}

/// `2019年10月,…` at the start of the text: the year of an undated dispatch.
fn dateline_year(ctx: &Ctx) -> Option<i32> {
    // The first mention only: the ones after it start later still.
    let y = ctx.years.first().filter(|y| y.start < ctx.head_end)?;
    let (ls, _) = line_at(ctx.text, y.start);
    let at_line_start = ctx
        .text
        .get(ls..y.start)
        .is_some_and(|s| s.trim().is_empty());
    at_line_start
        .then(|| y.digits(ctx.text).parse().ok())
        .flatten()
}

/// The year with the most weight from `YYYY年` mentions (ties: the one written first), if a
/// mention ties it to the handling (weight 2 or more).
fn stated_year(ctx: &Ctx, anchor: Option<i32>) -> Option<i32> {
    let r = &ctx.r.year;
    // year → (total weight, first position)
    let mut weights: BTreeMap<i32, (u32, usize)> = BTreeMap::new();
    for whole in &ctx.years {
        let Ok(year) = whole.digits(ctx.text).parse::<i32>() else {
            continue;
        };
        let digit_before = ctx
            .text
            .get(..whole.start)
            .is_some_and(|h| h.ends_with(|c: char| c.is_ascii_digit()));
        let rest = after(ctx.text, whole.end, 6);
        if digit_before || !(1949..=2200).contains(&year) || anchor.is_some_and(|a| year > a) {
            continue;
        }
        let weight = match month_at_start(rest).and_then(|m| m.parse::<u32>().ok()) {
            Some(m) => cutoff_weight(ctx, r, whole.start, m),
            None => year_weight(ctx, r, whole.start, whole.end),
        };
        let entry = weights.entry(year).or_insert((0, whole.start));
        entry.0 += weight;
    }
    let (year, (weight, _)) = weights
        .into_iter()
        .max_by(|a, b| a.1.0.cmp(&b.1.0).then(b.1.1.cmp(&a.1.1)))?;
    (weight >= 2).then_some(year)
}

/// 2 for a cut-off in the year (截至2022年10月底, 到2016年8月17日), but not for one early in
/// the next year (到2022年1月).
fn cutoff_weight(ctx: &Ctx, r: &YearRules, start: usize, month: u32) -> u32 {
    let is_cutoff = ends_with_any(before(ctx.text, start, 4), &r.cutoff_words).is_some();
    if is_cutoff && month >= r.cutoff_min_month {
        2
    } else {
        0
    }
}

/// 3 for a year followed by handling words, 2 for `到2013年底`, 0 for `2018年以来`, else 1.
fn year_weight(ctx: &Ctx, r: &YearRules, start: usize, end: usize) -> u32 {
    let next = after(ctx.text, end, r.window);
    if starts_with_any(next, &r.not_after).is_some() {
        return 0;
    }
    if starts_with_any(next, &r.year_end).is_some() {
        return if ends_with_any(before(ctx.text, start, 4), &r.cutoff_words).is_some() {
            2
        } else {
            0
        };
    }
    let clause = &next[..next.find(['。', '\n', ';']).unwrap_or(next.len())];
    if contains_any_of(clause, &r.handling_words, &ctx.c.handling_words) {
        3
    } else {
        1
    }
}

/// `通报了上一年代表建议的办理情况` (report year − 1), `今年市政府共收到…` (report year).
fn relative_year(ctx: &Ctx, anchor: Option<i32>) -> Option<i32> {
    let anchor = anchor?;
    let r = &ctx.r.year;
    let referenced = |words: &[String], finders: &[Option<AhoCorasick>]| {
        words.iter().enumerate().any(|(k, w)| {
            let finder = finders.get(k).and_then(Option::as_ref);
            !w.is_empty()
                && word_starts(ctx.text, w, finder).any(|pos| {
                    ends_with_any(before(ctx.text, pos, 3), &r.comparison_before).is_none()
                })
        })
    };
    if referenced(&r.previous_year_words, &ctx.c.previous_year_words) {
        return Some(anchor - 1);
    }
    referenced(&r.current_year_words, &ctx.c.current_year_words).then_some(anchor)
}

// ---------------------------------------------------------------- tests

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every group's span, in window offsets, of each match [`SessionPattern::matches`] gives.
    fn session_spans(pattern: &SessionPattern, window: &str) -> Vec<Vec<Option<(usize, usize)>>> {
        pattern
            .matches(window)
            .into_iter()
            .map(|(at, cap)| {
                cap.iter()
                    .map(|g| g.map(|g| (at + g.start(), at + g.end())))
                    .collect()
            })
            .collect()
    }

    /// The unanchored pattern's own `captures_iter`: what the anchored search must reproduce.
    fn session_spans_unanchored(re: &Regex, window: &str) -> Vec<Vec<Option<(usize, usize)>>> {
        re.captures_iter(window)
            .map(|cap| {
                cap.iter()
                    .map(|g| g.map(|g| (g.start(), g.end())))
                    .collect()
            })
            .collect()
    }

    /// Each session pattern as searched, its unanchored regex, and its text (compiled once: the
    /// committee forms take a while to compile).
    static SESSION_SEARCHES: LazyLock<Vec<(SessionPattern, Regex, String)>> = LazyLock::new(|| {
        session_patterns(&RULES.metadata.session)
            .into_iter()
            .map(|(pattern, lead)| {
                let searched = SessionPattern::build(&pattern, lead)
                    .expect("session pattern")
                    .requiring(&committee_literals(&RULES.metadata.session));
                let unanchored = Regex::new(&pattern).expect("session regex");
                (searched, unanchored, pattern)
            })
            .collect()
    });

    fn assert_session_search_equals_unanchored(window: &str) {
        for (searched, unanchored, pattern) in SESSION_SEARCHES.iter() {
            assert_eq!(
                session_spans(searched, window),
                session_spans_unanchored(unanchored, window),
                "{pattern} in {window:?}"
            );
        }
    }

    #[test]
    fn session_search_at_leads_equals_unanchored_search() {
        for window in [
            "",
            "政协泉州市第十四届委员会第四次会议",
            "政协第十二届淄博市委员会第一次会议",
            "政协通报了政协连南瑶族自治县第七届委员会第三次会议",
            "政协政协第十四届委员会第四次会议，政协第1届委员会2次会议",
            "政协一二三四五六七八九十甲乙丙丁戊己庚辛壬癸第三届委员会第一次会议",
            "在市十五届人大二次会议期间，政协第七届三次会议上",
            "十二届全国人大四次会议和全国政协十二届四次会议",
        ] {
            assert_session_search_equals_unanchored(window);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn random_session_windows_match_unanchored_search(pieces in prop::collection::vec(
            prop::sample::select(vec![
                "政协", "政", "协", "泉州市", "连南瑶族自治县", "第", "十四", "三", "12", "届",
                "委员会", "次会议", "人大", "全国", "市", "，", " ", "。", "a", "(",
            ]),
            0..24,
        )) {
            assert_session_search_equals_unanchored(&pieces.concat());
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// The prebuilt searches of whole-text words find what `match_indices` and
        /// [`contains_any`] find, self-overlapping and empty words included.
        #[test]
        fn word_searches_equal_str_searches(
            pieces in prop::collection::vec(
                prop::sample::select(vec!["上一年", "上", "一年", "今年", "aa", "a", "发布机构", ":", " ", "。"]),
                0..16,
            ),
            words in prop::collection::vec(
                prop::sample::select(vec!["", "上一年", "今年", "aa", "a", "发布机构", "一年"]),
                0..4,
            ),
        ) {
            let text = pieces.concat();
            let words: Vec<String> = words.iter().map(|w| w.to_string()).collect();
            for (w, finder) in words.iter().zip(word_finders(&words)) {
                let want: Vec<usize> = text.match_indices(w.as_str()).map(|(i, _)| i).collect();
                let got: Vec<usize> = word_starts(&text, w, finder.as_ref()).collect();
                prop_assert_eq!(got, want);
            }
            let any = any_word_finder(&words);
            prop_assert!(any.is_some());
            prop_assert_eq!(
                contains_any_found(&text, &words, any.as_ref()),
                contains_any(&text, &words)
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// The first-character shortcut answers as [`starts_with_any`] does, at every character.
        #[test]
        fn starts_with_a_word_equals_starts_with_any(
            pieces in prop::collection::vec(
                prop::sample::select(vec!["主任", "副", "县长", "李", "a", "", "主"]),
                0..12,
            ),
            words in prop::collection::vec(
                prop::sample::select(vec!["", "主任", "副主任", "副县长", "县长", "主", "a"]),
                0..5,
            ),
        ) {
            let text = pieces.concat();
            let words: Vec<String> = words.iter().map(|w| w.to_string()).collect();
            let firsts = first_chars(&words);
            for (i, c) in text.char_indices() {
                let rest = &text[i..];
                prop_assert_eq!(
                    starts_with_a_word(rest, c, &words, &firsts),
                    starts_with_any(rest, &words).is_some()
                );
            }
        }
    }

    /// The former lookup of an original character's byte offset, kept as the oracle.
    fn byte_of_char_from_start(text: &str, n: usize) -> Option<usize> {
        text.char_indices().nth(n).map(|(i, _)| i)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// The growing checkpoints answer every sequence of lookups (forwards, backwards,
        /// repeated, past the end, across several strides) as a walk from the start does.
        #[test]
        fn original_char_index_equals_walk_from_start(
            pieces in prop::collection::vec(
                prop::sample::select(vec!["a", "中", "\n", "<p>", "—", "\u{1F600}", "é", ""]),
                0..200,
            ),
            lookups in prop::collection::vec(0usize..220, 0..12),
        ) {
            let text = pieces.concat();
            let chars = OriginalChars::new(&text);
            for n in lookups {
                prop_assert_eq!(chars.byte_of(n), byte_of_char_from_start(&text, n));
            }
        }
    }

    /// `Document::original_slice`, the oracle: a walk from the start of the text.
    fn original_slice_from_start(text: &str, span: Span) -> String {
        text.chars()
            .skip(span.start as usize)
            .take(span.end.saturating_sub(span.start) as usize)
            .filter(|c| *c != '\n' && *c != '\r')
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]
        /// The original slice through the checkpoints equals the document's walk from the start.
        #[test]
        fn original_slice_equals_the_walk_from_start(
            pieces in prop::collection::vec(
                prop::sample::select(vec!["a", "中", "\n", "\r\n", "<p>", "\u{1F600}", ""]),
                0..150,
            ),
            spans in prop::collection::vec((0usize..170, 0usize..170), 0..8),
        ) {
            let text = pieces.concat();
            let chars = OriginalChars::new(&text);
            for (a, b) in spans {
                let span = Span::new(a, b);
                prop_assert_eq!(original_slice(&chars, span), original_slice_from_start(&text, span));
            }
        }
    }

    /// The former blanking, copying every clause, kept as the oracle.
    fn without_neutral_words_copying(clause: &str, r: &ChannelRules) -> String {
        let mut s = clause.to_string();
        for w in &r.neutral_words {
            if contains_word(&s, w) {
                s = s.replace(w.as_str(), " ");
            }
        }
        s
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// Clauses read in place are blanked as the copied ones were, neutral words (and an
        /// empty neutral word, which blanks every gap) included.
        #[test]
        fn neutral_words_blanked_as_the_copying_oracle(
            pieces in prop::collection::vec(
                prop::sample::select(vec![
                    "意见建议", "意见", "建议", "和", "提案", "代表", "委员", "人大代表", "政协委员",
                    "议案", "、", "共", "件", " ", "a",
                ]),
                0..12,
            ),
            extra_neutral in prop::sample::select(vec![None, Some(""), Some("建议"), Some("代表委员")]),
        ) {
            let clause = pieces.concat();
            let mut r = RULES.metadata.channel.clone();
            if let Some(w) = extra_neutral {
                r.neutral_words.push(w.to_string());
            }
            prop_assert_eq!(
                without_neutral_words(&clause, &r).into_owned(),
                without_neutral_words_copying(&clause, &r)
            );
        }
    }

    /// Words for the channel lists: self-overlapping, inside one another, empty, repeated.
    fn channel_words() -> impl Strategy<Value = Vec<String>> {
        prop::collection::vec(
            prop::sample::select(vec![
                "",
                "建议",
                "提案",
                "代表",
                "建议提案",
                "议案",
                "aa",
                "a",
                "意见建议",
                "代表委员",
            ])
            .prop_map(str::to_string),
            0..4,
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// One pass over all lists finds the lists [`contains_any`] finds, one by one.
        #[test]
        fn word_sets_equal_contains_any(
            lists in prop::collection::vec(channel_words(), 0..7),
            pieces in prop::collection::vec(
                prop::sample::select(vec![
                    "建议", "提案", "代表", "委员", "意见", "议", "案", "a", "aa", "、", " ", "é", "𠀀",
                ]),
                0..16,
            ),
        ) {
            let text = pieces.concat();
            let refs: Vec<&[String]> = lists.iter().map(Vec::as_slice).collect();
            let sets = WordSets::build(&refs);
            let want: u32 = lists
                .iter()
                .enumerate()
                .filter(|(_, l)| contains_any(&text, l))
                .map(|(k, _)| 1 << k)
                .sum();
            prop_assert_eq!(sets.found(&text), Some(want));
            prop_assert_eq!(sets.any(&text), Some(want != 0));
        }

        /// The level word before a body, by the precomputed suffixes, is the one
        /// `ends_with_any(before(…, 4))` and [`canonical_level`] give, with the bundled words and
        /// with random ones (longer than the look-back, repeated, empty) at every byte.
        #[test]
        fn level_before_equals_ends_with_any(
            pieces in prop::collection::vec(
                prop::sample::select(vec![
                    "全国", "自治区", "自治州", "州", "市", "县", "区", "人大", "政府", "自治",
                    "a", " ", "\n", "é", "𠀀", "，", "新疆维吾尔自治区",
                ]),
                0..12,
            ),
            extra in prop::collection::vec(
                prop::sample::select(vec!["", "市", "自治区", "新疆维吾尔自治区", "a", "州人", "𠀀"]),
                0..4,
            ),
        ) {
            let text = pieces.concat();
            let bundled = RULES.metadata.place.clone();
            let mut r = bundled.clone();
            r.level_words.extend(extra.iter().map(|w| w.to_string()));
            for r in [&bundled, &r] {
                let suffixes = level_suffixes(r);
                for start in (0..=text.len()).filter(|i| text.is_char_boundary(*i)) {
                    let want = ends_with_any(before(&text, start, LEVEL_LOOKBACK_CHARS), &r.level_words)
                        .map(|l| canonical_level(l, r));
                    prop_assert_eq!(level_before(text.as_bytes(), start, &suffixes), want);
                }
            }
        }

        /// The one-pass clause classification equals the search word by word, with the bundled
        /// lists and with random extra words in each list.
        #[test]
        fn classify_clause_equals_word_by_word(
            pieces in prop::collection::vec(
                prop::sample::select(vec![
                    "意见建议", "意见", "建议", "和", "提案", "代表", "委员", "人大代表", "政协委员",
                    "议案", "、", "共", "件", " ", "a", "建议和提案", "代表建议", "政协",
                ]),
                0..12,
            ),
            extra in prop::collection::vec(channel_words(), 6),
        ) {
            let clause = pieces.concat();
            let bundled = RULES.metadata.channel.clone();
            let mut r = bundled.clone();
            for (list, words) in [
                &mut r.neutral_words,
                &mut r.both_words,
                &mut r.npc_strong,
                &mut r.npc_weak,
                &mut r.cppcc_strong,
                &mut r.cppcc_weak,
            ]
            .into_iter()
            .zip(&extra)
            {
                list.extend(words.iter().cloned());
            }
            for r in [&bundled, &r] {
                let words = WordSets::build(&clause_lists(r));
                prop_assert_eq!(
                    classify_clause(&clause, r, &words),
                    classify_clause_by_words(&clause, r)
                );
            }
        }

        /// The vectorized body search finds what the leftmost-longest automaton finds.
        #[test]
        fn packed_body_search_equals_automaton(
            pieces in prop::collection::vec(
                prop::sample::select(vec![
                    "人民政府", "政府", "人大", "政协", "人民代表大会", "人民", "市", "县", "区",
                    "代表", "大会", "自治州", "a", " ", "\n", "é", "𠀀", "，",
                ]),
                0..40,
            ),
        ) {
            static COMPILED: LazyLock<Compiled> = LazyLock::new(|| build_compiled(&RULES));
            let text = pieces.concat();
            let ac = COMPILED.bodies.as_ref().expect("bodies");
            let compiled = &*COMPILED;
            let packed = compiled.bodies_packed.as_ref().expect("packed bodies");
            let want: Vec<(usize, usize, usize)> = ac
                .find_iter(&text)
                .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
                .collect();
            let got: Vec<(usize, usize, usize)> = packed
                .find_iter(&text)
                .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
                .collect();
            prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn word_sets_edge_cases() {
        let none = WordSets::build(&[]);
        assert_eq!(none.found("建议"), Some(0));
        assert_eq!(none.any("建议"), Some(false));
        let empty = [String::new()];
        let only_empty = WordSets::build(&[&empty]);
        assert_eq!(only_empty.found("建议"), Some(0));
        let many: Vec<Vec<String>> = (0..33).map(|_| vec!["a".to_string()]).collect();
        let refs: Vec<&[String]> = many.iter().map(Vec::as_slice).collect();
        assert_eq!(WordSets::build(&refs).found("a"), None);
        assert_eq!(WordSets::build(&refs).any("a"), None);
        assert_eq!(only_empty.any(""), Some(false));
        let long = format!("{}政协提案", "中".repeat(2000));
        let words = WordSets::build(&clause_lists(&RULES.metadata.channel));
        assert_eq!(
            classify_clause(&long, &RULES.metadata.channel, &words),
            classify_clause_by_words(&long, &RULES.metadata.channel)
        );
    }

    #[test]
    fn session_windows_end_at_each_sitting_word_and_merge() {
        let text = "在市十五届人大二次会议期间，政协第七届三次会议上";
        let w = windows_before(text, "次会议", 240);
        assert_eq!(w.len(), 1, "overlapping windows merge: {w:?}");
        assert_eq!(w[0].0, 0);
        assert!(text[..w[0].1].ends_with("三次会议"));
        let far = format!("{}二次会议{}三次会议", "甲".repeat(10), "乙".repeat(200));
        let w = windows_before(&far, "次会议", 30);
        assert_eq!(w.len(), 2);
        assert!(
            w.iter()
                .all(|(s, e)| far.is_char_boundary(*s) && far.is_char_boundary(*e))
        );
        let finder = word_finder("次会议");
        for t in [text, far.as_str(), "次会议次会议", ""] {
            assert_eq!(
                windows_before_found(t, "次会议", finder.as_ref(), 30),
                windows_before(t, "次会议", 30)
            );
        }
        assert_eq!(windows_before("abc", "", 10), vec![(0, 3)]);
        assert!(windows_before("没有会议", "次会议", 10).is_empty());
    }
    // ------------------------------------------------------------ scanners vs regexes

    /// Strings where a hand scanner could part from its regex: digits next to digits, years at
    /// the text's start and end, three-digit months, mixed separators, non-ASCII digits (`١`,
    /// full-width `２`), multi-byte neighbours.
    const TRICKY: &[&str] = &[
        "",
        "年",
        "2022年",
        "12022年",
        "2022年12月31日",
        "2022年12月31日2023年1月1日",
        "12022年12月31日",
        "2022年123月4日",
        "2022年1月234日",
        "2022年1月2",
        "2022年1月日",
        "2022年01月02日止",
        "这是2022年，那是2021年",
        "年2022年年",
        "２０２２年１２月３１日",
        "١٢٣٤年١月٢日",
        "2022-1-5",
        "2022-1-52022-1-5",
        "2022-12-2022-1-5",
        "12022-1-5",
        "2022/01.05",
        "2022.1.",
        "2022-123-4",
        "2022--1-5",
        "20221-1-5",
        "时间:2022-04-24来源",
        "３０件中５件",
        "件件件1件",
        "230件,其中重点建议9件。",
        "12件34件",
        "第1件2件",
        "a1件b",
        "中1件",
        "999件",
    ];

    /// Reproducible random strings over the characters the scanners look at.
    fn random_strings(n: usize) -> Vec<String> {
        let alphabet: Vec<char> = "0123456789年月日件-/.１٣中a\n ".chars().collect();
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) as usize
        };
        (0..n)
            .map(|_| {
                let len = next() % 24;
                (0..len)
                    .map(|_| alphabet[next() % alphabet.len()])
                    .collect()
            })
            .collect()
    }

    fn scanner_inputs() -> Vec<String> {
        let mut all: Vec<String> = TRICKY.iter().map(|s| s.to_string()).collect();
        all.extend(random_strings(20_000));
        all
    }

    fn regex_groups(re: &Regex, text: &str) -> Vec<(usize, usize, Vec<String>)> {
        re.captures_iter(text)
            .map(|c| {
                let whole = c.get(0).expect("whole match");
                let groups = (1..c.len())
                    .map(|i| c.get(i).map(|g| g.as_str().to_string()).unwrap_or_default())
                    .collect();
                (whole.start(), whole.end(), groups)
            })
            .collect()
    }

    fn date_groups(dates: &[DateAt]) -> Vec<(usize, usize, Vec<String>)> {
        dates
            .iter()
            .map(|d| {
                let groups = [d.year, d.month, d.day].map(str::to_string).to_vec();
                (d.start, d.end, groups)
            })
            .collect()
    }

    #[test]
    fn is_digit_is_regex_digit_class() {
        let re = Regex::new(r"^\d$").expect("regex");
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let mut buf = [0; 4];
            assert_eq!(is_digit(c), re.is_match(c.encode_utf8(&mut buf)), "{c:?}");
        }
    }

    #[test]
    fn year_scanner_matches_regex() {
        let re = Regex::new(r"(\d{4})年").expect("regex");
        for text in scanner_inputs() {
            let want = regex_groups(&re, &text);
            let got: Vec<_> = year_matches(&text)
                .iter()
                .map(|y| (y.start, y.end, vec![y.digits(&text).to_string()]))
                .collect();
            assert_eq!(got, want, "{text:?}");
        }
    }

    #[test]
    fn cn_date_scanner_matches_regex() {
        let re = Regex::new(r"(\d{4})年(\d{1,2})月(\d{1,2})日").expect("regex");
        for text in scanner_inputs() {
            let dates: Vec<DateAt> = year_matches(&text)
                .into_iter()
                .filter_map(|y| cn_date_at(&text, y))
                .collect();
            assert_eq!(date_groups(&dates), regex_groups(&re, &text), "{text:?}");
        }
    }

    #[test]
    fn iso_date_scanner_matches_regex() {
        let re = Regex::new(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})").expect("regex");
        for text in scanner_inputs() {
            let got = date_groups(&iso_dates(&text));
            assert_eq!(got, regex_groups(&re, &text), "{text:?}");
        }
        let d = iso_dates("2022-1-52022-1-5");
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].year, d[0].month, d[0].day), ("2022", "1", "52"));
    }

    #[test]
    fn has_date_matches_regexes() {
        let cn = Regex::new(r"(\d{4})年(\d{1,2})月(\d{1,2})日").expect("regex");
        let iso = Regex::new(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})").expect("regex");
        for text in scanner_inputs() {
            let want = cn.is_match(&text) || iso.is_match(&text);
            assert_eq!(has_date(&text), want, "{text:?}");
        }
    }

    #[test]
    fn month_scanner_matches_regex() {
        let re = Regex::new(r"^(\d{1,2})月").expect("regex");
        for text in scanner_inputs() {
            let want = re
                .captures(&text)
                .and_then(|c| c.get(1))
                .map(|m| m.as_str());
            assert_eq!(month_at_start(&text), want, "{text:?}");
        }
    }

    #[test]
    fn count_scanner_matches_regex() {
        for unit in ["件", "项建议", "件件", "1件", ""] {
            let re = Regex::new(&format!(r"(\d+){}", regex::escape(unit))).expect("regex");
            let finder = CountFinder::build(unit).expect("finder");
            assert_eq!(
                matches!(finder, CountFinder::Unit(_)),
                !unit.is_empty() && !unit.contains('1')
            );
            let mut inputs = scanner_inputs();
            inputs.extend(["5项建议6项建议", "件件5件件件", "11件1件"].map(String::from));
            for text in inputs {
                let want: Vec<(usize, usize)> =
                    re.find_iter(&text).map(|m| (m.start(), m.end())).collect();
                assert_eq!(finder.find_all(&text), want, "{unit:?} in {text:?}");
            }
        }
    }

    /// The line helper as first written (the window cut from `before`/`after`).
    fn line_at_by_windows(text: &str, pos: usize) -> (usize, usize) {
        let back = before(text, pos, LINE_WINDOW);
        let fwd = after(text, pos, LINE_WINDOW);
        let start = back
            .rfind('\n')
            .map(|i| pos - back.len() + i + 1)
            .unwrap_or(pos - back.len());
        let end = fwd.find('\n').map(|i| pos + i).unwrap_or(pos + fwd.len());
        (start, end)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// A character set answers as `str::contains` on the string it was built from: ASCII
        /// (NUL and DEL included), CJK, 4-byte and repeated characters, the empty string.
        #[test]
        fn char_set_equals_str_contains(
            s in prop::collection::vec(
                prop::sample::select(vec!['\0', '\n', ',', ':', '\u{7f}', '\u{80}', '。', '，', '一', '十', '𠀀', 'a']),
                0..8,
            ),
            probes in prop::collection::vec(any::<char>(), 0..16),
        ) {
            let s: String = s.into_iter().collect();
            let set = CharSet::new(&s);
            for c in probes.into_iter().chain(s.chars()).chain(['\0', '\u{7f}', '\u{80}', '。', 'b']) {
                prop_assert_eq!(set.contains(c), s.contains(c), "{:?} in {:?}", c, s);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        /// The line found by searching for the breaks is the one the character walk finds:
        /// lines shorter, as long as and longer than the window, before and after `pos`, in
        /// characters of every width, and positions inside a character.
        #[test]
        fn line_at_equals_walk(
            pieces in prop::collection::vec(
                prop::sample::select(vec![
                    "\n".to_string(),
                    "a".to_string(),
                    "中".to_string(),
                    "a".repeat(LINE_WINDOW - 1),
                    "中".repeat(LINE_WINDOW / 2),
                    "é".repeat(LINE_WINDOW / 3),
                    "𠀀".repeat(LINE_WINDOW / 4),
                    "中".repeat(LINE_WINDOW),
                    "𠀀".repeat(LINE_WINDOW + 1),
                ]),
                0..8,
            ),
            stride in 1usize..400,
        ) {
            let text = pieces.concat();
            let mut positions: Vec<usize> = (0..=text.len() + 1).step_by(stride).collect();
            positions.extend([text.len(), text.len() + 1]);
            positions.extend(text.match_indices('\n').flat_map(|(i, _)| [i, i + 1]));
            for pos in positions {
                prop_assert_eq!(line_at(&text, pos), line_at_walked(&text, pos), "pos {}", pos);
            }
        }
    }

    #[test]
    fn line_at_matches_windowed_search() {
        let long = "中".repeat(LINE_WINDOW + 5);
        let texts = [
            String::new(),
            "a\nb\n\nc".to_string(),
            "第一行\n第二行2022年\n".to_string(),
            format!("{long}\n{long}"),
            format!(
                "x\n{}\n{}a",
                "中".repeat(LINE_WINDOW - 1),
                "中".repeat(LINE_WINDOW)
            ),
            format!("\n{}\n", "é".repeat(LINE_WINDOW)),
        ];
        for text in &texts {
            for pos in 0..=text.len() + 1 {
                assert_eq!(
                    line_at(text, pos),
                    line_at_by_windows(text, pos),
                    "pos {pos} of a {}-byte text",
                    text.len()
                );
            }
        }
    }

    #[test]
    fn contains_word_matches_str_contains() {
        let words = ["", "件", "建议", "政协提案", "a", "年件", "\u{e9}"];
        let mut texts = random_strings(5_000);
        texts.push("建议".repeat(200));
        texts.push(format!("{}政协提案", "中".repeat(300)));
        for text in &texts {
            for w in words {
                assert_eq!(
                    contains_word(text, w),
                    text.contains(w),
                    "{w:?} in {text:?}"
                );
            }
        }
    }

    #[test]
    fn line_offsets_from_both_ends() {
        for text in ["", "\n", "a\nbb\n", "第一行\n\n第三行"] {
            let mut pos = 0;
            let mut want = Vec::new();
            for line in text.split('\n') {
                want.push((pos, line));
                pos += line.len() + 1;
            }
            let got: Vec<_> = lines_with_offsets(text).collect();
            assert_eq!(got, want);
            let mut back: Vec<_> = lines_with_offsets(text).rev().collect();
            back.reverse();
            assert_eq!(back, want);
        }
    }

    /// The oracle: a leftmost-longest automaton over the names searching the whole text.
    fn automaton_matches(names: &[String], text: &str) -> Vec<aho_corasick::Match> {
        AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(names)
            .expect("automaton")
            .find_iter(text)
            .collect()
    }

    /// Every scan that can be built for `names` finds what the oracle finds in `text`.
    fn assert_scans_equal_automaton(names: &[String], text: &str) {
        let want = automaton_matches(names, text);
        let index = NameIndex::build(names).expect("index");
        assert_eq!(index.find_all(text), want, "{names:?} in {text:?}");
        if names
            .iter()
            .all(|n| first_two_chars(n.as_bytes(), 0).is_some())
        {
            let starts = NameIndex {
                scan: NameIndex::starts_scan(names).expect("starts scan"),
            };
            assert_eq!(starts.find_all(text), want, "starts: {names:?} in {text:?}");
            if let Some(ends) = NameEnds::build(names) {
                assert_eq!(ends.find_all(text), want, "ends: {names:?} in {text:?}");
                assert_eq!(
                    ends.find_all_with(text, false),
                    want,
                    "ends by the automaton: {names:?} in {text:?}"
                );
            }
        }
    }

    fn gazetteer_names() -> (Vec<String>, Vec<String>) {
        let ((full, _), (short, _)) = place_names(&RULES.gazetteer, &RULES.metadata.place);
        (full, short)
    }

    #[test]
    fn name_index_matches_automaton() {
        let mut texts: Vec<String> = TRICKY.iter().map(|s| s.to_string()).collect();
        texts.extend([
            "漯河市人民政府关于代表建议办理情况的报告，辽阳市弓长岭区、海曙区、鞏留縣".to_string(),
            "赴杭州市、宁波市考察学习，新增城市，江南区域，召开县，恩施土家族苗族自治州"
                .to_string(),
            "楚雄州楚雄市发展和改革局，巴中”建设，《广西日报》，深圳人大代表。é中".to_string(),
            "市县区旗州省盟".repeat(3),
            "新疆维吾尔自治区伊犁哈萨克自治州巩留县".to_string(),
        ]);
        // Every name of the gazetteer glued to its neighbours.
        let glued: String = RULES
            .gazetteer
            .divisions
            .iter()
            .map(|d| format!("{}的{}", d.name, d.short_name))
            .collect();
        texts.push(glued);
        let (full, short) = gazetteer_names();
        // Every full name glued to the next one, and in reverse order.
        texts.push(full.concat());
        texts.push(full.iter().rev().map(String::as_str).collect());
        // The full names end with few characters: searched from them; the short names do not.
        let full_index = NameIndex::build(&full).expect("full");
        assert!(matches!(full_index.scan, NameScan::Ends(_)));
        let short_index = NameIndex::build(&short).expect("short");
        assert!(matches!(short_index.scan, NameScan::Starts { .. }));
        for names in [&full, &short] {
            for text in &texts {
                assert_scans_equal_automaton(names, text);
            }
        }
        // A name of one character leaves the automaton on its own.
        let one_char = ["市".to_string(), "海曙区".to_string()];
        let one = NameIndex::build(&one_char).expect("index");
        assert!(matches!(one.scan, NameScan::Automaton(_)));
        assert_eq!(one.find_all("海曙区市").len(), 2);
        // A repeated name, or too many last characters, is not scanned from the ends.
        let twice = ["海曙区".to_string(), "海曙区".to_string()];
        assert!(NameEnds::build(&twice).is_none());
        assert_scans_equal_automaton(&twice, "海曙区海曙区");
        let many: Vec<String> = (0..=MAX_END_CHARS as u32)
            .filter_map(|k| char::from_u32(0x4E00 + k).map(|c| format!("海{c}")))
            .collect();
        assert!(NameEnds::build(&many).is_none());
    }

    /// Characters of every UTF-8 width, and the ones place names are made of.
    fn key_text() -> impl Strategy<Value = String> {
        let pool: Vec<char> = "a1 ,\né°海曙区市县宁波楚雄州𠀀😀".chars().collect();
        prop::collection::vec(prop::sample::select(pool), 0..24)
            .prop_map(|cs| cs.into_iter().collect())
    }

    /// Random name lists over a small alphabet: shared prefixes and suffixes, names inside
    /// others, every UTF-8 width, repeats.
    fn name_list() -> impl Strategy<Value = Vec<String>> {
        let pool: Vec<char> = "a海曙区市é𠀀".chars().collect();
        let name = prop::collection::vec(prop::sample::select(pool), 2..5)
            .prop_map(|cs| cs.into_iter().collect::<String>());
        prop::collection::vec(name, 1..8)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        /// The table-driven key is the one [`first_two_chars`] reads, at every character.
        #[test]
        fn two_char_key_equals_first_two_chars(text in key_text()) {
            let bytes = text.as_bytes();
            for (i, c) in text.char_indices() {
                let want = first_two_chars(bytes, i).map(|k| (k, c.len_utf8()));
                prop_assert_eq!(two_char_key(bytes, i), want);
            }
            prop_assert_eq!(two_char_key(bytes, bytes.len()), None);
        }

        #[test]
        fn name_index_scan_equals_automaton(pieces in prop::collection::vec(
            prop_oneof![
                key_text(),
                prop::sample::select(vec![
                    "宁波市", "海曙区", "楚雄州", "楚雄彝族自治州", "广西", "市中区", "城区",
                    "新疆维吾尔自治区", "伊犁哈萨克自治州", "巩留县", "阿拉善盟",
                ])
                    .prop_map(str::to_string),
            ],
            0..12,
        )) {
            static INDEXES: LazyLock<Vec<(NameIndex, AhoCorasick)>> = LazyLock::new(|| {
                let (full, short) = gazetteer_names();
                [full, short]
                    .iter()
                    .map(|names| {
                        let oracle = AhoCorasick::builder()
                            .match_kind(MatchKind::LeftmostLongest)
                            .build(names)
                            .expect("automaton");
                        (NameIndex::build(names).expect("index"), oracle)
                    })
                    .collect()
            });
            let text = pieces.concat();
            for (index, oracle) in INDEXES.iter() {
                let want: Vec<_> = oracle.find_iter(&text).collect();
                prop_assert_eq!(index.find_all(&text), want);
            }
        }

        #[test]
        fn random_names_scans_equal_automaton(
            names in name_list(),
            pieces in prop::collection::vec(
                prop_oneof![key_text(), prop::sample::select(vec!["海曙区", "a海", "区市", "é𠀀"]).prop_map(str::to_string)],
                0..10,
            ),
        ) {
            let mut text = pieces.concat();
            // The names themselves, glued, so that matches are frequent.
            text.push_str(&names.concat());
            assert_scans_equal_automaton(&names, &text);
        }
    }

    use crate::ingest::{SourceFile, ingest_bytes};
    use crate::model::Format;
    use std::collections::HashMap;
    use std::path::PathBuf;

    static RULES: LazyLock<Rules> = LazyLock::new(|| Rules::bundled().expect("bundled rules"));

    fn doc_of(text: &str) -> Document {
        let src = SourceFile {
            collection: "test".into(),
            rel_path: "inline.txt".into(),
            path: PathBuf::from("inline.txt"),
            format: Format::Txt,
        };
        ingest_bytes(&src, text.as_bytes(), &RULES, None)
            .expect("ingest")
            .0
    }

    fn meta_of(text: &str) -> DocMeta {
        infer(&doc_of(text), &RULES)
    }

    #[test]
    fn government_title_and_delivery_line() {
        let m = meta_of(
            "漯河市人民政府关于代表所提建议、批评和意见办理情况的报告\n——2021年12月21日在漯河市第七届人民代表大会常务委员会第四十三次会议上\n\
             2021年,市七届人大六次会议共交办人大代表建议230件,其中重点建议9件。",
        );
        assert_eq!(m.jurisdiction_zh.as_deref(), Some("漯河市"));
        assert_eq!(m.jurisdiction_en.as_deref(), Some("Luohe"));
        assert_eq!(m.province_zh.as_deref(), Some("河南省"));
        assert_eq!(m.admin_level.as_deref(), Some("prefecture"));
        assert_eq!(m.issuer_zh.as_deref(), Some("漯河市人民政府"));
        assert_eq!(m.issuer_kind.as_deref(), Some("government"));
        assert_eq!(m.channel.as_deref(), Some("npc_suggestion"));
        assert_eq!(m.session_zh.as_deref(), Some("市七届人大六次会议"));
        assert_eq!(m.year_handled, Some(2021));
        assert_eq!(m.report_date, Date::new(2021, 12, 21));
        assert_eq!(m.metadata_source, MetadataSource::Inferred);
    }

    #[test]
    fn traditional_text_keeps_its_script() {
        let m =
            meta_of("2024年，鞏留縣人民政府共辦理縣十八屆人大四次會議議案2件、人大代表建議52件。");
        assert_eq!(m.jurisdiction_zh.as_deref(), Some("鞏留縣"));
        assert_eq!(m.jurisdiction_en.as_deref(), Some("Gongliu"));
        assert_eq!(m.province_zh.as_deref(), Some("新疆维吾尔自治区"));
        assert_eq!(m.admin_level.as_deref(), Some("county"));
        assert_eq!(m.issuer_zh.as_deref(), Some("鞏留縣人民政府"));
        assert_eq!(m.session_zh.as_deref(), Some("縣十八屆人大四次會議"));
        assert_eq!(m.year_handled, Some(2024));
    }

    #[test]
    fn district_gets_its_city() {
        let m = meta_of(
            "2019年12月24日，记者从辽阳市弓长岭区有关部门了解到，区政府共承办人大交办的建议74件。",
        );
        assert_eq!(m.jurisdiction_zh.as_deref(), Some("辽阳市弓长岭区"));
        assert_eq!(m.admin_level.as_deref(), Some("district"));
        assert_eq!(m.jurisdiction_en.as_deref(), Some("Liaoyang Gongchangling"));
        let m = meta_of(
            "海曙区人民政府关于区十一届人大五次会议代表建议办理情况的报告\n代表共提出建议174件。",
        );
        assert_eq!(m.jurisdiction_zh.as_deref(), Some("宁波市海曙区"));
        assert_eq!(m.jurisdiction_en.as_deref(), Some("Ningbo Haishu"));
        assert_eq!(m.province_zh.as_deref(), Some("浙江省"));
    }

    #[test]
    fn unnamed_city_stays_unknown() {
        let m = meta_of(
            "市政协六届一次会议以来，交由市政府办理的提案共92件，办复率为100%。部分承办单位赴北京、深圳学习。",
        );
        assert_eq!(m.jurisdiction_zh, None);
        assert_eq!(m.province_zh, None);
        assert_eq!(m.channel.as_deref(), Some("cppcc_proposal"));
        assert_eq!(m.session_zh.as_deref(), Some("市政协六届一次会议"));
        // 市 alone may be a prefecture, a county-level city or a municipality.
        assert_eq!(m.admin_level, None);
    }

    #[test]
    fn unnamed_place_keeps_the_level_of_its_session_or_its_bodies() {
        let m = meta_of(
            "省十三届人大四次会议以来,代表提出建议367件,均已办理完毕,其中得到解决的341件。",
        );
        assert_eq!(m.jurisdiction_zh, None);
        assert_eq!(m.admin_level.as_deref(), Some("provincial"));
        let m = meta_of("县政府承办县人大代表建议58件,已全部办复,满意率98%。");
        assert_eq!(m.admin_level.as_deref(), Some("county"));
        // The session's level wins over the bodies the text names more often.
        let m = meta_of(
            "区政府、区政协高度重视。自治区政协十届二次会议以来,交由区政府办理的提案45件。",
        );
        assert_eq!(m.admin_level.as_deref(), Some("provincial"));
    }

    #[test]
    fn narrative_places_do_not_win() {
        let m = meta_of(
            "西平县人民政府\n关于县人大十六届一次会议代表建议办理情况的报告\n2022年，县人大转交建议共151件。\
             县农业农村局组织企业赴海南省三亚市南繁基地考察，三亚市、海南省的经验值得学习。",
        );
        assert_eq!(m.jurisdiction_zh.as_deref(), Some("西平县"));
        assert_eq!(m.province_zh.as_deref(), Some("河南省"));
    }

    #[test]
    fn national_and_autonomous_region() {
        let m = meta_of(
            "2017年3月8日，十二届全国人大五次会议举行第二次全体会议，全国人大常委会委员长作常委会工作报告，回顾了上一年代表建议办理的情况。十二届全国人大四次会议代表提出的8609件建议已全部办理完毕。",
        );
        assert_eq!(m.jurisdiction_zh.as_deref(), Some("全国"));
        assert_eq!(m.jurisdiction_en.as_deref(), Some("National"));
        assert_eq!(m.admin_level.as_deref(), Some("national"));
        assert_eq!(m.province_zh, None);
        assert_eq!(m.session_zh.as_deref(), Some("十二届全国人大四次会议"));
        assert_eq!(m.year_handled, Some(2016));
        let m = meta_of(
            "2021年自治区两会期间，自治区人大代表共提出建议692件。（据《广西日报》2022年1月16日整理）",
        );
        assert_eq!(m.jurisdiction_zh.as_deref(), Some("广西壮族自治区"));
        assert_eq!(m.jurisdiction_en.as_deref(), Some("Guangxi"));
        assert_eq!(m.admin_level.as_deref(), Some("provincial"));
        assert_eq!(m.report_date, Date::new(2022, 1, 16));
        assert_eq!(m.year_handled, Some(2021));
    }

    #[test]
    fn channel_both_from_one_counted_clause() {
        let m = meta_of(
            "2022年,市发展和改革局共收到州市人大代表议案建议和政协提案20件。\n楚雄市发展和改革局\n2022年8月22日",
        );
        assert_eq!(m.channel.as_deref(), Some("both"));
        assert_eq!(m.jurisdiction_zh.as_deref(), Some("楚雄市"));
        assert_eq!(m.admin_level.as_deref(), Some("county"));
        assert_eq!(m.issuer_zh.as_deref(), Some("楚雄市发展和改革局"));
        assert_eq!(m.issuer_kind.as_deref(), Some("department"));
        assert_eq!(m.report_date, Date::new(2022, 8, 22));
    }

    #[test]
    fn publication_time_loses_to_written_date() {
        let m = meta_of(
            "时间:2022-04-24来源:\n济南市人民政府\n成文日期: 2021-12-30\n2021年，市政府共承办建议100件。",
        );
        assert_eq!(m.report_date, Date::new(2021, 12, 30));
        let m = meta_of("提案共92件。(发布:2023-01-12)");
        assert_eq!(m.report_date, Date::new(2023, 1, 12));
        assert_eq!(m.year_handled, None);
    }

    #[test]
    fn places_inside_one_province_name_an_unnamed_reports_province() {
        let m = meta_of(
            "自治区政协九届一次会议以来,委员共提出提案512件,立案483件。其中,石嘴山市政府承办61件,满意率97%。",
        );
        assert_eq!(m.province_zh.as_deref(), Some("宁夏回族自治区"));
        assert_eq!(m.jurisdiction_zh.as_deref(), Some("宁夏回族自治区"));
        assert_eq!(m.admin_level.as_deref(), Some("provincial"));
        let m = meta_of(
            "十二届全国人大四次会议以来,代表提出建议8609件。来自湖北省的代表关注长江保护,湖北省代表团提出建议96件。",
        );
        assert_eq!(m.province_zh, None);
        // A word's tail that reads as a place (会同 + 县文化…) names nothing.
        let head = "县政府承办建议58件,均已按时办复。\n".repeat(8);
        let m = meta_of(&format!("{head}召开专题协调会5次,会同县文化和旅游局调研。"));
        assert_eq!(m.province_zh, None);
        // A local outlet in the head: its province; a national one says nothing.
        let m = meta_of(
            "今日焦点丨379件代表议案建议已全部办结
2021-01-15 09:26:44 稿源:福州网
             省十三届人大四次会议以来,代表提出建议367件,均已办结。",
        );
        assert_eq!(m.province_zh.as_deref(), Some("福建省"));
        assert_eq!(m.jurisdiction_zh.as_deref(), Some("福建省"));
        let m = meta_of(
            "2021-01-15 09:26:44 来源:人民网
省十三届人大四次会议以来,代表提出建议367件,均已办结。",
        );
        assert_eq!(m.province_zh, None);
    }

    #[test]
    fn a_session_is_shown_in_the_form_readers_cite() {
        let m = meta_of(
            "省政府向省第十三届人民代表大会第三次会议报告。省十三届人大三次会议期间,代表提出建议820件;\
             十三届人大三次会议建议已全部办复。",
        );
        assert_eq!(m.session_zh.as_deref(), Some("省十三届人大三次会议"));
        let m = meta_of(
            "现将县第十八届人大第四次会议代表建议办理情况报告如下。县第十八届人大四次会议期间,代表提出建议96件。",
        );
        assert_eq!(m.session_zh.as_deref(), Some("县第十八届人大四次会议"));
        // Otherwise the longest form.
        let m = meta_of(
            "县十七届人大一次会议建议办理情况。县第十七届人大一次会议期间,代表提出建议88件。",
        );
        assert_eq!(m.session_zh.as_deref(), Some("县第十七届人大一次会议"));
    }

    #[test]
    fn a_session_followed_by_since_is_where_the_items_date_from() {
        let m = meta_of(
            "省政协十一届二次会议揭幕 年度提案工作报告出炉\n省政协十一届二次会议13日上午开幕。\
             报告显示,省政协十一届一次会议以来,委员共提交提案812件,立案736件。",
        );
        assert_eq!(m.session_zh.as_deref(), Some("省政协十一届一次会议"));
        // Without its body, in a report whose other sessions are where it was delivered.
        let m = meta_of(
            "政协第十届浙江省委员会第五次会议1月27日上午在杭州开幕。她报告了十届四次会议以来的提案工作:\
             委员共提交提案906件。",
        );
        assert_eq!(m.session_zh.as_deref(), Some("十届四次会议"));
    }

    #[test]
    fn a_page_stamp_dates_a_news_item_without_a_written_date() {
        // A clock time after the date, with a headline count before it.
        let m = meta_of(
            "2021年三明市政协立案249件 提案办理回复率100%\n2022-01-10 16:05   来源:东南网\n会上获悉,政协委员共提出提案268件,立案249件。",
        );
        assert_eq!(m.report_date, Date::new(2022, 1, 10));
        // A stamp word on the date's line.
        let m = meta_of(
            "稿源:泉州晚报 2017-01-08 责任编辑:蔡志明\n五年来,委员共提交提案1203件,已全部办复。",
        );
        assert_eq!(m.report_date, Date::new(2017, 1, 8));
        // A yearless dateline under the stamp is the meeting the report was given at.
        let m = meta_of(
            "西安市十六届人大四次会议以来 代表建议516件已全部办结\n西安晚报 2019-12-28 05:27 大字\n\
             本报讯(记者赵辉)12月27日,记者从市十六届人大常委会第二十八次会议上获悉,代表共提出建议516件。",
        );
        assert_eq!(m.report_date, Date::new(2019, 12, 27));
        // A date in the narrative, a colon later in its line, is no stamp.
        let m = meta_of("代表共提出建议96件。会议2021年3月5日召开,议程:12:30报到。");
        assert_eq!(m.report_date, None);
        // A meeting day told mid-sentence before the first count, under the next day's stamp.
        let m = meta_of(
            "2017-12-23 06:12 宝鸡日报
本报讯 市十四届人大常委会第九次会议12月22日召开,             记者在会上了解到:代表共提出建议296件。",
        );
        assert_eq!(m.report_date, Date::new(2017, 12, 22));
        // Not a schedule's day whose event word lies in another clause, nor a cut-off.
        let m = meta_of(
            "2020-01-07 09:00 来源:长城网
会议1月6日报到,1月8日召开。截至1月5日召开前,共收到提案902件。",
        );
        assert_eq!(m.report_date, Date::new(2020, 1, 7));
    }

    #[test]
    fn department_page_with_both_channels() {
        let m = meta_of(
            "- 索引号: 123/2023-00010\n- 成文日期: 2023-06-30 发布日期: 2023-07-05\n- 发布机构: 青岛市教育局\n\
             - 标题: 2022年建议提案办理情况\n2022年,市教育局共承办市人大代表建议56件、市政协提案78件,均已按时办复。\n市教育局\n2023年6月30日",
        );
        assert_eq!(m.jurisdiction_zh.as_deref(), Some("青岛市"));
        assert_eq!(m.issuer_zh.as_deref(), Some("青岛市教育局"));
        assert_eq!(m.issuer_kind.as_deref(), Some("department"));
        assert_eq!(m.channel.as_deref(), Some("both"));
        assert_eq!(m.session_zh, None);
        assert_eq!(m.year_handled, Some(2022));
        assert_eq!(m.report_date, Date::new(2023, 6, 30));
    }

    #[test]
    fn autonomous_prefecture_and_county_level_city() {
        let m = meta_of(
            "恩施州人民政府关于州八届人大五次会议代表建议办理情况的报告\n今年州政府共承办代表建议300件。(2021年11月2日)",
        );
        assert_eq!(m.jurisdiction_zh.as_deref(), Some("恩施州"));
        assert_eq!(m.jurisdiction_en.as_deref(), Some("Enshi"));
        assert_eq!(m.province_zh.as_deref(), Some("湖北省"));
        assert_eq!(m.admin_level.as_deref(), Some("prefecture"));
        assert_eq!(m.session_zh.as_deref(), Some("州八届人大五次会议"));
        assert_eq!(m.year_handled, Some(2021));
        let m = meta_of(
            "义乌市人民政府关于市十七届人大二次会议代表建议办理情况的报告\n共承办建议215件。",
        );
        assert_eq!(m.jurisdiction_zh.as_deref(), Some("义乌市"));
        assert_eq!(m.admin_level.as_deref(), Some("county"));
        assert_eq!(m.province_zh.as_deref(), Some("浙江省"));
    }

    #[test]
    fn ambiguous_district_without_city_is_not_completed() {
        let m = meta_of("鼓楼区人民政府关于区人大代表建议办理情况的报告\n共承办建议80件。");
        assert_eq!(m.jurisdiction_zh.as_deref(), Some("鼓楼区"));
        assert_eq!(m.province_zh, None);
        assert_eq!(m.admin_level.as_deref(), Some("district"));
        let m = meta_of(
            "鼓楼区人民政府关于区人大代表建议办理情况的报告\n共承办建议80件,涉及福州市重点项目。",
        );
        assert_eq!(m.jurisdiction_zh.as_deref(), Some("福州市鼓楼区"));
        assert_eq!(m.province_zh.as_deref(), Some("福建省"));
        let m = meta_of("福州市鼓楼区人民政府关于区人大代表建议办理情况的报告\n共承办建议80件。");
        assert_eq!(m.jurisdiction_zh.as_deref(), Some("福州市鼓楼区"));
        assert_eq!(m.province_zh.as_deref(), Some("福建省"));
        assert_eq!(m.jurisdiction_en.as_deref(), Some("Fuzhou Gulou"));
    }

    #[test]
    fn cppcc_committee_report() {
        let m = meta_of(
            "政协厦门市委员会关于市政协十四届二次会议以来提案工作情况的报告\n市政协十四届二次会议以来,共收到提案600件,经审查立案520件。",
        );
        assert_eq!(m.jurisdiction_zh.as_deref(), Some("厦门市"));
        assert_eq!(m.jurisdiction_en.as_deref(), Some("Xiamen"));
        assert_eq!(m.channel.as_deref(), Some("cppcc_proposal"));
        assert_eq!(m.session_zh.as_deref(), Some("市政协十四届二次会议"));
        assert_eq!(m.issuer_zh.as_deref(), Some("政协厦门市委员会"));
        assert_eq!(m.issuer_kind.as_deref(), Some("cppcc"));
    }

    #[test]
    fn province_in_page_header_does_not_win_over_level() {
        let m =
            meta_of("河南省人民政府门户网站\n市政协六届一次会议以来,交由市政府办理的提案共92件。");
        assert_eq!(m.jurisdiction_zh, None);
        let m = meta_of("恩施土家族苗族自治州人民政府\n州人大代表建议共300件,州政府已全部办结。");
        assert_eq!(m.jurisdiction_zh.as_deref(), Some("恩施土家族苗族自治州"));
        assert_eq!(m.jurisdiction_en.as_deref(), Some("Enshi"));
    }

    #[test]
    fn pinyin_names() {
        let r = &RULES.metadata.pinyin;
        assert_eq!(english_name(r, "重庆"), "Chongqing");
        assert_eq!(english_name(r, "西安"), "Xi'an");
        assert_eq!(english_name(r, "长沙"), "Changsha");
        let p = &RULES.metadata.place;
        assert_eq!(strip_generic("广西壮族自治区", p), "广西");
        assert_eq!(strip_generic("楚雄彝族自治州", p), "楚雄");
        assert_eq!(strip_generic("恩施土家族苗族自治州", p), "恩施");
        assert_eq!(strip_generic("新疆维吾尔自治区", p), "新疆");
        assert_eq!(strip_generic("漯河市", p), "漯河");
        assert_eq!(strip_generic("赵县", p), "赵县");
    }

    #[test]
    fn never_panics_on_odd_text() {
        let src = SourceFile {
            collection: "test".into(),
            rel_path: "odd.txt".into(),
            path: PathBuf::from("odd.txt"),
            format: Format::Txt,
        };
        let odd = [
            "",
            "市",
            "(",
            ")",
            "2021年",
            "2021-13-45",
            "0000年00月00日",
            "区政协七届",
            "关于",
            "发布机构:",
            "件件件1件",
            "年年2022年底",
            "（（（2016年10月20日",
            "(2016年10月20日",
            "2016年10月20日)",
            "上1年今年",
            "市政府\n\n\n",
            "海曙区",
            "张家界市永定区人民政府关于",
            "十二届全国人大",
            "第届次会议",
            "99999999999999999999届1次会议",
            "政协第届",
            "——2021年12月21日在",
        ];
        let html = SourceFile {
            format: Format::Html,
            rel_path: "odd.html".into(),
            ..src.clone()
        };
        let infer_all = |text: &str| {
            for s in [&src, &html] {
                if let Ok((doc, _)) = ingest_bytes(s, text.as_bytes(), &RULES, None) {
                    let _ = infer(&doc, &RULES);
                }
            }
        };
        for t in odd {
            for text in [
                t.to_string(),
                format!("{t}说明"),
                format!("说明{t}"),
                t.repeat(3),
            ] {
                infer_all(&text);
            }
        }
        // Random strings over the characters the rules look at (a fixed LCG: reproducible).
        let alphabet: Vec<char> = "年月日市县区省州人大政协届次会议件提案建议代表委员关于人民政府局发布:()（）—-\n ,，。第十一二〇0123456789<p>海曙漯河鞏留縣".chars().collect();
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..3000 {
            let mut text = String::new();
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let len = (state >> 58) as usize + 1;
            for _ in 0..len * 2 {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                text.push(alphabet[(state >> 33) as usize % alphabet.len()]);
            }
            infer_all(&text);
        }
    }

    // ------------------------------------------------------------ gold files

    fn gold_dir(name: &str) -> PathBuf {
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../datasets/reports/")).join(name)
    }

    fn gold_pairs(dir: &PathBuf) -> Vec<(String, DocMeta, serde_json::Value)> {
        let mut out = Vec::new();
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
            .expect("gold dir")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        paths.sort();
        for p in paths
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        {
            let gold_path = p.with_extension("gold.json");
            let gold: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&gold_path).expect("gold"))
                    .expect("gold json");
            let bytes = std::fs::read(&p).expect("report");
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let src = SourceFile {
                collection: "gold".into(),
                rel_path: name.clone(),
                path: p.clone(),
                format: Format::Txt,
            };
            let doc = ingest_bytes(&src, &bytes, &RULES, None).expect("ingest").0;
            out.push((name, infer(&doc, &RULES), gold));
        }
        out
    }

    fn gold_str(g: &serde_json::Value, key: &str) -> Option<String> {
        match g.get(key)? {
            serde_json::Value::String(s) => Some(fast2s::convert(s)),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    fn got_fields(m: &DocMeta) -> Vec<(&'static str, Option<String>)> {
        vec![
            (
                "jurisdiction_zh",
                m.jurisdiction_zh.as_deref().map(fast2s::convert),
            ),
            ("jurisdiction_en", m.jurisdiction_en.clone()),
            ("province_zh", m.province_zh.clone()),
            ("admin_level", m.admin_level.clone()),
            ("issuer_zh", m.issuer_zh.as_deref().map(fast2s::convert)),
            ("issuer_kind", m.issuer_kind.clone()),
            ("channel", m.channel.clone()),
            ("year_handled", m.year_handled.map(|y| y.to_string())),
            ("report_date", m.report_date.map(|d| d.iso())),
            ("session_zh", m.session_zh.as_deref().map(fast2s::convert)),
        ]
    }

    #[test]
    fn seeds_match_gold() {
        let checked = [
            "jurisdiction_zh",
            "jurisdiction_en",
            "province_zh",
            "admin_level",
            "issuer_zh",
            "issuer_kind",
            "channel",
            "year_handled",
            "report_date",
            "session_zh",
        ];
        let mut failures = Vec::new();
        for (name, meta, gold) in gold_pairs(&gold_dir("seeds")) {
            for (key, got) in got_fields(&meta) {
                if !checked.contains(&key) {
                    continue;
                }
                let want = gold_str(&gold, key);
                if want != got {
                    failures.push(format!("{name}: {key} want {want:?} got {got:?}"));
                }
            }
        }
        assert!(
            failures.is_empty(),
            "seed metadata differs from gold:\n{}",
            failures.join("\n")
        );
    }

    /// Accuracy over the short cases; run with `--nocapture` to see the numbers and misses.
    #[test]
    fn cases_accuracy() {
        let keys = [
            "jurisdiction_zh",
            "year_handled",
            "channel",
            "province_zh",
            "admin_level",
            "report_date",
            "session_zh",
        ];
        let pairs = gold_pairs(&gold_dir("cases"));
        let mut hits: HashMap<&str, usize> = HashMap::new();
        let mut misses = Vec::new();
        for (name, meta, gold) in &pairs {
            for (key, got) in got_fields(meta) {
                if !keys.contains(&key) {
                    continue;
                }
                let want = gold_str(gold, key);
                let same = match (&want, &got) {
                    (Some(w), Some(g)) if key == "session_zh" => {
                        w.contains(g.as_str()) || g.contains(w.as_str())
                    }
                    _ => want == got,
                };
                if same {
                    *hits.entry(key).or_default() += 1;
                } else {
                    misses.push(format!("{name}: {key} want {want:?} got {got:?}"));
                }
            }
        }
        let n = pairs.len().max(1);
        for key in keys {
            let h = hits.get(key).copied().unwrap_or(0);
            println!("{key:<16} {h}/{n} = {:.1}%", 100.0 * h as f64 / n as f64);
        }
        for m in &misses {
            println!("  miss {m}");
        }
        for key in ["jurisdiction_zh", "year_handled", "channel"] {
            let h = hits.get(key).copied().unwrap_or(0);
            assert!(h * 10 >= n * 9, "{key}: {h}/{n} below 90%");
        }
    }
}
