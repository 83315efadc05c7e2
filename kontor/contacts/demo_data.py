"""Sample data for `kontor demo`: a lived-in CRM with German and English contacts.

Everything is written through the real actions (contacts, history, accounts), so the demo shows
exactly what a team would have typed in. The choices come from a seeded random generator: the
same seed gives the same people, companies and notes; only the dates move with today.

Nothing here reaches real people: e-mail addresses and websites use the reserved `.example`
domains (RFC 2606), British and American phone numbers come from the ranges set aside for
drama and fiction (Ofcom's 020 7946 0xxx, 07700 900xxx; the US 555-01xx).
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction

from kontor.accounts import actions as account_actions
from kontor.accounts.models import Membership, User
from kontor.accounts.roles import Role
from kontor.contacts import actions as contact_actions
from kontor.contacts.actions import AddressData, AssistantData, DateData, DetailData, Details, PositionData
from kontor.contacts.demo_clock import DemoClock
from kontor.contacts.models import Company, Gender, Person, Salutation
from kontor.deals import actions as deal_actions
from kontor.deals.models import Stage, ValueType
from kontor.history import actions as history_actions
from kontor.history.models import EntryKind
from kontor.projects import actions as project_actions
from kontor.projects.models import ProjectStatus
from kontor.tasks import actions as task_actions
from kontor.tasks.models import TaskType

# The colleagues the demo adds to the team. Their presence marks an account that already has
# the demo data, so a second run adds nothing (see fill_account).
COLLEAGUES = [
    ("Lena Schneider", "lena.schneider@kontor-demo.example", Role.ADMIN),
    ("Jonas Weber", "jonas.weber@kontor-demo.example", Role.POWER),
    ("Mia Fischer", "mia.fischer@kontor-demo.example", Role.MEMBER),
]


@dataclass(frozen=True)
class Place:
    street: str
    zip: str
    city: str
    country: str
    state: str = ""


@dataclass(frozen=True)
class CompanySeed:
    name: str
    domain: str
    language: str  # "de" or "en": the names and notes of the people who work there
    place: Place
    phone_prefix: str  # the switchboard without the last digits
    relation: str  # Kunde, Lead, Lieferant or Partner
    background: str


DE, UK, US = "Deutschland", "Vereinigtes Königreich", "USA"

# Mixed so that a small --companies count still has German and English companies.
COMPANIES = [
    CompanySeed("Nordlicht Logistik GmbH", "nordlicht-logistik.example", "de",
                Place("Am Sandtorkai 54", "20457", "Hamburg", DE), "+49 40 3197 45", "Kunde",
                "Spedition und Kontraktlogistik für Handel und Industrie in Norddeutschland, rund 240 "
                "Mitarbeitende, eigene Lager in Hamburg und Bremen."),
    CompanySeed("Thornbury Analytics Ltd", "thornbury-analytics.example", "en",
                Place("41 Clerkenwell Road", "EC1M 5RS", "London", UK), "+44 20 7946 0", "Lead",
                "Data consultancy for retailers: demand forecasting and pricing. About 60 staff, "
                "growing fast since their Series A."),
    CompanySeed("Bergmann Maschinenbau AG", "bergmann-maschinenbau.example", "de",
                Place("Heilbronner Straße 190", "70191", "Stuttgart", DE), "+49 711 2568 3", "Kunde",
                "Sondermaschinen für die Automobilzulieferer. Familiengeführt in dritter Generation, "
                "Werke in Stuttgart und Zwickau."),
    CompanySeed("Weber Holzbau GmbH & Co. KG", "weber-holzbau.example", "de",
                Place("Habsburgerstraße 12", "79104", "Freiburg im Breisgau", DE), "0761 4589 2", "Lieferant",
                "Zimmerei und Holzrahmenbau. Liefert uns die Messestände und den Innenausbau."),
    CompanySeed("Kestrel & Finch Ltd", "kestrel-finch.example", "en",
                Place("12 Tib Street", "M4 1SH", "Manchester", UK), "+44 161 496 0", "Partner",
                "Design studio; our implementation partner for customers in the north of England."),
    CompanySeed("Isar Solar AG", "isar-solar.example", "de",
                Place("Leopoldstraße 244", "80807", "München", DE), "+49 89 5523 71", "Lead",
                "Projektiert Photovoltaik-Anlagen für Gewerbedächer in Süddeutschland."),
    CompanySeed("Hansekontor Import KG", "hansekontor-import.example", "de",
                Place("Schlachte 15", "28195", "Bremen", DE), "0421 3369 4", "Kunde",
                "Import von Kaffee und Tee aus Ostafrika und Südostasien, beliefert Röstereien und den "
                "Großhandel."),
    CompanySeed("Bluegate Systems Inc.", "bluegate-systems.example", "en",
                Place("200 Berkeley Street", "02116", "Boston", US, "MA"), "+1 617 555 01", "Lead",
                "Warehouse automation software. Evaluating European partners for their expansion."),
    CompanySeed("Domblick Medien GmbH", "domblick-medien.example", "de",
                Place("Hohenzollernring 72", "50672", "Köln", DE), "0221 9934 8", "Partner",
                "Agentur für Corporate Publishing; gemeinsame Kunden in der Versicherungsbranche."),
    CompanySeed("Havelkraft Energie GmbH", "havelkraft.example", "de",
                Place("Friedrich-Ebert-Straße 88", "14467", "Potsdam", DE), "+49 331 7402 5", "Kunde",
                "Regionaler Energieversorger, 80.000 Kundinnen und Kunden in Brandenburg."),
    CompanySeed("Harbour Lane Consulting Ltd", "harbourlane.example", "en",
                Place("8 Rose Street", "EH2 2PR", "Edinburgh", UK), "+44 131 496 0", "Kunde",
                "Management consultancy for the public sector in Scotland."),
    CompanySeed("Elbtal Druck GmbH", "elbtal-druck.example", "de",
                Place("Königsbrücker Straße 96", "01099", "Dresden", DE), "0351 8472 6", "Lieferant",
                "Offset- und Digitaldruck; druckt unsere Broschüren und Messematerialien."),
    CompanySeed("Müller Feinkost GmbH", "mueller-feinkost.example", "de",
                Place("Berger Straße 168", "60385", "Frankfurt am Main", DE), "069 4420 13", "Kunde",
                "Feinkosthandel mit vier Filialen und Onlineshop."),
    CompanySeed("Brightwater Foods Ltd", "brightwater-foods.example", "en",
                Place("25 Queen Square", "BS1 4ND", "Bristol", UK), "+44 117 496 0", "Kunde",
                "Organic ready meals for supermarkets; 3 production sites in the South West."),
    CompanySeed("Spreeufer Software GmbH", "spreeufer-software.example", "de",
                Place("Oranienstraße 185", "10999", "Berlin", DE), "030 6098 52", "Partner",
                "Softwarehaus für Schnittstellen zu ERP-Systemen; Integrationspartner."),
    CompanySeed("Sauerland Kunststofftechnik GmbH", "sauerland-kunststoff.example", "de",
                Place("Altenaer Straße 30", "58507", "Lüdenscheid", DE), "02351 6670 9", "Lead",
                "Spritzguss für die Elektroindustrie, etwa 150 Mitarbeitende."),
    CompanySeed("Lakeside Ventures LLC", "lakeside-ventures.example", "en",
                Place("333 N Michigan Avenue", "60601", "Chicago", US, "IL"), "+1 312 555 01", "Partner",
                "Investor and adviser for B2B software companies entering Europe."),
    CompanySeed("Alpenrose Hotels KG", "alpenrose-hotels.example", "de",
                Place("Bahnhofstraße 22", "82467", "Garmisch-Partenkirchen", DE), "08821 7310 4", "Kunde",
                "Drei Tagungshotels im Werdenfelser Land; richten unsere Kundentage aus."),
]

FIRST_NAMES = {
    ("de", "female"): ["Anna", "Katrin", "Julia", "Sabine", "Claudia", "Laura", "Sophie", "Miriam",
                       "Franziska", "Petra", "Stefanie", "Lea", "Johanna", "Birgit", "Nina", "Ute", "Carolin",
                       "Hannah", "Elif", "Svenja"],
    ("de", "male"): ["Thomas", "Michael", "Stefan", "Andreas", "Markus", "Jan", "Tobias", "Florian",
                     "Matthias", "Sebastian", "Jörg", "Uwe", "Lukas", "Felix", "Daniel", "Christian", "Klaus",
                     "Maximilian", "Emre", "Henrik"],
    ("en", "female"): ["Emily", "Sarah", "Charlotte", "Olivia", "Jessica", "Rachel", "Emma", "Grace", "Lucy",
                       "Amelia", "Megan", "Priya", "Chloe", "Siobhan"],
    ("en", "male"): ["James", "Oliver", "William", "Daniel", "Matthew", "George", "Harry", "Samuel", "Jack",
                     "Ethan", "Ryan", "Raj", "Liam", "Callum"],
}
LAST_NAMES = {
    "de": ["Müller", "Schmidt", "Becker", "Schulz", "Hoffmann", "Koch", "Richter", "Klein", "Wolf",
           "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hartmann", "Lange", "Werner",
           "Krause", "Lehmann", "Köhler", "Kaiser", "Brandt", "Vogel", "Yılmaz", "Nowak", "Jäger", "Böhm",
           "Öztürk", "Petersen", "Albrecht", "Seidel"],
    "en": ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Evans", "Walker",
           "Wright", "Thompson", "Roberts", "Clarke", "Patel", "Hughes", "Green", "Hall", "Wood", "Harris",
           "Carter", "Murphy", "O'Brien", "Campbell"],
}

# (job title for a man, for a woman, department); the first entries are the senior ones.
JOBS = {
    "de": [("Geschäftsführer", "Geschäftsführerin", "Geschäftsführung"),
           ("Prokurist", "Prokuristin", "Finanzen"),
           ("Leiter Einkauf", "Leiterin Einkauf", "Einkauf"),
           ("Vertriebsleiter", "Vertriebsleiterin", "Vertrieb"),
           ("Key Account Manager", "Key Account Managerin", "Vertrieb"),
           ("Projektleiter", "Projektleiterin", "Projektmanagement"),
           ("Leiter IT", "Leiterin IT", "IT"),
           ("Einkäufer", "Einkäuferin", "Einkauf"),
           ("Buchhalter", "Buchhalterin", "Finanzen"),
           ("Marketingmanager", "Marketingmanagerin", "Marketing"),
           ("Personalreferent", "Personalreferentin", "Personal"),
           ("Technischer Leiter", "Technische Leiterin", "Technik"),
           ("Disponent", "Disponentin", "Logistik"),
           ("Assistent der Geschäftsführung", "Assistentin der Geschäftsführung", "Geschäftsführung")],
    "en": [("Managing Director", "Managing Director", "Management"),
           ("Finance Director", "Finance Director", "Finance"),
           ("Head of Procurement", "Head of Procurement", "Procurement"),
           ("Sales Director", "Sales Director", "Sales"),
           ("Account Manager", "Account Manager", "Sales"),
           ("Project Manager", "Project Manager", "Operations"),
           ("CTO", "CTO", "Technology"),
           ("Operations Manager", "Operations Manager", "Operations"),
           ("Marketing Lead", "Marketing Lead", "Marketing"),
           ("HR Business Partner", "HR Business Partner", "People"),
           ("Office Manager", "Office Manager", "Administration")],
}
SENIOR_JOBS = 2  # the first two of each list: managing directors and finance heads

HOMES = {
    "de": [("10437", "Berlin"), ("20249", "Hamburg"), ("81667", "München"), ("50823", "Köln"),
           ("60316", "Frankfurt am Main"), ("70180", "Stuttgart"), ("04275", "Leipzig"), ("01097", "Dresden"),
           ("28203", "Bremen"), ("30161", "Hannover"), ("90409", "Nürnberg"), ("48145", "Münster"),
           ("24105", "Kiel"), ("14482", "Potsdam")],
    "en": [("N1 9GU", "London"), ("M20 2RN", "Manchester"), ("BS6 6BB", "Bristol"), ("EH9 1HX", "Edinburgh"),
           ("LS6 1QA", "Leeds"), ("B13 8JJ", "Birmingham")],
}
STREETS = {
    "de": ["Lindenallee", "Goethestraße", "Schillerstraße", "Am Markt", "Gartenweg", "Kastanienallee",
           "Rosenstraße", "Mühlenweg", "Birkenweg", "Friedrichstraße", "Hauptstraße", "Parkstraße"],
    "en": ["Victoria Road", "High Street", "Church Lane", "Station Road", "Park Avenue", "Mill Lane",
           "Albert Street", "Queen's Road"],
}

BACKGROUNDS = {
    "de": ["Spricht fließend Spanisch; bevorzugt Termine am Vormittag.",
           "Kennt uns seit der Messe in Hannover. Entscheidet schnell, möchte aber alles schriftlich.",
           "Segelt in der Freizeit, zwei Kinder. Nicht vor 9 Uhr anrufen.",
           "Kam über eine Empfehlung von Bergmann Maschinenbau.",
           "Hat vorher zehn Jahre im Einkauf eines Autozulieferers gearbeitet.",
           "Legt großen Wert auf persönliche Termine vor Ort statt Videocalls."],
    "en": ["Prefers e-mail to phone calls; usually answers within the day.",
           "Met at the trade fair in Hanover; keen cyclist.",
           "Previously at a Big Four firm; very detail-oriented on contracts.",
           "Introduced to us by Kestrel & Finch.",
           "Based in the UK office, travels to Germany twice a quarter."],
}

TAG_WEIGHTS = [("Newsletter", 0.35), ("Weihnachtskarte", 0.2), ("VIP", 0.08), ("Presse", 0.03)]

MONTHS = {
    "de": ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
           "November", "Dezember"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
}
WEEKDAYS = {"de": ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag"],
            "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]}
PRODUCTS = {"de": ["die Lagerverwaltung", "das Kundenportal", "den Wartungsvertrag", "das Schulungspaket",
                   "die Schnittstelle zum ERP"],
            "en": ["the customer portal", "the reporting module", "the maintenance plan",
                   "the training package", "the ERP integration"]}
CURRENCY = {"de": "€", "en": "£"}

# (kind, text). Placeholders: name (German notes: "Frau Koch", English: "Emily"), name_dat (the
# German dative, "Herrn Koch"), company, city, product, amount, currency, month, weekday, invoice,
# colleague. Confidential notes are marked by the leading "!".
PERSON_NOTES = {
    "de": [
        (EntryKind.CALL, "Telefonat mit {name_dat}: Interesse an {product} bestätigt. Budget liegt bei ca. "
                         "{amount} {currency}, Entscheidung bis Ende {month}. Angebot schicke ich bis "
                         "Freitag."),
        (EntryKind.MEETING, "Termin bei {company} in {city}. {name} hat uns durch den Betrieb geführt; der "
                            "Engpass ist die Disposition. Nächster Schritt: Workshop mit dem Team im "
                            "{month}."),
        (EntryKind.NOTE, "Rückruf vereinbart. {name} ist bis {weekday} im Urlaub, die Assistenz weiß "
                         "Bescheid."),
        (EntryKind.CALL, "Rechnung {invoice} angemahnt. Laut {name_dat} liegt sie zur Freigabe in der "
                         "Buchhaltung, Zahlung kommt diese Woche."),
        (EntryKind.NOTE, "Auf der Messe getroffen. Sehr offenes Gespräch über die Umstellung auf {product}; "
                         "möchte gern mit einem Referenzkunden sprechen."),
        (EntryKind.NOTE, "{name} hat die neue Preisliste erhalten und ist einverstanden. Der Rahmenvertrag "
                         "läuft unverändert weiter."),
        (EntryKind.CALL, "Beschwerde wegen verspäteter Lieferung. Habe mich entschuldigt und 5 % Nachlass "
                         "auf die nächste Bestellung zugesagt. {name} war danach versöhnlich."),
        (EntryKind.NOTE, "Kurzes Update: {company} plant einen zweiten Standort. {name} meldet sich, sobald "
                         "die Ausschreibung veröffentlicht ist."),
        (EntryKind.MEETING, "Jahresgespräch mit {name_dat}: Zufriedenheit hoch, Wunsch nach einem festen "
                            "Ansprechpartner im Support. Habe {colleague} vorgeschlagen."),
        (EntryKind.NOTE, "Angebot für {product} besprochen. Einwand: Einführung dauert zu lange. Wir prüfen, "
                         "ob wir in zwei Phasen starten können."),
        (EntryKind.NOTE, "Geburtstagskarte verschickt. {name} hat sich gefreut und lässt das Team grüßen."),
        (EntryKind.NOTE, "!Vertraulich: {name} wechselt voraussichtlich zum Quartalsende das Unternehmen. "
                         "Nachfolge ist noch offen, bitte nichts nach außen geben."),
        (EntryKind.CALL, "Hat nach Referenzen aus der Branche gefragt. Zwei Kontakte per E-Mail geschickt."),
    ],
    "en": [
        (EntryKind.CALL, "Call with {name}: they are comparing {product} with two competitors. Budget "
                         "around {currency}{amount}, decision expected by the end of {month}. Sending the "
                         "proposal on Friday."),
        (EntryKind.MEETING, "Visited {company} in {city}. {name} walked us through their current process; "
                            "the main pain point is manual reporting. Next step: a demo for the wider team."),
        (EntryKind.NOTE, "{name} asked for our security documentation and the data processing agreement. "
                         "Sent both."),
        (EntryKind.NOTE, "Met at the trade fair. Very interested in the integration options and would like "
                         "to speak to a reference customer."),
        (EntryKind.CALL, "Quick catch-up: the renewal looks fine, but they want quarterly reviews instead of "
                         "an annual one."),
        (EntryKind.CALL, "Left a voicemail for {name}, will try again on {weekday}."),
        (EntryKind.NOTE, "!Confidential: {name} mentioned budget cuts across the department next year. "
                         "Keep an eye on the renewal."),
        (EntryKind.CALL, "Invoice {invoice} is two weeks overdue. {name} says it is stuck in approval; "
                         "payment expected this week."),
        (EntryKind.MEETING, "Workshop with {name} and their team on {product}. Good energy; {name} will "
                            "share the slides with the board."),
        (EntryKind.NOTE, "Introduced {name} to {colleague} for the localisation project in Germany."),
    ],
}
COMPANY_NOTES = {
    "de": ["Rahmenvertrag bis Ende {year} verlängert, Konditionen unverändert.",
           "Neue Lieferadresse ab {month}: bitte in der Auftragsbearbeitung hinterlegen.",
           "Laut Pressemitteilung stellt {company} in diesem Jahr rund 30 Leute ein.",
           "Zahlungsziel auf 30 Tage netto umgestellt, Skonto entfällt."],
    "en": ["Framework agreement extended until the end of {year}, same terms.",
           "New purchase order process from {month}: every order needs a PO number.",
           "{company} announced a new office in Dublin.",
           "Payment terms changed to 30 days net."],
}

# (type, title) of follow-ups on people; some overdue, most in the coming weeks.
FOLLOW_UPS = {
    "de": [(TaskType.CALL, "Angebot telefonisch nachfassen"), (TaskType.CALL, "Rückruf wegen Rahmenvertrag"),
           (TaskType.MEETING, "Jahresgespräch"), (TaskType.EMAIL, "Referenzen und Preisliste schicken"),
           (TaskType.VISIT, "Besuch vor Ort"), (TaskType.PREPARATION, "Workshop vorbereiten"),
           (TaskType.TASK, "Vertragsentwurf prüfen lassen")],
    "en": [(TaskType.CALL, "Follow up on the proposal"), (TaskType.CALL, "Call back about the renewal"),
           (TaskType.MEETING, "Quarterly review"), (TaskType.EMAIL, "Send the security documentation"),
           (TaskType.VISIT, "On-site visit"), (TaskType.PREPARATION, "Prepare the demo for the wider team"),
           (TaskType.TASK, "Check the draft contract")],
}

# (name, value type, value range, count range) of deals; values in the company's currency.
DEALS = {
    "de": [("Lagerverwaltung {city}", ValueType.TOTAL, (18_000, 95_000), (1, 1)),
           ("Wartungsvertrag {year}", ValueType.MONTHLY, (450, 2_400), (12, 24)),
           ("Kundenportal Relaunch", ValueType.TOTAL, (24_000, 80_000), (1, 1)),
           ("Schulungspaket Vertrieb", ValueType.DAILY, (950, 1_400), (3, 12)),
           ("ERP-Schnittstelle", ValueType.TOTAL, (9_500, 38_000), (1, 1)),
           ("Beratung Prozessanalyse", ValueType.HOURLY, (120, 160), (40, 120)),
           ("Rahmenvertrag Support {year}", ValueType.MONTHLY, (800, 3_200), (12, 24)),
           ("Digitale Rechnungsprüfung", ValueType.TOTAL, (14_000, 52_000), (1, 1)),
           ("Außendienst-App {city}", ValueType.TOTAL, (21_000, 68_000), (1, 1)),
           ("Workshop Datenschutz", ValueType.DAILY, (1_100, 1_600), (1, 4)),
           ("Lizenzerweiterung Standorte", ValueType.MONTHLY, (300, 1_500), (12, 36)),
           ("Migration Altsystem", ValueType.HOURLY, (110, 150), (60, 200))],
    "en": [("Customer portal rollout", ValueType.TOTAL, (20_000, 90_000), (1, 1)),
           ("Reporting module licence", ValueType.MONTHLY, (600, 3_000), (12, 36)),
           ("Maintenance plan {year}", ValueType.MONTHLY, (400, 1_800), (12, 24)),
           ("Training for the sales team", ValueType.DAILY, (900, 1_300), (2, 8)),
           ("ERP integration", ValueType.TOTAL, (12_000, 45_000), (1, 1)),
           ("Warehouse scanners {city}", ValueType.TOTAL, (15_000, 60_000), (1, 1)),
           ("Support retainer {year}", ValueType.MONTHLY, (700, 2_500), (12, 24)),
           ("Data migration", ValueType.HOURLY, (120, 170), (40, 160)),
           ("Field service app", ValueType.TOTAL, (25_000, 75_000), (1, 1)),
           ("Security review", ValueType.DAILY, (1_000, 1_500), (2, 6))],
}
DEAL_NOTES = {
    "de": ["Angebot verschickt, Rückmeldung bis Ende des Monats zugesagt.",
           "Budget ist freigegeben, es fehlt noch die Unterschrift der Geschäftsführung.",
           "Mitbewerber ist etwas günstiger, wir punkten beim Service vor Ort."],
    "en": ["Proposal sent; they promised an answer by the end of the month.",
           "Budget approved, waiting for the managing director's signature.",
           "A competitor is slightly cheaper; our on-site support is the selling point."],
}
# Stages of the demo deals, most still open.
STAGES = [Stage.P25, Stage.P25, Stage.P50, Stage.P50, Stage.P75, Stage.P0, Stage.WON, Stage.WON, Stage.LOST]


@dataclass
class DemoResult:
    account_name: str
    people: int = 0
    companies: int = 0
    notes: int = 0
    tasks: int = 0
    deals: int = 0
    projects: int = 0
    colleagues: list[Membership] = field(default_factory=list)
    new_users: set[str] = field(default_factory=set)  # e-mails of users created with the given password


def has_demo_data(owner: Membership) -> bool:
    """Whether the demo colleagues are already part of this account's team."""
    return Membership.objects.filter(account=owner.account,
                                     user__email__in=[email for _name, email, _role in COLLEAGUES]).exists()


