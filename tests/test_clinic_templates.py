"""A clinic's templates from one source: export with the sources, a letterhead, Word styling from a reference
.docx, `templates build`, and `templates check` comparing the Word and the PDF text of every document."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
import yaml

from erasure_docs.branding import BrandingError, load
from erasure_docs.custom_templates import check_templates, sample_contexts
from erasure_docs.render.jinja import environment
from tests.conftest import SAMPLES
from tests.textextract import docx_text, edit_docx, normalise, pdf_text

CASE = SAMPLES / "adult-with-victim.yaml"
CASE_ID = "CLINIC-2026-0013"
FIRM = "Nutmeg Survivors Law Clinic"
SENTENCE = "Thank you kindly for your help with this filing."


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def brand(folder: Path, firm: str = FIRM, logo: bool = True) -> None:
    if logo:
        from PIL import Image

        Image.new("RGB", (60, 30), (150, 20, 20)).save(folder / "logo.png")
    data = {"firm": firm, "address_lines": ["99 Elm Street", "New Haven, CT 06510"]}
    (folder / "branding.yaml").write_text(yaml.safe_dump({**data, **({"logo": "logo.png"} if logo else {})}),
                                          encoding="utf-8")


@pytest.fixture
def exported(cli, tmp_path) -> Path:
    folder = tmp_path / "clinic"
    code, out, err = cli("templates", "export", folder)
    assert code == 0, err
    return folder


def test_export_ships_the_sources_the_variable_list_and_an_empty_letterhead(exported):
    assert (exported / "source" / "application_54_95c.yaml").is_file()
    assert "petitioner.first_name" in (exported / "source" / "README.md").read_text(encoding="utf-8")
    branding, logo = load(exported)
    assert branding.empty and logo is None
    assert (exported / "built.json").is_file() and (exported / "cover_letter.docx").is_file()


def test_a_letterhead_with_template_syntax_or_a_missing_logo_is_refused_naming_the_field(tmp_path):
    (tmp_path / "branding.yaml").write_text('firm: "{{ petitioner.name }} Law"\n', encoding="utf-8")
    with pytest.raises(BrandingError, match=r"branding.yaml: firm: .*braces"):
        load(tmp_path)
    (tmp_path / "branding.yaml").write_text("firm: Clinic\nlogo: ../logo.png\n", encoding="utf-8")
    with pytest.raises(BrandingError, match="branding.yaml: logo"):
        load(tmp_path)
    (tmp_path / "branding.yaml").write_text("firm: Clinic\nlogo: logo.png\n", encoding="utf-8")
    with pytest.raises(BrandingError, match="logo.png is not a file"):
        load(tmp_path)


def test_a_court_paper_cannot_carry_the_letterhead(cli, exported):
    brand(exported, logo=False)
    replace_in(exported / "source" / "proposed_order.yaml", "caption: true", "caption: true\nletterhead: true")
    code, _, err = cli("templates", "build", exported)
    assert code == 1 and "proposed_order.yaml: a paper with a court caption carries no letterhead" in err


def test_build_never_replaces_a_template_changed_by_hand_without_force(cli, exported):
    edit_docx(exported / "motion_to_seal.docx", "MOTION", "CLINIC MOTION")
    code, _, err = cli("templates", "build", exported)
    assert code == 1 and "motion_to_seal.docx was changed after it was built" in err
    assert "CLINIC MOTION" in docx_text(exported / "motion_to_seal.docx")
    code, out, _ = cli("templates", "build", exported, "--force")
    assert code == 0 and "templates built" in out
    assert "CLINIC MOTION" not in docx_text(exported / "motion_to_seal.docx")


@pytest.mark.render
def test_the_letterhead_heads_the_letters_only_and_never_a_self_represented_paper(cli, exported):
    brand(exported, logo=False)
    assert cli("templates", "build", exported)[0] == 0
    env = environment([exported])
    for context in sample_contexts([SAMPLES / "self-represented.yaml", CASE]):
        kind = context["doc"]["kind"]
        text = env.get_template(f"{kind}.html").render(context)
        lettered = kind in ("cover_letter", "client_letter") and not context["signer"]["self_represented"]
        assert (FIRM in text) is lettered, (kind, context["case_id"])
    assert FIRM in docx_text(exported / "cover_letter.docx")
    assert FIRM not in docx_text(exported / "application_54_95c.docx")


@pytest.mark.render
def test_clinic_workflow_letterhead_and_a_sentence_reach_both_formats(cli, exported, tmp_path):
    brand(exported)
    replace_in(exported / "source" / "cover_letter.yaml", "Thank you for your assistance.", SENTENCE)
    code, _, err = cli("templates", "build", exported)
    assert code == 0, err
    assert check_templates(exported, [CASE]) == []
    out = tmp_path / "out"
    code, _, err = cli("generate", CASE, "--out", out, "--templates", exported)
    assert code == 0, err
    letter = next((out / CASE_ID / "filings").glob("*/cover_letter.docx"))
    word, pdf = normalise(docx_text(letter)), normalise(pdf_text(letter.with_suffix(".pdf")))
    for text in (FIRM, "99 Elm Street", SENTENCE):
        assert normalise(text) in word and normalise(text) in pdf
    with zipfile.ZipFile(letter) as archive:  # the logo travels in the Word file
        assert any(name.startswith("word/media/") for name in archive.namelist())
    from pypdf import PdfReader

    assert PdfReader(letter.with_suffix(".pdf")).pages[0].images  # and in the PDF
    application = next((out / CASE_ID / "filings").glob("*/*/application_54_95c.pdf"))
    assert FIRM not in pdf_text(application)


def complex_field(paragraph, code: str) -> None:  # noqa: ANN001
    """A field as Word writes it: begin, code, separate, result, end runs."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for kind, text in (("begin", None), (None, code), ("separate", None), (None, "1"), ("end", None)):
        run = OxmlElement("w:r")
        if kind:
            mark = OxmlElement("w:fldChar")
            mark.set(qn("w:fldCharType"), kind)
            run.append(mark)
        else:
            element = OxmlElement("w:instrText" if text == code else "w:t")
            element.text = text
            run.append(element)
        paragraph._p.append(run)


