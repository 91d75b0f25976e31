//! Weiling follow-up `content` is HTML from its rich-text editor. Reps read it as plain text:
//! tags go, block ends and `<br>` become line breaks, entities are decoded, and runs of blank
//! lines collapse. Nothing here renders HTML, so no markup can reach the page.

/// Plain, readable text from an HTML fragment.
pub fn to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&decode_entities(&rest[..lt]));
        let after = &rest[lt + 1..];
        // Only `<x`, `</` and `<!` open a tag; "a < b" is text.
        let opens_tag = after
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!');
        match after.find('>').filter(|_| opens_tag) {
            Some(gt) => {
                let tag = after[..gt].trim().to_ascii_lowercase();
                let name: String = tag
                    .trim_start_matches('/')
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect();
                if matches!(name.as_str(), "script" | "style") && !tag.starts_with('/') {
                    // Skip the element's body entirely.
                    let close = format!("</{name}");
                    let body = &after[gt + 1..];
                    match body.to_ascii_lowercase().find(&close) {
                        Some(end) => {
                            let tail = &body[end..];
                            rest = tail.find('>').map_or("", |i| &tail[i + 1..]);
                        }
                        None => rest = "",
                    }
                    continue;
                }
                if is_line_break(&name, tag.starts_with('/')) {
                    out.push('\n');
                }
                rest = &after[gt + 1..];
            }
            None => {
                // A lone '<' is text, not a tag.
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(&decode_entities(rest));
    tidy(&out)
}

fn is_line_break(name: &str, closing: bool) -> bool {
    match name {
        "br" => true,
        "p" | "div" | "li" | "tr" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "blockquote" | "pre" => closing,
        _ => false,
    }
}

fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let decoded = after
            .find(';')
            .filter(|&semi| semi <= 10)
            .and_then(|semi| entity(&after[..semi]).map(|c| (c, semi)));
        match decoded {
            Some((c, semi)) => {
                out.push(c);
                rest = &after[semi + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" | "#39" => '\'',
        "nbsp" | "ensp" | "emsp" => ' ',
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            return char::from_u32(code);
        }
    })
}

/// Trims each line, drops leading/trailing blank lines and keeps at most one blank line.
fn tidy(text: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    for line in text.lines() {
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if line.is_empty() && lines.last().is_none_or(|l| l.is_empty()) {
            continue;
        }
        lines.push(line);
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_tags_and_keeps_lines() {
        let html = "<p>客户确认&nbsp;<b>下周</b>签约</p><p>预算 &lt; 50 万 &amp; 需要发票</p><br/><ul><li>一</li><li>二</li></ul>";
        // The `<br/>` after a paragraph is one blank line; more collapse to one.
        assert_eq!(to_text(html), "客户确认 下周签约\n预算 < 50 万 & 需要发票\n\n一\n二");
        assert_eq!(to_text("<p>a</p><br><br><br><p>b</p>"), "a\n\nb");
    }

    #[test]
    fn plain_text_passes_through() {
        assert_eq!(to_text("787878"), "787878");
        assert_eq!(to_text("a < b and c>d"), "a < b and c>d");
        assert_eq!(to_text("AT&T &unknown; &#20320;&#x597D;"), "AT&T &unknown; 你好");
    }

    #[test]
    fn drops_scripts_and_styles() {
        assert_eq!(to_text("<style>p{color:red}</style>hi<script>alert(1)</script>!"), "hi!");
    }
}
