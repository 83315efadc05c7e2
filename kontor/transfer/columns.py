"""The fields an import can fill, and the automatic mapping of a file's column headers onto them.

Headers are recognised in German and English, including the exports of Outlook (both
languages), Google Contacts (old and new) and Thunderbird. Matching works on a normalised form
of the header (lower case, umlauts spelled out, only letters and digits), then again with the
label words ("geschäftlich", "Home", "Weitere"), running numbers and fillers ("Value",
"Adresse") taken off, so that "E-Mail 2: Adresse", "E-mail 1 - Value" and "Primary Email" all
land on the e-mail field. docs/import-formats.md lists the names.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

PERSON = frozenset({"person"})
COMPANY = frozenset({"company"})
BOTH = frozenset({"person", "company"})

# Field keys whose value is a contact detail; ":private"/":other" variants carry the label.
DETAIL_KINDS = ("email", "phone", "mobile", "fax", "website", "messenger")
ADDRESS_PARTS = ("street", "zip", "city", "state", "country")
LABELS = ("work", "private", "other")


@dataclass(frozen=True)
class ImportField:
    key: str
    label: str | Promise
    kinds: frozenset[str]
    repeatable: bool = False


@functools.cache
def _fields() -> tuple[ImportField, ...]:
    """Built once: the labels are lazy, so they still follow each request's language."""
    fields = [
        ImportField("salutation", _("Salutation"), PERSON),
        ImportField("title", _("Title"), PERSON),
        ImportField("first_name", _("First name"), PERSON),
        ImportField("last_name", _("Last name"), PERSON),
        ImportField("full_name", _("Full name (split into first and last name)"), PERSON),
        ImportField("name", _("Company name"), COMPANY),
        ImportField("company", _("Company"), PERSON),
        ImportField("job_title", _("Job title"), PERSON),
        ImportField("department", _("Department"), PERSON),
        ImportField("gender", _("Gender"), PERSON),
        ImportField("language", _("Language"), PERSON),
        ImportField("birthday", _("Birthday"), PERSON),
        ImportField("birthday_year", _("Birthday: year"), PERSON),
        ImportField("birthday_month", _("Birthday: month"), PERSON),
        ImportField("birthday_day", _("Birthday: day"), PERSON),
        ImportField("background", _("Background / notes"), BOTH, repeatable=True),
        ImportField("email", _("E-mail (work)"), BOTH, repeatable=True),
        ImportField("email:private", _("E-mail (private)"), PERSON, repeatable=True),
        ImportField("email:other", _("E-mail (other)"), BOTH, repeatable=True),
        ImportField("phone", _("Phone (work)"), BOTH, repeatable=True),
        ImportField("phone:private", _("Phone (private)"), PERSON, repeatable=True),
        ImportField("phone:other", _("Phone (other)"), BOTH, repeatable=True),
        ImportField("mobile", _("Mobile (work)"), BOTH, repeatable=True),
        ImportField("mobile:private", _("Mobile (private)"), PERSON, repeatable=True),
        ImportField("fax", _("Fax (work)"), BOTH, repeatable=True),
        ImportField("fax:private", _("Fax (private)"), PERSON, repeatable=True),
        ImportField("website", _("Website"), BOTH, repeatable=True),
        ImportField("website:private", _("Website (private)"), PERSON, repeatable=True),
        ImportField("messenger", _("Messenger"), BOTH, repeatable=True),
        # Street is repeatable: Outlook spreads a street over "Street", "Street 2", "Street 3".
        ImportField("street", _("Street (work)"), BOTH, repeatable=True),
        ImportField("zip", _("Postcode (work)"), BOTH),
        ImportField("city", _("City (work)"), BOTH),
        ImportField("state", _("State (work)"), BOTH),
        ImportField("country", _("Country (work)"), BOTH),
        ImportField("street:private", _("Street (private)"), PERSON, repeatable=True),
        ImportField("zip:private", _("Postcode (private)"), PERSON),
        ImportField("city:private", _("City (private)"), PERSON),
        ImportField("state:private", _("State (private)"), PERSON),
        ImportField("country:private", _("Country (private)"), PERSON),
        ImportField("street:other", _("Street (other)"), BOTH, repeatable=True),
        ImportField("zip:other", _("Postcode (other)"), BOTH),
        ImportField("city:other", _("City (other)"), BOTH),
        ImportField("state:other", _("State (other)"), BOTH),
        ImportField("country:other", _("Country (other)"), BOTH),
        ImportField("tags", _("Tags"), BOTH, repeatable=True),
        ImportField("responsible", _("Responsible (name or e-mail)"), BOTH),
    ]
    return tuple(fields)


