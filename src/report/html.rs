//! The report as one self-contained HTML page: figures inlined as SVG, styles inlined, no
//! script and no network request, so it can be opened, printed or mailed as a single file.
//!
//! Every piece of text is HTML-escaped ([`escape`]) before the little Markdown the report
//! uses (`code` spans, *emphasis*, `- ` lists) is turned into tags, so text from a scenario
//! file cannot inject markup.

/// Escapes `&`, `<`, `>`, `"` and `'` for HTML text and attribute values.
///
/// # Examples
/// ```
/// use escalation::report::escape_html;
/// assert_eq!(escape_html("<b>\"A&B\"</b>"), "&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;");
/// ```
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A line of the report's Markdown as HTML: escaped, then `` `code` `` spans and `*emphasis*`
/// (a pair of single stars around text that does not start or end with a space).
pub(crate) fn inline(text: &str) -> String {
    let escaped = escape(text);
    let parts: Vec<&str> = escaped.split('`').collect();
    // An odd number of backticks: the last one is literal.
    let unpaired_last = parts.len() % 2 == 0;
    let mut out = String::with_capacity(escaped.len());
    for (k, part) in parts.iter().enumerate() {
        if k % 2 == 1 && !(unpaired_last && k + 1 == parts.len()) {
            out.push_str("<code>");
            out.push_str(part);
            out.push_str("</code>");
        } else {
            if k % 2 == 1 {
                out.push('`');
            }
            out.push_str(&emphasis(part));
        }
    }
    out
}

fn emphasis(text: &str) -> String {
    let parts: Vec<&str> = text.split('*').collect();
    let mut out = String::with_capacity(text.len());
    let mut k = 0;
    while k < parts.len() {
        out.push_str(parts[k]);
        if k + 2 < parts.len() {
            let inner = parts[k + 1];
            let ok = !inner.is_empty()
                && !inner.starts_with(char::is_whitespace)
                && !inner.ends_with(char::is_whitespace);
            if ok {
                out.push_str("<em>");
                out.push_str(inner);
                out.push_str("</em>");
                k += 2;
                continue;
            }
        }
        if k + 1 < parts.len() {
            out.push('*');
        }
        k += 1;
    }
    out
}

/// A block of the report's Markdown as HTML: a list when every line starts with `- `, else a
/// paragraph (lines joined).
pub(crate) fn block(text: &str) -> String {
    let lines: Vec<&str> = text.trim().lines().collect();
    if !lines.is_empty() && lines.iter().all(|l| l.starts_with("- ")) {
        let items: String = lines
            .iter()
            .map(|l| format!("<li>{}</li>\n", inline(&l[2..])))
            .collect();
        format!("<ul>\n{items}</ul>\n")
    } else {
        let joined: Vec<String> = lines.iter().map(|l| inline(l.trim())).collect();
        format!("<p>{}</p>\n", joined.join("\n"))
    }
}

/// An `id` for a heading: lower-case letters and digits, runs of anything else as one `-`.
pub(crate) fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// An SVG document as an inline `<svg>` element: the XML declaration, if any, dropped.
pub(crate) fn inline_svg(svg: &str) -> &str {
    match (svg.trim_start().starts_with("<?xml"), svg.find("<svg")) {
        (true, Some(at)) => &svg[at..],
        _ => svg.trim_start(),
    }
}

/// Print-friendly, readable styles; nothing loaded from elsewhere.
const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;\
max-width:62rem;margin:2rem auto;padding:0 1.5rem;line-height:1.5;color:#1a1a1a;background:#fff}\
h1{font-size:1.8rem;margin-bottom:.3rem}h2{margin-top:2.5rem;border-bottom:1px solid #ccc;\
padding-bottom:.2rem}h3{margin-top:1.6rem}\
table{border-collapse:collapse;margin:1rem 0;font-size:.9rem;display:block;\
overflow-x:auto;max-width:100%}li{overflow-wrap:anywhere}\
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}\
th{background:#f3f3f3}td:first-child{min-width:11rem}td.n{text-align:right;font-variant-numeric:tabular-nums}\
figure{margin:1.2rem 0;break-inside:avoid}figure svg{max-width:100%;height:auto}\
figcaption{font-size:.9rem;color:#444}code{background:#f3f3f3;padding:0 .2rem}\
pre{background:#f3f3f3;padding:.6rem;overflow-x:auto;white-space:pre-wrap}\
nav ol{columns:2}@media print{body{margin:0;max-width:none}h2{break-after:avoid}}";

/// The whole page: `title` (escaped) as the document's title and first heading, a table of
/// contents built from `sections` (heading text, anchor), then `body` (already HTML).
pub(crate) fn page(title: &str, sections: &[(String, String)], body: &str) -> String {
    let toc: String = sections
        .iter()
        .map(|(text, id)| format!("<li><a href=\"#{id}\">{}</a></li>\n", inline(text)))
        .collect();
    let title = escape(title);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{title}</h1>\n\
         <nav><ol>\n{toc}</ol></nav>\n{body}</body>\n</html>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_text_is_escaped_before_formatting() {
        assert_eq!(
            inline("<script>alert(1)</script> `x<y` and *so*"),
            "&lt;script&gt;alert(1)&lt;/script&gt; <code>x&lt;y</code> and <em>so</em>"
        );
        assert_eq!(inline("2 * 3 * 4"), "2 * 3 * 4");
        assert_eq!(inline("a `b"), "a `b");
    }

    #[test]
    fn lists_and_slugs() {
        assert_eq!(
            block("- a\n- `b`"),
            "<ul>\n<li>a</li>\n<li><code>b</code></li>\n</ul>\n"
        );
        assert_eq!(slug("What calibration learned"), "what-calibration-learned");
        assert_eq!(slug("`no_ramp` minus baseline"), "no-ramp-minus-baseline");
    }

    #[test]
    fn xml_declaration_is_dropped() {
        assert_eq!(inline_svg("<?xml version=\"1.0\"?>\n<svg/>"), "<svg/>");
        assert_eq!(inline_svg("<svg/>"), "<svg/>");
    }
}