@transaction.atomic
def fill_account(owner: Membership, password: str, people: int = 60, companies: int = 15,
                 seed: int = 1) -> DemoResult:
    """Adds the demo team, companies, people and their history to the owner's account, all or
    nothing (a half-made demo would otherwise count as done on the next run).

    1. Colleagues (admin, power user, member) join the team; new ones get `password`.
    2. Companies with switchboard, e-mail, website, address and a relation tag.
    3. People, most of them working at one of the companies, some with a former job elsewhere.
    4. Notes, calls and meetings on people and companies, spread over the last nine months.
    5. Follow-up tasks for about a third of the people: a few overdue, a few done, most ahead.
    6. Deals with customers and leads at every stage; some won deals continue as projects.
    """
    rng = random.Random(seed)
    result = DemoResult(owner.account.name)
    clock = DemoClock(owner.account)
    for name, email, role in COLLEAGUES:
        result.colleagues.append(_colleague(owner, name, email, role, password, result.new_users))
    team = [owner, *result.colleagues]
    seeds = COMPANIES[:max(0, min(companies, len(COMPANIES)))]
    company_objects = []
    for seed_ in seeds:  # the team entered its companies first, in its first weeks with Kontor
        with clock.step(_when(rng, days_back=270, newest=240)):
            company_objects.append(_create_company(owner, seed_, rng, team))
    result.companies = len(company_objects)
    staff: dict[int, list[Person]] = {company.pk: [] for company in company_objects}
    for index in range(people):
        home = seeds[index % len(seeds)] if seeds and rng.random() < 0.9 else None
        language = home.language if home else rng.choice(["de", "de", "en"])
        if home and rng.random() < 0.1:
            language = "en" if language == "de" else "de"  # an expat in the team
        company = company_objects[seeds.index(home)] if home else None
        with clock.step(_when(rng, days_back=250, newest=20)):
            person = _create_person(owner, language, home, company, company_objects, rng, team)
            result.notes += _write_person_notes(person, home, company, language, rng, team)
        result.people += 1
        if company is not None:
            staff[company.pk].append(person)
        if rng.random() < 0.35:
            with clock.step(_when(rng, days_back=14)):
                _add_follow_up(person, language, rng, team)
            result.tasks += 1
    deal_names: set[str] = set()
    for company, seed_ in zip(company_objects, seeds, strict=True):
        result.notes += _write_company_notes(company, seed_, rng, team)
        if seed_.relation in ("Kunde", "Lead") or rng.random() < 0.3:
            for _deal in range(rng.randint(1, 2)):
                # A deal's later lines (won, the project) follow days or weeks after it was entered.
                with clock.step(_when(rng, days_back=240, newest=10), gap=dt.timedelta(days=rng.randint(3, 25))):
                    result.projects += _add_deal(company, seed_, staff[company.pk], rng, team, deal_names)
                result.deals += 1
    clock.backdate()
    return result


