//! Rules, lexicons and crosswalks kept as data in `datasets/`, loaded once per run.
//!
//! Everything a user adds when a new city or scheme turns up lives in these files, not in code:
//! boilerplate lines, extraction vocabularies, rate names, outcome phrase rules, curated
//! crosswalks, the topic taxonomy, the theme lexicon, surnames and the gazetteer.
//! A malformed file is an error naming the file, line and column.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use regex::Regex;
use serde::Deserialize;

use crate::error::{Error, Result};

mod words;
pub use words::{WordList, ends_with_any};

/// All rule data for a run.
#[derive(Debug, Clone)]
pub struct Rules {
    pub text: TextRules,
    pub extract: ExtractRules,
    pub tiers: TierRules,
    pub topics: TopicTaxonomy,
    pub themes: Vec<Theme>,
    /// The keywords of `themes`, searched in one pass per title.
    pub theme_keywords: ThemeKeywords,
    pub surnames: HashSet<char>,
    pub gazetteer: crate::gazetteer::Gazetteer,
    pub metadata: crate::ingest::metadata::MetadataRules,
    /// sha256 of every rule file, for the manifest and the cache key.
    pub fingerprint: String,
}

impl Rules {
    /// Load from a `datasets/` folder.
    pub fn load(datasets: &Path) -> Result<Rules> {
        let mut files: Vec<(PathBuf, String)> = Vec::new();
        let mut read = |rel: &str| -> Result<String> {
            let path = datasets.join(rel);
            let s = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
            files.push((path, s.clone()));
            Ok(s)
        };
        let text: TextRulesFile =
            parse_toml(&datasets.join("rules/text.toml"), &read("rules/text.toml")?)?;
        let extract: ExtractRules = parse_toml(
            &datasets.join("rules/extract.toml"),
            &read("rules/extract.toml")?,
        )?;
        let tiers_file: TierRulesFile = parse_toml(
            &datasets.join("rules/tiers.toml"),
            &read("rules/tiers.toml")?,
        )?;
        let crosswalk: CrosswalkFile = parse_toml(
            &datasets.join("crosswalks/outcomes.toml"),
            &read("crosswalks/outcomes.toml")?,
        )?;
        let mut topics: TopicTaxonomy = parse_toml(
            &datasets.join("crosswalks/topics.toml"),
            &read("crosswalks/topics.toml")?,
        )?;
        let themes: ThemesFile = parse_toml(
            &datasets.join("lexicons/themes.toml"),
            &read("lexicons/themes.toml")?,
        )?;
        let metadata = parse_toml(
            &datasets.join("rules/metadata.toml"),
            &read("rules/metadata.toml")?,
        )?;
        let surnames_src = read("lexicons/surnames.txt")?;
        let gaz_path = datasets.join("gazetteer/divisions.csv");
        let gaz_src = read("gazetteer/divisions.csv")?;
        let gazetteer = crate::gazetteer::Gazetteer::parse(&gaz_path, &gaz_src)?;

        let text = TextRules::compile(text, &datasets.join("rules/text.toml"))?;
        let mut extract = extract;
        extract.all_satisfied_re = extract
            .all_satisfied_patterns
            .iter()
            .map(|r| compile_regex(r, &datasets.join("rules/extract.toml")))
            .collect::<Result<_>>()?;
        extract.derive_lists();
        topics.index_keywords();
        let tiers = TierRules::compile(
            tiers_file,
            crosswalk.entries,
            &datasets.join("rules/tiers.toml"),
        )?;
        let surnames = surnames_src
            .lines()
            .filter(|l| !l.starts_with('#'))
            .flat_map(|l| l.chars())
            .filter(|c| !c.is_whitespace())
            .collect();
        let fingerprint = fingerprint(&files);
        Ok(Rules {
            text,
            extract,
            tiers,
            topics,
            theme_keywords: ThemeKeywords::new(&themes.theme),
            themes: themes.theme,
            surnames,
            gazetteer,
            metadata,
            fingerprint,
        })
    }

    /// The rules bundled with the repository (`datasets/` next to `Cargo.toml`).
    pub fn bundled() -> Result<Rules> {
        Rules::load(&bundled_datasets_dir())
    }
}

