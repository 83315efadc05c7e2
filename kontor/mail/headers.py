"""Reading header values of real-world mail: encoded words, 8-bit bytes, address lists and dates.

Pure functions from header text to plain data, shared by the message parser (kontor/mail/parsing.py)
and the forward finder (kontor/mail/forwards.py). Nothing here raises on odd input: a value that
cannot be read becomes "" or None, never an exception, because a mail is filed or refused as a
whole and one broken header must not sink the rest."""

from __future__ import annotations

import base64
import binascii
import codecs
import quopri
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from email.utils import getaddresses, parsedate_tz

# Longest header value we decode. A To header with a thousand recipients is about 40 KB; beyond
# this the value is an attack or a broken generator, and the cut keeps decoding linear and small.
MAX_HEADER_CHARS = 200_000

# A date before this is a broken clock (or the Unix epoch of a missing value).
EARLIEST_DATE = datetime(1980, 1, 1, tzinfo=UTC)
# Mail from the future beyond this is a broken clock too; two days allow for wrong time zones.
LATEST_AHEAD = timedelta(days=2)


@dataclass(frozen=True)
class MailAddress:
    """One address of a header: display name and address as written."""

    name: str  # display name, decoded (RFC 2047), "" when none
    email: str  # the address as written, stripped, no angle brackets

    @property
    def key(self) -> str:
        """What matching uses: lower-cased, and a "+tag" (sub-addressing) removed from the local part,
        so anna+shop@kunde.example finds the person stored as anna@kunde.example."""
        email = self.email.strip().lower()
        local, at, domain = email.rpartition("@")
        if not at:
            return email
        if "+" in local and not local.startswith("+"):
            local = local.split("+", 1)[0]
        return f"{local}@{domain}"


# --- charsets ---------------------------------------------------------------------------------

# Labels seen in real mail that Python does not know, or knows under a narrower meaning. Mail
# clients treat latin-1 as windows-1252 (the WHATWG rule): its 0x80-0x9F range holds the quotes,
# dashes and the euro sign that Outlook writes even when it labels the text ISO-8859-1. GB2312 and
# GBK text is routinely GB18030, Big5 is routinely Big5-HKSCS, and Shift_JIS is Windows' cp932.
CHARSET_ALIASES = {
    "utf8": "utf-8",
    "utf-8": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "ansi_x3.4-1968": "cp1252",
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "iso_8859-1": "cp1252",
    "latin-1": "cp1252",
    "latin1": "cp1252",
    "l1": "cp1252",
    "windows-1252": "cp1252",
    "cp1252": "cp1252",
    "x-cp1252": "cp1252",
    "gb2312": "gb18030",
    "gb_2312-80": "gb18030",
    "x-gbk": "gb18030",
    "gbk": "gb18030",
    "cp936": "gb18030",
    "chinese": "gb18030",
    "csgb2312": "gb18030",
    "euc-cn": "gb18030",
    "big5": "big5hkscs",
    "x-x-big5": "big5hkscs",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "ms_kanji": "cp932",
    "windows-31j": "cp932",
    "euc-kr": "cp949",
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "iso-8859-8-i": "iso-8859-8",
    "tis-620": "cp874",
    "windows-874": "cp874",
    "x-mac-roman": "mac_roman",
    "macintosh": "mac_roman",
}

# Labels that say "some unknown 8-bit text": we guess instead of trusting them.
UNKNOWN_CHARSETS = {"unknown-8bit", "unknown", "x-unknown", "x-user-defined", "default", "8bit", "none", "charset"}

# Charsets that write non-ASCII text in ASCII bytes (Japanese mail is routinely ISO-2022-JP).
SEVEN_BIT_CODECS = ("iso2022", "utf-7", "hz")

# Single-byte labels that are often a lie: text labelled so that is valid UTF-8 is read as UTF-8.
WEAK_CHARSETS = {"cp1252", "iso-8859-15", "iso8859-15", "latin-9"}


