"""The readable form of reports and tables: what a lawyer scans in a terminal."""

from __future__ import annotations

import textwrap

import click

from erasure_docs.readiness import Readiness
from erasure_docs.rules.outcome import Report
from erasure_docs.rules.tables import Tables

STATUS_COLOURS = {"eligible": "green", "automatic": "cyan", "needs_review": "yellow", "not_eligible": "red"}
COLUMNS = (("Docket", 22), ("#", 2), ("Statute", 26), ("Status", 12), ("Pathway", 8), ("Relief", 13))


def _row(cells: list[str]) -> str:
    return "  ".join(cell.ljust(width)[:width] for cell, (_, width) in zip(cells, COLUMNS))


def report_table(report: Report, width: int = 100) -> str:
    """A case's outcomes as a table (charge, status, pathway, relief, why); styles vanish off a terminal."""
    qualifies = "qualifies" if report.predicate_qualifies else "does NOT qualify"
    lines = [click.style(f"{report.case_id}", bold=True) + f"  (law as of {report.as_of}, rules {report.rules_version})",
             f"Trafficking predicate: {', '.join(p.citation for p in report.predicates)} — {qualifies}",
             _row([name for name, _ in COLUMNS]), _row(["-" * w for _, w in COLUMNS])]
    indent = " " * 4
    for charge in report.charges:
        cells = [charge.docket_number, str(charge.index), charge.citation, charge.status, charge.pathway or "—",
                 charge.relief or "—"]
        line = _row(cells)
        status_at = line.index(charge.status, sum(w + 2 for _, w in COLUMNS[:3]))
        lines.append(line[:status_at] + click.style(charge.status, fg=STATUS_COLOURS[charge.status]) +
                     line[status_at + len(charge.status):])
        why = charge.why + (f" [flags: {', '.join(charge.flags)}]" if charge.flags else "")
        lines += textwrap.wrap(why, width=width, initial_indent=indent, subsequent_indent=indent)
    summary = ", ".join(f"{n} {status.replace('_', ' ')}" for status, n in report.summary.items())
    lines.append(f"Summary: {summary}. Documents: {', '.join(report.documents)}")
    if report.readiness is not None:
        lines += readiness_lines(report.readiness, width)
    return "\n".join(lines)


def readiness_lines(readiness: Readiness, width: int = 100) -> list[str]:
    """'Ready to file', or the blockers, then the warnings: each id and field path, then what to do."""
    count = len(readiness.blockers)
    lines = [click.style("Ready to file." if readiness.ready else
                         f"Not ready to file: {count} blocker{'s' if count != 1 else ''} (a packet generated now is a draft).",
                         fg="green" if readiness.ready else "red", bold=True)]
    for heading, items in (("Blockers", readiness.blockers), ("Warnings", readiness.warnings)):
        if items:
            lines.append(f"{heading}:")
        for item in items:
            lines.append(f"  [{item.id}] {item.path}")
            lines += textwrap.wrap(item.message, width=width, initial_indent=" " * 4, subsequent_indent=" " * 4)
    return lines


def tables_text(tables: Tables, rules: list[tuple[str, str, str]]) -> str:
    """The statute tables and the rule list, as counsel reviews them."""
    out = ["CONNECTICUT OFFENSES (erasure_docs/law/ct_offenses.yaml)",
           f"{'statute':<16}{'offense':<44}{'class by offense date':<48}{'victim':<7}{'TIP':<5}verified"]
    for row in tables.offenses.values():
        classes = "; ".join(
            (f"from {p.start} " if p.start else "") + (f"until {p.until} " if p.until else "") +
            (" or ".join(c.label for c in p.classes) or "unknown") +
            (f" (max {p.max_term_years:g} yr)" if p.max_term_years else "")
            for p in row.periods)
        out.append(f"{row.statute:<16}{row.title[:42]:<44}{classes[:46]:<48}{'yes' if row.has_victim else 'no':<7}"
                   f"{'yes' if row.trafficking_related else 'no':<5}{'yes' if row.verified else 'NO'}")
    out += ["", "18 U.S.C. CHAPTER 77 (erasure_docs/law/federal_ch77.yaml)"]
    for federal in tables.federal_ch77.values():
        out.append(f"§ {federal.section:<8}{federal.title[:60]:<62}"
                   f"{'criminal' if federal.criminal else 'not criminal':<14}"
                   f"{'verified' if federal.verified else 'UNVERIFIED'}")
    out += ["", "PARAMETERS (erasure_docs/law/parameters.yaml)"]
    for p in tables.parameters.values():
        out.append(f"{p.name:<42}{str(p.value)[:50]:<52}{'verified' if p.verified else 'UNVERIFIED'}")
    out += ["", "RULES, in the order they apply"]
    id_width, cite_width = (max(len(rule[i]) for rule in rules) + 2 for i in (0, 1))
    out += [f"{rule_id:<{id_width}}{cite:<{cite_width}}{text}" for rule_id, cite, text in rules]
    return "\n".join(out)