/// `datasets/` of this checkout, found at run time from the working directory or the build dir.
pub fn bundled_datasets_dir() -> PathBuf {
    let cwd = PathBuf::from("datasets");
    if cwd.join("rules/text.toml").exists() {
        return cwd;
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../datasets")
}

fn fingerprint(files: &[(PathBuf, String)]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for (p, s) in files {
        h.update(
            p.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
                .as_bytes(),
        );
        h.update(s.as_bytes());
    }
    hex(&h.finalize())
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Parse TOML, turning errors into "file:line:column: message".
pub fn parse_toml<T: serde::de::DeserializeOwned>(path: &Path, src: &str) -> Result<T> {
    toml::from_str(src).map_err(|e| {
        let (line, column) = e.span().map(|s| line_col(src, s.start)).unwrap_or((0, 0));
        Error::Rules {
            path: path.to_path_buf(),
            line,
            column,
            message: e.message().to_string(),
        }
    })
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(src: &str, byte: usize) -> (usize, usize) {
    let before = &src[..byte.min(src.len())];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, col)
}

// ---------------------------------------------------------------- text

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TextRulesFile {
    drop_exact: Vec<String>,
    drop_contains: Vec<String>,
    drop_regex: Vec<String>,
    #[serde(default)]
    drop_regex_if: Vec<GuardedRegex>,
}

/// A line-dropping regex tried only on lines holding a literal: a pattern that cannot be
/// anchored cheaply (`…公报 2019年第11期`) would otherwise scan every line of every report.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GuardedRegex {
    contains: String,
    regex: String,
}

/// Which lines are web boilerplate or page furniture.
#[derive(Debug, Clone, Default)]
pub struct TextRules {
    pub drop_exact: HashSet<String>,
    pub drop_contains: Vec<String>,
    pub drop_regex: Vec<Regex>,
    /// `drop_contains` and `drop_regex` compiled into one regex / set each: every line of every
    /// report is tested, so this is on the hot path. The phrases are one alternation of literals,
    /// which the regex engine searches with a SIMD prefilter (several times faster on CJK lines
    /// than an Aho-Corasick automaton stepping through every byte).
    pub contains_re: Option<Regex>,
    pub regex_set: Option<regex::RegexSet>,
    /// `drop_regex_if`: (searcher for the literal, regex), the regex tried only after the
    /// literal is found.
    guarded: Vec<(aho_corasick::AhoCorasick, Regex)>,
    /// Byte length of the longest `drop_exact` line, so that longer lines skip the lookup.
    drop_exact_max_bytes: usize,
    /// The phrases of `contains_re`, for [`crate::ingest::text`] to test only where one starts
    /// (`None`: the line is given to `contains_re`).
    pub(crate) phrases: Option<std::sync::Arc<PhraseIndex>>,
}

/// The `drop_contains` phrases by first character, and the character classes of the text
/// normalizer with those first characters marked, so that its one pass over a line finds every
/// place a phrase can start.
pub(crate) struct PhraseIndex {
    /// `(first character, phrase)`, sorted.
    by_first: Vec<(char, String)>,
    pub(crate) classes: Box<[u8; 0x10000]>,
}

impl std::fmt::Debug for PhraseIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PhraseIndex")
            .field("by_first", &self.by_first)
            .finish_non_exhaustive()
    }
}

impl PhraseIndex {
    /// `None` when a phrase is empty or starts outside the Basic Multilingual Plane (the
    /// classes cover only that plane): such phrases are left to the regex.
    fn new<P: AsRef<str>>(phrases: &[P]) -> Option<PhraseIndex> {
        let mut by_first = Vec::with_capacity(phrases.len());
        for p in phrases {
            let p = p.as_ref();
            let first = p.chars().next()?;
            if first as u32 >= 0x10000 {
                return None;
            }
            by_first.push((first, p.to_string()));
        }
        by_first.sort();
        let classes = crate::ingest::text::classes_marking(by_first.iter().map(|(c, _)| *c));
        Some(PhraseIndex { by_first, classes })
    }

