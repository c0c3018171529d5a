//! Turning a composed report into the bytes of a file: script (traditional), digit width,
//! punctuation width, web boilerplate, PDF-style hard line breaks, HTML, and the encoding.

use encoding_rs::GB18030;

use super::gold::Gold;
use super::numerals::full_width_digits;
use super::report::Composed;
use super::rng::Rng;
use super::trad::to_traditional;

/// A finished file.
pub struct File {
    pub bytes: Vec<u8>,
    pub ext: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Utf8,
    Utf8Bom,
    Gb18030,
    Utf16LeBom,
    Utf16BeBom,
}

impl Encoding {
    fn as_str(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf8Bom => "utf-8-bom",
            Encoding::Gb18030 => "gb18030",
            Encoding::Utf16LeBom => "utf-16le-bom",
            Encoding::Utf16BeBom => "utf-16be-bom",
        }
    }
}

pub fn render(rng: &mut Rng, c: &mut Composed) -> File {
    let traditional = rng.chance(0.08);
    if traditional {
        to_traditional_all(c);
        c.gold.quirk("traditional");
    }
    c.gold.synth.script = if traditional {
        "traditional".into()
    } else {
        "simplified".into()
    };
    if rng.chance(0.06) {
        for p in c.paragraphs.iter_mut() {
            *p = full_width_digits(p);
        }
        c.gold.quirk("fullwidth_digits");
    }
    if c.chinese_numerals {
        c.gold.quirk("chinese_numerals");
    }
    if rng.chance(0.2) {
        half_width_punctuation(c);
        c.gold.quirk("mixed_fullwidth_halfwidth_punctuation");
    }
    let html = rng.chance(0.2);
    let encoding = draw_encoding(rng, html);
    let text = if html {
        html_page(rng, c, encoding)
    } else {
        txt_page(rng, c)
    };
    c.gold.synth.format = if html { "html".into() } else { "txt".into() };
    c.gold.synth.encoding = encoding.as_str().into();
    if encoding != Encoding::Utf8 {
        c.gold.quirk(&format!("encoding_{}", encoding.as_str()));
    }
    File {
        bytes: encode(&text, encoding),
        ext: if html { "html" } else { "txt" },
    }
}

fn draw_encoding(rng: &mut Rng, html: bool) -> Encoding {
    if html {
        *rng.pick_weighted(&[(88, Encoding::Utf8), (12, Encoding::Gb18030)])
    } else {
        *rng.pick_weighted(&[
            (78, Encoding::Utf8),
            (3, Encoding::Utf8Bom),
            (14, Encoding::Gb18030),
            (3, Encoding::Utf16LeBom),
            (2, Encoding::Utf16BeBom),
        ])
    }
}

fn encode(text: &str, enc: Encoding) -> Vec<u8> {
    match enc {
        Encoding::Utf8 => text.as_bytes().to_vec(),
        Encoding::Utf8Bom => [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat(),
        Encoding::Gb18030 => {
            let (bytes, _, _) = GB18030.encode(text);
            bytes.into_owned()
        }
        Encoding::Utf16LeBom => {
            let mut v = vec![0xFF, 0xFE];
            v.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
            v
        }
        Encoding::Utf16BeBom => {
            let mut v = vec![0xFE, 0xFF];
            v.extend(text.encode_utf16().flat_map(|u| u.to_be_bytes()));
            v
        }
    }
}

/// Convert the text and every printed string in the gold file to traditional characters.
fn to_traditional_all(c: &mut Composed) {
    c.title = to_traditional(&c.title);
    for p in c.paragraphs.iter_mut() {
        *p = to_traditional(p);
    }
    convert_gold(&mut c.gold, to_traditional);
}

/// Apply `f` to every string of the gold file that is printed in the text.
fn convert_gold(g: &mut Gold, f: fn(&str) -> String) {
    let conv = |o: &mut Option<String>| {
        if let Some(s) = o.as_mut() {
            *s = f(s);
        }
    };
    conv(&mut g.jurisdiction_zh);
    conv(&mut g.session_zh);
    conv(&mut g.issuer_zh);
    for c in g.outcome_scheme.iter_mut() {
        c.label_zh = f(&c.label_zh);
        conv(&mut c.parent);
    }
    for t in g.topics.iter_mut() {
        t.label_zh = f(&t.label_zh);
    }
    g.rates = std::mem::take(&mut g.rates)
        .into_iter()
        .map(|(k, v)| (f(&k), v))
        .collect();
    g.roles = std::mem::take(&mut g.roles)
        .into_iter()
        .map(|(k, v)| (f(&k), v))
        .collect();
    g.proposer_split = std::mem::take(&mut g.proposer_split)
        .into_iter()
        .map(|(k, v)| (f(&k), v))
        .collect();
    // Names stay in their canonical (simplified) form: the same person in either script.
}

fn half_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '，' => ',',
            '；' => ';',
            '：' => ':',
            '（' => '(',
            '）' => ')',
            c => c,
        })
        .collect()
}

