"""Arabic (Mashriq conventions: Arabic-Indic digits, Levantine and Egyptian month names)."""

from workflow.languages.profile import (
    ARABIC,
    ARABIC_INDIC_DIGITS,
    ARABIC_SCRIPT_MARKS,
    NASKH_FONTS,
    WESTERN_DIGITS,
    Profile,
)

PROFILE = Profile(
    code="ar",
    script=ARABIC,
    fonts=NASKH_FONTS,
    digits=ARABIC_INDIC_DIGITS,
    # The Maghreb writes Western digits: `arabic_digits = "western"` in [tool.pamphlet].
    other_digits=(WESTERN_DIGITS,),
    counter_style="arabic-indic",
    font_size_pt=11.0,
    parallel_font_size_pt=9.5,
    line_height=1.7,
    # Two columns: at most poppler's 1.5 (profile.py), so copied text stays in its column.
    columns_line_height=1.45,
    heading_line_height=1.5,  # Kufi's tall letters and dots are cramped below 1.5
    quotes=("«", "»", "“", "”"),
    percent="{}٪",
    sentence_rules="ar",
    abbreviations=("د.", "أ.", "م.", "ص.", "ج."),
    marks=ARABIC_SCRIPT_MARKS,
    wrong_letters={"پ": "ب", "چ": "ج", "ژ": "ج or ز", "گ": "ج or غ or ك", "ی": "ي or ى",
                   "ک": "ك"},
    wrong_letters_of="Persian",
    symmetric_curly_quotes=True,
    length_factor=0.86,
    clitics=("و", "ب"),
    prefixes=("ال",),
    endings=("ون", "ين", "ات", "ان", "ه", "ي", "ا"),
    number_names={"واحد": 1, "واحدة": 1, "اثنان": 2, "اثنين": 2, "اثنتان": 2, "اثنتين": 2,
                  "ثلاث": 3, "ثلاثة": 3, "أربع": 4, "أربعة": 4, "خمس": 5, "خمسة": 5, "ست": 6,
                  "ستة": 6, "سبع": 7, "سبعة": 7, "ثماني": 8, "ثمانية": 8, "تسع": 9,
                  "تسعة": 9, "عشر": 10, "عشرة": 10, "عشرون": 20, "عشرين": 20, "مائة": 100,
                  "مئة": 100, "ألف": 1000},
    number_words={"ألف": 3, "ألفا": 3, "آلاف": 3, "مليون": 6, "مليونا": 6, "ملايين": 6,
                  "مليار": 9, "مليارا": 9, "مليارات": 9, "بليون": 9},
    # The Syriac month names of the Levant and Iraq (كانون الثاني) and the Egyptian ones.
    month_locales=("ar", "ar_SY"),
    date_months=("ar_SY", "ar"),
    # "بيان" is "statement", not a byline: "بيان رسمي" is an official statement.
    byline_words=("بقلم", "صادر عن", "إعداد", "كتبه"),
    teasers=("اقرأ المزيد", "تابع القراءة", "متابعة القراءة"),
    # Function words (Persian spells its own with ی and ک: they tell the two apart).
    common_words=frozenset("""
        في من على إلى أن التي الذي الذين هذا هذه عن مع كان كانت لا ما هو هي قد كل بين ذلك
        أو لم حتى ضد عند منذ لقد إن كما بعد قبل غير
        """.split()),
    site_labels=("بيان", "بيان رسمي", "بيان صحفي", "تصريح", "تصريح صحفي", "بلاغ", "أخبار",
                 "مقالات", "مقال", "رأي", "تحليل"),
    navigation_words=("القائمة", "القائمة الرئيسية", "إغلاق", "اغلاق", "الرئيسية",
                      "الصفحة الرئيسية", "بحث", "مشاركة", "طباعة", "انتقل إلى المحتوى",
                      "السابق", "التالي", "اتصل بنا", "من نحن", "أخبار", "الأخبار", "تبرع",
                      "انضم إلينا", "بيانات", "الأرشيف", "فعاليات"),
    furniture={
        "contents": "المحتويات",
        "colophon": "عن هذه الطبعة",
        "published_by": "صادر عن",
        "dated": "التاريخ",
        "original": "النص الأصلي",
        "written_in": "لغة النص الأصلي",
        "translation": "الترجمة",
        "status_source": "النص الأصلي",
        "status_reviewed": "تمت مراجعتها بالكامل",
        "status_draft": "مسودة: {unreviewed} من {total} جملة لم تُراجَع بعد؛ "
                        "تحت الترجمة الآلية خط",
        "status_partial": "تمت مراجعة {percent}؛ الجمل الأخرى مطبوعة بلغة النص الأصلي "
                          "({source})",
        "draft_notice": "مسودة: تحتوي على ترجمة آلية لم تُراجَع",
        "web_languages": "اللغات",
        "not_translated": "لم يُترجَم بعد",
        "statements": "البيانات",
        "download": "تنزيل",
        "pdf_single": "PDF",
        "pdf_parallel": "PDF، جنبًا إلى جنب مع {source}",
        "pdf_multilingual": "PDF بكل اللغات",
        "print_bundle": "ملفات المطبعة (ZIP)",
        "feed": "موجز Atom",
        "card_alt": "صورة للمشاركة: «{title}»، {author}، {date}. «{quote}»",
    },
)