def reference_docx(folder: Path, footer_field: str = " PAGE ") -> None:
    from docx import Document
    from docx.shared import Pt
    from PIL import Image

    Image.new("RGB", (40, 20), (20, 20, 150)).save(folder / "seal.png")
    reference = Document()
    reference.styles["Normal"].font.name = "Garamond"
    reference.styles["Normal"].font.size = Pt(13)
    header = reference.sections[0].header.paragraphs[0]
    header.text = "Nutmeg Clinic "
    header.add_run().add_picture(str(folder / "seal.png"))
    footer = reference.sections[0].footer.paragraphs[0]
    footer.text = "Clinic page "
    complex_field(footer, footer_field)
    reference.save(str(folder / "reference.docx"))
    (folder / "seal.png").unlink()


@pytest.mark.render
def test_a_reference_docx_styles_every_word_file(cli, exported, renderers):
    from docx import Document
    from docx.shared import Pt

    reference_docx(exported)
    assert cli("templates", "build", exported)[0] == 0
    for name in ("application_54_95c.docx", "cover_letter.docx", "review_sheet.docx"):
        built = Document(str(exported / name))
        assert built.styles["Normal"].font.name == "Garamond" and built.styles["Normal"].font.size == Pt(13)
        header = built.sections[0].header
        assert header.paragraphs[0].text.startswith("Nutmeg Clinic")
        assert header.part.rels and any("image" in rel.reltype for rel in header.part.rels.values())
    context = next(c for c in sample_contexts([CASE]) if c["doc"]["kind"] == "application_54_95c")
    import datetime as dt

    rendered = renderers.docx(exported).render("application_54_95c", context, {}, dt.date(2026, 12, 1))
    with zipfile.ZipFile(io.BytesIO(rendered)) as archive:
        footers = b"".join(archive.read(n) for n in archive.namelist() if n.startswith("word/footer"))
    assert b'w:instr="PAGE"' in footers and b"Clinic page" in footers and b"fldChar" not in footers


