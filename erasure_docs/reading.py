"""Reading one input: bytes to text, YAML or JSON to plain data (with line numbers), plain data to a
validated `Case` or the problems people can act on. Shared by the case-file loader (loading.py) and the
spreadsheet loader (spreadsheet.py), which sit above it.

Nothing here raises on bad input except `InputError`, for a whole input that cannot be read at all.
"""

from __future__ import annotations

import json
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

import yaml
from pydantic import ValidationError

from erasure_docs.crossfield import cross_field_problems
from erasure_docs.errors import ErasureDocsError
from erasure_docs.model import MAX_CHARGES, MAX_RECORDS, Case
from erasure_docs.text import describe_char

CASE_SUFFIXES = {".yaml", ".yml", ".json"}
SHEET_SUFFIXES = {".csv", ".xlsx"}
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_SHEET_BYTES = 50 * 1024 * 1024
MAX_VALUES = 100_000  # values in one case file, YAML aliases expanded: the same for YAML and JSON
MAX_DEPTH = 40  # nesting, the same for YAML and JSON
# Names a batch writes next to its case folders: a folder given as input never reads them back.
SUMMARY_NAMES = {"batch-summary.json", "batch-summary.csv", "batch-summary.xlsx"}

Loc = tuple[str | int, ...]
CASE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")  # as the model's case_id


def printable_path(text: str) -> str:
    """A file name as it may be printed and written to UTF-8 summaries: bytes that are not UTF-8 become
    U+FFFD and control characters '?' (a name could carry terminal escape sequences)."""
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return "".join("?" if unicodedata.category(ch) == "Cc" else ch for ch in text)


@dataclass
class Problem:
    """One thing wrong (or, as a warning, probably wrong) with one input."""

    source: str
    message: str
    case_id: str | None = None
    path: str = ""
    line: int | None = None

    def __post_init__(self) -> None:
        self.source = printable_path(self.source)

    @property
    def file(self) -> str:
        """The input it is about (a file, or a file and sheet row)."""
        return self.source

    def __str__(self) -> str:
        if not self.path and self.case_id is None:
            return f"{self.source}: {self.message}"
        where = f" (line {self.line})" if self.line else ""
        return f"{self.source} [{self.case_id or '?'}] {self.path or '(case)'}: {self.message}{where}"


@dataclass(frozen=True)
class InputRef:
    """What a packet's manifest records about its input: the file's name and the SHA-256 of its bytes (for a
    sheet, of the case's own rows, so editing one person's rows does not change another's)."""

    name: str
    sha256: str


@dataclass
class LoadedCase:
    """One case read from one input: a validated case, or the problems that stop it."""

    source: str
    case_id: str | None
    case: Case | None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    input_sha256: str = ""
    unreadable: bool = False  # a whole input (a sheet, its header) that yields no case at all
    file: str = ""  # the file the case came from, when `source` also names a sheet cell

    def __post_init__(self) -> None:
        self.source, self.file = printable_path(self.source), printable_path(self.file)

    @property
    def ok(self) -> bool:
        return self.case is not None

    @property
    def input_file(self) -> str:
        """The file the case came from (a sheet case's source also names its cell)."""
        return self.file or self.source

    @property
    def input_ref(self) -> InputRef:
        return InputRef(Path(self.input_file).name, self.input_sha256)


class InputError(ErasureDocsError):
    """A whole input that cannot be read at all (missing, binary, malformed)."""

    def __init__(self, source: str, message: str):
        super().__init__(message)
        self.problem = Problem(source, message)


# ---------------------------------------------------------------- paths and raw bytes

def expand_inputs(paths: Iterable[str | Path]) -> list[Path | InputError]:
    """Files as given; folders become the case files and sheets they contain, sorted."""
    found: list[Path | InputError] = []
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            inside = sorted(p for p in path.iterdir()
                            if p.is_file() and p.suffix.lower() in CASE_SUFFIXES | SHEET_SUFFIXES
                            and not p.name.startswith(".") and p.name.lower() not in SUMMARY_NAMES)
            if not inside:
                found.append(InputError(str(path), "folder holds no case files (.yaml, .yml, .json, .csv, .xlsx)"))
        else:
            inside = [path]
        for item in inside:  # a file named twice (itself and through its folder) is read once
            if item.resolve() not in seen:
                seen.add(item.resolve())
                found.append(item)
    return found