def codec_for(charset: str | None) -> str | None:
    """The Python codec for a charset label, or None when the label is missing, unknown or meaningless."""
    if not charset:
        return None
    label = charset.strip().strip("\"'").strip().lower()
    if not label or label in UNKNOWN_CHARSETS or len(label) > 40:
        return None
    label = CHARSET_ALIASES.get(label, label)
    try:
        info = codecs.lookup(label)
    except (LookupError, ValueError):
        return None
    # Transforms such as "base64" or "rot13" are codecs in Python but no text charset.
    if not getattr(info, "_is_text_encoding", True):
        return None
    return info.name


BROKEN_UTF8 = re.compile("[\udc80-\udcff]")
GOOD_NON_ASCII = re.compile("[^\x00-\x7f\udc80-\udcff]")


def _looks_like_utf8(data: bytes) -> bool:
    """True when the bytes decode as UTF-8 with more good multi-byte characters than broken bytes.

    The first megabyte decides: enough to judge, and a 25 MB part is not counted character by character."""
    text = data[:1_000_000].decode("utf-8", "surrogateescape")
    broken = len(BROKEN_UTF8.findall(text))
    good = len(GOOD_NON_ASCII.findall(text))
    return good > broken * 4


def decode_bytes(data: bytes, charset: str | None) -> tuple[str, str]:
    """Text of `data` in the labelled charset, and a short note when the label could not be trusted.

    A byte order mark at the start (Windows editors write one) is not part of the text."""
    text, note = _decode_bytes(data, charset)
    return text.removeprefix("\ufeff"), note


def _decode_bytes(data: bytes, charset: str | None) -> tuple[str, str]:
    """See decode_bytes.

    1. Pure ASCII needs no charset.
    2. A known label decodes strictly; a single-byte label on valid UTF-8 is a lie and UTF-8 wins.
    3. When the label is missing, unknown or wrong, UTF-8 is tried, then windows-1252, which
       decodes nearly every byte, with the few undefined ones replaced."""
    codec = codec_for(charset)
    if data.isascii() and not (codec and codec.startswith(SEVEN_BIT_CODECS)):
        return data.decode("ascii"), ""
    if codec and codec.startswith(SEVEN_BIT_CODECS):
        try:
            return data.decode(codec), ""
        except (UnicodeDecodeError, ValueError):
            codec = None
    label = (charset or "").strip().strip("\"'")[:40]
    if codec and codec != "utf-8":
        if codec in WEAK_CHARSETS and _is_utf8(data):
            return data.decode("utf-8"), f"text labelled {label} is UTF-8"
        try:
            return data.decode(codec), ""
        except (UnicodeDecodeError, LookupError, ValueError):
            pass
    elif codec == "utf-8" and _is_utf8(data):
        return data.decode("utf-8"), ""
    if _looks_like_utf8(data):
        note = f"text labelled {label} read as UTF-8" if label else "text without a charset read as UTF-8"
        if codec == "utf-8":
            note = "broken UTF-8 bytes replaced"
        return data.decode("utf-8", "replace"), note
    if codec and codec not in ("utf-8", "cp1252"):
        return data.decode(codec, "replace"), f"text not valid in {label}, broken bytes replaced"
    note = "" if codec == "cp1252" else f"text labelled {label} read as windows-1252" if label else (
        "text without a charset read as windows-1252")
    return data.decode("cp1252", "replace"), note


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def raw_to_text(value: str, charset_hint: str | None = None) -> str:
    """A header value as the email package hands it over (8-bit bytes as surrogate escapes) as text.

    Raw 8-bit headers are not allowed but common: UTF-8 mostly, windows-1252 from older clients."""
    if value.isascii():
        return value
    try:
        data = value.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return value.encode("utf-8", "replace").decode("utf-8")
    return decode_bytes(data, charset_hint)[0]


# --- encoded words (RFC 2047) -----------------------------------------------------------------

# An encoded word: =?charset?B|Q?text?=. Bounded parts and no nested repetition keep it linear.
ENCODED_WORD = re.compile(r"=\?([^?\s]{1,60})\?([bBqQ])\?([^?]{0,10000}?)\?=")
FOLDING = re.compile(r"\r?\n[ \t]*")
SPACE_RUN = re.compile(r"[ \t]+")


