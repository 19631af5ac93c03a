"""Persian (Iran: Persian digits, ی and ک, ZWNJ inside words)."""

from workflow.languages.profile import (
    ARABIC,
    ARABIC_SCRIPT_MARKS,
    NASKH_FONTS,
    PERSIAN_DIGITS,
    WESTERN_DIGITS,
    Profile,
)

PROFILE = Profile(
    code="fa",
    script=ARABIC,
    fonts=NASKH_FONTS,
    digits=PERSIAN_DIGITS,
    other_digits=(WESTERN_DIGITS,),  # in Latin runs and tables; never Arabic-Indic ones
    counter_style="persian",
    font_size_pt=11.0,
    parallel_font_size_pt=9.5,
    line_height=1.7,
    heading_line_height=1.5,  # Kufi's tall letters and dots are cramped below 1.5
    quotes=("«", "»", "“", "”"),
    percent="{}٪",
    sentence_rules="fa",
    abbreviations=("د.", "ص.", "ج."),
    marks=ARABIC_SCRIPT_MARKS,
    wrong_letters={"ي": "ی", "ك": "ک", "ى": "ی"},
    wrong_letters_of="Arabic",
    unusual_letters={"ة": "ه or ت"},
    symmetric_curly_quotes=True,
    length_factor=0.92,
    clitics=("و", "ب"),
    endings=("هاي", "ها", "گان", "ان", "ي"),
    number_names={"یک": 1, "دو": 2, "سه": 3, "چهار": 4, "پنج": 5, "شش": 6, "هفت": 7,
                  "هشت": 8, "نه": 9, "ده": 10, "یازده": 11, "دوازده": 12, "بیست": 20,
                  "صد": 100, "هزار": 1000},
    number_words={"هزار": 3, "میلیون": 6, "میلیارد": 9, "بیلیون": 9},
    month_locales=("fa",),
    # "بیانیه" is "statement", never a byline.
    byline_words=("نوشته", "نوشتهٔ", "به قلم", "از طرف"),
    teasers=("ادامه مطلب", "ادامه‌ی مطلب", "ادامهٔ مطلب", "بیشتر بخوانید"),
    navigation_words=("فهرست", "بستن", "منو", "خانه", "صفحه اصلی", "صفحهٔ اصلی", "جستجو",
                      "جست‌وجو", "اشتراک", "اشتراک‌گذاری", "چاپ", "رفتن به محتوا", "قبلی",
                      "بعدی", "درباره ما", "دربارهٔ ما", "تماس", "تماس با ما", "اخبار",
                      "حمایت مالی", "بیانیه‌ها", "آرشیو", "رویدادها"),
    furniture={
        "contents": "فهرست",
        "colophon": "دربارهٔ این نسخه",
        "published_by": "ناشر",
        "dated": "تاریخ",
        "original": "متن اصلی",
        "written_in": "زبان متن اصلی",
        "translation": "ترجمه",
        "status_source": "متن اصلی",
        "status_reviewed": "به‌طور کامل بازبینی شده",
        "status_draft": "پیش‌نویس: {unreviewed} جمله از {total} جمله هنوز بازبینی نشده؛ "
                        "زیر ترجمهٔ ماشینی خط کشیده شده",
        "status_partial": "{percent} بازبینی شده؛ جمله‌های دیگر به زبان متن اصلی "
                          "({source}) چاپ شده‌اند",
        "draft_notice": "پیش‌نویس: شامل ترجمهٔ ماشینیِ بازبینی‌نشده",
    },
)