    /// Whether a phrase starting with `first` starts `rest`.
    pub(crate) fn starts(&self, first: char, rest: &str) -> bool {
        let from = self.by_first.partition_point(|(c, _)| *c < first);
        self.by_first[from..]
            .iter()
            .take_while(|(c, _)| *c == first)
            .any(|(_, p)| rest.starts_with(p.as_str()))
    }
}

impl TextRules {
    /// Whether a line matches a `drop_contains` phrase or a `drop_regex`.
    pub fn drops(&self, line: &str) -> bool {
        self.contains_re
            .as_ref()
            .is_some_and(|re| re.is_match(line))
            || self.drops_by_regex(line)
    }

    /// Whether a line matches a `drop_regex` (the second half of [`TextRules::drops`]).
    pub(crate) fn drops_by_regex(&self, line: &str) -> bool {
        self.regex_set.as_ref().is_some_and(|rs| rs.is_match(line))
            || self
                .guarded
                .iter()
                .any(|(literal, re)| literal.is_match(line) && re.is_match(line))
    }

    /// Whether a line core of `bytes` bytes can be in `drop_exact` at all (a cheap test before
    /// building the core and hashing it). Rules built without [`TextRules::compile`] (e.g.
    /// `Default` with `drop_exact` filled in later) are always looked up.
    pub fn may_drop_exact(&self, bytes: usize) -> bool {
        bytes <= self.drop_exact_max_bytes || self.drop_exact_max_bytes == 0
    }
}

impl TextRules {
    fn compile(f: TextRulesFile, path: &Path) -> Result<TextRules> {
        let drop_regex: Vec<Regex> = f
            .drop_regex
            .iter()
            .map(|r| compile_regex(r, path))
            .collect::<Result<_>>()?;
        let bad = |what: &str, e: String| Error::Rules {
            path: path.to_path_buf(),
            line: 0,
            column: 0,
            message: format!("{what}: {e}"),
        };
        let contains_re =
            contains_regex(&f.drop_contains).map_err(|e| bad("drop_contains", e.to_string()))?;
        let regex_set =
            regex::RegexSet::new(&f.drop_regex).map_err(|e| bad("drop_regex", e.to_string()))?;
        let phrases = contains_re
            .as_ref()
            .and_then(|_| PhraseIndex::new(&f.drop_contains))
            .map(std::sync::Arc::new);
        let guarded = f
            .drop_regex_if
            .iter()
            .filter(|g| !g.contains.is_empty())
            .map(|g| {
                let literal = aho_corasick::AhoCorasick::new([&g.contains])
                    .map_err(|e| bad("drop_regex_if", e.to_string()))?;
                Ok((literal, compile_regex(&g.regex, path)?))
            })
            .collect::<Result<_>>()?;
        Ok(TextRules {
            guarded,
            phrases,
            drop_exact_max_bytes: max_bytes(&f.drop_exact),
            drop_exact: f.drop_exact.into_iter().collect(),
            drop_contains: f.drop_contains,
            drop_regex,
            contains_re,
            regex_set: Some(regex_set),
        })
    }

    #[cfg(test)]
    pub fn for_tests(exact: &[&str], contains: &[&str]) -> TextRules {
        let contains_re = contains_regex(contains).ok().flatten();
        TextRules {
            drop_exact: exact.iter().map(|s| s.to_string()).collect(),
            drop_contains: contains.iter().map(|s| s.to_string()).collect(),
            drop_regex: vec![],
            phrases: contains_re
                .as_ref()
                .and_then(|_| PhraseIndex::new(contains))
                .map(std::sync::Arc::new),
            contains_re,
            regex_set: None,
            guarded: vec![],
            drop_exact_max_bytes: exact.iter().map(|s| s.len()).max().unwrap_or(0),
        }
    }
}

/// `drop_contains` as one regex matching any of the phrases literally (`None` without phrases).
fn contains_regex<P: AsRef<str>>(
    phrases: &[P],
) -> std::result::Result<Option<Regex>, regex::Error> {
    if phrases.is_empty() {
        return Ok(None);
    }
    let alternation: Vec<String> = phrases.iter().map(|p| regex::escape(p.as_ref())).collect();
    Regex::new(&alternation.join("|")).map(Some)
}

fn max_bytes(lines: &[String]) -> usize {
    lines.iter().map(String::len).max().unwrap_or(0)
}