def _decode_word_bytes(encoding: str, text: str) -> bytes:
    if encoding in "bB":
        cleaned = re.sub(r"[^A-Za-z0-9+/]", "", text)
        cleaned = cleaned[: len(cleaned) - len(cleaned) % 4] if len(cleaned) % 4 == 1 else cleaned
        try:
            return base64.b64decode(cleaned + "=" * (-len(cleaned) % 4))
        except (binascii.Error, ValueError):
            return text.encode("ascii", "replace")
    return quopri.decodestring(text.replace("_", " ").encode("ascii", "replace"), header=False)


def decode_words(value: str) -> str:
    """Decode RFC 2047 encoded words anywhere in `value`, also broken and adjacent ones.

    Adjacent words of one charset are joined before decoding, because encoders split multi-byte
    characters across them; whitespace between encoded words is dropped as the RFC says; words
    glued into the middle of plain text (not allowed, but sent) are decoded too."""
    if "=?" not in value:
        return value
    pieces: list[str] = []
    pending: bytearray = bytearray()
    pending_charset: str | None = None
    position = 0

    def flush() -> None:
        nonlocal pending, pending_charset
        if pending:
            pieces.append(decode_bytes(bytes(pending), pending_charset or "utf-8")[0])
        pending = bytearray()
        pending_charset = None

    for match in ENCODED_WORD.finditer(value):
        between = value[position : match.start()]
        charset = match.group(1).split("*", 1)[0]
        if between and not (pending and between.isspace()):
            flush()
            pieces.append(between)
        if pending and _same_charset(charset, pending_charset):
            pass
        elif pending:
            flush()
        pending_charset = charset
        pending += _decode_word_bytes(match.group(2), match.group(3))
        position = match.end()
    flush()
    pieces.append(value[position:])
    return "".join(pieces)


def _same_charset(first: str, second: str | None) -> bool:
    return (codec_for(first) or first.lower()) == (codec_for(second) or (second or "").lower())


def clean_line(text: str) -> str:
    """One line of text: control characters out, whitespace runs collapsed."""
    text = "".join(" " if unicodedata.category(char) == "Cc" else char for char in text)
    return SPACE_RUN.sub(" ", text).strip()


def header_text(value: str | None, charset_hint: str | None = None) -> str:
    """The readable text of an unstructured header such as Subject, from its raw value."""
    if not value:
        return ""
    value = FOLDING.sub(" ", str(value)[:MAX_HEADER_CHARS])
    return clean_line(decode_words(raw_to_text(value, charset_hint)))


# --- addresses --------------------------------------------------------------------------------

OUTLOOK_MAILTO = re.compile(r"\[\s*mailto:\s*([^\]\s]{1,320})\s*\]", re.IGNORECASE)
LOOSE_ADDRESS = re.compile(r"[^\s<>,;:\"'()\[\]@]{1,64}@[A-Za-z0-9.\-\[\]:]{1,253}")
# Longest address list we parse: about 2,500 recipients. The stdlib's address parser is pure Python
# and slow on pathological input; beyond this a list is an attack, not a mail to a team.
MAX_ADDRESS_LIST_CHARS = 100_000


def parse_addresses(value: str | None, charset_hint: str | None = None) -> list[MailAddress]:
    """The addresses of an address header (From, To, Cc, ...), names decoded.

    The list is parsed before encoded words are decoded, so a comma inside an encoded name does not
    split it. Outlook's `Name [mailto:a@b]` is understood; when the list is too broken to parse,
    anything shaped like an address is picked up so that no recipient is silently lost."""
    if not value:
        return []
    text = FOLDING.sub(" ", raw_to_text(str(value)[:MAX_ADDRESS_LIST_CHARS], charset_hint))
    text = OUTLOOK_MAILTO.sub(r"<\1>", text)
    text = "".join(" " if unicodedata.category(char) == "Cc" else char for char in text)
    addresses: list[MailAddress] = []
    seen: set[str] = set()
    try:
        pairs = getaddresses([text])
    except Exception:  # the stdlib parser has raised IndexError and friends on odd input
        pairs = []
    for name, email in pairs:
        email = email.strip().strip("<>").strip()
        if "@" not in email or len(email) > 320 or " " in email:
            continue
        if email.lower() not in seen:
            seen.add(email.lower())
            addresses.append(MailAddress(name=clean_line(decode_words(name)).strip("\"' "), email=email))
    if not addresses and "@" in text:
        for match in LOOSE_ADDRESS.finditer(text):
            email = match.group(0).strip(".")
            if email.lower() not in seen:
                seen.add(email.lower())
                addresses.append(MailAddress(name="", email=email))
    return addresses


