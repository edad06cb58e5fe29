"""The local web app (`erasure-docs serve`): intake, eligibility, filing sets, batches and a JSON API, for
attorneys and clinics, on their own machine.

- `app.py`: the pages and the JSON API (FastAPI, server-side Jinja2 templates in `templates/`, a few lines of
  plain JavaScript in `static/`; nothing is fetched from anywhere else).
- `security.py`: the access token, sessions, CSRF, headers and limits around every request.
- `forms.py`: the intake form's fields, named by case-file field paths, and where each problem is shown.
- `store.py`: the work folder (case files as YAML, the settings file, generated folders, batches).
- `service.py`: what the app asks of erasure-docs, through its Python API, with one warm set of renderers.
- `jobs.py`: batches run in the background with their progress.
- `server.py`: starting it (uvicorn), printing the link, opening the browser.
"""
