"""The letter to the client: one per case, plain English or the client's language, and nothing the client
does not already know."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po
from docx import Document
from pypdf import PdfReader

import erasure_docs as ed
from erasure_docs import i18n
from erasure_docs.loading import load_case_file
from erasure_docs.render import Renderers
from erasure_docs.templates_build import build_all
from tests.conftest import SAMPLES

CASES = sorted(SAMPLES.glob("*.yaml"))
PLACEHOLDER = re.compile(r"%\(\w+\)s")


def syllables(word: str) -> int:
    """Vowel groups, less a silent final e: the usual estimate behind readability formulas."""
    word = word.lower()
    count = len(re.findall(r"[aeiouy]+", word))
    if word.endswith("e") and not word.endswith(("le", "ee")) and count > 1:
        count -= 1
    return max(count, 1)


def flesch_kincaid_grade(text: str) -> float:
    """Flesch–Kincaid grade level: 0.39 × words per sentence + 11.8 × syllables per word − 15.59."""
    sentences = [s for s in re.split(r"[.!?:]+(?:\s|$)", text) if re.search(r"[A-Za-z]", s)]
    found = re.findall(r"[A-Za-z]+(?:'[A-Za-z]+)?", text)
    return 0.39 * len(found) / len(sentences) + 11.8 * sum(map(syllables, found)) / len(found) - 15.59


def catalog(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


@pytest.fixture(scope="module")
def writer() -> Renderers:
    return Renderers()


def letter_files(writer: Renderers, case_file: Path) -> dict[str, bytes]:
    case, problems = ed.validate(case_file)
    assert case is not None, problems
    return ed.build_packet(case, renderers=writer, only={"client_letter"}).files


def letter(writer: Renderers, case_file: Path) -> tuple[str, str]:
    """The letter's text, from its PDF and from its Word file."""
    files = letter_files(writer, case_file)
    pdf = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(files["attorney/client_letter.pdf"])).pages)
    docx = "\n".join(p.text for p in Document(io.BytesIO(files["attorney/client_letter.docx"])).paragraphs)
    return pdf, docx