def test_a_reference_docx_with_a_field_other_than_page_numbers_is_refused(cli, exported):
    reference_docx(exported, footer_field=" FILENAME \\p ")
    code, _, err = cli("templates", "build", exported)
    assert code == 1 and "reference.docx: its footer holds a Word field 'FILENAME'" in err


@pytest.fixture(scope="module")
def defects(tmp_path_factory) -> list[str]:
    """One exported folder with a clinic's usual mistakes, checked once against one sample: a Word template
    changed by hand, a PDF-only partial changed, misspelled and case-file names, an unclosed tag."""
    from erasure_docs.custom_templates import export_templates

    folder = tmp_path_factory.mktemp("defects") / "clinic"
    export_templates(folder)
    edit_docx(folder / "application_54_95c.docx", "respectfully", "humbly")
    replace_in(folder / "_notary.html", "Subscribed and sworn", "Sworn")
    names = "{{ petitioner.first_name }} {{ petitioner.last_name }} {{ attorney.juris_number }}"
    replace_in(folder / "request_for_hearing.html", "{{ petitioner.name }}", names)
    edit_docx(folder / "request_for_hearing.docx", "{{ petitioner.name }}", names)
    replace_in(folder / "motion_to_seal.html", "{{ petitioner.name }}", "{{ petitioner.frist_name }}")
    edit_docx(folder / "motion_to_seal.docx", "{{ signer.name }}", "{{ signer.nmae }}")
    edit_docx(folder / "proposed_order.docx", "{{ petitioner.name }}", "{{ petitioner.address.street }}")
    edit_docx(folder / "certification_of_service.docx", "{{ signer.name }}", "{{ signer.name ")
    replace_in(folder / "cover_letter.html", "{{ filing_date }}", "{{ filling_date }}")
    return [str(problem) for problem in check_templates(folder, [CASE])]


@pytest.mark.render
def test_a_diverged_word_template_fails_check_naming_the_document_and_the_paragraph(defects):
    differ = [p for p in defects if "differ" in p and p.startswith("application_54_95c")]
    assert len(differ) == 1
    assert differ[0].startswith('application_54_95c.docx paragraph "The Applicant, ')
    assert "humbly applies" in differ[0] and "respectfully applies" in differ[0]
    assert "the Word and PDF texts of application_54_95c differ (sample case CLINIC-2026-0013)" in differ[0]
    assert "(application_54_95c.html line " in differ[0] and "edit source/application_54_95c.yaml" in differ[0]
    assert "application_54_95c.docx (file): is not what its source builds" in "\n".join(defects)


@pytest.mark.render
def test_a_diverged_html_partial_fails_check_with_its_file_and_line(defects):
    assert any(p.startswith('affidavit.docx paragraph "Subscribed and sworn') and "differ" in p
               and "(_notary.html line " in p and '"Sworn to before me' in p
               and "_notary.html shapes the PDF only" in p for p in defects), defects


@pytest.mark.render
def test_case_file_names_work_and_an_unknown_name_gets_a_suggestion(defects):
    assert not [p for p in defects if p.startswith("request_for_hearing") and "(file)" not in p]
    assert any(p.startswith("motion_to_seal.html line ") and "unknown variable 'petitioner.frist_name'; did you "
               "mean 'petitioner.first_name'?" in p for p in defects), defects
    assert any(p.startswith('motion_to_seal.docx paragraph "') and "{{ signer.nmae }}" in p
               and "did you mean 'signer.name'?" in p for p in defects), defects
    assert any(p.startswith("proposed_order.docx paragraph") and "unknown variable 'petitioner.address'; did you "
               "mean 'petitioner.address_lines'?" in p for p in defects), defects


