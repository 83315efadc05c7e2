"""Single values from imported files: dates, tags, names, salutations and cells as text.

Pure functions without Django models. A value that cannot be understood raises `ValueProblem`
whose text is a translated message for the import report; the caller names the column.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

# Excel counts days from 1899-12-30 (day 60 is the 29 February 1900 that never was; using the
# 30th as day 0 makes every serial after it right, which is all a birthday needs).
EXCEL_EPOCH = datetime.date(1899, 12, 30)
# Serials between these are plausible dates (1900-01-01 .. 2199-12-31); anything else is a number.
EXCEL_SERIAL_RANGE = (1, 109574)
EARLIEST_YEAR = 1850


class ValueProblem(ValueError):
    """str(problem) is a translated message saying what is wrong with one value."""


def cell_text(cell: object) -> str:
    """A cell as the text a person would read in it.

    Numbers that are whole come without ".0" (spreadsheets store zip codes and phone numbers as
    floats: 1234.0 is "1234", 4917112345678.0 is "4917112345678"); dates come as ISO dates.
    """
    if cell is None:
        return ""
    if isinstance(cell, str):
        return cell.strip()
    if isinstance(cell, bool):
        return _("yes") if cell else _("no")
    if isinstance(cell, float):
        if cell.is_integer() and abs(cell) < 1e16:
            return str(int(cell))
        return repr(cell)
    if isinstance(cell, int):
        return str(cell)
    if isinstance(cell, datetime.datetime):
        if cell.time() == datetime.time(0, 0):
            return cell.date().isoformat()
        return cell.isoformat(sep=" ", timespec="minutes")
    if isinstance(cell, datetime.date | datetime.time):
        return cell.isoformat()
    return str(cell).strip()


def is_empty(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


# --- dates ---------------------------------------------------------------------------------

DOTTED = re.compile(r"^(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{2}|\d{4})$")
ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
ISO_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})$")
YEAR_FIRST_SLASHED = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$")
TIME_TAIL = re.compile(r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2}|[AaPp][Mm])?)$")
WORDY = re.compile(r"^(\d{1,2})\.?\s+([A-Za-zÄÖÜäöüé]+)\.?,?\s+(\d{4})$")
WORDY_MONTH_FIRST = re.compile(r"^([A-Za-zÄÖÜäöüé]+)\.?\s+(\d{1,2}),?\s+(\d{4})$")
# Outlook writes these for "no birthday".
NO_DATE = {"0.0.00", "00.00.0000", "0/0/00", "00/00/0000", "0000-00-00", "1.1.4501", "1/1/4501"}
MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("januar", "jan", "january", "jänner", "jän"),
            ("februar", "feb", "february", "febr"),
            ("märz", "mär", "mrz", "march", "mar"),
            ("april", "apr"),
            ("mai", "may"),
            ("juni", "jun", "june"),
            ("juli", "jul", "july"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("oktober", "okt", "october", "oct"),
            ("november", "nov"),
            ("dezember", "dez", "december", "dec"),
        ],
        start=1,
    )
    for name in names
}


def _full_year(year: int, digits: int, today: datetime.date) -> int:
    """Two-digit years are read as the latest year not after today ("70" is 1970, "05" 2005):
    the dates imported here (birthdays, founding dates) lie in the past."""
    if digits == 4:
        return year
    return 2000 + year if 2000 + year <= today.year else 1900 + year


def _make_date(text: str, year: int, month: int, day: int) -> datetime.date:
    try:
        value = datetime.date(year, month, day)
    except ValueError:
        raise ValueProblem(_("“%(value)s” is not a valid date.") % {"value": text}) from None
    if year < EARLIEST_YEAR:
        raise ValueProblem(_("“%(value)s” is not a valid date.") % {"value": text})
    return value


def slash_order(values: Iterable[object]) -> str | None:
    """"dmy" or "mdy" when the slashed dates of a column show which comes first (a part above 12
    can only be the day), None when no value tells. Lets "03/04/1970" be read like its column."""
    for value in values:
        if isinstance(value, str):
            match = SLASHED.match(TIME_TAIL.sub("", value.strip()))
            if match:
                first, second = int(match.group(1)), int(match.group(2))
                if first > 12 >= second:
                    return "dmy"
                if second > 12 >= first:
                    return "mdy"
    return None


def parse_date(value: object, order: str | None = None, today: datetime.date | None = None) -> datetime.date | None:
    """A date from a cell: a date or datetime cell, an Excel serial number, or text written as
    17.03.1970, 17.3.70, 1970-03-17, 19700317, 17. März 1970, March 17, 1970, or with slashes
    (03/17/1970, 17/03/1970) when the order is clear from the value itself or from `order`
    ("dmy"/"mdy", see `slash_order`). Empty cells and Outlook's "0.0.00" give None.

    Raises ValueProblem for text that is not a date, an impossible date (31.02.1970) or an
    ambiguous one (03/04/1970 without `order`).
    """
    today = today or datetime.date.today()
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, bool):
        raise ValueProblem(_("“%(value)s” is not a valid date.") % {"value": cell_text(value)})
    if isinstance(value, int | float):
        return _from_serial(value)
    text = str(value).strip()
    if not text or text in NO_DATE:
        return None
    bare = TIME_TAIL.sub("", text).strip()
    if bare.isdigit() and len(bare) in (4, 5) and not ISO_COMPACT.match(bare):
        return _from_serial(int(bare), text)
    if match := DOTTED.match(bare):
        day, month, year = match.groups()
        return _make_date(text, _full_year(int(year), len(year), today), int(month), int(day))
    if match := ISO.match(bare) or ISO_COMPACT.match(bare) or YEAR_FIRST_SLASHED.match(bare):
        year, month, day = match.groups()
        return _make_date(text, int(year), int(month), int(day))
    if match := SLASHED.match(bare):
        first, second, year = match.groups()
        full_year = _full_year(int(year), len(year), today)
        a, b = int(first), int(second)
        if a > 12 or (order == "dmy" and b <= 12) or a == b:
            return _make_date(text, full_year, b, a)
        if b > 12 or order == "mdy":
            return _make_date(text, full_year, a, b)
        raise ValueProblem(
            _("“%(value)s” could mean two different dates; write it as 17.03.1970 or 1970-03-17.") % {"value": text})
    if match := WORDY.match(bare):
        day, month_name, year = match.groups()
        return _make_date(text, int(year), _month(month_name, text), int(day))
    if match := WORDY_MONTH_FIRST.match(bare):
        month_name, day, year = match.groups()
        return _make_date(text, int(year), _month(month_name, text), int(day))
    raise ValueProblem(_("“%(value)s” is not a valid date.") % {"value": text})


YEARLESS = re.compile(r"^--(\d{2})-?(\d{2})$")
YEARLESS_DOTTED = re.compile(r"^(\d{1,2})\.\s*(\d{1,2})\.?$")


def yearless_date(value: object) -> tuple[int, int] | None:
    """(month, day) of a date written without a year, as Google (--03-17) or people (17.03.)
    write birthdays they know only the day of; None for anything else."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if match := YEARLESS.match(text):
        month, day = int(match.group(1)), int(match.group(2))
    elif match := YEARLESS_DOTTED.match(text):
        day, month = int(match.group(1)), int(match.group(2))
    else:
        return None
    try:
        datetime.date(2000, month, day)  # a leap year, so 29 February counts
    except ValueError:
        return None
    return month, day