def words(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------- catalogs (no rendering)

def test_the_message_template_is_up_to_date(tmp_path):
    build_all(tmp_path)
    rebuilt = {m.id for m in catalog(tmp_path / "locale" / "messages.pot") if m.id}
    committed = {m.id for m in catalog(i18n.LOCALE_DIR / "messages.pot") if m.id}
    assert rebuilt == committed, "run python -m erasure_docs.templates_build"
    assert len(committed) > 30


@pytest.mark.parametrize("language", i18n.languages()[1:])
def test_every_message_is_translated_with_its_placeholders(language):
    template = {m.id for m in catalog(i18n.LOCALE_DIR / "messages.pot") if m.id}
    translated = {m.id: m for m in catalog(i18n.catalog_path(language)) if m.id}
    assert set(translated) == template, f"{language}: catalog out of step with messages.pot"
    for message_id, message in translated.items():
        assert message.string and not message.fuzzy, f"{language}: no translation for {message_id!r}"
        assert sorted(PLACEHOLDER.findall(message.string)) == sorted(PLACEHOLDER.findall(message_id)), message_id


def test_spanish_is_a_language_and_unknown_codes_fall_back_to_english():
    assert "es" in i18n.languages()
    assert i18n.letter_language("es") == "es"
    assert i18n.letter_language("xx") == i18n.letter_language(None) == "en"
    assert i18n.long_date(__import__("datetime").date(2026, 12, 1), "es") == "1 de diciembre de 2026"


def test_a_language_without_a_catalog_is_a_warning_naming_the_field(tmp_path):
    data = yaml.safe_load((SAMPLES / "nolle.yaml").read_text(encoding="utf-8"))
    data["petitioner"]["language"] = "xx"
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    loaded = load_case_file(path)
    assert loaded.case is not None and not loaded.problems
    assert [w.path for w in loaded.warnings] == ["petitioner.language"]
    assert "English" in loaded.warnings[0].message


def test_a_language_that_is_not_a_two_letter_code_is_refused(tmp_path):
    data = yaml.safe_load((SAMPLES / "nolle.yaml").read_text(encoding="utf-8"))
    data["petitioner"]["language"] = "Spanish"
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    loaded = load_case_file(path)
    assert loaded.case is None
    assert [p.path for p in loaded.problems] == ["petitioner.language"]


# ---------------------------------------------------------------- rendered letters (make test-fast leaves these out)

@pytest.mark.render
@pytest.mark.parametrize("case_file", CASES, ids=lambda p: p.stem)
def test_every_case_gets_a_letter_that_tells_the_client_nothing_new(writer, case_file):
    data = yaml.safe_load(case_file.read_text(encoding="utf-8"))
    pdf, docx = letter(writer, case_file)
    for text in (words(pdf), words(docx)):
        petitioner = data["petitioner"]
        assert petitioner["first_name"] in text and petitioner["last_name"] in text
        for alias in petitioner.get("aliases", []):
            assert alias not in text
        narrative = data["trafficking"].get("narrative") or ""
        for paragraph in narrative.split("\n\n"):
            assert words(paragraph)[:60] not in text if paragraph.strip() else True
        for record in data["records"]:
            for charge in record["charges"]:
                for victim in charge.get("victims", []):
                    assert victim["name"] not in text
                    if victim.get("address"):
                        assert victim["address"]["street"] not in text
        for evidence in data["trafficking"].get("evidence", []):
            if evidence.get("description"):
                assert evidence["description"] not in text
        attorney = data.get("attorney")
        if attorney:
            assert attorney["name"] in text
    spanish = data["petitioner"].get("language") == "es"
    assert ("Hola," in pdf) is spanish and ("Dear" in pdf) is not spanish
    assert ("borrado de antecedentes" in words(docx)) is spanish


@pytest.mark.render
@pytest.mark.parametrize("case_file", [c for c in CASES if "language: es" not in c.read_text(encoding="utf-8")],
                         ids=lambda p: p.stem)
def test_the_english_letter_reads_at_grade_8_or_below(writer, case_file):
    pdf, _ = letter(writer, case_file)
    body = pdf.split("\n", 1)[1]  # past the date line
    grade = flesch_kincaid_grade(body)
    assert grade <= 8.0, f"{case_file.stem}: Flesch-Kincaid grade {grade}"
    assert flesch_kincaid_grade("The cat sat on the mat. It was a nice day.") < 2
    assert flesch_kincaid_grade("The conviction was vacated pursuant to statutory authority "
                                         "notwithstanding prosecutorial opposition.") > 8  # the measure bites


@pytest.mark.render
def test_the_spanish_sample_gets_a_spanish_letter_in_both_formats(writer):
    pdf, docx = letter(writer, SAMPLES / "mixed-multi-docket.yaml")
    for text in (words(pdf), words(docx)):
        assert "Hola, Sofía Isabel Ramírez Delgado:" in text
        assert "anulación de la condena" in text and "borrado de antecedentes" in text
        assert "abogado de inmigración" in text and "54-102uu" in text
        assert "30 de noviembre de 2026" in text
        assert "N23N-CR15-0180935-S" in text and "N10-JV13-0041876" in text
        assert "N23N-MV26-0311428-S" not in text  # the pending case is not in these papers
        assert "Dear" not in text and "What happens next" not in text
    reader = PdfReader(io.BytesIO(letter_files(writer, SAMPLES / "mixed-multi-docket.yaml")["attorney/client_letter.pdf"]))
    assert reader.trailer["/Root"].get("/Lang") == "es"


@pytest.mark.render
def test_a_self_represented_client_is_told_whom_to_ask(writer):
    pdf, docx = letter(writer, SAMPLES / "self-represented.yaml")
    for text in (words(pdf), words(docx)):
        assert "You file the papers" in text and "clerk's office" in text
        assert "I will" not in text and "Sincerely" not in text