fn compile_regex(r: &str, path: &Path) -> Result<Regex> {
    Regex::new(r).map_err(|e| Error::Rules {
        path: path.to_path_buf(),
        line: 0,
        column: 0,
        message: format!("bad regex {r:?}: {e}"),
    })
}

// ---------------------------------------------------------------- extract

/// Vocabularies the extraction grammar uses (`datasets/rules/extract.toml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtractRules {
    /// Words that make a counted clause an outcome category.
    pub outcome_words: WordList,
    /// Words that disqualify a clause from being an outcome category.
    pub not_outcome_words: WordList,
    /// Subject clauses (`提出的`) after which an outcome label may start though the clause
    /// before them holds a `not_outcome_words` word.
    pub label_subjects: WordList,
    /// Leading phrases stripped from labels (connectors, subjects).
    pub label_prefixes: WordList,
    /// Trailing phrases stripped from labels.
    pub label_suffixes: WordList,
    /// Nouns naming the items counted: 建议, 提案, …
    pub item_nouns: WordList,
    /// Total kind → rate that a share of all items printed right after a count of that kind
    /// states (`经审查立案621件，占提案总数的98.73%` is a filing rate of 98.73 %).
    #[serde(default)]
    pub kind_share_rates: HashMap<String, String>,
    /// Words that negate the total verb right after them: `未予立案的8件` are items not filed,
    /// so the clause is not a count of that kind.
    #[serde(default)]
    pub total_verb_negations: WordList,
    /// A framing piece opening a label (`从落实情况看,`): no part of the outcome's wording.
    #[serde(default)]
    pub label_frames: LabelFrames,
    /// Words joining a count to the one before (`议案236件、建议4981件`): the two share a verb.
    #[serde(default)]
    pub count_connectors: WordList,
    /// Proposer words that may stand between a count and its noun (`4917件代表建议`).
    #[serde(default)]
    pub noun_modifiers: WordList,
    /// Nouns for bills, kept apart from suggestions.
    pub bill_nouns: WordList,
    /// Verbs that introduce a total, by kind (received, filed, merged, handled).
    pub total_verbs: HashMap<String, WordList>,
    /// Priority of total kinds when nothing else decides (first wins).
    pub total_priority: Vec<String>,
    /// Total kinds whose verbs name the items by themselves (立案868件 counts proposals), so a
    /// count of that kind needs no item noun to be a total.
    #[serde(default)]
    pub self_naming_kinds: Vec<String>,
    /// Markers of a government-system share.
    pub government_words: WordList,
    /// Key-item markers.
    pub key_words: WordList,
    pub session_during_words: WordList,
    pub session_after_words: WordList,
    /// Words that make a session count an outcome of that session's items (`闭会建议按时办结
    /// 回复13件`), not the session split.
    #[serde(default)]
    pub session_outcome_words: WordList,
    /// Words that, followed by a comma, open a paragraph about a previous period
    /// (`去年,市政府系统共承办…`): its figures are set aside.
    #[serde(default)]
    pub previous_period_openers: WordList,
    /// Words between a topic's name and its count that are no part of the name
    /// (`经济建设类的有51件`, `…提案有517件`).
    #[serde(default)]
    pub topic_label_fillers: WordList,
    /// Endings of the piece right after a count that make the count the items what follows is
    /// counted among (`742件提案中,所提意见…得到解决的占48.65%`), not a category.
    #[serde(default)]
    pub among_words: WordList,
    /// A share after one of these (`提升至2020年的74%`) replaces the one before it, printed
    /// after a `change_from_words` word (`由2019年的52.3%`): last period's.
    /// Adverbs between a label and its share marker, part of neither (`…的(C类),仅占3.8%`).
    #[serde(default)]
    pub share_adverbs: WordList,
    #[serde(default)]
    pub change_to_words: WordList,
    #[serde(default)]
    pub change_from_words: WordList,
    /// Words right before a list of shares that pair them, in order, with the share-less
    /// categories just before (`正在解决116件、列入计划64件,分别占39.1%、21.5%`).
    #[serde(default)]
    pub respective_share_words: WordList,
    /// Words that mark a count as a restatement of the categories before it, share or not.
    #[serde(default)]
    pub recap_words: WordList,
    pub feedback_form_words: WordList,
    /// Handling roles: Chinese word → role.
    pub roles: HashMap<String, String>,
    /// Levels that prefix a role breakdown (州, 市, …).
    pub levels: WordList,
    /// Rate names: suffix → canonical fact, longest suffix wins.
    pub rates: HashMap<String, String>,
    /// Words of a note in parentheses after a rate name that name the rate instead
    /// (`满意率(含基本满意)` → rate_satisfied_or_basic): word → canonical fact.
    #[serde(default)]
    pub rate_notes: HashMap<String, String>,
    /// A share followed by one of these (after an optional `share_verb_fillers` word) states
    /// that rate: `99.2%已经办复` → rate_answered. Verb → canonical fact.
    #[serde(default)]
    pub share_verb_rates: HashMap<String, String>,
    /// Words allowed between such a share and its verb (`已经`, `均已`).
    #[serde(default)]
    pub share_verb_fillers: WordList,
    /// Rate names that are only rates of handling when the sentence talks about handling.
    pub generic_rates: WordList,
    /// Words showing the sentence is about handling suggestions/proposals.
    pub handling_context: WordList,
    /// Satisfaction words in a counted clause: word → canonical fact (longest wins).
    pub satisfaction: HashMap<String, String>,
    /// Sentences that announce a topic breakdown.
    pub topic_context: WordList,
    /// Label endings that mark a topic (方面, 类, 领域).
    pub topic_suffixes: WordList,
    /// Words a topic label is made of, for lists without a marker.
    pub topic_words: WordList,
    /// Proposer types that are not topics (集体提案, 委员提案).
    pub proposer_types: WordList,
    /// Counts of proposals by who handed them in (集体提案 / 委员个人或联名提案).
    #[serde(default)]
    pub proposer_split: ProposerSplit,
    /// Counts handed to one handling body (`市法院承办4件`, `72件交市政府办理`).
    #[serde(default)]
    pub handler_split: HandlerSplit,
    /// Clauses that scope the outcome categories after them to one channel (`建议方面:`).
    #[serde(default)]
    pub channel_scope: ChannelScope,
    /// Words before a personal name that are not part of it.
    pub name_prefixes: WordList,
    /// Characters that never occur in a proposer's name in this position.
    pub name_stop_chars: String,
    /// Words that look like a surname plus a character but are not names.
    pub name_stop_words: WordList,
    /// Two-character surnames (上官, 欧阳).
    pub compound_surnames: WordList,
    /// Phrases meaning every returned form was satisfied (derived 100%).
    pub all_satisfied_patterns: Vec<String>,
    /// Denominator phrases after 占 (universe hints): phrase → universe.
    pub universe_phrases: HashMap<String, String>,
    /// Canonical rate → what it measures.
    pub rate_definitions: HashMap<String, String>,
    /// `all_satisfied_patterns`, compiled at load.
    #[serde(skip)]
    pub all_satisfied_re: Vec<Regex>,
    /// Lists derived from the ones above when the rules load (see [`ExtractRules::derive_lists`]).
    #[serde(skip)]
    pub derived: DerivedLists,
}

