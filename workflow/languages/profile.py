"""What a language profile holds, and the scripts that profiles share."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache, cached_property
from typing import Literal

from babel import Locale
from babel.dates import format_date, format_skeleton, get_month_names

from workflow.languages.zwnj import ZwnjRules

WESTERN_DIGITS = "0123456789"
ARABIC_INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"  # Extended Arabic-Indic: Persian, Urdu
DIGIT_SYSTEMS = {WESTERN_DIGITS: "Western", ARABIC_INDIC_DIGITS: "Arabic-Indic",
                 PERSIAN_DIGITS: "Persian"}

NBSP, NNBSP = "\u00a0", "\u202f"


@cache
def _digit_table(digits: str) -> dict[int, str]:
    return {ord(d): digits[value] for system in DIGIT_SYSTEMS for value, d in enumerate(system)}


def write_digits(text: str, digits: str) -> str:
    """`text` with every digit of any system written in `digits`."""
    return text.translate(_digit_table(digits))


# Arabic script's own separators: ٬ groups thousands, ٫ marks decimals. A Latin comma among
# Arabic-script digits (۱,۵۰۰) reads to a Persian reader as a decimal mark: 1.5.
ARABIC_GROUP, ARABIC_DECIMAL = "\u066c", "\u066b"
_ANY_DIGIT = "0-9\u0660-\u0669\u06f0-\u06f9"
NUMBER_WITH_SEPARATORS = re.compile(rf"(?<![{_ANY_DIGIT}])[{_ANY_DIGIT}]+"
                                    rf"(?:[.,{ARABIC_GROUP}{ARABIC_DECIMAL}][{_ANY_DIGIT}]+)+")


_LATIN_SEPARATORS = str.maketrans({ARABIC_GROUP: ",", ARABIC_DECIMAL: "."})


def separator_roles(number: str) -> list[str] | None:
    """"group" or "decimal" for each separator of a number ("1,500.5": group, decimal),
    whichever script wrote it: a separator before exactly three digits groups them, as
    in 1,500 and Spanish 1.500. None for a date or version (3.11.2018, 1.2.3), whose
    separators are no number's."""
    parts = re.split(rf"([.,{ARABIC_GROUP}{ARABIC_DECIMAL}])", number)
    separators, groups = parts[1::2], parts[2::2]
    roles = []
    for separator, group in zip(separators, groups, strict=True):
        if separator == ARABIC_GROUP or (separator != ARABIC_DECIMAL and len(group) == 3):
            roles.append("group")
        else:
            roles.append("decimal")
    if roles.count("decimal") > 1 or ("decimal" in roles and roles[-1] != "decimal"):
        return None
    return roles


def write_separators(text: str, digits: str) -> str:
    """`text` with the separators inside its numbers as `digits` takes them: ٬ and ٫
    with Arabic-Indic or Persian digits; with Western ones ٬ and ٫ become , and . (a
    Latin-script number's own . and , are its language's convention: left alone)."""
    if digits == WESTERN_DIGITS:
        return text.translate(_LATIN_SEPARATORS)
    group, decimal = ARABIC_GROUP, ARABIC_DECIMAL

    def rewrite(match: re.Match) -> str:
        number = match.group(0)
        roles = separator_roles(number)
        if roles is None:
            return number
        parts = re.split(rf"[.,{ARABIC_GROUP}{ARABIC_DECIMAL}]", number)
        out = parts[0]
        for role, part in zip(roles, parts[1:], strict=True):
            out += (group if role == "group" else decimal) + part
        return out

    return NUMBER_WITH_SEPARATORS.sub(rewrite, text)


@dataclass(frozen=True)
class Script:
    """A writing system: how to find its letters, and the fonts that print it in an
    edition of any language (a name left untranslated, a quoted slogan)."""

    code: str  # ISO 15924
    name: str
    letters: str  # the body of a regular-expression character class
    text_fallback: tuple[str, ...]
    heading_fallback: tuple[str, ...]
    # A lowercase letter after a full stop means the sentence goes on ("U.S. army").
    cased: bool = False
    # Prefixes and endings attach to words without a space (و, ال, ها): glossary renderings
    # are found inside words.
    affixes_attach: bool = False
    # Words joined by a slash or a hyphen (آذار/مارس, سلفی-جهادی) are set on one line, as a
    # word is: the script is never hyphenated, and a line break after the joiner reads as
    # two words (and copies out as two, with a space).
    joined_words_whole: bool = False
    # Letters whose spelling varies, not their meaning: folded before words are compared.
    fold: Mapping[int, str | None] = field(default_factory=dict)
    # Letters -> ASCII, for file names (slugs): short vowels are not written, so this is
    # a skeleton ("همبستگی" -> "hmbstgi"), stable and readable enough to find a file by.
    romanization: Mapping[int, str] = field(default_factory=dict)

    @cached_property
    def letter_pattern(self) -> re.Pattern:
        return re.compile(f"[{self.letters}]")

    @cached_property
    def word_pattern(self) -> re.Pattern:
        """A run of this script's letters (with its combining marks)."""
        return re.compile(f"[{self.letters}]+")