/// Converted pages often print ASCII punctuation in the body (the title keeps its own).
fn half_width_punctuation(c: &mut Composed) {
    for p in c.paragraphs.iter_mut() {
        *p = half_width(p);
    }
    convert_gold(&mut c.gold, half_width);
}

const TOP_LINES: &[&str] = &[
    "图片",
    "字号：大 中 小",
    "【打印本页】 【关闭窗口】",
    "当前位置：首页 > 政务公开 > 建议提案办理",
    "分享到：",
    "雪园足球比分直播",
];

fn boilerplate_top(rng: &mut Rng, c: &Composed) -> Vec<String> {
    let k = rng.range(1, 3) as usize;
    let mut v: Vec<String> = rng
        .sample(TOP_LINES, k)
        .into_iter()
        .map(String::from)
        .collect();
    if let Some(d) = &c.gold.report_date {
        v.push(format!("时间:{d}来源:"));
    }
    v
}

fn boilerplate_bottom(rng: &mut Rng, c: &Composed) -> Vec<String> {
    vec![
        format!("浏览次数：{}", rng.range(30, 9000)),
        "扫一扫在手机打开当前页".into(),
        format!("版权所有：{}人民政府办公室", c.place.name),
        format!(
            "网站标识码：{} ICP备{}号",
            rng.range(1_000_000_000, 9_999_999_999),
            rng.range(10_000_000, 99_999_999)
        ),
    ]
}

fn txt_page(rng: &mut Rng, c: &mut Composed) -> String {
    let mut lines: Vec<String> = Vec::new();
    let scraped = rng.chance(0.3);
    if scraped {
        lines.extend(boilerplate_top(rng, c));
        c.gold.quirk("web_boilerplate");
    }
    lines.push(c.title.clone());
    let indent = if rng.chance(0.4) { "  " } else { "" };
    let pdf = rng.chance(0.25);
    for p in &c.paragraphs {
        if pdf && !p.contains('\n') {
            lines.push(String::new());
            lines.extend(hard_wrap(rng, p));
        } else {
            lines.push(format!("{indent}{p}"));
        }
    }
    if pdf {
        c.gold.quirk("pdf_line_breaks_inside_words");
        lines = paginate(rng, lines);
    }
    if scraped {
        lines.extend(boilerplate_bottom(rng, c));
    }
    let sep = if rng.chance(0.1) { "\r\n" } else { "\n" };
    let mut s = lines.join(sep);
    s.push_str(sep);
    s
}

/// Break a paragraph into lines of a PDF page width, never inside a run of digits.
fn hard_wrap(rng: &mut Rng, p: &str) -> Vec<String> {
    let width = rng.range(26, 40) as usize;
    let chars: Vec<char> = p.chars().collect();
    let mut out = Vec::new();
    let mut start = 0;
    while start < chars.len() {
        let mut end = (start + width).min(chars.len());
        while end < chars.len()
            && end > start + 1
            && (is_numeric(chars[end - 1]) && is_numeric(chars[end])
                || is_numeric(chars[end - 1]) && is_pct(chars[end]))
        {
            end -= 1;
        }
        out.push(chars[start..end].iter().collect());
        start = end;
    }
    out
}