/// Words of a split of proposals by proposer: collective (parties, groups, committees) and
/// individual or joint members. Read only in a sentence holding a `collective` word, since
/// `委员提案` alone elsewhere names the CPPCC channel.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ProposerSplit {
    /// Labels of collective proposals → fact `items_collective`.
    pub collective: WordList,
    /// Labels of members' own (individual or joint) proposals → fact `items_individual`.
    pub individual: WordList,
    /// Words allowed between the label and the count (`集体提案有25件`).
    pub fillers: WordList,
    /// Words right before a label that make it a subset after a total verb (`立案提案里`);
    /// after a key-item word, the key items' own outcomes (`15件重点提案中`).
    pub subset_markers: WordList,
    /// Words right before a label that make it a channel's name (`政协委员提案`).
    pub channel_words: WordList,
    /// Words right before a label that name who handed the proposals in, so a total verb in
    /// them does not make the label a total (`人民团体提出的党派团体提案126件`).
    pub author_markers: WordList,
    /// Collective authors: a label ending in `label_noun` that names one of them is a
    /// collective proposal count (`各民主党派省委、省工商联提案85件`, `界别提案297件`).
    pub collective_authors: WordList,
    pub label_noun: String,
}

/// The opening and closing words of a framing piece (`从` … `看,`, `就` … `而言,`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LabelFrames {
    pub opens: WordList,
    pub closes: WordList,
}

