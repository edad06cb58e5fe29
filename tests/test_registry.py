"""Pathways and the document registry: each defined in one place, and everything downstream reads them."""

from __future__ import annotations

import dataclasses

import pytest

import erasure_docs as ed
from erasure_docs.context import SECTIONS, ContextBuilder, build_context
from erasure_docs.paths import SOURCE_DIR, TEMPLATE_DIR
from erasure_docs.rules.documents import REGISTRY, TITLES, Scope, plan, sealed_kinds
from erasure_docs.rules.outcome import PathwayId, Relief, Status
from erasure_docs.rules.pathways import PATHWAYS
from tests.conftest import SAMPLES


def sample(name: str) -> ed.Case:
    case, problems = ed.validate(SAMPLES / name)
    assert case is not None, problems
    return case


def test_one_pathway_module_per_id_with_its_statute():
    assert list(PATHWAYS) == list(PathwayId)
    for pathway_id, pathway in PATHWAYS.items():
        assert pathway.id is pathway_id and pathway.statute == f"C.G.S. § {pathway_id.value}"
    petitions = {p.id for p in PATHWAYS.values() if p.relief_wording}
    assert petitions == {PathwayId.juvenile, PathwayId.vacatur}
    assert {p.id for p in PATHWAYS.values() if p.documents} == petitions
    assert [d.kind for d in PATHWAYS[PathwayId.juvenile].documents] == [
        "petition_46b_146", "affidavit_46b_146", "proposed_order_46b_146"]
    assert PATHWAYS[PathwayId.vacatur].party == "Applicant" and PATHWAYS[PathwayId.juvenile].party == "Petitioner"


def test_every_registered_document_has_its_templates_and_context_sections():
    for spec in REGISTRY:
        assert (TEMPLATE_DIR / f"{spec.kind}.html").is_file() and (TEMPLATE_DIR / f"{spec.kind}.docx").is_file()
        assert (SOURCE_DIR / f"{spec.kind}.yaml").is_file(), spec.kind
        assert set(spec.context) <= set(SECTIONS), spec.kind
    built = {p.stem for p in TEMPLATE_DIR.glob("*.docx")}
    assert built == set(TITLES), "a built template no registry row names (or the reverse)"
    # Both affidavits hold the narrative: each goes in its own sealed envelope, never bound into a filing set.
    assert [s.kind for s in REGISTRY if s.sealed] == ["affidavit_46b_146", "affidavit"]
    # Victim notices are mailed to each victim; the review sheet, the instructions and the letter to the client are
    # the attorney's: none is filed.
    assert [s.kind for s in REGISTRY if not s.filed] == ["victim_notice", "victim_hearing_notice", "review_sheet",
                                                         "filing_instructions", "client_letter"]


def test_the_plan_follows_the_registry_rows():
    case = sample("adult-with-victim.yaml")
    report = ed.check(case)
    kinds = [ref.kind for ref in report.planned]
    assert kinds[0] == "cover_letter" and kinds[-2:] == ["review_sheet", "client_letter"]
    assert kinds.count("filing_instructions") == kinds.count("cover_letter")  # one page per court
    assert list(report.documents) == list(dict.fromkeys(s.kind for s in REGISTRY if s.kind in kinds))
    notices = [(ref.record, ref.victim) for ref in report.planned if ref.kind == "victim_notice"]
    victims = [(c.record_index, v) for c in report.charges if c.victim_notice_required
               for v in range(len(case.records[c.record_index].charges[c.index].victims))]
    assert victims and notices == victims  # one notice per victim, numbered within its docket
    # A row's condition decides: no hearing asked → no request for hearing; no sealing → no motion, nothing sealed.
    quiet = case.model_copy(update={"filing": case.filing.model_copy(update={"request_hearing": False,
                                                                               "seal_affidavit": False})})
    planned = {ref.kind for ref in plan(quiet, report.charges)}
    assert {"request_for_hearing", "motion_to_seal"}.isdisjoint(planned) and "affidavit" in planned
    assert sealed_kinds(quiet) == set() and sealed_kinds(case) == {"affidavit", "affidavit_46b_146"}


def test_every_document_context_is_built_from_its_sections():
    for path in sorted(SAMPLES.glob("*.yaml")):
        case = sample(path.name)
        report = ed.check(case)
        builder = ContextBuilder(case, report)
        for ref in report.planned:
            context = build_context(builder, ref, list(report.planned))
            spec = next(s for s in REGISTRY if s.kind == ref.kind)
            assert ("docket" in context) == (spec.scope in (Scope.docket, Scope.victim))
            assert ("narrative_paragraphs" in context) == ("affidavit" in spec.context)  # the narrative stays put
            assert ("victim" in context) == (spec.scope is Scope.victim)


def test_outcomes_are_typed_and_frozen():
    report = ed.check(sample("adult-prostitution.yaml"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.documents = ()  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.charges[0].status = Status.eligible  # type: ignore[misc]
    charge = report.charges[0]
    assert charge.status is Status.eligible and charge.pathway is PathwayId.vacatur
    assert charge.relief is Relief.mandatory
    data = report.to_json()["charges"][0]
    assert type(data["status"]) is str and type(data["pathway"]) is str and type(data["relief"]) is str
    assert data["flags"] == list(charge.flags)


def test_each_charge_class_is_resolved_once(monkeypatch):
    from erasure_docs.rules import facts

    calls = []
    real = facts.resolve_class
    monkeypatch.setattr(facts, "resolve_class", lambda f: calls.append(f) or real(f))
    report = ed.check(sample("mixed-multi-docket.yaml"))
    ct = [c for c in report.charges if c.jurisdiction == "CT"]
    assert len(calls) == len({(c.record_index, c.index) for c in ct}) == len(ct)