LATIN = Script(
    "Latn", "Latin", r"A-Za-z\u00C0-\u024F\u1E00-\u1EFF",
    text_fallback=("Noto Serif",), heading_fallback=("Noto Sans",), cased=True)
ARABIC = Script(
    "Arab", "Arabic",
    r"\u0600-\u0605\u0608\u060B\u060E-\u061A\u0620-\u065F\u066E-\u06D3\u06D5-\u06EF\u06FA-\u06FF"
    r"\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF",
    # Naskh covers the letters of Arabic, Persian and Urdu alike.
    text_fallback=("Noto Naskh Arabic",), heading_fallback=("Noto Sans Arabic",),
    affixes_attach=True, joined_words_whole=True,
    fold=str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ی": "ي",
                        "ک": "ك", "ة": "ه", "ۀ": "ه", "ہ": "ه", "ۃ": "ه", "ؤ": "و",
                        "\u200c": None, "\u200d": None}),
    romanization=str.maketrans({
        "ا": "a", "آ": "a", "أ": "a", "إ": "i", "ٱ": "a", "ء": "", "ئ": "y", "ؤ": "w",
        "ب": "b", "پ": "p", "ت": "t", "ة": "a", "ث": "th", "ج": "j", "چ": "ch", "ح": "h",
        "خ": "kh", "د": "d", "ذ": "dh", "ر": "r", "ز": "z", "ژ": "zh", "س": "s", "ش": "sh",
        "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "ع": "", "غ": "gh", "ف": "f", "ق": "q",
        "ک": "k", "ك": "k", "گ": "g", "ل": "l", "م": "m", "ن": "n", "ں": "n", "و": "w",
        "ه": "h", "ۀ": "h", "ہ": "h", "ھ": "h", "ی": "y", "ي": "y", "ى": "a", "ے": "e",
        "ٹ": "t", "ڈ": "d", "ڑ": "r", "\u200c": "", "\u0640": ""}))
SCRIPTS = (LATIN, ARABIC)

# The kinds of marks a sentence may end with, as Latin script writes them.
LATIN_MARKS = {"question mark": "?", "exclamation mark": "!", "full stop": ".",
               "ellipsis": "…", "colon": ":", "semicolon": ";", "comma": ","}
ARABIC_SCRIPT_MARKS = {**LATIN_MARKS, "question mark": "؟", "semicolon": "؛", "comma": "،"}

# The words of the furniture every pamphlet prints around the statement; each profile
# gives all of them (tests check that none is missing).
FURNITURE_KEYS = (
    "contents", "colophon", "published_by", "dated", "original", "written_in",
    "translation", "status_source", "status_reviewed", "status_draft", "status_partial",
    "draft_notice",
    # the web edition (workflow/builders/site.py) and its share images (cards.py)
    "web_languages", "not_translated", "statements", "download", "pdf_single", "pdf_parallel",
    "pdf_multilingual", "print_bundle", "feed", "card_alt",
)


@dataclass(frozen=True)
class Fonts:
    """Font families by role, in the order CSS names them."""

    text: tuple[str, ...]
    heading: tuple[str, ...]
    furniture: tuple[str, ...]  # page numbers, running headers, colophon, contents


# The families most profiles share: Serif for reading and Sans for display in Latin
# script; Naskh for reading and Kufi for display in Arabic script.
LATIN_FONTS = Fonts(text=("Noto Serif",), heading=("Noto Sans",), furniture=("Noto Sans",))
NASKH_FONTS = Fonts(text=("Noto Naskh Arabic",), heading=("Noto Kufi Arabic", "Noto Sans Arabic"),
                    furniture=("Noto Sans Arabic",))


