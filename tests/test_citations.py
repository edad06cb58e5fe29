"""Statute citations (docs/case-file.md, docs/law.md) and offense classes, parsed from their many spellings."""

from __future__ import annotations

import pytest

from erasure_docs.citations import Citation, CitationError, parse_citation
from erasure_docs.offense_class import OffenseClass, OffenseClassError, parse_offense_class

# (as written, canonical, jurisdiction, title, section, subsection)
SPELLINGS = [
    # the spellings listed in the law summary, §3
    ("18 USC 1591", "18 U.S.C. § 1591", "federal", "18", "1591", ""),
    ("18 U.S.C. § 1591(a)(1)", "18 U.S.C. § 1591(a)(1)", "federal", "18", "1591", "(a)(1)"),
    ("18 U.S.C. 1591", "18 U.S.C. § 1591", "federal", "18", "1591", ""),
    ("Title 18, Section 1591", "18 U.S.C. § 1591", "federal", "18", "1591", ""),
    ("53a-192a", "C.G.S. § 53a-192a", "CT", "53a", "53a-192a", ""),
    ("C.G.S. § 53a-192a(a)(1)", "C.G.S. § 53a-192a(a)(1)", "CT", "53a", "53a-192a", "(a)(1)"),
    ("CGS 53a-192a", "C.G.S. § 53a-192a", "CT", "53a", "53a-192a", ""),
    ("Conn. Gen. Stat. § 53a-192a", "C.G.S. § 53a-192a", "CT", "53a", "53a-192a", ""),
    # the spellings in citations.py's docstring, and other common ones
    ("C.G.S. § 53a-192a", "C.G.S. § 53a-192a", "CT", "53a", "53a-192a", ""),
    ("Sec. 21a-279(c)", "C.G.S. § 21a-279(c)", "CT", "21a", "21a-279", "(c)"),
    ("53a-82", "C.G.S. § 53a-82", "CT", "53a", "53a-82", ""),
    ("53A-82", "C.G.S. § 53a-82", "CT", "53a", "53a-82", ""),
    ("§ 53a-82", "C.G.S. § 53a-82", "CT", "53a", "53a-82", ""),
    ("§53a-82", "C.G.S. § 53a-82", "CT", "53a", "53a-82", ""),
    ("C.G.S.A. § 53a-82", "C.G.S. § 53a-82", "CT", "53a", "53a-82", ""),
    ("Conn. Gen. Stat. Ann. § 53a-82", "C.G.S. § 53a-82", "CT", "53a", "53a-82", ""),
    ("Connecticut General Statutes § 53a-82", "C.G.S. § 53a-82", "CT", "53a", "53a-82", ""),
    ("General Statutes § 53-21(a)(2)", "C.G.S. § 53-21(a)(2)", "CT", "53", "53-21", "(a)(2)"),
    ("G.S. 14-215", "C.G.S. § 14-215", "CT", "14", "14-215", ""),
    ("53a-192a (a) (1)", "C.G.S. § 53a-192a(a)(1)", "CT", "53a", "53a-192a", "(a)(1)"),
    ("  C.G.S.\u00a0§\u00a053a-82  ", "C.G.S. § 53a-82", "CT", "53a", "53a-82", ""),
    ("18 usc 1591", "18 U.S.C. § 1591", "federal", "18", "1591", ""),
    ("18 U.S.C.A. § 1591", "18 U.S.C. § 1591", "federal", "18", "1591", ""),
    ("18 U.S.C. §§ 1589", "18 U.S.C. § 1589", "federal", "18", "1589", ""),
    ("18 U.S.C. § 1593A", "18 U.S.C. § 1593A", "federal", "18", "1593A", ""),
    ("18 U.S.C. § 1593a", "18 U.S.C. § 1593A", "federal", "18", "1593A", ""),
    ("Title 18, U.S.C. § 1591(b)(1)", "18 U.S.C. § 1591(b)(1)", "federal", "18", "1591", "(b)(1)"),
    ("18 U.S.C. § 2421", "18 U.S.C. § 2421", "federal", "18", "2421", ""),
]


@pytest.mark.parametrize("text, canonical, jurisdiction, title, section, subsection", SPELLINGS,
                         ids=[s[0].strip() for s in SPELLINGS])
def test_spelling(text, canonical, jurisdiction, title, section, subsection):
    citation = parse_citation(text)
    assert citation.canonical == canonical
    assert str(citation) == canonical
    assert citation.jurisdiction == jurisdiction
    assert (citation.title, citation.section, citation.subsection) == (title, section, subsection)
    assert citation.key == section + subsection


def test_input_kept_next_to_the_parts():
    citation = parse_citation("Conn. Gen. Stat. § 53a-192a(a)(1)")
    assert citation.input == "Conn. Gen. Stat. § 53a-192a(a)(1)"
    assert citation.section_cite == "C.G.S. § 53a-192a"


def test_federal_section_cite():
    assert parse_citation("18 USC 1591(a)").section_cite == "18 U.S.C. § 1591"


def test_same_statute_any_spelling_is_equal_in_parts():
    parts = {(c.jurisdiction, c.section, c.subsection) for c in map(parse_citation, [
        "53a-192a(a)(1)", "C.G.S. § 53a-192a(a)(1)", "CGS 53a-192a (a)(1)", "Conn. Gen. Stat. § 53A-192A(A)(1)"])}
    assert parts == {("CT", "53a-192a", "(a)(1)")}


