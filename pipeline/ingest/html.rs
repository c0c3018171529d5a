//! HTML → text, keeping paragraph breaks and, for every output character, its index in the HTML.
//!
//! A linear scanner rather than a DOM: scraped pages are often malformed or deeply nested, and a
//! scanner cannot recurse or allocate per node. Markup that does not parse is kept as text.

/// Elements whose content is never report text.
const SKIP_CONTENT: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "iframe", "object",
];
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
                i = next.end;
                if let Markup::Open(ref name) = next.kind
                    && SKIP_CONTENT.contains(&name.as_str())
                {
                    i = skip_until_close(&chars, i, name.as_str());
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
    fn numeric_entities() {
        assert_eq!(text("&#21150;&#x7406;"), "办理");
    }
}
