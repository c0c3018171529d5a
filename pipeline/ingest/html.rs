//! HTML → text, keeping paragraph breaks and, for every output character, its index in the HTML.
//!
//! A linear scanner rather than a DOM: scraped pages are often malformed or deeply nested, and a
//! scanner cannot recurse or allocate per node. Markup that does not parse is kept as text.

/// Elements whose content is never report text.
const SKIP_CONTENT: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "iframe", "object", "nav", "aside",
];
/// Containers whose `class` or `id` names page furniture by one of these words (split at `-`,
/// `_`, spaces): sidebars, menus, breadcrumbs, related-news lists, share bars. Their headlines
/// carry other reports' counts and sessions.
const FURNITURE_WORDS: &[&str] = &[
    "sidebar",
    "side",
    "aside",
    "nav",
    "navbar",
    "menu",
    "footer",
    "foot",
    "breadcrumb",
    "crumb",
    "crumbs",
    "related",
    "share",
    "toolbar",
    "tools",
    "xgxw",
    "xglj",
    "rdph",
    "hot",
];
/// The containers [`FURNITURE_WORDS`] are looked for on.
const FURNITURE_CONTAINERS: &[&str] = &["div", "ul", "ol", "section", "header", "footer", "dl"];

/// Elements that end a paragraph (a line break in the output).
const BLOCK: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "tr",
    "table",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "header",
    "footer",
    "title",
    "blockquote",
    "pre",
    "hr",
    "dd",
    "dt",
    "dl",
    "form",
    "body",
    "center",
    "nav",
    "aside",
    "main",
    "figure",
    "caption",
    "thead",
    "tbody",
];
/// Cells: each opens with `|`, so a table row reads `|A|31|48.44` like a plain-text table.
const CELL: &[&str] = &["td", "th"];

/// [`strip_text`] with the text as characters, as the tests read it.
#[cfg(test)]
fn strip(html: &str) -> (Vec<char>, Vec<u32>) {
    let (text, origins) = strip_text(html);
    (text.chars().collect(), origins)
}

/// Strip markup. Returns `(text, origins)`: `origins[k]` is the index in `html` of the text's
/// character `k`.
pub fn strip_text(html: &str) -> (String, Vec<u32>) {
    let n = html.chars().count();
    let mut chars: Vec<char> = Vec::with_capacity(n);
    // The byte offset of each character, and `html.len()`: text between markup is copied as
    // runs of bytes.
    let mut bytes_at: Vec<u32> = Vec::with_capacity(n + 1);
    for (b, c) in html.char_indices() {
        chars.push(c);
        bytes_at.push(b as u32);
    }
    bytes_at.push(html.len() as u32);
    let mut out = String::with_capacity(html.len() / 2);
    let mut org = Vec::with_capacity(chars.len() / 2);
    let mut i = 0usize;
    while i < chars.len() {
        let c = chars[i];
        if c == '<' {
            if let Some(next) = parse_markup(&chars, i) {
                match next.kind {
                    Markup::Open(ref name) | Markup::Close(ref name) => {
                        if BLOCK.contains(&name.as_str()) {
                            out.push('\n');
                            org.push(i as u32);
                        }
                    }
                    Markup::Other => {}
                }
                if let Markup::Open(ref name) = next.kind
                    && CELL.contains(&name.as_str())
                {
                    out.push('|');
                    org.push(i as u32);
                }
                let tag_start = i;
                i = next.end;
                if let Markup::Open(ref name) = next.kind {
                    if SKIP_CONTENT.contains(&name.as_str()) {
                        i = skip_until_close(&chars, i, name.as_str());
                    } else if name.as_str() == "a"
                        && let Some(end) = headline_link_end(&chars, i)
                    {
                        i = end;
                    } else if FURNITURE_CONTAINERS.contains(&name.as_str())
                        && names_furniture(&chars[tag_start..next.end])
                    {
                        i = skip_element(&chars, i, name.as_str());
                    }
                }
                continue;
            }
        } else if c == '&'
            && let Some((decoded, len)) = entity(&chars[i..])
        {
            out.push(decoded);
            org.push(i as u32);
            i += len;
            continue;
        }
        // A run of text up to the next `<` or `&`.
        let end = chars[i + 1..]
            .iter()
            .position(|&c| c == '<' || c == '&')
            .map_or(chars.len(), |p| i + 1 + p);
        if let (Some(&from), Some(&to)) = (bytes_at.get(i), bytes_at.get(end)) {
            out.push_str(html.get(from as usize..to as usize).unwrap_or_default());
        }
        org.extend(i as u32..end as u32);
        i = end;
    }
    (out, org)
}

enum Markup {
    Open(TagName),
    Close(TagName),
    Other,
}

/// An element name, lowercased, without allocating: names longer than any element the scanner
/// knows are kept only as their length (and compare equal to none of them).
struct TagName {
    buf: [u8; TagName::MAX],
    /// Length of the whole name (ASCII, so bytes = characters).
    len: usize,
}

