"""The web app's pages and JSON API (see erasure_docs/web/__init__.py for the whole picture)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import subprocess
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from erasure_docs import __version__
from erasure_docs.files import atomic_write
from erasure_docs.model import Case
from erasure_docs.reading import MAX_FILE_BYTES, InputError, decode_text, parse_json
from erasure_docs.web import forms, words
from erasure_docs.web.jobs import Batch, read_batch, start
from erasure_docs.web.security import Guard, SecurityMiddleware
from erasure_docs.web.service import Service, zip_files, zip_folder
from erasure_docs.web.store import CASE_ID, StoreError, WorkFolder, inside, parse_case_text

HERE = Path(__file__).parent
MAX_SHEET_UPLOAD = 20 * 1024 * 1024
SHEET_TYPES = {".csv", ".xlsx"}


def create_app(work: Path, guard: Guard, service: Service | None = None) -> SecurityMiddleware:
    """The whole app: pages, API and the security layer around both."""
    app = FastAPI(title="erasure-docs", version=__version__, docs_url=None, redoc_url=None,
                  openapi_url="/api/v1/openapi.json",
                  description="Validate, judge and generate Connecticut trafficking-survivor record-relief "
                              "filings. Every request carries `Authorization: Bearer <token>`, the token "
                              "printed by `erasure-docs serve`.")
    app.state.work = WorkFolder(work)
    app.state.service = service or Service()
    app.state.batches = {}
    app.state.thumbs = {}
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    pages = Jinja2Templates(directory=HERE / "templates")
    pages.env.globals.update(field_id=forms.field_id, words=words, forms=forms)
    _pages(app, pages)
    _api(app)
    return SecurityMiddleware(app, guard, max_body=MAX_SHEET_UPLOAD)


def _render(pages: Jinja2Templates, request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    context.update(request=request, csrf=request.state.csrf)
    return pages.TemplateResponse(request, name, context, status_code=status)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def with_blanks(data: dict[str, Any]) -> dict[str, Any]:
    """What the form shows: the data, plus one empty predicate, record and charge where there are none."""
    shown = json.loads(json.dumps(data, default=str))
    trafficking = shown.setdefault("trafficking", {})
    if not trafficking.get("predicates"):
        trafficking["predicates"] = [""]
    records = shown.setdefault("records", [])
    if not records:
        records.append({})
    for record in records:
        if isinstance(record, dict) and not record.get("charges"):
            record["charges"] = [{}]
    return shown


def _pages(app: FastAPI, pages: Jinja2Templates) -> None:
    work: WorkFolder = app.state.work
    service: Service = app.state.service

    def load_or_404(case_id: str) -> dict[str, Any]:
        try:
            return work.load(case_id)
        except (StoreError, InputError) as exc:
            raise PageError(404, "There is no such case in the work folder.") from exc

    def saved_bytes(case_id: str) -> bytes:
        return work.case_path(case_id).read_bytes()

    @app.exception_handler(StoreError)
    async def store_error(request: Request, exc: StoreError) -> Response:
        return _render(pages, request, "message.html", 404, title="Not found", message=str(exc))

    @app.exception_handler(PageError)
    async def page_error(request: Request, exc: PageError) -> Response:
        return _render(pages, request, "message.html", exc.status, title="Cannot do that", message=exc.message)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def start_page(request: Request, problem: str = "") -> Response:
        return _render(pages, request, "start.html", cases=work.cases(), problem=START_PROBLEMS.get(problem, ""))

    @app.post("/cases", include_in_schema=False)
    def new_case(request: Request, case_id: Annotated[str, Form()] = "") -> Response:
        case_id = case_id.strip()
        if not CASE_ID.fullmatch(case_id):
            return RedirectResponse("/?problem=case_id", 303)
        if work.exists(case_id):
            return RedirectResponse("/?problem=exists", 303)
        data: dict[str, Any] = {"case_id": case_id, "as_of": dt.date.today().isoformat()}
        if work.settings().get("attorney"):
            data["attorney"] = work.settings()["attorney"]
        work.save(case_id, data)
        return RedirectResponse(f"/cases/{case_id}", 303)

    @app.post("/cases/upload", include_in_schema=False)
    async def upload_case(request: Request, file: Annotated[UploadFile, File()]) -> Response:
        name = Path(file.filename or "case.yaml").name
        raw = await file.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:
            raise PageError(413, f"A case file may be at most {MAX_FILE_BYTES // 1024 // 1024} MB.")
        if Path(name).suffix.lower() not in (".yaml", ".yml", ".json"):
            raise PageError(400, "Upload a case file: .yaml, .yml or .json (a batch sheet goes on the Batches page).")
        try:
            data = parse_case_text(raw, name)
        except InputError as exc:
            raise PageError(400, f"The file cannot be read: {exc.problem.message}.") from exc
        case_id = data.get("case_id")
        if not isinstance(case_id, str) or not CASE_ID.fullmatch(case_id.strip()):
            raise PageError(400, "The file has no usable case_id (1–64 letters, digits, '.', '_' or '-').")
        if work.exists(case_id.strip()):
            raise PageError(409, "A case with this case id is already in the work folder; it was not replaced. "
                                 "Change the case_id in the file, or open the case from the start page.")
        work.save(case_id.strip(), data)
        return RedirectResponse(f"/cases/{case_id.strip()}", 303)

    @app.get("/cases/{case_id}", response_class=HTMLResponse, include_in_schema=False)
    def intake(request: Request, case_id: str) -> Response:
        data = load_or_404(case_id)
        case, problems = service.validate(data)
        shown = with_blanks(data)
        placed = forms.place_problems(problems, shown)
        return _render(pages, request, "case.html", case_id=case_id, data=shown, placed=placed, valid=case is not None,
                       settings=work.settings(), courts=forms.court_choices(), statutes=statute_choices(),
                       predicates=predicate_choices(), locations=court_locations())

    async def posted(request: Request, case_id: str) -> tuple[dict[str, Any], str]:
        stored = load_or_404(case_id)
        form = await request.form()
        items = [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
        data = forms.merge_form(stored, forms.form_to_case(items), forms.rendered_paths(with_blanks(stored)))
        data["case_id"] = case_id
        return data, str(form.get("action") or "")

    @app.post("/cases/{case_id}", include_in_schema=False)
    async def save_case(request: Request, case_id: str) -> Response:
        data, action = await posted(request, case_id)
        anchor = ""
        if action.startswith(("add:", "remove:")):
            data = forms.apply_action(data, action)
            if action.startswith("add:"):  # to the entry just added
                path = action.partition(":")[2]
                anchor = "#" + forms.field_id(f"{path}[{max(len(forms.value_at(data, path) or []) - 1, 0)}]")
        work.save(case_id, data)
        case, _ = service.validate(data)
        if case is not None and case.attorney is not None:
            work.remember_attorney(data["attorney"])
        if action == "eligibility" and case is not None:
            return RedirectResponse(f"/cases/{case_id}/eligibility", 303)
        return RedirectResponse(f"/cases/{case_id}{anchor or ('#problems' if case is None else '')}", 303)

    @app.post("/cases/{case_id}/autosave", include_in_schema=False)
    async def autosave(request: Request, case_id: str) -> Response:
        data, _ = await posted(request, case_id)
        work.save(case_id, data)
        case, problems = service.validate(data)
        return JSONResponse({"saved": dt.datetime.now().strftime("%H:%M:%S"), "problems": len(problems)})

    @app.get("/cases/{case_id}/download", include_in_schema=False)
    def download_case(case_id: str) -> Response:
        load_or_404(case_id)
        return attachment(saved_bytes(case_id), f"{case_id}.yaml", "application/yaml")

    @app.get("/cases/{case_id}/eligibility", response_class=HTMLResponse, include_in_schema=False)
    def eligibility(request: Request, case_id: str) -> Response:
        data = load_or_404(case_id)
        case, _ = service.validate(data)
        if case is None:
            return RedirectResponse(f"/cases/{case_id}#problems", 303)
        shown = forms.rendered_paths(with_blanks(data))
        return _render(pages, request, "eligibility.html", case_id=case_id, judged=service.judge(case),
                       anchor=lambda path: forms.anchor_for(path, shown),
                       generated=work.case_folder(case_id) is not None)

    @app.post("/cases/{case_id}/generate", include_in_schema=False)
    def generate(request: Request, case_id: str) -> Response:
        case, _ = service.validate(load_or_404(case_id))
        if case is None:
            return RedirectResponse(f"/cases/{case_id}#problems", 303)
        try:
            service.generate(case, _sha(saved_bytes(case_id)), work.output_dir())
        except Exception as exc:  # noqa: BLE001 - said plainly, never a traceback or a value
            raise PageError(500, f"The filing sets could not be built ({type(exc).__name__}).") from exc
        app.state.thumbs.pop(case_id, None)
        return RedirectResponse(f"/cases/{case_id}/filings", 303)

    @app.get("/cases/{case_id}/filings", response_class=HTMLResponse, include_in_schema=False)
    def filings(request: Request, case_id: str) -> Response:
        load_or_404(case_id)
        folder = work.case_folder(case_id)
        if folder is None:
            return RedirectResponse(f"/cases/{case_id}/eligibility", 303)
        return _render(pages, request, "filings.html", case_id=case_id, groups=file_groups(folder))

    @app.get("/cases/{case_id}/files/{relative:path}", include_in_schema=False)
    def case_file(case_id: str, relative: str, inline: int = 0) -> Response:
        folder = work.case_folder(case_id)
        path = inside(folder, relative) if folder else None
        if path is None:
            raise PageError(404, "There is no such file in this case's folder.")
        media = MEDIA.get(path.suffix.lower(), "application/octet-stream")
        if inline and path.suffix.lower() == ".pdf":
            return Response(path.read_bytes(), media_type=media,
                            headers={"content-disposition": f'inline; filename="{path.name}"'})
        return attachment(path.read_bytes(), path.name, media)

    @app.get("/cases/{case_id}/thumb/{relative:path}", include_in_schema=False)
    def thumbnail(case_id: str, relative: str) -> Response:
        folder = work.case_folder(case_id)
        path = inside(folder, relative) if folder else None
        if path is None or path.suffix.lower() != ".pdf":
            raise PageError(404, "There is no such PDF in this case's folder.")
        cache = app.state.thumbs.setdefault(case_id, {})
        if relative not in cache:
            cache[relative] = first_page_png(path)
        return Response(cache[relative], media_type="image/png")

    @app.get("/cases/{case_id}/folder.zip", include_in_schema=False)
    def case_zip(case_id: str) -> Response:
        folder = work.case_folder(case_id)
        if folder is None:
            raise PageError(404, "Generate the filing sets first.")
        return attachment(zip_folder(folder), f"{case_id}.zip", "application/zip")

    @app.get("/cases/{case_id}/word.zip", include_in_schema=False)
    def word_zip(case_id: str, under: str = "") -> Response:
        folder = work.case_folder(case_id)
        if folder is None:
            raise PageError(404, "Generate the filing sets first.")
        files = {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.docx"))
                 if str(p.relative_to(folder)).startswith(under)}
        return attachment(zip_files(files, case_id), f"{case_id}-word.zip", "application/zip")

    # ---------------------------------------------------------------- batches

    @app.get("/batches", response_class=HTMLResponse, include_in_schema=False)
    def batches(request: Request) -> Response:
        return _render(pages, request, "batches.html", batches=list(app.state.batches.values()))

    @app.post("/batches", include_in_schema=False)
    async def upload_batch(request: Request, file: Annotated[UploadFile, File()]) -> Response:
        name = Path(file.filename or "sheet.csv").name
        suffix = Path(name).suffix.lower()
        if suffix not in SHEET_TYPES:
            raise PageError(400, "Upload a batch sheet: .csv or .xlsx.")
        raw = await file.read(MAX_SHEET_UPLOAD + 1)
        if len(raw) > MAX_SHEET_UPLOAD:
            raise PageError(413, f"A sheet may be at most {MAX_SHEET_UPLOAD // 1024 // 1024} MB.")
        batch_id = secrets.token_hex(8)
        folder = work.batch_dir(batch_id)
        folder.mkdir(mode=0o700)
        sheet = atomic_write(folder / f"input{suffix}", raw)
        app.state.batches[batch_id] = read_batch(batch_id, folder, sheet, name)
        return RedirectResponse(f"/batches/{batch_id}", 303)

    def batch_or_404(batch_id: str) -> Batch:
        found = app.state.batches.get(batch_id)
        if found is None:
            raise PageError(404, "There is no such batch (batches are kept while the server runs).")
        return found

    @app.get("/batches/{batch_id}", response_class=HTMLResponse, include_in_schema=False)
    def batch_page(request: Request, batch_id: str) -> Response:
        return _render(pages, request, "batch.html", batch=batch_or_404(batch_id))

    @app.post("/batches/{batch_id}/run", include_in_schema=False)
    def batch_run(batch_id: str) -> Response:
        start(batch_or_404(batch_id), service)
        return RedirectResponse(f"/batches/{batch_id}", 303)

    @app.get("/batches/{batch_id}/progress", include_in_schema=False)
    def batch_progress(batch_id: str) -> Response:
        return JSONResponse(batch_or_404(batch_id).progress())

    @app.get("/batches/{batch_id}/packets.zip", include_in_schema=False)
    def batch_zip(batch_id: str) -> Response:
        batch = batch_or_404(batch_id)
        out = batch.folder / "out"
        if not batch.finished or not out.is_dir():
            raise PageError(409, "The batch has not finished yet.")
        return attachment(zip_folder(out, f"batch-{batch_id}"), f"batch-{batch_id}.zip", "application/zip")


class PageError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


START_PROBLEMS = {"case_id": "A case id is 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit.",
                  "exists": "A case with this case id is already in the work folder; open it below."}
MEDIA = {".pdf": "application/pdf", ".json": "application/json", ".yaml": "application/yaml",
         ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def attachment(data: bytes, name: str, media: str) -> Response:
    return Response(data, media_type=media, headers={"content-disposition": f'attachment; filename="{name}"'})


def first_page_png(pdf: Path) -> bytes:
    """A small picture of a PDF's first page (poppler's pdftoppm, a system package the project needs)."""
    # No output root: the picture goes to stdout ("-" would write a file named "-.png" in the working folder).
    done = subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", "-singlefile", str(pdf)],
                          capture_output=True, timeout=60, check=False)
    if done.returncode != 0 or not done.stdout:
        raise PageError(500, "The page picture could not be made.")
    return done.stdout


def file_groups(folder: Path) -> list[dict[str, Any]]:
    """The case folder's files by part: each court's filing set (named from the manifest), then sealed,
    mailings, the attorney's copy, and the rest."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = {}
    courts = {s.get("folder"): s.get("court") for s in manifest.get("filing_sets", []) if isinstance(s, dict)}
    groups: dict[str, dict[str, Any]] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder)
        parts = relative.parts
        key = "/".join(parts[:2]) if parts[0] == "filings" and len(parts) > 2 else (parts[0] if len(parts) > 1 else "")
        court = courts.get(key) or (parts[1].replace("-", " ") if key.startswith("filings/") else "")
        title = f"Filing set: {court}" if court else GROUP_TITLES.get(key, key or "Case folder")
        group = groups.setdefault(key, {"key": key, "title": title, "court": court, "bound": None, "files": []})
        if key.startswith("filings/") and relative.name == "filing.pdf":
            group["bound"] = str(relative)
        group["files"].append(str(relative))
    order = {"filings": 0, "sealed": 1, "mailings": 2, "attorney": 3}
    return sorted(groups.values(), key=lambda g: (order.get(g["key"].split("/")[0], 4 if g["key"] else 5), g["key"]))