def _colleague(owner: Membership, name: str, email: str, role: str, password: str,
               new_users: set[str]) -> Membership:
    """Adds the colleague to the team; a user who already exists (from the demo of another
    account) keeps their password."""
    existing = Membership.objects.filter(account=owner.account, user__email__iexact=email).first()
    if existing:
        return existing
    if not User.objects.filter(email__iexact=email).exists():
        new_users.add(email)
    return account_actions.add_user(owner.account, email, password, name, role)


def _ascii(text: str) -> str:
    """'Jörg Öztürk' -> 'joerg oeztuerk': how such names are written in e-mail addresses."""
    text = text.lower()
    for umlaut, spelled in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"), ("ı", "i")):
        text = text.replace(umlaut, spelled)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in text if ch.isalnum() or ch in " -")


def _digits(rng: random.Random, count: int) -> str:
    return "".join(str(rng.randint(0, 9)) for _ in range(count))


def _direct_line(seed: CompanySeed, rng: random.Random) -> str:
    """A number in the company's switchboard range (for the fictional UK and US ranges, within them)."""
    if seed.place.country == DE:
        return f"{seed.phone_prefix}-{_digits(rng, 3)}"
    return seed.phone_prefix + _digits(rng, 3 if seed.place.country == UK else 2)


def _mobile(country: str, rng: random.Random) -> str:
    if country == UK:
        return f"+44 7700 900{_digits(rng, 3)}"
    if country == US:
        return f"+1 {rng.choice(['617', '312'])} 555 01{_digits(rng, 2)}"
    prefix = rng.choice(["151", "152", "160", "170", "171", "172", "175", "176", "177", "179"])
    if rng.random() < 0.5:
        return f"+49 {prefix} {_digits(rng, 4)} {_digits(rng, 3)}"
    return f"0{prefix} {_digits(rng, 7)}"