def _month(name: str, text: str) -> int:
    month = MONTHS.get(name.lower().rstrip("."))
    if month is None:
        raise ValueProblem(_("“%(value)s” is not a valid date.") % {"value": text})
    return month


def _from_serial(number: float, text: str = "") -> datetime.date:
    low, high = EXCEL_SERIAL_RANGE
    if not low <= number <= high:
        raise ValueProblem(_("“%(value)s” is not a valid date.") % {"value": text or cell_text(number)})
    return EXCEL_EPOCH + datetime.timedelta(days=int(number))


# --- tags ----------------------------------------------------------------------------------

TAG_SEPARATORS = re.compile(r"\s*(?::::|[,;\n])\s*")
# Groups Google adds to every contact, not chosen by anyone.
GOOGLE_SYSTEM_LABELS = {"mycontacts", "starred", "friends_and_family_system"}


def split_tags(text: str) -> list[str]:
    """Tags from one cell: separated by commas, semicolons, new lines or Google's " ::: ";
    Google's "* " marker and its system groups (* myContacts, * starred) are dropped; each tag
    once, in the order written."""
    tags: list[str] = []
    seen: set[str] = set()
    for part in TAG_SEPARATORS.split(text or ""):
        tag = part.strip()
        if tag.startswith("* "):
            tag = tag[2:].strip()
            if tag.lower().replace(" ", "") in GOOGLE_SYSTEM_LABELS:
                continue
        if tag and tag.lower() not in seen:
            seen.add(tag.lower())
            tags.append(tag)
    return tags


# --- names, salutations, gender --------------------------------------------------------------

