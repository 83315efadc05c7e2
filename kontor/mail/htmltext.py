"""The HTML of an e-mail: its readable plain text, and a cleaned copy that is safe to show.

Cleaning is nh3's job (no scripts, no event handlers, no forms, no frames). On top of it, remote
images are held back: a newsletter's pixel must not tell its sender that, when and where the mail
was read. Their URLs move to `data-remote-*` attributes, so the page can offer "load images"
without the server fetching anything. `cid:` images stay; the filing side points them at the
stored attachments."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import nh3

# The tags an e-mail needs for its layout, without anything that acts, loads or submits.
ALLOWED_TAGS = (set(nh3.ALLOWED_TAGS) | {"font", "tfoot", "address", "section", "main", "article"}) - {"map", "area"}
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    **{tag: set(values) for tag, values in nh3.ALLOWED_ATTRIBUTES.items()},
    "*": {"style", "title", "dir", "lang", "align", "valign", "width", "height", "bgcolor", "class"},
    "a": {"href", "hreflang", "title", "name"},
    "img": {"src", "srcset", "alt", "width", "height", "align", "border", "hspace", "vspace"},
    "font": {"color", "face", "size"},
    "table": {"summary", "align", "border", "cellpadding", "cellspacing", "width", "bgcolor", "background"},
    "td": {"headers", "colspan", "rowspan", "align", "valign", "width", "bgcolor", "background", "nowrap"},
    "th": {"headers", "colspan", "rowspan", "align", "valign", "width", "bgcolor", "background", "scope"},
    "tr": {"align", "valign", "bgcolor", "background"},
    "div": {"background"},
    "ol": {"start", "type"},
    "ul": {"type"},
}
# Layout and typography only: nothing that positions over the page or fetches (no url()).
SAFE_STYLE_PROPERTIES = {
    "color", "background-color", "font", "font-family", "font-size", "font-style", "font-weight",
    "text-align", "text-decoration", "text-indent", "text-transform", "line-height", "letter-spacing",
    "vertical-align", "white-space", "width", "max-width", "min-width", "height", "max-height",
    "margin", "margin-top", "margin-right", "margin-bottom", "margin-left",
    "padding", "padding-top", "padding-right", "padding-bottom", "padding-left",
    "border", "border-top", "border-right", "border-bottom", "border-left", "border-color",
    "border-style", "border-width", "border-collapse", "border-spacing", "border-radius",
    "list-style-type", "display", "direction", "word-break", "overflow-wrap",
}
URL_SCHEMES = {"http", "https", "mailto", "tel", "cid", "data"}
REMOTE = re.compile(r"^\s*(?:https?:)?//", re.IGNORECASE)
# Attributes that make a browser fetch by themselves, and where their URL is kept instead.
FETCHING_ATTRIBUTES = {"src": "data-remote-src", "srcset": "data-remote-srcset", "background": "data-remote-background"}


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """nh3's per-attribute hook: data: URLs only for images (never a data: link), no url() in styles."""
    lowered = value.strip().lower()
    if attribute == "href" and lowered.startswith("data:"):
        return None
    if attribute in ("src", "srcset") and lowered.startswith("data:") and not lowered.startswith("data:image/"):
        return None
    if attribute == "style" and ("url(" in lowered or "expression(" in lowered or "\\" in lowered):
        return None
    if attribute == "srcset" and not REMOTE.match(value):
        return None
    if attribute in ("src", "background") and not (REMOTE.match(value) or lowered.startswith(("cid:", "data:image/"))):
        return None  # a relative source would load from Kontor itself: a forged request in the reader's name
    return value


def _absolute_or_nothing(url: str) -> str | None:
    """A mail has no base URL: a relative link or image would point into Kontor itself (a forged
    request in the reader's name), so it goes. Only scheme-relative `//host/...` is kept, as https."""
    return f"https:{url}" if url.startswith("//") else None


def clean_html(markup: str) -> tuple[str, bool]:
    """Safe HTML for showing the mail, and whether remote images were held back."""
    if not markup.strip():
        return "", False
    cleaned = nh3.clean(
        markup,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style", "title", "head", "template", "noscript", "textarea", "select"},
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        url_schemes=URL_SCHEMES,
        url_relative=_absolute_or_nothing,
        link_rel="noopener noreferrer",
        set_tag_attribute_values={"a": {"target": "_blank"}},
        filter_style_properties=SAFE_STYLE_PROPERTIES,
        strip_comments=True,
    )
    return _hold_remote_images(cleaned)


