"""The intake form's mapping: posted field paths → case data, merging with the stored file, the add and
remove buttons, and where `validate`'s problems are shown."""

from __future__ import annotations

import erasure_docs as ed
from erasure_docs.web import forms
from erasure_docs.web.app import with_blanks

POSTED = [("csrf", "x"), ("petitioner.first_name", " Ana "), ("petitioner.last_name", "O'Neil"),
          ("petitioner.aliases", "Ana O.\r\n\r\nA. O'Neil"), ("petitioner.date_of_birth", "1998-03-14"),
          ("trafficking.predicates[0]", "53a-192a"), ("trafficking.predicates[1]", ""),
          ("records[0].docket_number", "H14H-CR15-0123456-S"), ("records[0].proceeding", "adult"),
          ("records[0].court.kind", "ga"), ("records[0].court.number", "14"), ("records[0].court.location", "Hartford"),
          ("records[0].charges[0].statute", "53a-82"), ("records[0].charges[0].disposition", "convicted"),
          ("records[0].charges[0].max_term_years", "x"), ("records[0].charges[0].related_to_trafficking", "true"),
          ("records[0].charges[0].victims[0].name", ""), ("filing.request_hearing", "false"),
          ("__class__", "no"), ("records[9999].docket_number", "too far")]


def test_posted_fields_become_case_data():
    data = forms.form_to_case(POSTED)
    assert data["petitioner"] == {"first_name": "Ana", "last_name": "O'Neil", "aliases": ["Ana O.", "A. O'Neil"],
                                  "date_of_birth": "1998-03-14"}
    assert data["trafficking"] == {"predicates": ["53a-192a"]}
    charge = data["records"][0]["charges"][0]
    assert data["records"][0]["court"]["number"] == 14 and charge["related_to_trafficking"] is True
    assert charge["max_term_years"] == "x" and "victims" not in charge  # left for validate to report
    assert data["filing"] == {"request_hearing": False}
    assert "csrf" not in data and "__class__" not in data and len(data["records"]) == 1


def test_saving_keeps_what_the_form_does_not_show_and_drops_what_was_cleared():
    stored = {"case_id": "K-1", "format": 1, "extra": {"intake_worker": "J"},
              "petitioner": {"first_name": "Ana", "phone": "860-555-0100", "future_field": True},
              "records": [{"docket_number": "D1", "charges": [{"statute": "53a-82", "new_thing": [1]}]}]}
    posted = forms.form_to_case([("petitioner.first_name", "Ana"), ("petitioner.phone", ""),
                                 ("records[0].docket_number", "D1"), ("records[0].charges[0].statute", "53a-83")])
    merged = forms.merge_form(stored, posted, forms.rendered_paths(with_blanks(stored)))
    assert merged["extra"] == {"intake_worker": "J"} and merged["format"] == 1
    assert merged["petitioner"] == {"first_name": "Ana", "future_field": True}  # the cleared phone is gone
    assert merged["records"][0]["charges"][0] == {"statute": "53a-83", "new_thing": [1]}


def test_the_add_and_remove_buttons():
    data = {"records": [{"docket_number": "D1", "charges": [{"statute": "53a-82"}]}]}
    forms.apply_action(data, "add:records[0].charges")
    forms.apply_action(data, "add:records[0].charges[1].victims")
    forms.apply_action(data, "add:records")
    forms.apply_action(data, "add:trafficking.predicates")
    assert len(data["records"][0]["charges"]) == 2 and data["records"][0]["charges"][1]["victims"] == [{"name": ""}]
    assert data["records"][1]["charges"] == [{"statute": ""}] and data["trafficking"]["predicates"] == [""]
    forms.apply_action(data, "remove:records[0].charges[0]")
    forms.apply_action(data, "remove:records[5]")  # not there: nothing happens
    assert data["records"][0]["charges"][0]["victims"] == [{"name": ""}] and len(data["records"]) == 2


def test_each_problem_is_placed_beside_its_field_or_its_section():
    data = {"case_id": "P-1", "petitioner": {"first_name": "Ana", "date_of_birth": "1998-02-30"},
            "trafficking": {"predicates": ["53a-192a"]},
            "records": [{"docket_number": "D1", "proceeding": "adult", "court": {"kind": "ga", "location": "X"},
                         "charges": [{"statute": "53a-82", "disposition": "convicted", "victims": [{}]}]}]}
    _, problems = ed.validate(data)
    placed = forms.place_problems(problems, with_blanks(data))
    assert placed.at("petitioner.date_of_birth") and placed.at("petitioner.last_name")
    assert placed.at("records[0].charges[0].victims[0].name")
    anchors = {anchor for _, anchor, _ in placed.listing}
    assert forms.field_id("petitioner.last_name") in anchors
    no_records = forms.place_problems(ed.validate({"case_id": "P-2"})[1], with_blanks({"case_id": "P-2"}))
    assert no_records.at("records") and no_records.at("petitioner")  # whole sections: shown at their top


def test_a_court_chosen_from_the_directory_fills_in_the_record_court():
    choices = dict(forms.court_choices())
    assert choices["ga-14"] == "G.A. 14 — Hartford" and len(choices) > 30
    posted = forms.form_to_case([("records[0].court.directory", "ga-14"), ("records[0].court.kind", "jd"),
                                 ("records[0].court.location", "Elsewhere"), ("records[1].court.directory", "no-such"),
                                 ("records[1].court.location", "Kept")])
    assert posted["records"][0]["court"] == {"kind": "ga", "number": 14, "location": "Hartford"}
    assert posted["records"][1]["court"] == {"location": "Kept"}
    assert forms.court_id_of(posted["records"][0]["court"]) == "ga-14"
    assert forms.court_id_of({"kind": "ga", "number": 99, "location": "Hartford"}) == ""
