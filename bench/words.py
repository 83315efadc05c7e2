"""The raw material of the generated account: names, companies and the sentences notes are made of,
in German and English, so that searches meet umlauts, ß and long compound words as they do in a
real team's CRM."""

FIRST_NAMES = [
    "Anna", "Jörg", "Jürgen", "Günter", "Hans", "Lena", "Sören", "Björn", "Käthe", "Ulrike", "Stefan", "Sabine",
    "Michael", "Thomas", "Andreas", "Petra", "Monika", "Claudia", "Uwe", "Frank", "Karin", "Heike", "Ralf",
    "Jan", "Lukas", "Leonie", "Mia", "Emma", "Felix", "Jonas", "Maximilian", "Sophie", "Marie", "Paul",
    "Ömer", "Zoë", "Renée", "José", "François", "Chloé", "Oliver", "Emily", "James", "Sarah", "David",
    "Jessica", "Daniel", "Laura", "Matthew", "Olivia", "George", "Charlotte", "Harry", "Amelia",
]
LAST_NAMES = [
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
    "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann",
    "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Schmitz", "Krause", "Meier",
    "Lehmann", "Schmid", "Schulze", "Maier", "Köhler", "Herrmann", "König", "Walter", "Mayer", "Huber",
    "Kaiser", "Fuchs", "Peters", "Lang", "Scholz", "Möller", "Weiß", "Jung", "Hahn", "Schubert", "Vogel",
    "Friedrich", "Keller", "Günther", "Frank", "Berger", "Winkler", "Roth", "Beck", "Lorenz", "Baumann",
    "Franke", "Albrecht", "Schuster", "Simon", "Ludwig", "Böhm", "Winter", "Kraus", "Martin", "Schumacher",
    "Krämer", "Vogt", "Stein", "Jäger", "Otto", "Sommer", "Groß", "Seidel", "Heinrich", "Brandt", "Haas",
    "Mueller", "Schroeder", "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
    "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood",
]
COMPANY_WORDS = [
    "Holzbau", "Elektro", "Sanitär", "Dachdeckerei", "Gärtnerei", "Bäckerei", "Maschinenbau", "Logistik",
    "Software", "Consulting", "Druckerei", "Autohaus", "Steuerberatung", "Immobilien", "Medizintechnik",
    "Brauerei", "Möbelwerkstatt", "Fahrradladen", "Architekten", "Ingenieurbüro", "Systems", "Trading",
    "Solutions", "Partners", "Digital", "Energie", "Solartechnik", "Versicherungsmakler", "Spedition",
]
COMPANY_FORMS = ["GmbH", "GmbH & Co. KG", "AG", "KG", "e.K.", "Ltd", "Inc.", "UG (haftungsbeschränkt)"]
CITIES = [
    ("Berlin", "10115"), ("München", "80331"), ("Hamburg", "20095"), ("Köln", "50667"), ("Düsseldorf", "40213"),
    ("Frankfurt am Main", "60311"), ("Stuttgart", "70173"), ("Nürnberg", "90402"), ("Lübeck", "23552"),
    ("Würzburg", "97070"), ("Göttingen", "37073"), ("Saarbrücken", "66111"), ("London", "EC1A 1BB"),
]
STREETS = ["Hauptstraße", "Bahnhofstraße", "Gartenstraße", "Schulstraße", "Lindenallee", "Mühlenweg",
           "Königsweg", "Am Großen Wannsee", "High Street", "Station Road"]
TAGS = ["Kunde", "Lead", "Lieferant", "Partner", "Berlin", "München", "Hamburg", "Newsletter", "VIP",
        "Messe 2025", "Bestandskunde", "Interessent", "Presse", "Empfehlung", "Handwerk", "Industrie",
        "Öffentliche Hand", "Großkunde", "Wiedervorlage", "Event", "Webinar", "Kaltakquise", "Export",
        "Schweiz", "Österreich", "UK", "Reseller", "Investor", "Verband", "Alumni"]
JOB_TITLES = ["Geschäftsführerin", "Geschäftsführer", "Einkauf", "Vertrieb", "Buchhaltung", "Marketing",
              "Head of Sales", "CTO", "Office Manager", "Projektleiterin", "Prokurist", "Assistenz der GF"]
DEAL_WORDS = ["Rahmenvertrag", "Wartungsvertrag", "Lizenzverlängerung", "Dachsanierung", "Website-Relaunch",
              "Schulung", "Beratungspaket", "Jahreslizenz", "Umbau Büroetage", "Support-Vertrag",
              "Pilotprojekt", "Messestand", "Server-Migration", "Photovoltaikanlage"]
TASK_TITLES = ["Angebot nachfassen", "Rückruf wegen Vertragsverlängerung", "Unterlagen schicken",
               "Termin vor Ort vereinbaren", "Rechnung prüfen", "Follow up on the proposal", "Call back",
               "Präsentation vorbereiten", "Glückwunsch zum Geburtstag", "Besuch auf der Messe planen"]
SENTENCES = [
    "Hat angerufen und nach dem Stand des Angebots gefragt.",
    "Angebot über {product} verschickt, Rückmeldung bis Ende nächster Woche.",
    "Telefonat mit {name}: Interesse an {product}, Budget ist freigegeben.",
    "Wünscht eine Vertragsverlängerung zu den bisherigen Konditionen.",
    "Die Vertragsverlängerung verschiebt sich auf das nächste Quartal.",
    "Termin in der {street} vereinbart, bitte Muster mitbringen.",
    "Neue Lieferadresse: {street} 12, {city}.",
    "Rechnung ist noch offen, freundlich erinnert.",
    "Sehr zufrieden mit der Lieferung, empfiehlt uns weiter.",
    "Beschwerde über die Lieferzeit, Gutschrift zugesagt.",
    "Auf der Messe getroffen, Visitenkarte erhalten.",
    "Möchte eine Schulung für sein Team, etwa zehn Personen.",
    "Geschäftsführung wechselt zum Monatsende, neue Ansprechpartnerin ist {name}.",
    "Hat Fragen zur Datenschutzerklärung und zum Auftragsverarbeitungsvertrag.",
    "Preiserhöhung angekündigt, Reaktion verhalten.",
    "Sucht einen Partner für die Wartung der Anlagen in {city}.",
    "Übergabe des Projekts an den Kundendienst abgestimmt.",
    "Kündigung zum Jahresende eingegangen, Rückgewinnung versuchen.",
    "Called about the status of the proposal for {product}.",
    "Sent the revised quote; they want to decide after the board meeting.",
    "Met at the trade fair, interested in a pilot in {city}.",
    "Asked for references from customers in their industry.",
    "Contract renewal is due in March, prepare an offer early.",
    "Complained about the invoice, credit note promised.",
    "Very happy with the support team, might expand to more sites.",
    "Introduced us to {name}, who runs procurement.",
]
PRODUCTS = ["die Jahreslizenz", "den Wartungsvertrag", "das Beratungspaket", "die Dachsanierung",
            "the annual licence", "the support plan", "die Photovoltaikanlage", "den Messestand"]
EMAIL_SUBJECTS = ["Ihr Angebot", "Re: Termin nächste Woche", "Rechnung", "Fwd: Unterlagen", "Quote",
                  "Re: Vertragsverlängerung", "Anfrage Schulung", "Einladung zur Hausmesse", "Follow-up"]