/// Words of a clause that names the channel an outcome scheme classifies: `[opener]*<noun>
/// <scope word>` at a clause start (`建议方面:`, `在241件政协提案中,`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ChannelScope {
    /// Nouns of the NPC channel (suggestions).
    pub npc: WordList,
    /// Nouns of the CPPCC channel (proposals).
    pub cppcc: WordList,
    /// Words stripped before the noun, repeatedly (a count `N件` is stripped too).
    pub openers: WordList,
    /// Words that must follow the noun.
    pub scope_words: WordList,
    /// Words allowed between a channel noun and its count (`代表建议共142件`).
    pub count_fillers: WordList,
    /// Qualified NPC nouns that make a count in a total's clause the NPC channel's count.
    pub split_npc: WordList,
    /// Qualified CPPCC nouns, likewise.
    pub split_cppcc: WordList,
    /// Bodies whose name earlier in the clause qualifies a bare noun (`区人大…会议建议`,
    /// `区政协十四届四次会议提案19件`), when the other channel's body is not named there.
    pub npc_bodies: WordList,
    pub cppcc_bodies: WordList,
}

/// Words of a split of the items by handling body: `[lead]<body><verb>N件` or
/// `N件<lead><body><verb>`, the body ending with one of `body_suffixes`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct HandlerSplit {
    /// Verbs of handling that end the clause (`承办`, `组织办理`).
    pub verbs: WordList,
    /// Words that may open the clause before the body (`交`, `由`, `其中`).
    pub lead_words: WordList,
    /// Endings of a body's name (`部门`, `法院`, `组织`).
    pub body_suffixes: WordList,
    /// Words ending an intro before a colon that lists bodies and their counts without a verb
    /// (`进行交办:市人民政府877件`).
    pub list_intros: WordList,
}

/// Word lists the grammar searches as one, derived from [`ExtractRules`] at load.
#[derive(Debug, Clone, Default)]
pub struct DerivedLists {
    /// `item_nouns` then `bill_nouns`.
    pub nouns: WordList,
    /// The words of `roles`, sorted.
    pub role_words: WordList,
    /// The words of `satisfaction`, sorted.
    pub satisfaction_words: WordList,
    /// Every `total_verbs` word of more than one character.
    pub multi_char_total_verbs: WordList,
    /// The rate names of `rates` that contain a list separator (`满意率和基本满意率`), sorted.
    pub compound_rates: WordList,
    /// `total_priority` with each kind's `total_verbs`, in priority order; kinds without verbs
    /// are left out (they can never be found). Saves a map lookup per kind per clause.
    pub prioritized_total_verbs: Vec<(String, WordList)>,
}

impl ExtractRules {
    /// The rate a note after a rate name names (`(含基本满意)`), by the longest `rate_notes` word
    /// in it; extraction and the scorer read notes the same way.
    pub fn rate_named_by_note(&self, note: &str) -> Option<&str> {
        self.rate_notes
            .iter()
            .filter(|(word, _)| note.contains(word.as_str()))
            .max_by_key(|(word, _)| word.len())
            .map(|(_, c)| c.as_str())
    }

    /// Fill [`ExtractRules::derived`] from the lists as loaded.
    pub fn derive_lists(&mut self) {
        let sorted = |words: Vec<&String>| {
            let mut words: Vec<String> = words.into_iter().cloned().collect();
            words.sort();
            WordList::new(words)
        };
        let multi_char: Vec<&String> = self
            .total_verbs
            .values()
            .flat_map(|vs| vs.iter())
            .filter(|v| v.chars().count() > 1)
            .collect();
        self.derived = DerivedLists {
            nouns: self
                .item_nouns
                .iter()
                .chain(self.bill_nouns.iter())
                .collect(),
            role_words: sorted(self.roles.keys().collect()),
            satisfaction_words: sorted(self.satisfaction.keys().collect()),
            multi_char_total_verbs: sorted(multi_char),
            compound_rates: sorted(
                self.rates
                    .keys()
                    .filter(|k| k.contains(['和', '及', '与', '、']))
                    .collect(),
            ),
            prioritized_total_verbs: self
                .total_priority
                .iter()
                .filter_map(|k| Some((k.clone(), self.total_verbs.get(k.as_str())?.clone())))
                .collect(),
        };
    }
}

