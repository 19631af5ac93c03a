"""French (France: « » with narrow no-break spaces, a no-break space before ; : ! ?)."""

from workflow.languages.profile import LATIN, LATIN_FONTS, NBSP, NNBSP, Profile

PROFILE = Profile(
    code="fr",
    script=LATIN,
    fonts=LATIN_FONTS,
    other_nplurals=(2,),  # msginit's (n != 1) / (n > 1)
    hyphenation="fr",
    quotes=("«", "»", "“", "”"),
    quote_space=NNBSP,
    # The Imprimerie nationale's rule: a full no-break space before the colon, a narrow
    # one before ; ! ? (and inside « »).
    space_before={":": NBSP, ";": NNBSP, "!": NNBSP, "?": NNBSP},
    percent="{}" + NNBSP + "%",
    label_suffix=NBSP + ":",
    sentence_rules="fr",
    abbreviations=("M.", "MM.", "Mme.", "Dr.", "Pr.", "p.", "pp.", "cf.", "env.", "av.",
                   "apr.", "art.", "vol.", "St.", "Ste.", "bd.", "n°."),
    continuation_words=("et", "ou", "ni"),
    common_words=frozenset("""
        le la les des du et est sont une dans pour qui que pas sur avec cette ces nous vous
        ils elles leur leurs notre nos mais aussi très été être avoir ont était depuis
        contre aux on or but
        """.split()),
    length_factor=1.15,
    endings=("es", "s", "e", "x"),
    roman_numerals=True,
    number_names=dict(un=1, une=1, deux=2, trois=3, quatre=4, cinq=5, six=6, sept=7,
                      huit=8, neuf=9, dix=10, onze=11, douze=12, vingt=20, cent=100,
                      mille=1000),
    number_words={"mille": 3, "million": 6, "millions": 6, "milliard": 9, "milliards": 9},
    month_locales=("fr",),
    byline_words=("par",),
    teasers=("Lire la suite", "Continuer la lecture"),
    site_labels=("Communiqué", "Communiqué de presse", "Déclaration", "Actualités", "Tribune",
                 "Analyse"),
    navigation_words=("menu", "fermer", "accueil", "rechercher", "recherche", "partager",
                      "imprimer", "aller au contenu", "précédent", "suivant", "actualités",
                      "contact", "contactez-nous", "à propos", "qui sommes-nous",
                      "faire un don", "nous rejoindre", "événements", "communiqués",
                      "campagnes", "archives"),
    furniture={
        "contents": "Sommaire",
        "colophon": "À propos de cette édition",
        "published_by": "Publié par",
        "dated": "Date",
        "original": "Original",
        "written_in": "Langue originale",
        "translation": "Traduction",
        "status_source": "texte original",
        "status_reviewed": "entièrement relue",
        # The plural goes with the total: "1 sur 8 phrases", never "1 phrases".
        "status_draft": f"brouillon{NBSP}: {{unreviewed}} sur {{total}} phrases restent à "
                        f"relire{NNBSP}; la traduction automatique est soulignée",
        "status_partial": f"relue à {{percent}}{NNBSP}; les autres phrases sont imprimées "
                          "dans la langue originale ({source})",
        "draft_notice": f"BROUILLON{NBSP}: contient une traduction automatique non relue",
        "web_languages": "Langues",
        "not_translated": "pas encore traduit",
        "statements": "Déclarations",
        "download": "Télécharger",
        "pdf_single": "PDF",
        "pdf_parallel": "PDF, en regard du texte en {source}",
        "pdf_multilingual": "PDF dans toutes les langues",
        "print_bundle": "Fichiers pour l’imprimeur (ZIP)",
        "feed": "Flux Atom",
        "card_alt": f"Image de partage{NBSP}: «{NNBSP}{{title}}{NNBSP}», {{author}}, "
                    f"{{date}}. «{NNBSP}{{quote}}{NNBSP}»",
    },
)