def import_fields(kind: str, custom_fields: Mapping[str, str] | None = None) -> list[ImportField]:
    """The fields a column of a `kind` ("person"/"company") import can be mapped to, in the order
    the mapping page shows them, followed by the account's custom fields ("custom:<key>")."""
    fields = [field for field in _fields() if kind in field.kinds]
    kinds = PERSON if kind == "person" else COMPANY
    fields += [ImportField(f"custom:{key}", name, kinds) for key, name in (custom_fields or {}).items()]
    return fields


def field_by_key(kind: str, custom_fields: Mapping[str, str] | None = None) -> dict[str, ImportField]:
    return {field.key: field for field in import_fields(kind, custom_fields)}


# --- header recognition --------------------------------------------------------------------

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "é": "e", "è": "e"})
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def normalise(header: str) -> str:
    """"Straße geschäftlich" → "strassegeschaeftlich", "E-Mail 2: Adresse" → "email2adresse"."""
    return _NOT_ALNUM.sub("", header.lower().translate(_UMLAUTS))


# Whole normalised headers. A value of None means "recognised, deliberately ignored" (Outlook's
# e-mail type "SMTP", display names, P.O. boxes), so the looser rules below do not pick it up.
_EXACT: dict[str, str | None] = {}


def _names(key: str | None, *headers: str) -> None:
    for header in headers:
        _EXACT[normalise(header)] = key


_names("salutation", "Anrede", "Salutation", "Prefix", "Name Prefix", "Namenspräfix", "Herr/Frau", "Mr/Ms")
_names("title", "Titel", "Title", "Akademischer Titel", "Academic title", "Akad. Titel")
_names("first_name", "Vorname", "First Name", "Given Name", "Forename", "Firstname", "Rufname", "Vornamen")
_names("last_name", "Nachname", "Last Name", "Family Name", "Surname", "Familienname", "Lastname", "Zuname")
_names("full_name", "Display Name", "Anzeigename", "Full Name", "Vollständiger Name", "Kontakt",
       "Contact", "Contact Name", "Kontaktname", "Ansprechpartner", "Ansprechpartnerin", "Person",
       "Name (vollständig)", "Vor- und Nachname")
_names("company", "Firma", "Company", "Company Name", "Firmenname", "Unternehmen", "Organisation",
       "Organization", "Organisationsname", "Organization Name", "Organization 1 - Name", "Arbeitgeber",
       "Employer", "Firmierung", "Kunde", "Customer", "Account Name")
_names("job_title", "Position", "Job Title", "Jobtitel", "Berufsbezeichnung", "Funktion", "Rolle", "Role",
       "Organization Title", "Organization 1 - Title", "Stellung", "Beruf", "Profession", "Occupation",
       "Stellenbezeichnung")
_names("department", "Abteilung", "Department", "Organization Department", "Organization 1 - Department",
       "Bereich", "Team")
_names("gender", "Geschlecht", "Gender", "Sex")
_names("language", "Sprache", "Language", "Korrespondenzsprache", "Preferred language")
_names("birthday", "Geburtstag", "Birthday", "Geburtsdatum", "Date of Birth", "Birth Date", "Birthdate",
       "BDAY", "Geboren", "Geb.", "Geb.-Datum", "DOB")
_names("birthday_year", "Birth Year", "Geburtsjahr")
_names("birthday_month", "Birth Month", "Geburtsmonat")
_names("background", "Notizen", "Notes", "Notiz", "Note", "Bemerkung", "Bemerkungen", "Hintergrund",
       "Background", "Kommentar", "Kommentare", "Comment", "Comments", "Anmerkung", "Anmerkungen", "Info",
       "Informationen", "Beschreibung", "Description", "About", "Über die Person", "Über die Firma",
       "Hinweise")
_names("tags", "Kategorien", "Categories", "Kategorie", "Category", "Tags", "Tag", "Schlagwörter",
       "Stichwörter", "Keywords", "Schlüsselwörter", "Labels", "Group Membership", "Gruppen", "Gruppe",
       "Groups", "Group", "Merkmale")
_names("responsible", "Verantwortlich", "Verantwortlicher", "Verantwortliche", "Responsible",
       "Responsible user", "Owner", "Contact Owner", "Zuständig", "Zuständigkeit", "Betreuer", "Betreuerin",
       "Kundenbetreuer", "Account Manager", "Besitzer", "Assigned to", "Zugewiesen an", "Bearbeiter")
_names("email", "E-Mail", "Email", "E-Mail-Adresse", "E-mail Address", "Email Address", "Mail", "Mailadresse",
       "Primary Email", "Secondary Email", "E-Mail-Adressen", "Emails")
_names("phone", "Telefon", "Phone", "Telephone", "Tel", "Tel.", "Telefonnummer", "Phone Number", "Rufnummer",
       "Fon", "Company Main Phone", "Telefon Firma", "Primary Phone", "Haupttelefon", "Zentrale", "Durchwahl")