@dataclass(frozen=True)
class Profile:
    """Everything that differs by language. A new language is a new module in this package
    with a `PROFILE`; no code outside the package asks which language it looks at."""

    code: str  # as in catalogs, `languages` and `--lang`: ISO 639-1 where there is one
    script: Script
    fonts: Fonts
    furniture: Mapping[str, str]
    babel_locale: str = ""  # babel's name for the locale, when it is not `code`
    english_name_override: str = ""  # where babel's name is not what users call it
    native_name_override: str = ""
    # Plural forms a catalog may declare besides babel's (CLDR's): GNU gettext's msginit
    # and many Weblate setups still give Spanish and French two, where CLDR has three.
    other_nplurals: tuple[int, ...] = ()
    # --- Typesetting
    digits: str = WESTERN_DIGITS
    counter_style: str = "decimal"  # CSS counter style of page and list numbers
    font_size_pt: float = 10.0
    parallel_font_size_pt: float = 8.5  # in the narrower columns of the side-by-side layout
    line_height: float = 1.45
    # In a measure of two columns and side by side: pdftotext (poppler's
    # TextPage::coalesce) joins a line to the block above only when its baseline is at
    # most 1.5x the font size lower; looser lines are blocks of one line each, and two
    # columns of them copy out interleaved line by line. None: `line_height`. The fitting
    # pass may set it looser, up to COLUMNS_LINE_HEIGHT_MAX (render/stylesheet.py).
    columns_line_height: float | None = None
    heading_line_height: float | None = None  # None: the stylesheet's own
    hyphenation: str | None = None  # a pyphen dictionary (our English is US English)
    # Quotation marks (primary, secondary), and what goes inside a pair (French: NNBSP).
    quotes: tuple[str, str, str, str] = ("“", "”", "‘", "’")
    quote_space: str = ""
    # Marks that take a no-break space before them (French ; : ! ?), and which space.
    space_before: Mapping[str, str] = field(default_factory=dict)
    percent: str = "{} %"
    label_suffix: str = ":"  # after a label of the colophon: "Date:", French "Date :"
    # --- Sentences
    sentence_rules: str = "en"  # the pysbd language whose rules cut sentences
    abbreviations: tuple[str, ...] = ()  # one in lower case also matches with a capital
    # Conjunctions that continue a sentence after an initialism even with a capital
    # ("EE. UU. Y México"); a sentence may end with "EE. UU." before any other word.
    continuation_words: tuple[str, ...] = ()
    # --- Checks
    marks: Mapping[str, str] = field(default_factory=lambda: LATIN_MARKS)
    # End mark -> the opening mark the sentence must also have (Spanish ¿...? and ¡...!).
    opening_marks: Mapping[str, str] = field(default_factory=dict)
    # Letters of a neighbouring script's spelling that are wrong here -> what to write.
    wrong_letters: Mapping[str, str] = field(default_factory=dict)
    wrong_letters_of: str = ""  # whose letters they are, for the message
    unusual_letters: Mapping[str, str] = field(default_factory=dict)
    # Letters romanised otherwise than the script's table says (Persian و is v, ی is i).
    romanization: Mapping[str, str] = field(default_factory=dict)
    # The language's function words (Latin script): found in another language's text,
    # they were left untranslated; never cognates or names.
    common_words: frozenset[str] = frozenset()
    # Affixes written with a zero-width non-joiner (Persian می‌گویند, جامعه‌ها).
    zwnj: ZwnjRules | None = None
    # Digit systems a translation may write numbers in, besides `digits`.
    other_digits: tuple[str, ...] = ()
    number_words: Mapping[str, int] = field(default_factory=dict)  # "billion": 9
    number_names: Mapping[str, int] = field(default_factory=dict)  # "six": 6
    roman_numerals: bool = False
    clitics: tuple[str, ...] = ()  # one-letter words written onto the next: و ب
    prefixes: tuple[str, ...] = ()  # for glossary renderings, after folding
    endings: tuple[str, ...] = ()
    length_factor: float = 1.0  # typical length relative to English
    symmetric_curly_quotes: bool = False  # “ and ” both open and close
    # --- Import
    month_locales: tuple[str, ...] = ()  # babel locales whose month names dates may use
    byline_words: tuple[str, ...] = ()  # words before an author's name: "by", "بقلم"
    teasers: tuple[str, ...] = ()  # "Continue reading" links left at a line's end
    navigation_words: tuple[str, ...] = ()  # a line of nothing else is a site's menu
    # A site's label for the kind of page, above the title: "Press release", "بيان رسمي"
    site_labels: tuple[str, ...] = ()
    # --- Dates: month names of these babel locales, joined by "/" (تشرين الثاني/نوفمبر)
    date_months: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        missing = [key for key in FURNITURE_KEYS if key not in self.furniture]
        if missing:
            raise ValueError(f"profile {self.code!r} lacks furniture: {', '.join(missing)}")

    # --- Names and locale data from babel

    @cached_property
    def locale(self) -> Locale:
        return Locale.parse(self.babel_locale or self.code)

    @property
    def english_name(self) -> str:
        # babel knows a name for every locale it parses; the code stands in otherwise
        return self.english_name_override or self.locale.get_display_name("en") or self.code

    @property
    def native_name(self) -> str:
        name = (self.native_name_override or self.locale.get_display_name(self.locale)
                or self.code)
        return name[:1].upper() + name[1:] if self.script.cased else name

    def name_in(self, other: Profile) -> str:
        """This language's name as `other` writes it ("árabe" in Spanish)."""
        if other.code == self.code:  # as in running text: "español", "français"
            return (self.native_name_override or self.locale.get_display_name(self.locale)
                    or self.code)
        if other.code == "en" and self.english_name_override:
            return self.english_name_override
        return self.locale.get_language_name(other.locale) or self.english_name

    @property
    def direction(self) -> str:
        return "rtl" if self.locale.character_order == "right-to-left" else "ltr"

    @property
    def rtl(self) -> bool:
        return self.direction == "rtl"

    @property
    def html_lang(self) -> str:
        """The BCP 47 tag for `lang` attributes."""
        return self.code

    # --- Numbers and dates

    def write_digits(self, text: str, digits: str | None = None) -> str:
        """`text` with every digit of any system written in `digits` (default: ours)."""
        return write_digits(text, digits or self.digits)

    def number(self, value: int, digits: str | None = None) -> str:
        return self.write_digits(str(value), digits)

    def percent_text(self, value: int, digits: str | None = None) -> str:
        return self.write_digits(self.percent.format(value), digits)

    def month_name(self, month: int,
                   width: Literal["abbreviated", "narrow", "wide"] = "wide",
                   context: Literal["format", "stand-alone"] = "format") -> str:
        locales = self.date_months or (self.babel_locale or self.code,)
        names = [get_month_names(width, context, locale=code)[month] for code in locales]
        return "/".join(dict.fromkeys(names))

    def format_date(self, value: str, digits: str | None = None) -> str:
        """An ISO date (YYYY-MM-DD, YYYY-MM or YYYY) as this language writes it, the one
        style every date of a pamphlet takes: cover, byline, colophon."""
        parts = [int(p) for p in value.split("-")]
        locale = self.babel_locale or self.code
        if len(parts) == 3:
            text = format_date(date(*parts), "long", locale=locale)
            standard = get_month_names("wide", locale=locale)[parts[1]]
            month = self.month_name(parts[1])
        elif len(parts) == 2:
            text = format_skeleton("yMMMM", date(parts[0], parts[1], 1), locale=locale)
            standard = get_month_names("wide", "stand-alone", locale=locale)[parts[1]]
            month = self.month_name(parts[1], context="stand-alone")
        else:
            return self.number(parts[0], digits)
        if month != standard:
            text = text.replace(standard, month, 1)
        return self.write_digits(text, digits)

    @property
    def line_height_in_columns(self) -> float:
        """The text's line height in two-column measures and side-by-side columns."""
        return self.columns_line_height or self.line_height

    # --- Fonts

    def font_stack(self, role: str) -> tuple[str, ...]:
        """The families CSS names for a role ("text", "heading", "furniture"): this
        language's own, then a fallback for every script, so that a stray word of another
        script prints in any edition. The glyph check tests exactly this stack."""
        own = getattr(self.fonts, role)
        fallbacks = [family for script in (self.script, *SCRIPTS) for family in
                     (script.text_fallback if role == "text" else script.heading_fallback)]
        return tuple(dict.fromkeys((*own, *fallbacks)))

    def all_fonts(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(family for role in ("text", "heading", "furniture")
                                   for family in self.font_stack(role)))

    # --- Script

    def romanize(self, text: str) -> str:
        """`text` in ASCII letters (where the script has a table) and digits, for slugs."""
        own: dict[str, str | int | None] = {**self.romanization}
        text = text.translate(str.maketrans(own)) if own else text
        return write_digits(text.translate(self.script.romanization), WESTERN_DIGITS)

    def foreign_words(self, text: str) -> list[str]:
        """Words in `text` written in a script other than this language's."""
        return [m.group(0) for script in SCRIPTS if script is not self.script
                for m in script.word_pattern.finditer(text)]