impl TagName {
    const MAX: usize = 16;

    /// The name, or `""` if it is longer than [`TagName::MAX`].
    fn as_str(&self) -> &str {
        self.buf
            .get(..self.len)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("")
    }
}

struct Parsed {
    kind: Markup,
    end: usize,
}

fn parse_markup(chars: &[char], start: usize) -> Option<Parsed> {
    let rest = &chars[start + 1..];
    let first = *rest.first()?;
    if first == '!' || first == '?' {
        // Comment, doctype or processing instruction.
        if rest.starts_with(&['!', '-', '-']) {
            let end = find_seq(chars, start + 4, &['-', '-', '>'])
                .map(|p| p + 3)
                .unwrap_or(chars.len());
            return Some(Parsed {
                kind: Markup::Other,
                end,
            });
        }
        let end = find_char(chars, start + 1, '>')? + 1;
        return Some(Parsed {
            kind: Markup::Other,
            end,
        });
    }
    let (closing, name_start) = if first == '/' {
        (true, start + 2)
    } else {
        (false, start + 1)
    };
    let mut name = TagName {
        buf: [0; TagName::MAX],
        len: 0,
    };
    for c in chars.get(name_start..)?.iter() {
        if !c.is_ascii_alphanumeric() {
            break;
        }
        if let Some(b) = name.buf.get_mut(name.len) {
            *b = c.to_ascii_lowercase() as u8;
        }
        name.len += 1;
    }
    if name.len == 0 || !chars[name_start].is_ascii_alphabetic() {
        return None;
    }
    let end = find_tag_end(chars, name_start + name.len)?;
    let kind = if closing {
        Markup::Close(name)
    } else {
        Markup::Open(name)
    };
    Some(Parsed { kind, end })
}

/// End of a tag, honouring quoted attribute values.
fn find_tag_end(chars: &[char], from: usize) -> Option<usize> {
    let mut quote: Option<char> = None;
    for (k, &c) in chars.iter().enumerate().skip(from) {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '>' => return Some(k + 1),
            None if c == '<' => return Some(k), // malformed: next tag starts
            None => {}
        }
    }
    None
}

/// Longest link text, in characters, skipped as a headline.
const MAX_HEADLINE_CHARS: usize = 80;

/// The end of a link opened just before `from` when it holds only a short text (a menu entry or
/// another page's headline, `县政协十届五次会议提案办结率100%`): reports do not put their
/// statements inside links, and pages put other reports' figures there.
fn headline_link_end(chars: &[char], from: usize) -> Option<usize> {
    let limit = (from + MAX_HEADLINE_CHARS * 4).min(chars.len());
    let close = find_seq(&chars[..limit], from, &['<', '/', 'a'])
        .or_else(|| find_seq(&chars[..limit], from, &['<', '/', 'A']))?;
    let inner = &chars[from..close];
    let text_len = inner.iter().filter(|c| !c.is_whitespace()).count();
    let block = inner
        .windows(2)
        .any(|w| w[0] == '<' && matches!(w[1], 'p' | 'P' | 'd' | 'D' | 't' | 'T'));
    (text_len <= MAX_HEADLINE_CHARS && !block)
        .then(|| find_char(chars, close, '>').map_or(chars.len(), |p| p + 1))
}

/// Whether a start tag's `class` or `id` holds one of [`FURNITURE_WORDS`].
fn names_furniture(tag: &[char]) -> bool {
    let tag: String = tag.iter().map(|c| c.to_ascii_lowercase()).collect();
    ["class", "id"].iter().any(|attr| {
        let mut from = 0;
        while let Some(p) = tag[from..].find(attr) {
            let at = from + p;
            from = at + attr.len();
            let before_ok = tag[..at].ends_with([' ', '\t', '\n', '\r']);
            let rest = tag[from..].trim_start();
            let Some(rest) = rest.strip_prefix('=') else {
                continue;
            };
            let rest = rest.trim_start();
            let value = match rest.chars().next() {
                Some(q @ ('"' | '\'')) => rest[1..].split(q).next().unwrap_or(""),
                _ => rest.split([' ', '>', '/']).next().unwrap_or(""),
            };
            if before_ok
                && value
                    .split(|c: char| !c.is_ascii_alphanumeric())
                    .any(|w| FURNITURE_WORDS.contains(&w))
            {
                return true;
            }
        }
        false
    })
}

/// The end of the element opened just before `from`, counting nested elements of the same name.
fn skip_element(chars: &[char], from: usize, name: &str) -> usize {
    let mut depth = 1usize;
    let mut k = from;
    while let Some(lt) = find_char(chars, k, '<') {
        let Some(m) = parse_markup(chars, lt) else {
            k = lt + 1;
            continue;
        };
        match m.kind {
            Markup::Open(ref n) if n.as_str() == name => depth += 1,
            Markup::Close(ref n) if n.as_str() == name => {
                depth -= 1;
                if depth == 0 {
                    return m.end;
                }
            }
            _ => {}
        }
        k = m.end.max(lt + 1);
    }
    chars.len()
}

