"""Names a browser from its User-Agent header in words a user recognises ("Firefox on Windows").

Only the common browsers and systems are told apart; anything else is "Unknown browser" or
"unknown system". The order of the checks matters: Edge and Opera also call themselves Chrome,
Chrome also calls itself Safari, and iPhones also say "like Mac OS X"."""

from __future__ import annotations

from django.utils.translation import gettext as _

BROWSERS = [("Edg/", "Edge"), ("EdgA/", "Edge"), ("EdgiOS/", "Edge"), ("OPR/", "Opera"), ("Opera", "Opera"),
            ("SamsungBrowser/", "Samsung Internet"), ("Firefox/", "Firefox"), ("FxiOS/", "Firefox"),
            ("CriOS/", "Chrome"), ("Chromium/", "Chromium"), ("Chrome/", "Chrome"), ("Safari/", "Safari"),
            ("curl/", "curl"), ("python-requests/", "Python")]
SYSTEMS = [("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"), ("CrOS", "ChromeOS"),
           ("Windows", "Windows"), ("Mac OS X", "macOS"), ("Macintosh", "macOS"), ("Linux", "Linux")]


def _first(user_agent: str, table: list[tuple[str, str]]) -> str:
    return next((name for marker, name in table if marker in user_agent), "")


def describe_device(user_agent: str) -> str:
    browser, system = _first(user_agent, BROWSERS), _first(user_agent, SYSTEMS)
    if browser and system:
        return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    if browser:
        return browser
    if system:
        return _("A browser on %(system)s") % {"system": system}
    return _("Unknown browser")
