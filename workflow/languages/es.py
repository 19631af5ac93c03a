"""Spanish."""

from workflow.languages.profile import LATIN, LATIN_FONTS, Profile

PROFILE = Profile(
    code="es",
    script=LATIN,
    fonts=LATIN_FONTS,
    other_nplurals=(2,),  # msginit's (n != 1) / (n > 1)
    hyphenation="es",
    quotes=("«", "»", "“", "”"),
    sentence_rules="es",
    abbreviations=("Sr.", "Sra.", "Srta.", "Dr.", "Dra.", "Ud.", "Uds.", "EE.", "p.", "a.",
                   "aprox.", "ca.", "incl.",
                   "núm.", "No.", "Nº.", "pág.", "Lic.", "Ing.", "Gral.", "Av.", "Avda.",
                   "Sres.", "Dña.", "Excmo.", "Cía.", "Dpto.", "Col."),
    continuation_words=("y", "e", "o", "u", "ni"),
    common_words=frozenset("""
        el la los las de del que y en un una unos unas con por para es son fue fueron se su
        sus al lo como más pero sino este esta estos estas ese esa esos esas nuestro nuestra
        nuestros nuestras ellos ellas nosotros también muy sobre entre contra desde hasta
        durante cuando donde porque hay está están ha han ser ya todo todos todas otro otra
        otros otras cual cuales quien quienes mientras
        """.split()),
    opening_marks={"?": "¿", "!": "¡"},
    length_factor=1.12,
    endings=("es", "as", "os", "s", "a", "o", "e"),
    roman_numerals=True,
    number_names=dict(un=1, uno=1, una=1, dos=2, tres=3, cuatro=4, cinco=5, seis=6, siete=7,
                      ocho=8, nueve=9, diez=10, once=11, doce=12, veinte=20, cien=100,
                      ciento=100, mil=1000),
    number_words={"mil": 3, "millón": 6, "millon": 6, "millones": 6, "millardo": 9,
                  "millardos": 9, "billón": 12, "billones": 12},
    byline_words=("por",),
    teasers=("Seguir leyendo", "Leer más", "Sigue leyendo"),
    site_labels=("Comunicado", "Comunicado de prensa", "Comunicado oficial", "Declaración",
                 "Declaración oficial", "Pronunciamiento", "Noticias", "Opinión", "Artículo",
                 "Análisis"),
    navigation_words=("menú", "menu", "cerrar", "inicio", "buscar", "compartir", "imprimir",
                      "ir al contenido", "saltar al contenido", "anterior", "siguiente",
                      "noticias", "contacto", "contáctenos", "nosotros", "quiénes somos",
                      "acerca de", "donar", "donaciones", "únete", "eventos", "comunicados",
                      "campañas", "archivo"),
    furniture={
        "contents": "Índice",
        "colophon": "Sobre esta edición",
        "published_by": "Publicado por",
        "dated": "Fecha",
        "original": "Original",
        "written_in": "Idioma original",
        "translation": "Traducción",
        "status_source": "texto original",
        "status_reviewed": "revisada en su totalidad",
        "status_draft": "borrador: {unreviewed} de {total} frases sin revisar; la "
                        "traducción automática va subrayada",
        "status_partial": "revisada al {percent}; las demás frases se imprimen en el "
                          "idioma original ({source})",
        "draft_notice": "BORRADOR: contiene traducción automática sin revisar",
        "web_languages": "Idiomas",
        "not_translated": "aún no traducido",
        "statements": "Declaraciones",
        "download": "Descargar",
        "pdf_single": "PDF",
        "pdf_parallel": "PDF, junto al texto en {source}",
        "pdf_multilingual": "PDF en todos los idiomas",
        "print_bundle": "Archivos para imprenta (ZIP)",
        "feed": "Canal Atom",
        "card_alt": "Imagen para compartir: «{title}», {author}, {date}. «{quote}»",
    },
)