# nh3's serialiser writes every tag alike: known names, attribute values always in double quotes
# (a quote inside written as &quot;), and any "<" in text as &lt;. These patterns rely on that.
TAG = re.compile(r'<([a-zA-Z][a-zA-Z0-9]*)((?:\s+[^\s=/>"]+(?:="[^"]*")?)*)(\s*/?)>')
FETCHING = re.compile(r'(\s)(src|srcset|background)="([^"]*)"')
LEFT_OVER = re.compile(r'\s(?:src|background)="\s*(?:https?:)?//|\ssrcset="', re.IGNORECASE)


def _hold_remote_images(cleaned: str) -> tuple[str, bool]:
    """Rename the fetching attributes of remote images in nh3's output.

    1. Every tag is matched whole, so an attribute is only ever seen inside its own tag.
    2. A check over the whole result must find no remote URL left in a fetching attribute; should
       one slip past (it cannot with nh3's serialiser, but the cost of being wrong is a tracking
       pixel), the slower parser-based rewrite runs instead."""
    found = False

    def rename(match: re.Match[str]) -> str:
        nonlocal found
        value = html.unescape(match.group(3))
        if match.group(2) == "srcset" or REMOTE.match(value):
            found = True
            return f'{match.group(1)}{FETCHING_ATTRIBUTES[match.group(2)]}="{match.group(3)}"'
        return match.group(0)

    def rewrite(tag: re.Match[str]) -> str:
        if "src" not in tag.group(2) and "background" not in tag.group(2):
            return tag.group(0)
        return f"<{tag.group(1)}{FETCHING.sub(rename, tag.group(2))}{tag.group(3)}>"

    result = TAG.sub(rewrite, cleaned)
    if LEFT_OVER.search(result):
        holder = _RemoteImageHolder()
        holder.feed(cleaned)
        holder.close()
        return "".join(holder.out), holder.found_remote
    return result, found