GROUP_TITLES = {"sealed": "Sealed (filed separately, each in its envelope)", "mailings": "Victim notices and their envelopes",
                "attorney": "For the attorney (not for filing)"}


# ---------------------------------------------------------------- suggestions for the form

def statute_choices() -> list[tuple[str, str]]:
    from erasure_docs.rules.tables import load_tables

    tables = load_tables()
    return [(row.statute, row.title) for row in tables.offenses.values()]


def court_locations() -> list[str]:
    from erasure_docs import courts

    return sorted({name for kind in courts.KINDS for name in courts.locations(kind)})


def predicate_choices() -> list[tuple[str, str]]:
    from erasure_docs.rules.tables import load_tables

    tables = load_tables()
    found = [("53a-192a", "Trafficking in persons")]
    found += [(f"18 U.S.C. § {row.section}", row.title) for row in tables.federal_ch77.values() if row.criminal]
    return found


# ---------------------------------------------------------------- the JSON API

def _api(app: FastAPI) -> None:
    service: Service = app.state.service
    schema = Case.model_json_schema(mode="validation", ref_template="#/components/schemas/{model}")
    case_body = {"requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Case"}}}}}
    app.state.case_schemas = {"Case": {k: v for k, v in schema.items() if k != "$defs"}, **schema.get("$defs", {})}

    async def read_case(request: Request) -> tuple[Any, list[dict[str, Any]], bytes]:
        raw = await request.body()
        if len(raw) > MAX_FILE_BYTES:
            return None, [{"path": "", "message": "a case may be at most 5 MB"}], raw
        try:
            data, _ = parse_json(decode_text(raw, "request"), "request")
        except InputError as exc:
            return None, [{"path": "", "message": f"the body {exc.problem.message}"}], raw
        if not isinstance(data, dict):
            return None, [{"path": "", "message": "the body must be a JSON object (a case)"}], raw
        case, problems = service.validate(data)
        return case, [{"path": p.path, "message": p.message} for p in problems], raw

    @app.post("/api/v1/validate", tags=["cases"], openapi_extra=case_body,
              summary="Check a case (JSON) against the case-file format; every problem with its field path")
    async def api_validate(request: Request) -> JSONResponse:
        case, problems, _ = await read_case(request)
        return JSONResponse({"valid": case is not None, "problems": problems})

    @app.post("/api/v1/check", tags=["cases"], openapi_extra=case_body,
              summary="The eligibility report of a case: the JSON of `erasure-docs check --json`")
    async def api_check(request: Request) -> JSONResponse:
        case, problems, _ = await read_case(request)
        if case is None:
            return JSONResponse({"valid": False, "problems": problems}, status_code=422)
        return JSONResponse(service.judge(case).report.to_json())

    @app.post("/api/v1/generate", tags=["cases"], openapi_extra=case_body, response_class=Response,
              responses={200: {"content": {"application/zip": {}}, "description": "The case folder as a zip"}},
              summary="Generate a case's filing sets: the whole case folder, as a zip")
    async def api_generate(request: Request) -> Response:
        case, problems, raw = await read_case(request)
        if case is None:
            return JSONResponse({"valid": False, "problems": problems}, status_code=422)
        from starlette.concurrency import run_in_threadpool

        packet = await run_in_threadpool(service.build, case, _sha(raw))
        return attachment(zip_files(packet.files, case.case_id), f"{case.case_id}.zip", "application/zip")

    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = original()
            document.setdefault("components", {}).setdefault("schemas", {}).update(app.state.case_schemas)
            document["components"]["securitySchemes"] = {"token": {"type": "http", "scheme": "bearer"}}
            document["security"] = [{"token": []}]
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