def _create_company(owner: Membership, seed: CompanySeed, rng: random.Random,
                    team: list[Membership]) -> Company:
    switchboard = seed.phone_prefix + {DE: "0", UK: "000", US: "00"}[seed.place.country]
    contact = [DetailData("phone", switchboard),
               DetailData("email", f"{'info' if seed.language == 'de' else 'hello'}@{seed.domain}"),
               DetailData("website", f"https://www.{seed.domain}")]
    if seed.place.country == DE and rng.random() < 0.5:
        contact.insert(1, DetailData("fax", seed.phone_prefix + "99"))
    place = seed.place
    addresses = [AddressData("work", place.street, place.zip, place.city, place.state, place.country)]
    if rng.random() < 0.25:
        box = f"Postfach {_digits(rng, 5)}" if place.country == DE else f"PO Box {_digits(rng, 4)}"
        addresses.append(AddressData("invoice", box, place.zip, place.city, place.state, place.country))
    tags = [seed.relation] + (["VIP"] if rng.random() < 0.15 else [])
    return contact_actions.create_company(owner, {"name": seed.name, "background": seed.background},
                                          Details(contact=contact, addresses=addresses), tags=tags,
                                          responsible=rng.choice(team).user)


def _person_fields(language: str, rng: random.Random) -> dict[str, Any]:
    gender = rng.choice([Gender.FEMALE, Gender.MALE])
    fields: dict[str, Any] = {
        "first_name": rng.choice(FIRST_NAMES[(language, gender)]),
        "last_name": rng.choice(LAST_NAMES[language]),
        "gender": gender, "salutation": Salutation.MS if gender == Gender.FEMALE else Salutation.MR,
        "language": language, "title": "",
    }
    if rng.random() < 0.1:
        fields["title"] = "Dr." if language == "de" or rng.random() < 0.5 else "Prof."
    if rng.random() < 0.5:
        fields["birthday"] = dt.date(rng.randint(1962, 1999), rng.randint(1, 12), rng.randint(1, 28))
    if rng.random() < 0.3:
        fields["background"] = rng.choice(BACKGROUNDS[language])
    return fields


