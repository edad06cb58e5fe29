"""The pathways, one module each: the statute, how it judges a charge, the relief it asks for, the documents it
files (from the registry in rules/documents.py) and what the review sheet asks counsel to confirm.

Adding a pathway = a `PathwayId` member (rules/outcome.py) + one module here with its `PATHWAY` + its
documents' registry rows and templates + its tests; the engine's `pathway_for` says when it applies.
"""

from __future__ import annotations

from erasure_docs.rules.outcome import PathwayId
from erasure_docs.rules.pathways import (erasure_54_142a, juvenile_46b_146, vacatur_54_95c,
                                         youthful_offender_54_76o)
from erasure_docs.rules.pathways.base import Pathway

__all__ = ["PATHWAYS", "Pathway", "pathway"]

PATHWAYS: dict[PathwayId, Pathway] = {p.id: p for p in (juvenile_46b_146.PATHWAY, vacatur_54_95c.PATHWAY,
                                                        erasure_54_142a.PATHWAY, youthful_offender_54_76o.PATHWAY)}
assert list(PATHWAYS) == list(PathwayId), "one module per PathwayId, in the enum's order"


def pathway(pathway_id: PathwayId | str) -> Pathway:
    return PATHWAYS[PathwayId(pathway_id)]
