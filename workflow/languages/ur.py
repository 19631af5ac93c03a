"""Urdu (Pakistan: Nastaliq, the Urdu full stop ۔, Western digits as CLDR has them)."""

from workflow.languages.profile import (
    ARABIC,
    ARABIC_SCRIPT_MARKS,
    PERSIAN_DIGITS,
    Fonts,
    Profile,
)

PROFILE = Profile(
    code="ur",
    script=ARABIC,
    # Nastaliq is how Urdu is read; its deep descenders and tall ascenders need about
    # twice the line height of Latin text (measured on the rendered pages: 2.3 keeps
    # stacked letters of adjacent lines apart).
    fonts=Fonts(text=("Noto Nastaliq Urdu",), heading=("Noto Nastaliq Urdu",),
                furniture=("Noto Nastaliq Urdu",)),
    # CLDR's Urdu writes Western digits (ur_IN writes Extended Arabic-Indic ones).
    other_digits=(PERSIAN_DIGITS,),  # never Arabic-Indic ones
    font_size_pt=11.0,
    parallel_font_size_pt=9.5,
    line_height=2.3,
    heading_line_height=2.2,
    quotes=("“", "”", "‘", "’"),
    sentence_rules="ur",
    marks={**ARABIC_SCRIPT_MARKS, "full stop": "۔"},
    wrong_letters={"ي": "ی", "ك": "ک", "ى": "ی"},
    wrong_letters_of="Arabic",
    unusual_letters={"ة": "ہ or ت", "ه": "ہ (gol he) or ھ (do-chashmi he)"},
    length_factor=1.05,
    endings=("وں", "یں", "ے", "ی", "ا"),
    number_names={"ایک": 1, "دو": 2, "تین": 3, "چار": 4, "پانچ": 5, "چھ": 6, "سات": 7,
                  "آٹھ": 8, "نو": 9, "دس": 10, "گیارہ": 11, "بارہ": 12, "بیس": 20,
                  "سو": 100, "ہزار": 1000},
    number_words={"ہزار": 3, "لاکھ": 5, "کروڑ": 7, "ارب": 9, "ملین": 6, "بلین": 9},
    month_locales=("ur",),
    byline_words=("تحریر", "منجانب", "از طرف"),
    teasers=("مزید پڑھیں", "مزید پڑھیے"),
    navigation_words=("فہرست", "مینو", "بند کریں", "صفحہ اول", "سرورق", "تلاش", "شیئر", "پرنٹ",
                      "پچھلا", "اگلا", "ہمارے بارے میں", "رابطہ", "رابطہ کریں", "خبریں",
                      "عطیہ", "بیانات", "آرکائیو"),
    furniture={
        "contents": "فہرست",
        "colophon": "اس اشاعت کے بارے میں",
        "published_by": "ناشر",
        "dated": "تاریخ",
        "original": "اصل متن",
        "written_in": "اصل زبان",
        "translation": "ترجمہ",
        "status_source": "اصل متن",
        "status_reviewed": "مکمل نظرِ ثانی شدہ",
        "status_draft": "مسودہ: {total} جملوں میں سے {unreviewed} پر ابھی نظرِ ثانی نہیں "
                        "ہوئی؛ مشینی ترجمے کے نیچے لکیر ہے",
        "status_partial": "{percent} پر نظرِ ثانی ہو چکی؛ باقی جملے اصل زبان ({source}) "
                          "میں چھپے ہیں",
        "draft_notice": "مسودہ: اس میں مشینی ترجمہ ہے جس پر نظرِ ثانی نہیں ہوئی",
        "web_languages": "زبانیں",
        "not_translated": "ابھی ترجمہ نہیں ہوا",
        "statements": "بیانات",
        "download": "ڈاؤن لوڈ",
        "pdf_single": "PDF",
        "pdf_parallel": "PDF، {source} متن کے ساتھ ساتھ",
        "pdf_multilingual": "PDF تمام زبانوں میں",
        "print_bundle": "چھپائی کی فائلیں (ZIP)",
        "feed": "Atom فیڈ",
        "card_alt": "شیئر کرنے کی تصویر: “{title}”، {author}، {date}۔ “{quote}”",
    },
)