def read_bytes(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """A regular file's bytes, never more than `limit`: a device (/dev/zero), a pipe or a FIFO is refused
    before anything is read (it is opened without waiting for a writer), and a file that grows while it is
    read is caught by reading at most limit + 1 bytes."""
    source = str(path)
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise InputError(source, "no such file") from None
    except IsADirectoryError:
        raise InputError(source, "is a folder; give a case file") from None
    except OSError as exc:
        raise InputError(source, f"cannot be read ({exc.strerror or 'I/O error'})") from None
    with os.fdopen(handle, "rb") as file:
        info = os.fstat(handle)
        if stat.S_ISDIR(info.st_mode):
            raise InputError(source, "is a folder; give a case file")
        if not stat.S_ISREG(info.st_mode):
            raise InputError(source, "is not a regular file (a device, pipe or socket); save the input as a file")
        if info.st_size > limit:
            raise too_big(source, info.st_size, limit)
        os.set_blocking(handle, True)
        try:
            data = file.read(limit + 1)  # a buffered read stops at limit + 1 bytes or the end of the file
        except OSError as exc:
            raise InputError(source, f"cannot be read ({exc.strerror or 'I/O error'})") from None
    if len(data) > limit:
        raise too_big(source, len(data), limit)
    return data


def too_big(source: str, size: int, limit: int) -> InputError:
    shown = f"{size / 1024 / 1024:.1f} MB" if size > limit + 1 else f"over {limit // 1024 // 1024} MB"
    return InputError(source, f"is {shown}; a case file may be at most {limit // 1024 // 1024} MB")


def decode_text(data: bytes, source: str) -> str:
    if is_utf16(data):
        raise InputError(source, "is UTF-16 text; save it as UTF-8 (in Excel: CSV UTF-8; in an editor: "
                                 "Save As, encoding UTF-8)")
    if b"\x00" in data:
        raise InputError(source, "is not a text file (it holds binary data)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(source, "is not UTF-8 text; save it as UTF-8") from None
    if not text.strip():
        raise InputError(source, "is empty")
    return text


def is_utf16(data: bytes) -> bool:
    """A UTF-16 byte-order mark, or (without one) text whose every other byte is zero."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return True
    head = data[:512]
    return len(head) >= 8 and (head[1::2].count(0) > 0.9 * len(head[1::2]) or head[0::2].count(0) > 0.9 * len(head[0::2]))


# ---------------------------------------------------------------- YAML with line numbers, safely

class _CaseYamlLoader(yaml.SafeLoader):
    """Safe YAML where dates stay text (so Pydantic reports a bad date at its field) and only
    true/false are booleans (so a name like "No" or "Yes" stays a name)."""


_CaseYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.copy().items()
}
_CaseYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))

PLAIN_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:str", "tag:yaml.org,2002:int",
              "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"}


def yaml_problem(exc: yaml.MarkedYAMLError) -> str:
    """What is wrong, where: never the source line PyYAML quotes, and never a quoted value (a name or a date
    of birth) longer than a character or two; '<block end>' and the like stay."""
    mark = exc.problem_mark or exc.context_mark
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    what = re.sub(r"'(?!<)[^']{3,}'", "a value", str(exc.problem or exc.context or "unreadable"))
    return f"is not valid YAML{where}: {what}"


def short_tag(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!")


def parse_yaml(text: str, source: str) -> tuple[Any, dict[Loc, int], list[Problem]]:
    """Parse YAML into plain data plus the line of every field path, refusing tags that build objects,
    alias bombs and absurd nesting. A plain tag that does not fit its value (`!!int 1985-02-17`) is a problem
    of that field, like any other wrong value."""
    try:
        loader = _CaseYamlLoader(text)
    except yaml.reader.ReaderError as exc:  # the reader refuses control characters before any parsing
        line = text[:exc.position].count("\n") + 1
        raise InputError(source, f"contains a {describe_char(chr(exc.character))} at line {line}, which a case "
                                 "file may not hold; remove it") from None
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        raise InputError(source, yaml_problem(exc)) from None
    except yaml.YAMLError:
        raise InputError(source, "is not valid YAML") from None
    except RecursionError:
        raise InputError(source, too_deep()) from None
    finally:
        loader.dispose()
    if root is None:
        raise InputError(source, "is empty")
    lines: dict[Loc, int] = {}
    problems: list[Problem] = []
    budget = [MAX_VALUES]
    visited: set[int] = set()  # an alias is the same node again: counted again, as what it expands to

    def build(node: yaml.Node, loc: Loc) -> Any:
        budget[0] -= 1
        if budget[0] < 0:
            raise InputError(source, too_many(aliased=len(visited) < MAX_VALUES))
        visited.add(id(node))
        if len(loc) > MAX_DEPTH:
            raise InputError(source, too_deep())
        line = node.start_mark.line + 1
        lines.setdefault(loc, line)
        if node.tag not in PLAIN_TAGS:
            raise InputError(source, f"uses the YAML tag {short_tag(node.tag)[:60]} at line {line}; "
                                     "only plain values are allowed")
        if isinstance(node, yaml.MappingNode):
            result: dict[str, Any] = {}
            loader.flatten_mapping(node)
            for key_node, value_node in node.value:
                key = loader.construct_object(key_node) if isinstance(key_node, yaml.ScalarNode) else None
                if not isinstance(key, str):
                    raise InputError(source, f"has a key that is not text at line {key_node.start_mark.line + 1}")
                if key in result:
                    problems.append(Problem(source, "appears twice in the same mapping; keep one",
                                            path=format_loc(loc + (key,)), line=key_node.start_mark.line + 1))
                result[key] = build(value_node, loc + (key,))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [build(item, loc + (i,)) for i, item in enumerate(node.value)]
        try:
            return loader.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, KeyError, TypeError, OverflowError):
            problems.append(Problem(source, f"the YAML tag {short_tag(node.tag)} does not fit this value; remove "
                                            "the tag and write the value plainly", path=format_loc(loc), line=line))
            return None

    return build(root, ()), lines, problems


def too_deep() -> str:
    return f"is nested too deeply to be a case file (more than {MAX_DEPTH} levels)"


def too_many(aliased: bool) -> str:
    cause = " once its YAML aliases (*) are expanded" if aliased else ""
    return (f"holds more than {MAX_VALUES:,} values{cause}; a case file is far smaller (a case may hold at most "
            f"{MAX_RECORDS} records and {MAX_CHARGES} charges)")


def check_shape(data: Any, source: str) -> None:
    """The limits parse_yaml applies while it builds, for JSON: depth and number of values."""
    count = 0
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        count += 1
        if count > MAX_VALUES:
            raise InputError(source, too_many(False))
        if depth > MAX_DEPTH:
            raise InputError(source, too_deep())
        if isinstance(value, dict):
            stack += [(v, depth + 1) for v in value.values()]
        elif isinstance(value, list):
            stack += [(v, depth + 1) for v in value]


def parse_json(text: str, source: str) -> tuple[Any, list[Problem]]:
    problems: list[Problem] = []

    def pairs(items: list[tuple[str, Any]]) -> dict:
        result: dict[str, Any] = {}
        for key, value in items:
            if key in result:
                problems.append(Problem(source, f"key '{key[:60]}' appears twice in one object; keep one"))
            result[key] = value
        return result

    try:
        data = json.loads(text, object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        raise InputError(source, f"is not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise InputError(source, too_deep()) from None
    check_shape(data, source)
    return data, problems


# ---------------------------------------------------------------- validation and messages

def format_loc(loc: Iterable[str | int]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def split_path(path: str) -> Loc:
    parts: list[str | int] = []
    for piece in path.replace("]", "").split("."):
        name, *indexes = piece.split("[")
        parts += [name] if name else []
        parts += [int(i) for i in indexes]
    return tuple(parts)


def _friendly(error: Mapping[str, Any], loc: Loc) -> str:
    """What is wrong, never the value itself (the field path and the line say where it is)."""
    kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
    name = loc[-1] if loc else ""
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a field of the case file (check the spelling; free-form values go under 'extra')"
    if kind in ("string_type",):
        hint = "; put it in quotes" if isinstance(value, (int, float)) and not isinstance(value, bool) else ""
        return f"must be text{hint}"
    if kind in ("date_from_datetime_parsing", "date_parsing", "date_type", "date_from_datetime_inexact"):
        return "is not a valid date; write YYYY-MM-DD, e.g. 2015-03-01"
    if kind == "enum":
        return f"is not one of: {ctx.get('expected', '')}"
    if kind == "literal_error":
        return f"must be {ctx.get('expected')} (the case-file format this version reads)"
    if kind in ("bool_type", "bool_parsing"):
        return "must be true or false"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return "must be a whole number"
    if kind in ("float_type", "float_parsing"):
        return "must be a number"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        bound = {"greater_than": "more than", "greater_than_equal": "at least", "less_than": "less than",
                 "less_than_equal": "at most"}[kind]
        return f"must be {bound} {next(iter(ctx.values()))}"
    if kind in ("string_too_long", "string_too_short") and str(name) in PATTERN_HINTS:
        return PATTERN_HINTS[str(name)]
    if kind == "string_too_long":
        return f"is longer than {ctx.get('max_length')} characters"
    if kind == "string_too_short":
        return "is empty"
    if kind == "too_short":
        return "needs at least one entry"
    if kind == "too_long":
        return f"has more than {ctx.get('max_length')} entries, the most a case file may hold here"
    if kind in ("list_type",):
        return "must be a list"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return "must be a mapping of fields"
    if kind == "string_pattern_mismatch":
        return PATTERN_HINTS.get(str(name), "is not in the expected form")
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    return error["msg"]


PATTERN_HINTS = {
    "case_id": "must be 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit",
    "zip": "must be a 5-digit ZIP code (or ZIP+4) written in quotes, e.g. \"06106\"",
    "state": "must be a 2-letter state code in capitals, e.g. CT",
    "juris_number": "must be the 6-digit Juris number, in quotes",
    "phone": "is not a phone number",
    "email": "is not an email address",
    "docket_number": "must start with a letter or digit and use only letters, digits, spaces and . / # : -",
}


def validate_data(data: Any, source: str, locate: Callable[[Loc], int | None] = lambda loc: None,
                  as_of: Any = None) -> tuple[Case | None, list[Problem]]:
    """Validate one case's data; return the case or every problem, each with its field path. No message
    quotes a value."""
    case_id = case_id_hint(data)
    if not isinstance(data, dict):
        found = type(data).__name__.replace("dict", "mapping").replace("list", "list").replace("str", "text")
        return None, [Problem(source, f"must hold a mapping of case-file fields at the top level, not {found}")]
    if as_of is not None:
        data = {**data, "as_of": str(as_of)}
    try:
        return Case.model_validate(data), []
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False):
            loc = tuple(error["loc"])
            if error["type"] == "cross_field":
                for subpath, message in error["ctx"]["problems"]:
                    full = loc + split_path(subpath)
                    problems.append(Problem(source, message, case_id, format_loc(full), locate(full)))
            else:
                problems.append(Problem(source, _friendly(error, loc), case_id, format_loc(loc), locate(loc)))
        # The cross-field rules do not run inside a model that has a field error; run them on the raw data
        # so that the file's every problem is listed at once.
        reported = {(p.path, p.message) for p in problems}
        problems += [Problem(source, message, case_id, path, locate(split_path(path)))
                     for path, message in cross_field_problems(data) if (path, message) not in reported]
        return None, problems


def case_id_hint(data: Any) -> str | None:
    """The case id to name in messages, only when it is itself well-formed (never echo junk)."""
    value = data.get("case_id") if isinstance(data, dict) else None
    if isinstance(value, str) and CASE_ID.fullmatch(value.strip()):
        return value.strip()
    return None


def line_locator(lines: dict[Loc, int]) -> Callable[[Loc], int | None]:
    def locate(loc: Loc) -> int | None:
        for end in range(len(loc), -1, -1):
            if loc[:end] in lines:
                return lines[loc[:end]]
        return None
    return locate
