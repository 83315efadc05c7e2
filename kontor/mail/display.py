"""Showing a filed e-mail's HTML: pure string work on the HTML that filing stored (already cleaned
with nh3, remote images held back in data-remote-* attributes by kontor.mail.htmltext).

The page that shows it adds a strict Content-Security-Policy on top (views.html_version), so even
a slip in the cleaning could neither run a script nor fetch anything from elsewhere."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

# data-remote-src="…" (and srcset, background): where kontor.mail.htmltext parked remote URLs.
REMOTE_ATTRIBUTE = re.compile(r"""\sdata-remote-(src|srcset|background)\s*=\s*("[^"]*"|'[^']*')""", re.IGNORECASE)
CID_SOURCE = re.compile(r"""(\ssrc\s*=\s*)(["'])cid:([^"']*)\2""", re.IGNORECASE)


def show_remote_images(html: str) -> str:
    """The HTML with the held-back image addresses put back in place (after "Show images")."""
    return REMOTE_ATTRIBUTE.sub(lambda match: f" {match.group(1).lower()}={match.group(2)}", html)


def link_inline_images(html: str, inline_files: Mapping[str, int], url_of: Callable[[int], str]) -> str:
    """`src="cid:…"` images pointed at the stored attachments (`inline_files` maps a Content-ID
    to an attachment id); a cid without a stored file stays, and shows as a missing image."""
    def replace(match: re.Match[str]) -> str:
        content_id = match.group(3).strip().strip("<>")
        attachment_id = inline_files.get(content_id)
        if attachment_id is None:
            return match.group(0)
        return f'{match.group(1)}"{url_of(attachment_id)}"'
    return CID_SOURCE.sub(replace, html)


def csp(show_images: bool) -> str:
    """No scripts, no forms, no frames, nothing loaded from elsewhere; images from Kontor itself
    (the inline images), and from anywhere once the reader asked for them."""
    images = "'self' https: http: data:" if show_images else "'self' data:"
    return (f"default-src 'none'; img-src {images}; style-src 'unsafe-inline'; font-src 'none'; "
            "form-action 'none'; frame-ancestors 'self'; base-uri 'none'; sandbox allow-same-origin "
            "allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation")