fn is_numeric(c: char) -> bool {
    c.is_ascii_digit() || c == '.' || ('０'..='９').contains(&c) || c == '．'
}

fn is_pct(c: char) -> bool {
    c == '%' || c == '％'
}

/// Page breaks: a blank line pair and a page number every ~30 lines.
fn paginate(rng: &mut Rng, lines: Vec<String>) -> Vec<String> {
    let per_page = rng.range(26, 36) as usize;
    let mut out = Vec::with_capacity(lines.len() + lines.len() / 10);
    for (i, l) in lines.into_iter().enumerate() {
        if i > 0 && i % per_page == 0 {
            out.push(String::new());
            out.push(format!("- {} -", i / per_page));
            out.push(String::new());
        }
        out.push(l);
    }
    out
}

fn escape(s: &str, entities: bool) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '“' if entities => out.push_str("&ldquo;"),
            '”' if entities => out.push_str("&rdquo;"),
            c => out.push(c),
        }
    }
    out
}

fn html_page(rng: &mut Rng, c: &mut Composed, enc: Encoding) -> String {
    let entities = rng.chance(0.5);
    let charset = if enc == Encoding::Gb18030 {
        "gb2312"
    } else {
        "utf-8"
    };
    let title = escape(&c.title, entities);
    let mut h = format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"{charset}\">\n<title>{title}</title>\n\
         <script type=\"text/javascript\">var _hmt = _hmt || []; (function() {{ var hm = document.createElement(\"script\"); hm.src = \"/stat.js?v=20{}\"; }})();</script>\n\
         <style>.content p {{ text-indent: 2em; line-height: 1.8; }}</style>\n</head>\n<body>\n",
        rng.range(10, 99)
    );
    h.push_str("<div class=\"nav\"><a href=\"/\">首页</a>&nbsp;&gt;&nbsp;<a href=\"/zwgk/\">政务公开</a>&nbsp;&gt;&nbsp;建议提案办理</div>\n");
    h.push_str(&format!("<div class=\"content\">\n<h1>{title}</h1>\n"));
    let date = c.gold.report_date.clone().unwrap_or_default();
    h.push_str(&format!(
        "<div class=\"info\">发布时间：{date}&nbsp;&nbsp;浏览次数：<span id=\"hits\">{}</span>&nbsp;&nbsp;【字体：大 中 小】</div>\n",
        rng.range(30, 9000)
    ));
    for p in &c.paragraphs {
        if p.contains('\n') {
            h.push_str(&html_table(p, entities));
        } else if rng.chance(0.1) {
            h.push_str(&format!(
                "<p><span style=\"font-family: 仿宋_GB2312;\">{}</span></p>\n",
                escape(p, entities)
            ));
        } else {
            h.push_str(&format!("<p>{}</p>\n", escape(p, entities)));
        }
    }
    h.push_str("</div>\n<div class=\"footer\">\n");
    for l in boilerplate_bottom(rng, c) {
        h.push_str(&format!("<p>{}</p>\n", escape(&l, false)));
    }
    h.push_str("</div>\n</body>\n</html>\n");
    c.gold.quirk("html");
    h
}

/// A plain-text table (rows with ｜ or |) as an HTML table; other lines as paragraphs.
fn html_table(p: &str, entities: bool) -> String {
    let mut h = String::new();
    let mut in_table = false;
    for line in p.lines() {
        let cells: Vec<&str> = line.split(['｜', '|']).map(str::trim).collect();
        if cells.len() > 1 {
            if !in_table {
                h.push_str("<table border=\"1\">\n");
                in_table = true;
            }
            h.push_str("<tr>");
            for cell in cells {
                h.push_str(&format!("<td>{}</td>", escape(cell, entities)));
            }
            h.push_str("</tr>\n");
        } else {
            if in_table {
                h.push_str("</table>\n");
                in_table = false;
            }
            h.push_str(&format!("<p>{}</p>\n", escape(line, entities)));
        }
    }
    if in_table {
        h.push_str("</table>\n");
    }
    h
}