fn skip_until_close(chars: &[char], from: usize, name: &str) -> usize {
    let pat: Vec<char> = format!("</{name}").chars().collect();
    let mut k = from;
    while k + pat.len() <= chars.len() {
        if chars[k] == '<'
            && chars[k..k + pat.len()]
                .iter()
                .zip(&pat)
                .all(|(a, b)| a.to_ascii_lowercase() == *b)
        {
            return find_char(chars, k, '>')
                .map(|p| p + 1)
                .unwrap_or(chars.len());
        }
        k += 1;
    }
    chars.len()
}

fn find_char(chars: &[char], from: usize, c: char) -> Option<usize> {
    chars
        .get(from..)?
        .iter()
        .position(|x| *x == c)
        .map(|p| p + from)
}

fn find_seq(chars: &[char], from: usize, seq: &[char]) -> Option<usize> {
    let hay = chars.get(from..)?;
    hay.windows(seq.len())
        .position(|w| w == seq)
        .map(|p| p + from)
}

fn entity(s: &[char]) -> Option<(char, usize)> {
    let end = s.iter().take(12).position(|c| *c == ';')?;
    let body: String = s[1..end].iter().collect();
    let c = if let Some(num) = body.strip_prefix('#') {
        let v = if let Some(hex) = num.strip_prefix(['x', 'X']) {
            u32::from_str_radix(hex, 16).ok()?
        } else {
            num.parse().ok()?
        };
        char::from_u32(v)?
    } else {
        match body.as_str() {
            "nbsp" | "ensp" | "emsp" | "thinsp" => ' ',
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            "ldquo" => '“',
            "rdquo" => '”',
            "lsquo" => '‘',
            "rsquo" => '’',
            "mdash" => '—',
            "ndash" => '–',
            "middot" => '·',
            "hellip" => '…',
            "bull" => '•',
            "times" => '×',
            _ => return None,
        }
    };
    Some((c, end + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(html: &str) -> String {
        strip(html).0.into_iter().collect()
    }

    #[test]
    fn strips_tags_scripts_and_styles_keeping_paragraphs() {
        let html = "<html><head><style>p{color:red}</style><script>var a='<p>';</script></head>\
                    <body><p>共交办建议<b>230</b>件</p><p>满意率&nbsp;100%</p><!-- c --></body></html>";
        let t = text(html);
        assert!(t.contains("共交办建议230件\n"), "{t:?}");
        assert!(t.contains("满意率 100%"));
        assert!(!t.contains("color") && !t.contains("var a"));
    }

    #[test]
    fn origins_point_into_the_html() {
        let html = "<p>A类88件</p>";
        let (chars, org) = strip(html);
        let pos = chars.iter().position(|c| *c == '8').unwrap();
        assert_eq!(html.chars().nth(org[pos] as usize), Some('8'));
    }

    #[test]
    fn malformed_markup_is_kept_as_text_or_skipped_without_panic() {
        let t = text("a < b <div class=\"x>y\">c</div> <unclosed");
        assert!(t.contains("a < b"));
        assert!(t.contains('c'));
        let deep = "<div>".repeat(100_000) + "230件" + &"</div>".repeat(100_000);
        assert!(text(&deep).contains("230件"));
    }

    #[test]
    fn long_and_odd_tag_names() {
        // Longer than any known element: markup, but neither a block nor skipped.
        let long = "<averyveryverylongelementname>a</averyveryverylongelementname>b";
        assert_eq!(text(long), "ab");
        assert_eq!(text("<ScRiPt>x</SCRIPT>y<P>z"), "y\nz");
        assert_eq!(text("<1p>a"), "<1p>a");
        assert_eq!(text("<td>1<TH>2"), "|1|2");
    }

    #[test]
    fn sidebars_menus_and_related_lists_are_skipped_with_their_nested_elements() {
        let html = "<div class=\"article\"><p>代表共提出建议230件。</p></div>\
            <div class=\"col-side\"><div><ul><li><a>市政协五届二次会议收到提案215件</a></li></ul></div>\
            <p>侧栏</p></div><ul id='main_nav'><li>首页</li></ul><p>办复率100%。</p>";
        let t = text(html);
        assert!(t.contains("230件") && t.contains("办复率100%"), "{t}");
        assert!(
            !t.contains("215件") && !t.contains("侧栏") && !t.contains("首页"),
            "{t}"
        );
        // A class that merely contains such a word is no furniture.
        assert!(text("<div class=\"inside-content\">建议230件</div>").contains("230件"));
    }

    #[test]
    fn headline_links_are_skipped() {
        let t = text(
            "<td><a href=\"#\">·县政协十届五次会议提案办结率100%</a><br></td><p>代表建议办复率98%。</p>",
        );
        assert!(!t.contains("办结率100%") && t.contains("办复率98%"), "{t}");
    }

    #[test]
    fn numeric_entities() {
        assert_eq!(text("&#21150;&#x7406;"), "办理");
    }
}
