"""The reference tables of the documentation, generated from the code: `python -m erasure_docs.docs_build`
(or `make docs`) rewrites them, and a test fails while any is stale.

- README.md: the command table, from the click commands (their first help paragraph and their options);
- docs/case-file.md: the field reference, from the case-file model's JSON Schema;
- templates/source/README.md: the template-variable index, from the contexts the context builder makes for
  every document of every sample case (which variables exist, and which documents have them).

Each table sits between `<!-- generated: NAME -->` and `<!-- end generated: NAME -->`; the prose around it is
written by hand.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from erasure_docs.paths import PACKAGE_DIR

ROOT = PACKAGE_DIR.parent  # a checkout: the documentation is not part of the installed package


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


# ---------------------------------------------------------------- commands

def _commands(group: click.Group, prefix: str, context: click.Context) -> list[tuple[str, click.Command]]:
    found = []
    for name in sorted(group.list_commands(context), key=list(group.commands).index):
        command = group.commands[name]
        if isinstance(command, click.Group):
            found += _commands(command, f"{prefix} {name}", click.Context(command, parent=context, info_name=name))
        else:
            found.append((f"{prefix} {name}", command))
    return found


def commands_table() -> str:
    from erasure_docs.cli import main

    context = click.Context(main, info_name="erasure-docs")
    rows = ["| command | what it does | options |", "|---|---|---|"]
    for name, command in _commands(main, "erasure-docs", context):
        arguments = " ".join(p.human_readable_name.upper() + ("..." if p.nargs == -1 else "")
                             for p in command.params if isinstance(p, click.Argument))
        options = ", ".join(f"`{p.opts[0]}`" for p in command.params
                            if isinstance(p, click.Option) and not p.hidden and p.opts[0] != "--help")
        summary = (command.help or "").split("\n\n")[0]
        usage = f"{name} {arguments}".strip()
        rows.append(f"| `{usage}` | {_cell(summary)} | {options} |")
    return "\n".join(rows)


# ---------------------------------------------------------------- case-file fields

def _type_of(schema: dict[str, Any], defs: dict[str, Any]) -> tuple[str, dict[str, Any] | None]:
    """A readable type, and the object schema to descend into (for mappings and lists of mappings)."""
    if "$ref" in schema:
        target = defs[schema["$ref"].rsplit("/", 1)[1]]
        if "enum" in target:
            return "one of " + ", ".join(f"`{v}`" for v in target["enum"]), None
        return "mapping", target
    if "anyOf" in schema:
        kinds = [_type_of(s, defs) for s in schema["anyOf"] if s.get("type") != "null"]
        return " or ".join(k for k, _ in kinds), next((o for _, o in kinds if o), None)
    kind = schema.get("type", "any")
    if kind == "array":
        inner, nested = _type_of(schema.get("items", {}), defs)
        return f"list of {inner}", nested
    if kind == "string" and schema.get("format") == "date":
        return "date", None
    if kind == "object":
        return "mapping", None
    return {"string": "text", "integer": "whole number", "number": "number", "boolean": "true/false"}.get(
        kind, str(kind)), None


def _limits(schema: dict[str, Any]) -> str:
    for option in schema.get("anyOf", [schema]):
        found = []
        if "maxLength" in option:
            found.append(f"at most {option['maxLength']} characters")
        if "pattern" in option:
            found.append(f"pattern `{option['pattern']}`")
        for key, word in (("minimum", "at least"), ("maximum", "at most"), ("exclusiveMinimum", "more than"),
                          ("minItems", "at least (entries)")):
            if key in option:
                found.append(f"{word} {option[key]}")
        if found:
            return "; ".join(found)
    return ""


def _field_rows(schema: dict[str, Any], defs: dict[str, Any], prefix: str) -> list[str]:
    rows = []
    required = set(schema.get("required", []))
    for name, field in schema.get("properties", {}).items():
        path = f"{prefix}{name}"
        kind, nested = _type_of(field, defs)
        default = field.get("default")
        need = "required" if name in required else (f"default `{json.dumps(default)}`"
                                                     if default not in (None, [], {}) else "")
        rows.append(f"| `{path}` | {_cell(kind)} | {need} | {_cell(_limits(field))} |")
        if nested:
            rows += _field_rows(nested, defs, f"{path}[]." if kind.startswith("list") else f"{path}.")
    return rows


def fields_table() -> str:
    from erasure_docs.model import Case

    schema = Case.model_json_schema(mode="validation")
    return "\n".join(["| field | type | required / default | limits |", "|---|---|---|---|",
                      *_field_rows(schema, schema.get("$defs", {}), "")])


# ---------------------------------------------------------------- template variables

def _paths(value: Any, prefix: str) -> set[str]:
    if isinstance(value, dict):
        found = set()
        for key, inner in value.items():
            found |= _paths(inner, f"{prefix}.{key}" if prefix else str(key))
        return found or {prefix}
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return set().union(*(_paths(v, f"{prefix}[]") for v in value))
    return {prefix}


def variables_table() -> str:
    from erasure_docs.custom_templates import sample_contexts
    from erasure_docs.rules.documents import REGISTRY

    where: dict[str, set[str]] = {}
    for context in sample_contexts():
        for path in _paths(context, ""):
            where.setdefault(path, set()).add(context["doc"]["kind"])
    order = [spec.kind for spec in REGISTRY]
    rows = ["| variable | documents |", "|---|---|"]
    for path in sorted(where):
        kinds = where[path]
        shown = "every document" if len(kinds) == len(order) else ", ".join(k for k in order if k in kinds)
        rows.append(f"| `{path}` | {shown} |")
    return "\n".join(rows)


# ---------------------------------------------------------------- the files

TARGETS: dict[str, tuple[str, Callable[[], str]]] = {
    "commands": ("README.md", commands_table),
    "case-file fields": ("docs/case-file.md", fields_table),
    "template variables": ("templates/source/README.md", variables_table),
}


def replaced(text: str, name: str, table: str) -> str:
    start, end = f"<!-- generated: {name} -->", f"<!-- end generated: {name} -->"
    if start not in text or end not in text:
        raise ValueError(f"the markers {start} … {end} are missing")
    before, rest = text.split(start, 1)
    return f"{before}{start}\n{table}\n{end}{rest.split(end, 1)[1]}"


def stale(root: Path = ROOT) -> list[str]:
    """The files whose generated tables differ from what the code gives now."""
    return [f"{path} ({name})" for name, (path, make) in TARGETS.items()
            if replaced((root / path).read_text(encoding="utf-8"), name, make())
            != (root / path).read_text(encoding="utf-8")]


def build(root: Path = ROOT) -> list[str]:
    written = []
    for name, (path, make) in TARGETS.items():
        target = root / path
        text = target.read_text(encoding="utf-8")
        updated = replaced(text, name, make())
        if updated != text:
            target.write_text(updated, encoding="utf-8")
            written.append(path)
    return written


def main() -> None:
    if not (ROOT / "README.md").is_file():
        sys.exit("docs_build: run it in a checkout of erasure-docs (the documentation is not installed)")
    written = build()
    print(f"updated {', '.join(written)}" if written else "the generated tables are up to date")


if __name__ == "__main__":
    main()