_names("phone:other", "Car Phone", "Autotelefon", "ISDN", "Other Phone", "Weiteres Telefon")
_names("mobile", "Mobil", "Mobile", "Mobiltelefon", "Mobile Phone", "Handy", "Cell", "Cell Phone", "Mobilnummer",
       "Handynummer", "Mobile Number", "Mobilfunk", "Cellphone")
_names("fax", "Fax", "Telefax", "Faxnummer", "Fax Number")
_names("website", "Webseite", "Website", "Web Page", "Web site", "Homepage", "Home Page", "URL", "Internet",
       "Internetseite", "Internetadresse", "Webadresse", "Web", "Web Page 1", "Web Page 2", "WWW")
_names("website:private", "Personal Web Page", "Persönliche Webseite")
_names("messenger", "Messenger", "IM", "IM Address", "IM-Adresse", "Skype", "Screen Name", "Chat")
_names("street", "Straße", "Strasse", "Street", "Adresse", "Address", "Anschrift", "Straße und Hausnummer",
       "Straße/Hausnr.", "Straße Nr.", "Street Address", "Address Line 1", "Address Line 2", "Adresszeile 1",
       "Adresszeile 2", "Adresszusatz")
_names("zip", "PLZ", "Postleitzahl", "ZIP", "ZIP Code", "Postal Code", "Postcode", "Post Code", "Zipcode")
_names("city", "Ort", "Stadt", "City", "Town", "Wohnort", "Locality")
_names("state", "Bundesland", "Region", "State", "Province", "Kanton", "Bundesland/Kanton", "County")
_names("country", "Land", "Country", "Staat", "Land/Region", "Country/Region", "Country Code", "Länderkennzeichen")
# Recognised and left alone: they describe another column or would only add noise.
_names(None, "E-Mail-Typ", "E-mail Type", "E-Mail: Angezeigter Name", "E-mail Display Name", "Büro",
       "Office Location", "Postfach", "PO Box", "Pager", "Rückmeldung", "Callback", "Telex", "Radio Phone",
       "TTY/TDD Phone", "Telefon für Hörbehinderte", "Telefon Assistent", "Assistant's Phone", "Name Assistent",
       "Assistant's Name", "Initialen", "Initials", "Suffix", "Name Suffix", "Middle Name", "Weitere Vornamen",
       "Additional Name", "Nickname", "Spitzname", "File As", "Ablegen unter", "Priorität", "Priority",
       "Privat", "Private", "Sensibilität", "Sensitivity", "Internet-Frei/Gebucht", "Internet Free Busy",
       "Verzeichnisserver", "Directory Server", "Yomi Name", "Phonetic First Name", "Phonetic Last Name",
       "Phonetic Middle Name", "Photo", "Foto", "Account", "Konto", "Billing Information",
       "Abrechnungsinformation", "Mileage", "Reisekilometer", "Hobby", "Kinder", "Children", "Partner",
       "Spouse", "Referred By", "Empfohlen von", "Jahrestag", "Anniversary", "Organisations-Nr.",
       "Organizational ID Number", "Regierungs-Nr.", "Government ID Number", "Manager's Name",
       "Name des/der Vorgesetzten", "Location", "Pager Number", "Home Page 2")

_LABEL_WORDS = [  # longest first, so "weiteresr" goes before "weitere"
    ("geschaeftlich", "work"), ("business", "work"), ("dienstlich", "work"), ("work", "work"),
    ("buero", "work"), ("office", "work"), ("firma", "work"),
    ("persoenlich", "private"), ("personal", "private"), ("privat", "private"), ("home", "private"),
    ("zuhause", "private"),
    ("weiteresr", "other"), ("weiterese", "other"), ("weiteres", "other"), ("weiterer", "other"),
    ("weitere", "other"), ("sonstige", "other"), ("andere", "other"), ("other", "other"),
]
_DIGITS = re.compile(r"\d+")
_PREFIXES = ("address", "adresse", "primary", "secondary", "haupt")
_SUFFIXES = ("value", "wert", "adresse", "address", "nummer", "number", "nr")
# Ends of headers that describe a neighbouring column (Google's "Phone 1 - Type").
_DESCRIBING = ("type", "typ", "label", "displayname", "angezeigtername", "formatted", "pobox", "postfach",
               "extendedaddress", "yominame", "symbol", "jobdescription", "location", "protocol", "service")


def _labelled(key: str | None, label: str) -> str | None:
    if key is None or label == "work":
        return key
    base = key.split(":")[0]
    if base in DETAIL_KINDS or base in ADDRESS_PARTS:
        return f"{base}:{label}"
    return key


def _label_readings(text: str) -> list[tuple[str, str]]:
    """Each way of reading a label word out of the header, then the header as it is: "weiterestrasse"
    holds both "weiteres" and "weitere", and only the second leaves a field name."""
    readings = [(text.replace(word, "", 1), label) for word, label in _LABEL_WORDS if word in text and text != word]
    return readings + [(text, "work")]