# --- message ids ------------------------------------------------------------------------------

ANGLE_ID = re.compile(r"<([^<>\s]{1,998})>")


def message_ids(value: str | None) -> list[str]:
    """The message ids in a Message-ID, In-Reply-To or References value, without angle brackets."""
    if not value:
        return []
    text = clean_line(FOLDING.sub(" ", raw_to_text(str(value)[:MAX_HEADER_CHARS])))
    found = [match.group(1)[:300] for match in ANGLE_ID.finditer(text)]
    if not found and text:
        found = [text.split()[0].strip("<>")[:300]]
    return [found_id for found_id in found if found_id]


# --- dates ------------------------------------------------------------------------------------

ZONE_OFFSETS = {
    "UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "WEST": 1, "BST": 1, "CET": 1, "MEZ": 1,
    "CEST": 2, "MESZ": 2, "EET": 2, "OEZ": 2, "EEST": 3, "OESZ": 3, "MSK": 3,
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    "JST": 9, "KST": 9, "HKT": 8, "SGT": 8, "AEST": 10, "AEDT": 11,
}
MONTHS = {
    "jan": 1, "januar": 1, "january": 1, "jän": 1, "jänner": 1, "feb": 2, "februar": 2, "february": 2,
    "mar": 3, "mär": 3, "märz": 3, "maerz": 3, "march": 3, "mrz": 3, "apr": 4, "april": 4,
    "may": 5, "mai": 5, "jun": 6, "juni": 6, "june": 6, "jul": 7, "juli": 7, "july": 7,
    "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9, "oct": 10, "okt": 10, "oktober": 10,
    "october": 10, "nov": 11, "november": 11, "dec": 12, "dez": 12, "dezember": 12, "december": 12,
}
DATE_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
NUMERIC_DATE = re.compile(r"\b(\d{1,4})[./-](\d{1,2})[./-](\d{1,4})\b")
TIME = re.compile(r"\b(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp])\.?\s*[Mm]\.?)?")
OFFSET = re.compile(r"(?:^|[\s(])(?:UTC|GMT)?([+-])(\d{2}):?(\d{2})\b")
MERIDIEM = re.compile(r"\d\s*[AaPp]\.?\s*[Mm]\b")
ZONE_WORD = re.compile(r"\b([A-Z]{1,4})\b")