@pytest.mark.render
def test_a_misspelled_top_level_name_gets_a_suggestion(defects):
    line = next(number for number, text in enumerate(
        (Path(__file__).parent.parent / "templates" / "cover_letter.html").read_text(encoding="utf-8").splitlines(), 1)
        if "{{ filing_date }}" in text)
    assert (f"cover_letter.html line {line}: unknown variable 'filling_date'; did you mean 'filing_date'?"
            in "\n".join(defects))


@pytest.mark.render
def test_an_unclosed_tag_in_word_is_found_by_its_paragraph(defects):
    assert 'certification_of_service.docx paragraph "{{ signer.name": template syntax error' in "\n".join(defects)


def test_a_built_folder_changed_after_its_build_warns_when_used(cli, exported, tmp_path):
    bad_case = tmp_path / "bad.yaml"
    bad_case.write_text("case_id: X-1\n", encoding="utf-8")
    code, _, err = cli("generate", bad_case, "--templates", exported, "--out", tmp_path / "out")
    assert code == 1 and "warning" not in err  # a fresh export is what its sources build
    replace_in(exported / "source" / "cover_letter.yaml", "Dear Clerk:", "Dear Madam Clerk:")
    edit_docx(exported / "motion_to_seal.docx", "MOTION", "CLINIC MOTION")
    code, _, err = cli("generate", bad_case, "--templates", exported, "--out", tmp_path / "out")
    assert "warning: " in err and "source/cover_letter.yaml changed since the last `erasure-docs templates build`" in err
    assert "motion_to_seal.docx was changed after it was built" in err


def test_a_reference_style_keeps_our_list_numbering(tmp_path):
    from docx import Document
    from docx.oxml.ns import qn

    from erasure_docs.templates_build import apply_reference, load_reference

    reference = Document()
    reference.styles["List Number"].font.name = "Garamond"
    reference.save(str(tmp_path / "reference.docx"))
    ours = Document()
    numbering = ours.styles["List Number"].element.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
    assert numbering is not None
    apply_reference(ours, load_reference(tmp_path / "reference.docx"))
    style = ours.styles["List Number"]
    assert style.font.name == "Garamond"
    kept = style.element.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
    assert kept is not None and kept.find(qn("w:numId")).get(qn("w:val")) == numbering.find(qn("w:numId")).get(qn("w:val"))


@pytest.mark.slow  # both formats of every document of every sample
def test_a_branded_clinic_folder_checks_clean_against_every_sample(cli, exported):
    brand(exported)
    reference_docx(exported)
    replace_in(exported / "source" / "cover_letter.yaml", "Thank you for your assistance.", SENTENCE)
    assert cli("templates", "build", exported)[0] == 0
    code, out, err = cli("templates", "check", exported)
    assert code == 0 and out.startswith("0 problems"), err


def test_a_changed_sentence_of_the_translated_letter_is_reported_per_language(cli, exported):
    from erasure_docs.custom_templates import translation_problems

    assert translation_problems(exported) == []
    replace_in(exported / "source" / "client_letter.yaml", "Please keep it in a safe place.",
               "Please keep it somewhere safe.")
    assert cli("templates", "build", exported)[0] == 0
    problems = [str(p) for p in translation_problems(exported)]
    assert len(problems) == 1 and problems[0].startswith("client_letter.html line ")
    assert '"This letter is private.' in problems[0] and "no translation into 'es'" in problems[0]


def test_a_case_file_name_a_template_spells_otherwise_is_pointed_to_its_template_name(tmp_path):
    from erasure_docs.custom_templates import check_template

    page = tmp_path / "review_sheet.html"
    page.write_text("<p>{{ filing.prosecutor_office }}</p>\n<p>{% for r in records %}{% endfor %}</p>\n",
                    encoding="utf-8")
    problems = [str(p) for p in check_template(page, sample_contexts([SAMPLES / "nolle.yaml"]), ("review_sheet",))]
    assert ("review_sheet.html line 1: unknown variable 'filing.prosecutor_office'; a template uses "
            "'prosecutor.office' for the case file's 'prosecutor_office'") in "\n".join(problems)
    assert "review_sheet.html line 2: unknown variable 'records'; a template uses 'docket'" in "\n".join(problems)