def _add_work(details: Details, tags: list[str], fields: dict[str, Any], home: CompanySeed, company: Company,
              companies: list[Company], rng: random.Random) -> None:
    """The person's job at `company`: position, work e-mail and direct line, maybe a former job, an
    assistant for the senior ones, the relation tag of the company."""
    language, female = fields["language"], fields["gender"] == Gender.FEMALE
    first, last = _ascii(fields["first_name"]), _ascii(fields["last_name"]).replace(" ", "-")
    job_index = rng.randrange(len(JOBS[language]))
    job = JOBS[language][job_index]
    positions = [PositionData(company, job[1] if female else job[0], job[2], is_primary=True)]
    others = [c for c in companies if c.pk != company.pk]
    if others and rng.random() < 0.15:
        former_job = rng.choice(JOBS[language])
        positions.append(PositionData(rng.choice(others), former_job[1] if female else former_job[0],
                                      is_former=True))
    local = f"{first}.{last}" if home.language == "en" or rng.random() < 0.6 else f"{first[0]}.{last}"
    details.positions = positions
    details.contact = [DetailData("email", f"{local}@{home.domain}"),
                       DetailData("phone", _direct_line(home, rng))]
    if rng.random() < 0.7:
        tags.append(home.relation)
    if job_index < SENIOR_JOBS:
        tags.append("Entscheider")
        if rng.random() < 0.5:
            name = f"{rng.choice(FIRST_NAMES[(language, Gender.FEMALE)])} {rng.choice(LAST_NAMES[language])}"
            email = f"{_ascii(name).replace(' ', '.')}@{home.domain}"
            details.assistants = [AssistantData(name, email, _direct_line(home, rng))]
    if rng.random() < 0.1:
        label = "Firmenjubiläum" if language == "de" else "Work anniversary"
        since = dt.date(rng.randint(2005, 2022), rng.randint(1, 12), rng.randint(1, 28))
        details.dates = [DateData(label, since)]