// ---------------------------------------------------------------- tiers

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TierRulesFile {
    tiers: Vec<String>,
    rule: Vec<PhraseRule>,
    code_only: HashMap<String, Vec<String>>,
    horizon_regex: String,
}

/// One phrase rule: if the label contains `phrase` (and none of `unless`), it means `tiers`.
/// Higher `precedence` rules claim their phrase first, so `暂时不能解决` beats `解决`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhraseRule {
    pub id: String,
    pub phrase: String,
    pub tiers: Vec<String>,
    #[serde(default)]
    pub precedence: i32,
    #[serde(default)]
    pub note: Option<String>,
}

/// A curated crosswalk entry for a known jurisdiction's scheme; wins over phrase rules.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrosswalkEntry {
    pub id: String,
    pub jurisdiction_zh: String,
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub label_contains: Option<String>,
    pub tiers: Vec<String>,
    #[serde(default)]
    pub horizon_years: Option<i32>,
    #[serde(default)]
    pub relation: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CrosswalkFile {
    #[serde(default)]
    entries: Vec<CrosswalkEntry>,
}

/// Outcome-tier rules, compiled.
#[derive(Debug, Clone)]
pub struct TierRules {
    pub tiers: Vec<String>,
    /// Sorted by precedence (highest first), then phrase length (longest first).
    pub rules: Vec<PhraseRule>,
    pub code_only: HashMap<String, Vec<String>>,
    pub horizon: Regex,
    pub crosswalk: Vec<CrosswalkEntry>,
    /// The phrases of `rules`, in the same order (word `i` is the phrase of rule `i`), searched
    /// in one pass per label.
    pub phrases: WordList,
}

impl TierRules {
    fn compile(f: TierRulesFile, crosswalk: Vec<CrosswalkEntry>, path: &Path) -> Result<TierRules> {
        let known: HashSet<&str> = f.tiers.iter().map(String::as_str).collect();
        let bad = |id: &str, t: &str| Error::Rules {
            path: path.to_path_buf(),
            line: 0,
            column: 0,
            message: format!(
                "rule {id}: unknown tier {t:?} (expected one of {:?})",
                f.tiers
            ),
        };
        for r in &f.rule {
            if let Some(t) = r.tiers.iter().find(|t| !known.contains(t.as_str())) {
                return Err(bad(&r.id, t));
            }
            if r.phrase.is_empty() {
                // An empty phrase occurs everywhere and claims nothing (it used to hang the run).
                return Err(Error::Rules {
                    path: path.to_path_buf(),
                    line: 0,
                    column: 0,
                    message: format!("rule {}: empty phrase", r.id),
                });
            }
        }
        for c in &crosswalk {
            if let Some(t) = c.tiers.iter().find(|t| !known.contains(t.as_str())) {
                return Err(bad(&c.id, t));
            }
        }
        let mut rules = f.rule;
        rules.sort_by(|a, b| {
            b.precedence
                .cmp(&a.precedence)
                .then(b.phrase.chars().count().cmp(&a.phrase.chars().count()))
        });
        let horizon = compile_regex(&f.horizon_regex, path)?;
        let phrases = rules.iter().map(|r| r.phrase.as_str()).collect();
        Ok(TierRules {
            tiers: f.tiers,
            rules,
            code_only: f.code_only,
            horizon,
            crosswalk,
            phrases,
        })
    }
}

// ---------------------------------------------------------------- topics & themes

/// The common topic taxonomy and the crosswalk from source labels to it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicTaxonomy {
    pub topic: Vec<CommonTopic>,
    pub mapping: Vec<TopicMapping>,
    /// Searchers for `mapping`, built at load (see [`TopicTaxonomy::index_keywords`]).
    #[serde(skip)]
    pub keywords: TopicKeywords,
}