def sane_date(moment: datetime | None, now: datetime | None = None) -> datetime | None:
    """`moment` in UTC, or None when it is before 1980 or more than two days in the future."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        moment = moment.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    now = now or datetime.now(UTC)
    if moment < EARLIEST_DATE or moment > now + LATEST_AHEAD:
        return None
    return moment


def parse_date(value: str | None, default_zone: timezone | None = None) -> datetime | None:
    """An aware UTC datetime from a Date header or a forwarded mail's "Gesendet:" line, or None.

    Handles RFC 5322 (with obsolete zone names), ISO 8601, "03.11.2025 10:15", and the spelled-out
    forms of Outlook, Apple Mail and Gmail in German and English ("Montag, 3. November 2025 10:15",
    "Mon, Nov 3, 2025 at 10:15 AM"). Without a zone the time is read in `default_zone` (the
    forwarder's own zone, from the outer Date header), else UTC."""
    if not value:
        return None
    text = clean_line(raw_to_text(str(value)[:300]))
    if not text:
        return None
    return sane_date(_rfc5322_date(text, default_zone) or _iso_date(text, default_zone)
                     or _loose_date(text, default_zone))


def zone_of_date(value: str | None) -> timezone | None:
    """The zone a Date header was written in (the sender's own), to read zone-less dates of the same mail."""
    if not value:
        return None
    moment = _rfc5322_date(clean_line(raw_to_text(str(value)[:300])))
    return moment.tzinfo if moment is not None and isinstance(moment.tzinfo, timezone) else None


def _rfc5322_date(text: str, default_zone: timezone | None = None) -> datetime | None:
    if MERIDIEM.search(text):  # "4:15 PM" is Outlook's English, which parsedate would read as 04:15
        return None
    simplified = re.sub(r"\([^)]*\)", " ", text).strip()
    zone_name = re.search(r"\b([A-Z]{3,4})$", simplified)
    if zone_name and zone_name.group(1) in ZONE_OFFSETS and not OFFSET.search(simplified):
        hours = ZONE_OFFSETS[zone_name.group(1)]
        simplified = simplified[: zone_name.start()] + f"{'+' if hours >= 0 else '-'}{abs(hours):02d}00"
    try:
        parts = parsedate_tz(simplified)
    except Exception:  # parsedate_tz has raised on odd input in past Python versions
        return None
    if not parts or not re.search(r"\d{1,2}:\d{2}", simplified):
        return None
    year, month, day, hour, minute, second = parts[:6]
    try:
        zone = timezone(timedelta(seconds=parts[9])) if parts[9] is not None else (default_zone or UTC)
        return datetime(year, month, day, hour, minute, min(second, 59), tzinfo=zone)
    except (ValueError, OverflowError):  # day 31 of February, or a zone of +9100
        return None


def _iso_date(text: str, default_zone: timezone | None = None) -> datetime | None:
    if not re.match(r"^\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        moment = datetime.fromisoformat(text.replace(" UTC", "+00:00").replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=default_zone or UTC)


def _loose_date(text: str, default_zone: timezone | None) -> datetime | None:
    year = month = day = None
    numeric = NUMERIC_DATE.search(text)
    if numeric:
        first, second, third = (int(group) for group in numeric.groups())
        if len(numeric.group(1)) == 4:
            year, month, day = first, second, third
        elif "." in numeric.group(0):  # German: day.month.year
            day, month, year = first, second, third
        else:  # 11/03/2025 is American: month/day/year, unless the first cannot be a month
            month, day, year = (first, second, third) if first <= 12 else (second, first, third)
    else:
        for word in DATE_WORD.findall(text):
            if word.lower().rstrip(".") in MONTHS:
                month = MONTHS[word.lower().rstrip(".")]
                break
        numbers = [int(number) for number in re.findall(r"(?<![:\d])(\d{1,4})(?![:\d])", TIME.sub(" ", text))]
        years = [number for number in numbers if number >= 1000]
        days = [number for number in numbers if 1 <= number <= 31]
        if years:
            year = years[0]
        if days:
            day = days[0]
    if not (year and month and day):
        return None
    if year < 100:
        year += 2000 if year < 70 else 1900
    hour = minute = second = 0
    time_match = TIME.search(text[numeric.end() :] if numeric else text)
    if time_match:
        hour, minute = int(time_match.group(1)), int(time_match.group(2))
        second = int(time_match.group(3) or 0)
        meridiem = (time_match.group(4) or "").lower()
        if meridiem == "p" and hour < 12:
            hour += 12
        elif meridiem == "a" and hour == 12:
            hour = 0
    try:
        return datetime(year, month, day, hour, minute, min(second, 59), tzinfo=_zone_in(text, default_zone))
    except (ValueError, OverflowError):  # no such day or hour, or a zone beyond a day
        return None


def _zone_in(text: str, default_zone: timezone | None) -> timezone:
    offset = OFFSET.search(text)
    if offset:
        minutes = int(offset.group(2)) * 60 + int(offset.group(3))
        return timezone(timedelta(minutes=minutes if offset.group(1) == "+" else -minutes))
    for word in ZONE_WORD.findall(text):
        if word in ZONE_OFFSETS:
            return timezone(timedelta(hours=ZONE_OFFSETS[word]))
    return default_zone or UTC