def _add_private(details: Details, tags: list[str], fields: dict[str, Any], country: str, has_job: bool,
                 rng: random.Random) -> None:
    """Mobile number, private e-mail, website and home address; more of them for people without a job
    at one of the companies."""
    language = fields["language"]
    local = f"{_ascii(fields['first_name'])}.{_ascii(fields['last_name'])}".replace(" ", "-")
    contact = list(details.contact or [])
    if rng.random() < (0.6 if has_job else 0.9):
        contact.append(DetailData("mobile", _mobile(country, rng), "work" if has_job else "private"))
    if not has_job or rng.random() < 0.2:
        domain = rng.choice(["example.com", "example.net", "example.org"])
        contact.append(DetailData("email", f"{local}{rng.randint(1, 99)}@{domain}", "private"))
    if rng.random() < 0.08:
        contact.append(DetailData("website", f"https://{local.replace('.', '-')}.example", "private"))
    details.contact = contact
    if not has_job or rng.random() < 0.2:
        zip_code, city = rng.choice(HOMES[language])
        street, number = rng.choice(STREETS[language]), rng.randint(1, 120)
        line = f"{street} {number}" if language == "de" else f"{number} {street}"
        details.addresses = [AddressData("private", line, zip_code, city, "", DE if language == "de" else UK)]
    if not has_job and rng.random() < 0.5:
        tags.append("Lead")
    tags.extend(tag for tag, weight in TAG_WEIGHTS if rng.random() < weight)


