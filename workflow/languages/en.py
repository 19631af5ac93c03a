"""English (US spelling and hyphenation)."""

from workflow.languages.profile import LATIN, LATIN_FONTS, Profile

PROFILE = Profile(
    code="en",
    script=LATIN,
    fonts=LATIN_FONTS,
    hyphenation="en_US",
    quotes=("“", "”", "‘", "’"),
    sentence_rules="en",
    abbreviations=("Mr.", "Mrs.", "Ms.", "Dr.", "Prof.", "St.", "No.", "Nos.", "Vol.", "vs.",
                   "approx.", "ca.", "incl.", "esp.", "cf.",
                   "Pres.", "Gen.", "Sen.", "Rep.", "Gov.", "Lt.", "Col.", "Capt.", "Rev.",
                   "Hon.", "Jr.", "Mt.", "Ave.", "Dept.", "Fig."),
    continuation_words=("and", "or", "nor"),
    # Function words, never cognates: left in another Latin-script language's text they
    # are untranslated English ("de the caravana").
    common_words=frozenset("""
        the of and is are was were be been being that this these those with for from on by
        which who whom whose what when where why how their they them our we us its it his
        her she you your will would should could can have had not but or into about
        against because than then there here also only all any some such more most other
        after before over under between through during without within if just very
        """.split()),
    number_words={"thousand": 3, "million": 6, "billion": 9, "trillion": 12},
    number_names=dict(one=1, two=2, three=3, four=4, five=5, six=6, seven=7, eight=8,
                      nine=9, ten=10, eleven=11, twelve=12, twenty=20, hundred=100,
                      thousand=1000),
    roman_numerals=True,
    endings=("es", "s"),
    byline_words=("by",),
    teasers=("Continue reading", "Read more"),
    site_labels=("Statement", "Official statement", "Press statement", "Press release", "News",
                 "Opinion", "Article", "Analysis", "Update", "Breaking"),
    navigation_words=("menu", "close", "home", "search", "skip to content", "share", "print",
                      "tweet", "facebook", "twitter", "e-mail", "email", "main menu",
                      "toggle navigation", "back to top", "previous", "next", "about",
                      "about us", "contact", "contact us", "news", "donate", "join us",
                      "events", "blog", "archive", "statements", "resources", "campaigns",
                      "subscribe", "log in", "login", "categories", "tags"),
    furniture={
        "contents": "Contents",
        "colophon": "About this edition",
        "published_by": "Published by",
        "dated": "Date",
        "original": "Original",
        "written_in": "Written in",
        "translation": "Translation",
        "status_source": "original text",
        "status_reviewed": "reviewed in full",
        "status_draft": "draft: {unreviewed} of {total} sentences not yet reviewed; "
                        "machine translation is underlined",
        "status_partial": "{percent} reviewed; the other sentences are printed in the "
                          "original language ({source})",
        "draft_notice": "DRAFT: contains unreviewed machine translation",
        "web_languages": "Languages",
        "not_translated": "not yet translated",
        "statements": "Statements",
        "download": "Download",
        "pdf_single": "PDF",
        "pdf_parallel": "PDF, side by side with {source}",
        "pdf_multilingual": "PDF in every language",
        "print_bundle": "Print files (ZIP)",
        "feed": "Atom feed",
        "card_alt": "Share image: “{title}”, {author}, {date}. “{quote}”",
    },
)