SALUTATIONS = {
    "herr": "mr", "hr": "mr", "herrn": "mr", "mr": "mr", "mister": "mr", "sir": "mr",
    "monsieur": "mr", "signor": "mr", "señor": "mr", "heer": "mr",
    "frau": "ms", "fr": "ms", "ms": "ms", "mrs": "ms", "miss": "ms", "madam": "ms", "mme": "ms",
    "madame": "ms", "mlle": "ms", "signora": "ms", "señora": "ms", "mevrouw": "ms", "fräulein": "ms",
    "mx": "mx", "divers": "mx", "person": "mx",
}
TITLE_WORDS = {
    "dr", "prof", "professor", "dipl", "ing", "mag", "dr-ing", "dr.-ing", "drs", "dres", "phd", "med",
    "rer", "nat", "pol", "jur", "phil", "oec", "habil", "h.c", "mba", "msc", "bsc", "mmag",
}
NAME_PARTICLES = {"von", "van", "de", "der", "den", "du", "zu", "zur", "vom", "la", "le", "di", "da", "dos",
                  "del", "ten", "ter", "af", "op"}


@dataclass
class NameParts:
    salutation: str = ""
    title: str = ""
    first_name: str = ""
    last_name: str = ""


def _word_key(word: str) -> str:
    return word.lower().strip(".,")


def salutation_key(text: str) -> str | None:
    """"mr", "ms" or "mx" for a written salutation (Herr, Frau, Mr., Mrs, Divers), "" for an empty
    one, None when the text is not a salutation."""
    key = text.strip().lower().rstrip(".")
    if not key:
        return ""
    return SALUTATIONS.get(key)


def is_title(text: str) -> bool:
    """Whether text is an academic title such as "Dr.", "Prof. Dr.", "Dipl.-Ing."."""
    words = [w for w in re.split(r"[\s]+", text.strip()) if w]
    return bool(words) and all(
        _word_key(w) in TITLE_WORDS or _word_key(w).split("-")[0] in TITLE_WORDS for w in words)


def split_salutation(text: str) -> tuple[str, str]:
    """("mr"/"ms"/"mx"/"", title) from a salutation cell, which in the wild also holds titles:
    "Herr Dr." is ("mr", "Dr."), "Dr." alone is ("", "Dr."). Raises ValueProblem otherwise."""
    text = text.strip()
    if not text:
        return "", ""
    key = salutation_key(text)
    if key is not None:
        return key, ""
    first, _space, rest = text.partition(" ")
    key = salutation_key(first)
    if key is not None and is_title(rest):
        return key, rest.strip()
    if is_title(text):
        return "", text
    raise ValueProblem(_("“%(value)s” is not a salutation; use Mr, Ms or Mx (Herr, Frau, Divers).")
                       % {"value": text})


GENDERS = {
    "f": "female", "female": "female", "w": "female", "weiblich": "female", "frau": "female", "woman": "female",
    "m": "male", "male": "male", "männlich": "male", "maennlich": "male", "mann": "male", "man": "male",
    "d": "diverse", "diverse": "diverse", "divers": "diverse", "x": "diverse", "o": "diverse",
    "other": "diverse", "non-binary": "diverse", "nonbinary": "diverse",
    # Outlook's "not specified" and vCard 4.0's N/U mean no answer, not an error.
    "": "", "unspecified": "", "nicht angegeben": "", "n": "", "u": "", "unknown": "", "unbekannt": "",
}


def parse_gender(text: str) -> str:
    """"female", "male", "diverse" or "" from the usual ways of writing it in German and English."""
    key = text.strip().lower()
    if key in GENDERS:
        return GENDERS[key]
    raise ValueProblem(_("“%(value)s” is not a gender; use female, male or diverse.") % {"value": text.strip()})


def split_full_name(text: str) -> NameParts:
    """A full name cut into salutation, title, first and last name: "Müller, Anna" and
    "Frau Dr. Anna Müller" both give last name "Müller"; particles stay with the last name
    ("Hans von der Heide" is first "Hans", last "von der Heide")."""
    text = " ".join(text.split())
    parts = NameParts()
    last_first = "," in text
    if last_first:
        last, _comma, text = (part.strip() for part in text.partition(","))
    words = text.split(" ") if text else []
    if words and salutation_key(words[0]):
        parts.salutation = salutation_key(words.pop(0)) or ""
    titles = []
    while len(words) > (0 if last_first else 1) and is_title(words[0]):
        titles.append(words.pop(0))
    parts.title = " ".join(titles)
    if last_first:
        parts.first_name, parts.last_name = " ".join(words), last
        return parts
    if not words:
        return parts
    last_start = len(words) - 1
    while last_start > 1 and words[last_start - 1].lower() in NAME_PARTICLES:
        last_start -= 1
    parts.first_name = " ".join(words[:last_start])
    parts.last_name = " ".join(words[last_start:])
    return parts