def _create_person(owner: Membership, language: str, home: CompanySeed | None, company: Company | None,
                   companies: list[Company], rng: random.Random, team: list[Membership]) -> Person:
    fields = _person_fields(language, rng)
    details = Details(contact=[], addresses=[], positions=[], assistants=[], dates=[])
    tags: list[str] = []
    if home and company:
        _add_work(details, tags, fields, home, company, companies, rng)
    country = home.place.country if home else (DE if language == "de" else UK)
    _add_private(details, tags, fields, country, home is not None, rng)
    return contact_actions.create_person(owner, fields, details, tags=tags, responsible=rng.choice(team).user)


def _when(rng: random.Random, days_back: int = 270, newest: int = 1) -> dt.datetime:
    """A working-day moment in office hours between `days_back` and `newest` days ago (Berlin time)."""
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    day = dt.datetime.now(berlin).date() - dt.timedelta(days=rng.randint(newest, days_back))
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(rng.randint(8, 17), rng.choice([0, 10, 15, 30, 40, 45])), berlin)


def _fill(template: str, rng: random.Random, language: str, person: Person | None, home: CompanySeed | None,
          team: list[Membership]) -> str:
    today = dt.date.today()
    amount = f"{rng.randint(8, 120) * 1000:,}".replace(",", "." if language == "de" else ",")
    name = name_dat = ""
    if person is not None and language == "de":
        # Notes in German business life speak of "Frau Koch", not of "Anna".
        female = person.gender == Gender.FEMALE
        surname = " ".join(part for part in (person.title, person.last_name) if part)
        name, name_dat = (f"Frau {surname}", f"Frau {surname}") if female else (f"Herr {surname}",
                                                                                 f"Herrn {surname}")
    elif person is not None:
        name = name_dat = person.first_name or person.last_name
    return template.format(
        name=name, name_dat=name_dat, company=home.name if home else "", city=home.place.city if home else "",
        product=rng.choice(PRODUCTS[language]), amount=amount, currency=CURRENCY[language],
        month=MONTHS[language][rng.randrange(12)], weekday=rng.choice(WEEKDAYS[language]),
        invoice=f"RE-{today.year}-{rng.randint(100, 999)}", colleague=rng.choice(team[1:] or team).user.name,
        year=today.year + rng.randint(1, 2))