class _RemoteImageHolder(HTMLParser):
    """Re-writes nh3's output (well-formed and normalised, so a simple parser reads it exactly as a
    browser would) with every fetching attribute that points off the mail renamed."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.found_remote = False

    def _tag(self, tag: str, attrs: list[tuple[str, str | None]], closing: str) -> str:
        parts = [tag]
        for name, value in attrs:
            value = value or ""
            if name in FETCHING_ATTRIBUTES and (REMOTE.match(value) or name == "srcset"):
                self.found_remote = True
                name = FETCHING_ATTRIBUTES[name]
            parts.append(f'{name}="{html.escape(value, quote=True)}"')
        return f"<{' '.join(parts)}{closing}>"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self._tag(tag, attrs, ""))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self._tag(tag, attrs, " /"))

    def handle_endtag(self, tag: str) -> None:
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.out.append(data)

    def handle_entityref(self, name: str) -> None:
        self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.out.append(f"&#{name};")


# --- HTML to text -----------------------------------------------------------------------------

BLOCK_TAGS = {
    "p", "div", "section", "article", "header", "footer", "main", "aside", "nav", "address",
    "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "table", "tr", "blockquote", "pre",
    "hr", "center", "form", "fieldset", "figure", "figcaption", "details", "summary", "dd", "dt",
}
SKIPPED_TAGS = {"script", "style", "head", "title", "template", "noscript", "svg", "object", "iframe", "select"}
# What the text conversion needs to see; everything else is unwrapped to its text by nh3.
TEXT_TAGS = BLOCK_TAGS | {"br", "li", "td", "th", "a", "img", "span", "b", "i", "u", "em", "strong", "tbody", "thead",
                          "tfoot", "font", "code", "small", "sup", "sub"}
VOID_TAGS = {"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "embed", "source", "track", "wbr"}
BLANK_LINES = re.compile(r"\n{3,}")
# Links worth printing after their text; javascript:, cid: and in-page anchors are not.
SHOWN_LINK = re.compile(r"^(?:https?://|mailto:|tel:|www\.)", re.IGNORECASE)


def html_to_text(markup: str) -> str:
    """Readable plain text of an HTML mail: paragraphs and line breaks kept, list items as "- item",
    table cells side by side, links as "text (url)", and nothing of scripts or styles."""
    if not markup.strip():
        return ""
    # html5ever (inside nh3) first: it reads broken HTML as a browser does and writes it back
    # well-formed. The stdlib's HTMLParser rescans unclosed tags, so raw "1<From1<From..." took
    # time growing with the square of its length; on nh3's output it makes one pass.
    markup = nh3.clean(
        markup, tags=TEXT_TAGS, clean_content_tags=SKIPPED_TAGS, attributes={"a": {"href"}, "img": {"alt"}},
        url_schemes=URL_SCHEMES, link_rel=None, strip_comments=True,
    )
    converter = _TextConverter()
    try:
        converter.feed(markup)
        converter.close()
    except Exception:  # HTMLParser is lenient, but a parser bug must not lose the mail's text
        return html.unescape(re.sub(r"<[^<>]{0,10000}>", " ", markup)).strip()
    lines = "".join(converter.out).split("\n")
    lines = [line.rstrip(" \t") if line.startswith(">") else line.rstrip(" \t").lstrip(" ") for line in lines]
    return BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


class _TextConverter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip_depth = 0
        self.skip_tag = ""
        self.pre_depth = 0
        self.quote_depth = 0
        self.lists: list[list[int]] = []  # per open list: [is_ordered, next number]
        self.links: list[tuple[str, int]] = []  # (href, position in out where its text starts)
        self.first_cell = True

    def _newline(self, count: int = 1) -> None:
        """End the current line so that `count` line breaks separate it from what follows."""
        if not self.out:
            return
        tail = "".join(self.out[-4:]).rstrip(" >\t")
        have = len(tail) - len(tail.rstrip("\n"))
        for _ in range(count - have):
            self.out.append("\n" + "> " * self.quote_depth)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skip_depth and self.skip_tag == "head" and tag == "body":
            self.skip_depth = 0  # a <head> never closed ends where the body begins, as in a browser
        if self.skip_depth:
            if tag == self.skip_tag:
                self.skip_depth += 1
            return
        if tag in SKIPPED_TAGS:
            self.skip_depth, self.skip_tag = 1, tag
            return
        values = dict(attrs)
        if tag == "br":
            self.out.append("\n" + "> " * self.quote_depth)
        elif tag in ("ul", "ol"):
            self._newline()
            self.lists.append([tag == "ol", 1])
        elif tag == "li":
            self._newline()
            indent = "  " * max(0, len(self.lists) - 1)
            if self.lists and self.lists[-1][0]:
                self.out.append(f"{indent}{self.lists[-1][1]}. ")
                self.lists[-1][1] += 1
            else:
                self.out.append(f"{indent}- ")
        elif tag == "blockquote":
            self._newline(2)
            self.quote_depth += 1
            self.out.append("> ")
        elif tag == "hr":
            self._newline()
            self.out.append("----------\n")
        elif tag in BLOCK_TAGS:
            self._newline(2 if tag in ("p", "h1", "h2", "h3", "table", "pre") else 1)
            if tag == "pre":
                self.pre_depth += 1
            if tag == "tr":
                self.first_cell = True
        elif tag in ("td", "th"):
            if not self.first_cell:
                self.out.append("\t")
            self.first_cell = False
        elif tag == "a":
            self.links.append((values.get("href") or "", len(self.out)))
        elif tag == "img":
            alt = (values.get("alt") or "").strip()
            if alt:
                self.out.append(alt)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.skip_depth:
            if tag == self.skip_tag:
                self.skip_depth -= 1
            return
        if tag in ("ul", "ol"):
            if self.lists:
                self.lists.pop()
            self._newline()
        elif tag == "blockquote":
            self.quote_depth = max(0, self.quote_depth - 1)
            self._newline(2)
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            label = "".join(self.out[start:]).strip()
            target = href.strip()
            shown = target[7:] if target.lower().startswith("mailto:") else target
            # Outlook writes [<a href="mailto:x">mailto:x</a>]: a label that already says the address is enough.
            if SHOWN_LINK.match(target) and shown.lower() not in label.lower():
                if label:
                    self.out.append(f" ({shown})")
                else:
                    self.out.append(shown)
        elif tag in BLOCK_TAGS:
            if tag == "pre":
                self.pre_depth = max(0, self.pre_depth - 1)
            self._newline(2 if tag in ("p", "h1", "h2", "h3", "table", "pre") else 1)

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            return
        if self.pre_depth:
            self.out.append(data)
            return
        text = re.sub(r"\s+", " ", data)
        if not text.strip() and (not self.out or self.out[-1].endswith(("\n", " ", "\t"))):
            return
        if self.out and self.out[-1].endswith(("\n", "> ")):
            text = text.lstrip()
        self.out.append(text)
