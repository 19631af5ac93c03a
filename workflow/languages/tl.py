"""Tagalog (Filipino in babel's data). pysbd has no Tagalog rules: its English rules cut
the sentences (same marks, same use of capitals), with Tagalog's own abbreviations."""

from workflow.languages.profile import LATIN, LATIN_FONTS, Profile

PROFILE = Profile(
    code="tl",
    script=LATIN,
    fonts=LATIN_FONTS,
    babel_locale="fil",
    english_name_override="Tagalog",
    native_name_override="Tagalog",
    hyphenation=None,  # no Tagalog patterns in pyphen: no hyphens rather than wrong ones
    quotes=("“", "”", "‘", "’"),
    sentence_rules="en",
    abbreviations=("G.", "Gng.", "Bb.", "Dr.", "Kgg.", "Blg.", "Hal.", "Pang.", "Sen.",
                   "Kin.", "St.", "Sta.", "Ene.", "Peb.", "Abr.", "Hun.", "Hul.", "Ago.",
                   "Set.", "Okt.", "Nob.", "Dis."),
    length_factor=1.2,
    number_names=dict(isa=1, dalawa=2, tatlo=3, apat=4, lima=5, anim=6, pito=7, walo=8,
                      siyam=9, sampu=10, daan=100, libo=1000),
    number_words={"libo": 3, "milyon": 6, "bilyon": 9},
    month_locales=("fil",),
    byline_words=("ni", "sinulat ni", "mula kay"),
    teasers=("Magbasa pa", "Ituloy ang pagbasa"),
    navigation_words=("menu", "isara", "tahanan", "home", "maghanap", "hanapin", "ibahagi",
                      "i-print", "nakaraan", "susunod", "balita", "tungkol sa amin", "tungkol",
                      "makipag-ugnayan", "kontak", "mag-donate", "sumali", "kaganapan",
                      "pahayag"),
    furniture={
        "contents": "Nilalaman",
        "colophon": "Tungkol sa edisyong ito",
        "published_by": "Inilathala ng",
        "dated": "Petsa",
        "original": "Orihinal",
        "written_in": "Orihinal na wika",
        "translation": "Salin",
        "status_source": "orihinal na teksto",
        "status_reviewed": "buong nasuri",
        "status_draft": "borador: {unreviewed} sa {total} pangungusap ang hindi pa "
                        "nasusuri; may salungguhit ang salin ng makina",
        "status_partial": "{percent} ang nasuri; ang ibang pangungusap ay nakalimbag sa "
                          "orihinal na wika ({source})",
        "draft_notice": "BORADOR: may salin ng makina na hindi pa nasusuri",
        "web_languages": "Mga wika",
        "not_translated": "hindi pa naisasalin",
        "statements": "Mga pahayag",
        "download": "I-download",
        "pdf_single": "PDF",
        "pdf_parallel": "PDF, katabi ng {source}",
        "pdf_multilingual": "PDF sa lahat ng wika",
        "print_bundle": "Mga file para sa imprenta (ZIP)",
        "feed": "Atom feed",
        "card_alt": "Larawang pambahagi: “{title}”, {author}, {date}. “{quote}”",
    },
)
