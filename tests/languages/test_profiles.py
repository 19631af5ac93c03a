"""The language profiles: the registry, what each profile holds, and that the rest of the
code asks the profiles rather than spelling language codes."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from tests.helpers import REPO, STATEMENT_EN, run, translate_catalog, write_project
from workflow import languages
from workflow.config import load_project
from workflow.errors import PamphletError
from workflow.languages.profile import FURNITURE_KEYS
from workflow.qa import CheckFailure, make_context
from workflow.qa.checks.punctuation import punctuation
from workflow.render.fonts import family_files
from workflow.render.html import date_text, render_html, typography
from workflow.render.stylesheet import language_css, profile_css
from workflow.segment import split_sentences

# The languages this project was built and tested with; a new profile adds to them and
# breaks none of these tests.
BUILT_WITH = ("ar", "en", "es", "fa", "fr", "tl", "ur")
PROFILES = ", ".join(languages.codes())


def test_the_registry_has_a_profile_per_module():
    assert set(BUILT_WITH) <= set(languages.codes())
    modules = sorted(p.stem for p in (REPO / "workflow" / "languages").glob("*.py")
                     if p.stem not in ("__init__", "profile", "zwnj"))
    assert modules == list(languages.codes())
    with pytest.raises(PamphletError, match=rf"no language profile for 'zz' \(profiles: "
                                            rf"{PROFILES};"):
        languages.get("zz")


def test_every_profile_is_complete_and_its_fonts_are_installed():
    for profile in languages.all_profiles():
        assert set(FURNITURE_KEYS) <= set(profile.furniture), profile.code
        assert profile.english_name and profile.native_name and profile.direction
        assert len(profile.digits) == 10 and profile.sentence_rules
        for family in profile.all_fonts():
            assert family_files(family), (profile.code, family)
    with pytest.raises(ValueError, match="lacks furniture: contents"):
        dataclasses.replace(languages.get("en"), furniture={
            k: v for k, v in languages.get("en").furniture.items() if k != "contents"})


def test_names_directions_and_scripts():
    assert [(p.code, p.english_name, p.native_name, p.direction, p.script.name)
            for p in map(languages.get, BUILT_WITH)] == [
        ("ar", "Arabic", "العربية", "rtl", "Arabic"),
        ("en", "English", "English", "ltr", "Latin"),
        ("es", "Spanish", "Español", "ltr", "Latin"),
        ("fa", "Persian", "فارسی", "rtl", "Arabic"),
        ("fr", "French", "Français", "ltr", "Latin"),
        ("tl", "Tagalog", "Tagalog", "ltr", "Latin"),
        ("ur", "Urdu", "اردو", "rtl", "Arabic")]
    assert languages.get("ar").name_in(languages.get("es")) == "árabe"
    assert languages.get("fa").name_in(languages.get("ar")) == "الفارسية"


def test_the_stylesheet_names_the_fonts_the_glyph_check_tests():
    css = language_css({}, draft=False)
    for profile in languages.all_profiles():
        rules = profile_css(profile, profile.digits, draft=False)
        assert rules in css
        named = {family for declaration in re.findall(r"font-family: ([^;]+);", rules)
                 for family in re.findall(r'"([^"]+)"', declaration)}
        assert named == set(profile.all_fonts()), profile.code
        text = re.search(rf":lang\({profile.code}\) {{ font-family: ([^;]+);", rules).group(1)
        assert re.findall(r'"([^"]+)"', text) == list(profile.font_stack("text"))
    urdu = profile_css(languages.get("ur"), languages.get("ur").digits, draft=True)
    assert '"Noto Nastaliq Urdu"' in urdu and "line-height: 2.3" in urdu
    assert languages.get("ur").furniture["draft_notice"] in urdu
    # Every edition carries a fallback for the other script: a stray word prints.
    assert "Noto Naskh Arabic" in languages.get("en").font_stack("text")
    assert "Noto Serif" in languages.get("ur").font_stack("text")
    # Hyphenation by the profile's locale (US English), none for Tagalog.
    assert '-weasy-lang: "en_US"' in language_css({}, False)
    assert "hyphens: auto" not in profile_css(languages.get("tl"), "0123456789", False)
    # Headings are never hyphenated: their rule is more specific than the body's.
    assert re.search(r"h1:lang\(en\)[^{]*\{[^}]*hyphens: manual", css)


def test_no_code_outside_the_profiles_asks_which_language_it_has():
    codes = "|".join(languages.codes())
    comparison = re.compile(rf"""(==|!=|\bin)\s*\(?\s*["']({codes})["']""")
    offenders = []
    for path in sorted((REPO / "workflow").rglob("*.py")):
        if "languages" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if comparison.search(line):
                offenders.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert offenders == []


def test_dates_take_one_style_per_language():
    assert date_text("2018-11-03", "ar") == "٣ تشرين الثاني/نوفمبر ٢٠١٨"
    assert date_text("2018-11-03", "ar", {"ar": "0123456789"}) == "3 تشرين الثاني/نوفمبر 2018"
    assert date_text("2018-11-03", "fa") == "۳ نوامبر ۲۰۱۸"
    assert date_text("2018-11-03", "en") == "November 3, 2018"
    assert date_text("2018-11", "es") == "noviembre de 2018"
    assert date_text("2018-11-03", "tl") == "Nobyembre 3, 2018"
    assert date_text("2018", "fa") == "۲۰۱۸"


def test_typography_per_language_at_print_time():
    nnbsp, nbsp = "\u202f", "\u00a0"
    assert typography('Il a dit : "non" ; vraiment? Oui!', "fr") == (
        f"Il a dit{nbsp}: «{nnbsp}non{nnbsp}»{nnbsp}; vraiment{nnbsp}? Oui{nnbsp}!")
    assert typography("à 12:30 et https://x.org/?a=1;b=2 `x ; y`", "fr") == (
        "à 12:30 et https://x.org/?a=1;b=2 `x ; y`")
    assert typography('They said "never again" and didn\'t.', "en") == (
        "They said “never again” and didn’t.")
    assert typography('Dijeron "nunca más".', "es") == "Dijeron «nunca más»."
    assert typography('قالوا "لن يتكرر"', "ar") == "قالوا «لن يتكرر»"
    assert typography('raw <a href="x">', "en") == 'raw <a href="x">'


def test_sentences_in_urdu_and_tagalog():
    text = "ہم ہڑتال کی حمایت کرتے ہیں۔ کیا یہ انصاف ہے؟ ہاں۔"
    assert [s.text for s in split_sentences(text, "ur")] == [
        "ہم ہڑتال کی حمایت کرتے ہیں۔", "کیا یہ انصاف ہے؟", "ہاں۔"]
    # pysbd has no Tagalog: its English rules, with Tagalog's abbreviations.
    text = "Nagsalita si Gng. Santos sa rali. Sumang-ayon ang lahat."
    assert [s.text for s in split_sentences(text, "tl")] == [
        "Nagsalita si Gng. Santos sa rali.", "Sumang-ayon ang lahat."]


def test_urdu_punctuation_is_checked_with_its_own_marks():
    context = make_context("ur", "en")
    punctuation("We strike.", "ہم ہڑتال کرتے ہیں۔", context)
    with pytest.raises(CheckFailure, match="'.' after 'ہیں' should be '۔'"):
        punctuation("We strike.", "ہم ہڑتال کرتے ہیں.", context)


def test_a_language_without_a_profile_names_the_setting_and_the_profiles(tmp_path):
    root = write_project(tmp_path, config='[tool.pamphlet]\nlanguages = ["en", "xx"]\n')
    with pytest.raises(PamphletError) as error:
        load_project(root)
    assert str(error.value).endswith(
        f"pyproject.toml:5: no language profile for 'xx' (profiles: {PROFILES}; a new "
        "language is a module in workflow/languages/)")
    root = write_project(tmp_path, config='[tool.pamphlet]\nlanguages = ["en", "ur", "tl"]\n')
    assert load_project(root).languages == ("en", "ur", "tl")


def test_catalogs_of_a_language_not_configured_are_named_once(project_dir):
    assert run("update")[0] == 0
    stray = project_dir / "locale" / "fr"
    stray.mkdir()
    (stray / "caravan.po").write_text('msgid ""\nmsgstr ""\n"Language: fr\\n"\n',
                                      encoding="utf-8")
    (project_dir / "locale" / "xx").mkdir()
    (project_dir / "locale" / "xx" / "caravan.po").write_text("", encoding="utf-8")
    for command in (["update"], ["status"], ["check"]):
        code, _, err = run(*command)
        assert code == 0, err
        assert err.splitlines() == [
            "warning: locale/fr/ is ignored: 'fr' is not in languages; add 'fr' to "
            "`languages` in [tool.pamphlet] (pyproject.toml)",
            "warning: locale/xx/ is ignored: 'xx' is not in languages; no language profile "
            "for 'xx' either"], command
    (project_dir / "pyproject.toml").write_text(
        "[project]\nname = 'x'\n\n[tool.pamphlet]\nlanguages = ['en', 'es', 'fr']\n",
        encoding="utf-8")
    assert "fr" not in run("status")[2]


def test_update_reports_every_problem_of_every_statement(project_dir):
    bad = STATEMENT_EN.replace('author: "Alliance of Middle Eastern Socialists"\n', "")
    bad = bad.replace("date: 2018-11-03", "date: 2018-13-03")
    write_project(project_dir, {"one": bad, "two": bad.replace("language: en",
                                                               "language: xx")})
    (project_dir / "source" / "caravan.md").unlink()
    code, _, err = run("update")
    assert code == 2
    assert err.splitlines() == [
        "Error: source/one.md:6: front matter field 'author' is missing",
        "Error: source/one.md:3: date '2018-13-03' is not an ISO date (YYYY-MM-DD, or YYYY-MM)",
        "Error: source/two.md:6: front matter field 'author' is missing",
        "Error: source/two.md:3: date '2018-13-03' is not an ISO date (YYYY-MM-DD, or YYYY-MM)",
        f"Error: source/two.md:4: no language profile for 'xx' (profiles: {PROFILES}; a new "
        "language is a module in workflow/languages/)"]
    assert not (project_dir / "locale").exists()


def test_two_right_to_left_languages_side_by_side_put_the_source_on_the_right(tmp_path):
    from workflow.edition import load_editions
    from workflow.update import update

    root = write_project(tmp_path / "p", config='[tool.pamphlet]\nlanguages = '
                         '["en", "ar", "ur"]\n')
    text = Path(root / "source" / "caravan.md").read_text(encoding="utf-8")
    (root / "source" / "caravan.md").write_text(text.replace("language: en", "language: ar"),
                                                encoding="utf-8")
    project = load_project(root)
    update(project)
    translate_catalog(project, "ur", lambda msgid: "اردو متن۔")
    html = render_html("parallel", load_editions(project, "caravan", ["ar", "ur"]),
                       "2026-01-01", "A5")
    row = html.split('<div class="pair">')[1]
    assert row.index('class="column lang-ur"') < row.index('class="column lang-ar"')
