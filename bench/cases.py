"""Synthetic, fictional cases for the benchmark (no real person; names drawn from short fixed lists)."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import yaml

FIRST = ["Ana", "Bea", "Cora", "Dana", "Eva", "Fay", "Gia", "Hana", "Iris", "June", "Kia", "Lena"]
LAST = ["Rivera", "Okafor", "Nguyen", "Kowalski", "Haddad", "Moreau", "Silva", "O'Brien", "Park", "Ruiz"]
COURTS = [(14, "Hartford"), (23, "New Haven"), (2, "Bridgeport"), (15, "New Britain"), (4, "Waterbury")]


def synthetic_case(number: int, charges: int = 2) -> dict:
    rng = random.Random(number)
    born = dt.date(1990, 1, 1) + dt.timedelta(days=rng.randrange(0, 3000))
    ga, town = rng.choice(COURTS)
    offense = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(0, 1500))
    statutes = [("53a-82", "Prostitution", []), ("53a-125b", "Larceny in the sixth degree",
                 [{"name": "Corner Market LLC", "address": {"street": "1 Elm St", "city": town, "state": "CT",
                                                            "zip": "06106"},
                   "notice": {"method": "certified", "tracking_number": f"9407 {number:06d}",
                              "mailed_on": "2026-11-02"}}])]
    return {
        "case_id": f"BENCH-{number:05d}",
        "as_of": "2026-11-30",
        "petitioner": {"first_name": rng.choice(FIRST), "last_name": rng.choice(LAST),
                       "date_of_birth": born.isoformat(),
                       "address": {"street": f"{rng.randrange(1, 999)} Main St", "city": town, "state": "CT",
                                   "zip": "06106"}},
        "attorney": {"name": "Alex Rivera", "juris_number": "123456", "firm": "Example Legal Aid",
                     "address": {"street": "1 Court St", "city": "Hartford", "state": "CT", "zip": "06103"}},
        "trafficking": {"predicates": ["53a-192a"], "period": {"start": "2014-01-01", "end": "2020-01-01"},
                        "evidence": [{"kind": "t_visa", "description": "I-914 approval notice", "date": "2021-05-01"}],
                        "narrative": "A fictional account for the benchmark.\n\nA second paragraph."},
        "records": [{
            "docket_number": f"H{ga:02d}H-CR{offense.year % 100:02d}-{number:07d}-S",
            "court": {"kind": "ga", "number": ga, "location": town}, "proceeding": "adult",
            "arrest_date": offense.isoformat(),
            "charges": [{"statute": s, "description": d, "offense_date": offense.isoformat(),
                         "disposition": "convicted", "disposition_date": (offense + dt.timedelta(days=60)).isoformat(),
                         "related_to_trafficking": True, "victims": v} for s, d, v in statutes[:charges]],
        }],
        "filing": {"request_hearing": True,  # each docket is served on the office the court directory names
                   "seal_affidavit": True},
    }


def write_cases(folder: Path, count: int, charges: int = 2) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(count):
        path = folder / f"case-{number:05d}.yaml"
        path.write_text(yaml.safe_dump(synthetic_case(number, charges), sort_keys=False, allow_unicode=True))
        paths.append(path)
    return paths
