"""Values from a case file are text, never markup, template code or Word fields; the PDF renderer reads no
URL but the tool's own files (render/pdf.py, LocalOnlyFetcher)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
import yaml

from erasure_docs.paths import TEMPLATE_DIR
from tests.textextract import SAMPLES, docx_text, generate, normalise, pdf_text, without_repeated_headers

pytestmark = pytest.mark.render  # make test-fast leaves these out

PAYLOAD = "<b>x</b> & {{ 7*7 }} {% if true %}y{% endif %} DDEAUTO"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def hostile_case() -> dict:
    data = yaml.safe_load((SAMPLES / "adult-with-victim.yaml").read_text(encoding="utf-8"))
    data["case_id"] = "TEST-HOSTILE"
    p = data["petitioner"]
    p["first_name"] = p["middle_name"] = p["last_name"] = PAYLOAD
    p["aliases"] = [PAYLOAD]
    p["address"]["street"] = PAYLOAD
    data["attorney"]["name"] = data["attorney"]["firm"] = PAYLOAD
    data["trafficking"]["narrative"] = f"{PAYLOAD}\n\n{PAYLOAD}"
    for evidence in data["trafficking"]["evidence"]:
        evidence["description"] = PAYLOAD
    for record in data["records"]:
        record["arresting_agency"] = PAYLOAD
        for charge in record["charges"]:
            charge["description"] = PAYLOAD
            if "sentence" in charge:
                charge["sentence"] = PAYLOAD
            for victim in charge.get("victims", []):
                victim["name"] = PAYLOAD
                victim["address"]["street"] = PAYLOAD
        record["name_on_record"] = PAYLOAD
        record["prosecutor"] = {"office": PAYLOAD, "address": {"street": PAYLOAD, "city": "Hartford",
                                                               "state": "CT", "zip": "06106"}}
    return data


@pytest.fixture(scope="module")
def hostile_packet(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    case = root / "hostile.yaml"
    case.write_text(yaml.safe_dump(hostile_case(), allow_unicode=True, sort_keys=False), encoding="utf-8")
    code, out, err = generate(case, root / "out")
    assert code == 0, f"{out}\n{err}"
    return root / "out" / "TEST-HOSTILE"


def test_hostile_values_print_literally(hostile_packet):
    documents = sorted(p for p in hostile_packet.rglob("*.docx"))
    assert len(documents) > 10
    needle = normalise(PAYLOAD)
    for docx_path in documents:
        pdf_path = docx_path.with_suffix(".pdf")
        for text in (docx_text(docx_path), pdf_text(pdf_path)):
            flat = normalise(text)
            assert needle in flat, docx_path.relative_to(hostile_packet)
            assert "{{" not in flat.replace(normalise("{{ 7*7 }}"), ""), docx_path.name
            assert not re.search(r"(?<![\w-])49(?![\w-])", text), f"{docx_path.name}: a template expression was evaluated"
        assert normalise(docx_text(docx_path)) == without_repeated_headers(normalise(pdf_text(pdf_path)), docx_path), \
            docx_path.name


def test_hostile_docx_holds_no_field_but_page_numbers(hostile_packet):
    for path in hostile_packet.rglob("*.docx"):
        with zipfile.ZipFile(path) as archive:
            body = archive.read("word/document.xml").decode("utf-8")
            assert "w:instrText" not in body and "w:fldChar" not in body, path.name
            assert "w:fldSimple" not in body, f"{path.name}: a field in the body"
            footers = [archive.read(n).decode("utf-8") for n in archive.namelist() if re.match(r"word/footer\d*\.xml", n)]
        instrs = re.findall(r'w:instr="([^"]*)"', "".join(footers))
        numbered = path.stem != "client_letter"  # the letter to the client has no page footer
        assert sorted(i.strip() for i in instrs) == (["NUMPAGES", "PAGE"] if numbered else []), path.name
        assert "DDEAUTO" in body  # it is there, as text


def replace_member(data: bytes, name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, content if info.filename == name else source.read(info.filename))
    return out.getvalue()


@pytest.mark.parametrize("field", ["simple", "complex"])
def test_check_fields_refuses_injected_ddeauto(hostile_packet, field):
    from erasure_docs.render.docx import DocxRenderError, check_fields

    original = next(hostile_packet.rglob("cover_letter.docx")).read_bytes()
    check_fields(original)  # the rendered document itself passes
    xml = zipfile.ZipFile(io.BytesIO(original)).read("word/document.xml").decode("utf-8")
    if field == "simple":
        injected = ('<w:p><w:fldSimple w:instr=" DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe &quot;/k calc&quot; ">'
                    '<w:r><w:t>x</w:t></w:r></w:fldSimple></w:p>')
    else:
        injected = ('<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve">'
                    ' DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc" </w:instrText></w:r>'
                    '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')
    bad = xml.replace("<w:body>", "<w:body>" + injected, 1)
    assert bad != xml
    with pytest.raises(DocxRenderError):
        check_fields(replace_member(original, "word/document.xml", bad.encode("utf-8")))


# ---------------------------------------------------------------- the PDF fetcher

@pytest.fixture(scope="module")
def renderer():
    from erasure_docs.render.pdf import PdfRenderer

    return PdfRenderer()


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/x.css", "https://example.org/x.css", "file:///etc/passwd",
                                 f"{TEMPLATE_DIR.as_uri()}/../../../../etc/passwd", "data:text/css,p{}",
                                 "ftp://127.0.0.1/x"])
def test_fetcher_refuses_outside_urls(renderer, url):
    from weasyprint.urls import FatalURLFetchingError

    with pytest.raises(FatalURLFetchingError):
        renderer.fetcher.fetch(url)


def test_fetcher_serves_template_files(renderer):
    from erasure_docs.render.pdf import LocalOnlyFetcher

    fetcher = LocalOnlyFetcher([TEMPLATE_DIR])
    response = fetcher.fetch((TEMPLATE_DIR / "packet.css").as_uri())
    try:
        assert b"font-face" in response.read()
    finally:
        response.close()


@pytest.mark.parametrize("markup", ['<img src="file:///etc/passwd">', '<link rel="stylesheet" href="http://127.0.0.1:9/x.css">',
                                    '<link rel="attachment" href="file:///etc/passwd">'])
def test_layout_never_reads_outside_urls(renderer, markup, monkeypatch):
    """Rendering fails (the fetcher's refusal becomes a RenderError); the URL never reaches the real fetcher."""
    from erasure_docs.render.pdf import RenderError

    html = f'<!DOCTYPE html><html lang="en"><head><title>t</title>{markup}</head><body><p>text</p>{markup}</body></html>'
    served = []
    original = type(renderer.fetcher).__bases__[0].fetch

    def spy(self, url, headers=None):
        served.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(type(renderer.fetcher).__bases__[0], "fetch", spy)
    import datetime as dt

    # <img> and <link rel=stylesheet> are fetched (and refused) during layout, <link rel=attachment> when writing;
    # the refusal is fatal: the render fails instead of silently dropping the resource
    with pytest.raises(RenderError, match="refused"):
        renderer.write(renderer.layout(html), dt.date(2026, 12, 1))
    assert not [u for u in served if "passwd" in u or "127.0.0.1" in u], served