def _write_person_notes(person: Person, home: CompanySeed | None, company: Company | None, language: str,
                        rng: random.Random, team: list[Membership]) -> int:
    """One to five notes, calls and meetings; some also filed on the person's company."""
    templates = PERSON_NOTES[language]
    if company is None:
        templates = [t for t in templates if "{company}" not in t[1] and "{invoice}" not in t[1]]
    count = rng.randint(1, 5)
    for kind, template in rng.sample(templates, count):
        confidential = template.startswith("!")
        # Members may not write confidential notes: the owner, the admin or the power user wrote those.
        author = rng.choice([m for m in team if m.role != Role.MEMBER] if confidential else team)
        text = _fill(template.lstrip("!"), rng, language, person, home, team)
        records = [person.record] + ([company.record] if company and rng.random() < 0.4 else [])
        history_actions.add_note(author, records, text, confidential=confidential, kind=kind,
                                 happened_at=_when(rng))
    return count


def _write_company_notes(company: Company, seed: CompanySeed, rng: random.Random,
                         team: list[Membership]) -> int:
    count = rng.randint(1, 3)
    for template in rng.sample(COMPANY_NOTES[seed.language], count):
        text = _fill(template, rng, seed.language, None, seed, team)
        history_actions.add_note(rng.choice(team), [company.record], text, happened_at=_when(rng))
    return count


def _add_follow_up(person: Person, language: str, rng: random.Random, team: list[Membership]) -> None:
    task_type, title = rng.choice(FOLLOW_UPS[language])
    due = dt.date.today() + dt.timedelta(days=rng.randint(-6, 24))
    while due.weekday() >= 5:
        due += dt.timedelta(days=1)
    timed = task_type in (TaskType.CALL, TaskType.MEETING, TaskType.VISIT) and rng.random() < 0.6
    fields = {"title": title, "type": task_type, "due_date": due,
              "due_time": dt.time(rng.randint(9, 16), rng.choice([0, 30])) if timed else None}
    creator = rng.choice(team)
    task = task_actions.create_task(creator, fields, record=person.record, assignee=rng.choice(team).user)
    if due < dt.date.today() and rng.random() < 0.5:
        task_actions.complete_task(task, creator)


def _add_deal(company: Company, seed: CompanySeed, people: list[Person], rng: random.Random,
              team: list[Membership], taken: set[str]) -> int:
    """One deal with the company and one or two of its people, named unlike the deals before it
    (`taken`); returns 1 if it became a project."""
    language = seed.language
    today = dt.date.today()
    choices = [(name.format(city=seed.place.city, year=today.year + 1), value_type, values, counts)
               for name, value_type, values, counts in DEALS[language]]
    name, value_type, (low, high), (fewest, most) = rng.choice([c for c in choices if c[0] not in taken] or choices)
    if name in taken:  # every name is used: this one is told apart by its customer
        name = f"{name} {seed.name.split()[0]}"
    taken.add(name)
    fields = {"name": name,
              "value": Decimal(rng.randint(low, high)).quantize(Decimal(100) if high > 5_000 else Decimal(10)),
              "value_type": value_type, "value_count": rng.randint(fewest, most),
              "currency": {DE: "EUR", UK: "GBP", US: "USD"}[seed.place.country],
              "target_date": today + dt.timedelta(days=rng.randint(-20, 180)),
              "description": rng.choice(DEAL_NOTES[language])}
    owner = rng.choice([m for m in team if m.role != Role.MEMBER])
    stage = rng.choice(STAGES)
    contacts = rng.sample(people, min(len(people), rng.randint(1, 2)))
    colleagues = [m.user for m in rng.sample(team, rng.randint(0, 1)) if m.user != owner.user]
    deal = deal_actions.create_deal(owner, fields, stage=Stage.P75 if stage == Stage.WON else stage,
                                    company=company, people=contacts, colleagues=colleagues,
                                    responsible=owner.user)
    if stage != Stage.WON:
        return 0
    deal_actions.win_deal(deal, owner)  # writes "Deal won" into its history, as a click would
    if rng.random() < 0.6:
        project = project_actions.create_project_from_deal(deal, owner)
        project_actions.change_status(project, owner, ProjectStatus.OPEN)
        return 1
    return 0