def _candidates(text: str) -> list[str]:
    candidates = [text, _DIGITS.sub("", text)]
    for candidate in list(candidates):
        for prefix in _PREFIXES:
            if candidate.startswith(prefix) and candidate != prefix:
                candidates.append(candidate[len(prefix):])
    for candidate in list(candidates):
        for suffix in _SUFFIXES:
            if candidate.endswith(suffix) and candidate != suffix:
                candidates.append(candidate[: -len(suffix)])
    return candidates


def recognise(header: str) -> str | None:
    """The field key a header names ("Telefon privat" → "phone:private"), or None.

    1. The whole normalised header in the table of names.
    2. Headers describing another column ("E-mail 1 - Type") are not fields.
    3. Without a label word ("privat", "Business", "Weitere"), then the running numbers, then
       prefixes and suffixes such as "Address 1 -", "Primary", "- Value", "Adresse"; the label
       word, when the field has labels, goes into the key.
    """
    text = normalise(header)
    if not text:
        return None
    if text in _EXACT:
        return _EXACT[text]
    if text.endswith(_DESCRIBING):
        return None
    for bare, label in _label_readings(text):
        for candidate in _candidates(bare):
            if candidate in _EXACT:
                key = _EXACT[candidate]
                if key == "company" and label == "work":  # "Firma geschäftlich" is still the company
                    return key
                return _labelled(key, label)
    return None


_GOOGLE_ADDRESS = re.compile(r"^address\s*(\d+)\s*-", re.IGNORECASE)


def guess_kind(header: Sequence[str]) -> str:
    """"person" when the columns name people (first or last name, a full name, a salutation, a
    birthday, a job title, or a bare "Name" beside a company column), otherwise "company"."""
    keys = {recognise(cell) for cell in header}
    if keys & {"first_name", "last_name", "full_name", "salutation", "birthday", "job_title", "gender"}:
        return "person"
    has_name = any(normalise(cell) == "name" for cell in header)
    return "person" if has_name and "company" in keys else "company"


def guess_mapping(header: Sequence[str], kind: str, custom_fields: Mapping[str, str] | None = None) -> list[str | None]:
    """One field key (or None: ignore the column) per header cell, for a `kind` import.

    Custom fields match on their display name or key first. A field that takes one column goes
    to the first column that names it; later ones are ignored (shown as such on the mapping page).
    """
    custom_fields = custom_fields or {}
    available = field_by_key(kind, custom_fields)
    custom_names: dict[str, str] = {}
    for custom_key, name in custom_fields.items():
        custom_names[normalise(name)] = f"custom:{custom_key}"
        custom_names.setdefault(normalise(custom_key), f"custom:{custom_key}")
    normalised = [normalise(cell) for cell in header]
    has_first = any(recognise(cell) == "first_name" for cell in header)
    has_last = any(recognise(cell) == "last_name" for cell in header)
    raw_lower = [" ".join(cell.lower().split()) for cell in header]
    has_birth_year = "birthyear" in normalised
    mapping: list[str | None] = []
    taken: set[str] = set()
    for index, cell in enumerate(header):
        text = normalised[index]
        key: str | None
        if text in custom_names:
            key = custom_names[text]
        elif text == "name":
            key = "name" if kind == "company" else ("last_name" if has_first and not has_last else "full_name")
        elif raw_lower[index] == "birth day" and has_birth_year:
            key = "birthday_day"
        else:
            key = recognise(cell)
        if kind == "company" and key == "company":
            key = "name"
        key = _available(_google_address_label(cell, key), available)
        if key is not None and not available[key].repeatable:
            if key in taken:
                key = None
            else:
                taken.add(key)
        mapping.append(key)
    return mapping


def _available(key: str | None, available: Mapping[str, ImportField]) -> str | None:
    """The key, or the nearest one this kind has: a company has no private e-mail, so "E-Mail
    privat" on a company sheet goes to "email:other"; "Weiteres Fax" (fax:other) to "fax"."""
    if key is None or key in available:
        return key
    base = key.split(":")[0]
    for fallback in (f"{base}:other", base):
        if fallback in available:
            return fallback
    return None


def _google_address_label(header: str, key: str | None) -> str | None:
    """Google numbers its addresses ("Address 2 - City"): the first keeps its label, the second
    becomes "private", a third "other", so their parts do not run into one address. The
    "Address N - Type" column relabels them when the rows are read."""
    match = _GOOGLE_ADDRESS.match(header.strip())
    if key is None or not match or key.split(":")[0] not in ADDRESS_PARTS:
        return key
    number = int(match.group(1))
    base = key.split(":")[0]
    return {1: base, 2: f"{base}:private"}.get(number, f"{base}:other")