/// The keywords of [`TopicTaxonomy::mapping`], searched in one pass per label.
#[derive(Debug, Clone, Default)]
pub struct TopicKeywords {
    /// Word `i` is the keyword of mapping `i`.
    pub words: WordList,
    /// Mapping indices, longest keyword first (a stable sort: equally long keep file order).
    pub longest_first: Vec<usize>,
}

impl TopicTaxonomy {
    /// Fill [`TopicTaxonomy::keywords`] from `mapping` as loaded.
    pub fn index_keywords(&mut self) {
        let mut longest_first: Vec<usize> = (0..self.mapping.len()).collect();
        longest_first.sort_by_key(|&i| std::cmp::Reverse(self.mapping[i].keyword.len()));
        self.keywords = TopicKeywords {
            words: self.mapping.iter().map(|m| m.keyword.as_str()).collect(),
            longest_first,
        };
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommonTopic {
    pub code: String,
    pub label_zh: String,
    pub label_en: String,
}

/// Source-label keyword → common topic, with a SKOS-style relation (exact, broader, narrower, related).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicMapping {
    pub keyword: String,
    pub topics: Vec<String>,
    pub relation: String,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemesFile {
    theme: Vec<Theme>,
}

/// A recurring theme of items (EV charging, waste sorting, …).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Theme {
    pub id: String,
    pub label_zh: String,
    pub label_en: String,
    pub keywords: Vec<String>,
}

/// The keywords of every [`Theme`], in one automaton.
#[derive(Debug, Clone, Default)]
pub struct ThemeKeywords {
    /// Every theme's keywords, theme after theme.
    words: WordList,
    /// The theme (index) of each word of `words`.
    theme_of: Vec<usize>,
    themes: usize,
}

impl ThemeKeywords {
    pub fn new(themes: &[Theme]) -> ThemeKeywords {
        let (theme_of, words): (Vec<usize>, Vec<String>) = themes
            .iter()
            .enumerate()
            .flat_map(|(i, t)| t.keywords.iter().map(move |k| (i, k.clone())))
            .unzip();
        ThemeKeywords {
            words: WordList::new(words),
            theme_of,
            themes: themes.len(),
        }
    }

    /// For each theme, whether `title` contains one of its keywords:
    /// `themes.iter().map(|t| t.keywords.iter().any(|k| title.contains(k.as_str())))`.
    pub fn in_title(&self, title: &str) -> Vec<bool> {
        let mut found = vec![false; self.themes];
        // An empty keyword is in every title.
        for (w, &t) in self.words.iter().zip(&self.theme_of) {
            if w.is_empty() {
                found[t] = true;
            }
        }
        for (w, _) in self.words.occurrences(title) {
            found[self.theme_of[w]] = true;
        }
        found
    }
}

#[cfg(test)]
mod theme_tests {
    use super::*;

    #[test]
    fn theme_keywords_are_found_like_the_keyword_by_keyword_search() {
        let theme = |id: &str, keywords: &[&str]| Theme {
            id: id.into(),
            label_zh: String::new(),
            label_en: String::new(),
            keywords: keywords.iter().map(|k| k.to_string()).collect(),
        };
        let mut themes = Rules::bundled().unwrap().themes;
        themes.push(theme("overlapping", &["充电", "电桩", "电"]));
        themes.push(theme("none", &[]));
        let mut titles: Vec<String> = themes.iter().flat_map(|t| t.keywords.clone()).collect();
        let pairs: Vec<String> = titles.windows(2).map(|w| w.join("关于")).collect();
        titles.extend(pairs);
        titles.extend(["".into(), "关于加快充电桩建设的建议".into(), "𝟙电".into()]);
        for with_empty in [false, true] {
            if with_empty {
                themes.push(theme("everything", &["x", ""]));
            }
            let index = ThemeKeywords::new(&themes);
            for title in &titles {
                let expected: Vec<bool> = themes
                    .iter()
                    .map(|t| t.keywords.iter().any(|k| title.contains(k.as_str())))
                    .collect();
                assert_eq!(index.in_title(title), expected, "{title:?}");
            }
        }
    }
}