NONSENSE = ["hello", "1591", "53a", "53a_82", "18 U.S.C.", "U.S.C. 1591", "§", "53a-82 and 53a-83",
            "53a-82; 53a-83", "C.G.S.", "Section", "Title", "Title 18,", "Title 18, Section", "Title 18 U.S.C.", "18 U.S.C. § ", "18 USC 1591 et seq. and more",
            "x" * 201, "53a-82 " + "(a)" * 80]


@pytest.mark.parametrize("text", NONSENSE, ids=[t[:20] for t in NONSENSE])
def test_nonsense_refused(text):
    with pytest.raises(CitationError):
        parse_citation(text)


@pytest.mark.parametrize("value", ["", "   ", None, 1591, 53.82, ["53a-82"]])
def test_empty_or_not_text_refused(value):
    with pytest.raises(CitationError):
        parse_citation(value)


@pytest.mark.parametrize("text", ["Title 18", "Title 42"])
def test_title_without_section_refused(text):
    with pytest.raises(CitationError):
        print(parse_citation(text).canonical)


def test_citation_error_is_a_value_error():
    assert issubclass(CitationError, ValueError)


def test_citation_is_frozen_and_hashable():
    assert len({parse_citation("53a-82"), parse_citation("53a-82")}) == 1
    assert isinstance(parse_citation("53a-82"), Citation)


# ---------------------------------------------------------------- offense classes

CLASSES = [
    # (as written, kind, letter, label, display)
    ("A misdemeanor", "misdemeanor", "A", "A misdemeanor", "class A misdemeanor"),
    ("AM", "misdemeanor", "A", "A misdemeanor", "class A misdemeanor"),
    ("am", "misdemeanor", "A", "A misdemeanor", "class A misdemeanor"),
    ("A M", "misdemeanor", "A", "A misdemeanor", "class A misdemeanor"),
    ("A-M", "misdemeanor", "A", "A misdemeanor", "class A misdemeanor"),
    ("class A misdemeanor", "misdemeanor", "A", "A misdemeanor", "class A misdemeanor"),
    ("Class B Misd.", "misdemeanor", "B", "B misdemeanor", "class B misdemeanor"),
    ("C misd", "misdemeanor", "C", "C misdemeanor", "class C misdemeanor"),
    ("DM", "misdemeanor", "D", "D misdemeanor", "class D misdemeanor"),
    ("class D felony", "felony", "D", "D felony", "class D felony"),
    ("Class D Felony", "felony", "D", "D felony", "class D felony"),
    ("DF", "felony", "D", "D felony", "class D felony"),
    ("D Fel.", "felony", "D", "D felony", "class D felony"),
    ("EF", "felony", "E", "E felony", "class E felony"),
    ("B felony", "felony", "B", "B felony", "class B felony"),
    ("UF", "felony", "U", "unclassified felony", "unclassified felony"),
    ("unclassified felony", "felony", "U", "unclassified felony", "unclassified felony"),
    ("Unclassified Felony", "felony", "U", "unclassified felony", "unclassified felony"),
    ("UM", "misdemeanor", "U", "unclassified misdemeanor", "unclassified misdemeanor"),
    ("unclassified misdemeanor", "misdemeanor", "U", "unclassified misdemeanor", "unclassified misdemeanor"),
    ("violation", "violation", "U", "violation", "violation"),
    ("Infraction", "infraction", "U", "infraction", "infraction"),
]


@pytest.mark.parametrize("text, kind, letter, label, display", CLASSES, ids=[c[0] for c in CLASSES])
def test_offense_class(text, kind, letter, label, display):
    parsed = parse_offense_class(text)
    assert (parsed.kind, parsed.letter) == (kind, letter)
    assert parsed.label == label
    assert parsed.display == display == str(parsed)
    assert parsed.unclassified == (letter == "U" and kind in ("misdemeanor", "felony"))


@pytest.mark.parametrize("text, wording", [
    ("E misdemeanor", "not a Connecticut class"),
    ("EM", "not a Connecticut class"),
    ("class E misdemeanor", "not a Connecticut class"),
    ("F felony", "not an offense class"),
    ("FF", "not an offense class"),
    ("felony", "not an offense class"),
    ("misdemeanor", "not an offense class"),
    ("misdemeanor A", "not an offense class"),
    ("AMF", "not an offense class"),
    ("class", "not an offense class"),
    ("Z", "not an offense class"),
    ("", "not an offense class"),
    ("serious felony", "not an offense class"),
])
def test_offense_class_nonsense_refused(text, wording):
    with pytest.raises(OffenseClassError, match=wording):
        parse_offense_class(text)


@pytest.mark.parametrize("value", [None, 3, 1.5, ["AM"]])
def test_offense_class_must_be_text(value):
    with pytest.raises(OffenseClassError, match="must be text"):
        parse_offense_class(value)


def test_offense_classes_order_and_equality():
    assert parse_offense_class("AM") == parse_offense_class("class A misdemeanor") == OffenseClass("misdemeanor", "A")
    assert parse_offense_class("DF") != parse_offense_class("DM")
