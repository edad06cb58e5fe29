"""Faults a clinic's machine can throw at a batch: a full disk, a read-only output folder, a template that
raises, a worker process that dies. Each is reported for the case it hit; the batch goes on (or stops
cleanly with --fail-fast); no partial file or folder remains. Runs the real CLI."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT, SAMPLES, start_batch

pytestmark = pytest.mark.render  # make test-fast leaves these out

CLI = [sys.executable, "-m", "erasure_docs"]


def cases(folder: Path, count: int, template: str = "adult-prostitution.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    data = yaml.safe_load((SAMPLES / template).read_text(encoding="utf-8"))
    for n in range(count):
        data["case_id"] = f"FAULT-{n:02d}"
        (folder / f"fault-{n:02d}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return folder


def run(*args: str | Path, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, timeout=timeout, cwd=ROOT)


def no_partials(out: Path) -> None:
    for folder in out.iterdir() if out.exists() else []:
        if folder.is_dir() and not folder.name.startswith("."):
            manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
            listed = {f["path"] for f in manifest["files"]} | {"manifest.json"}
            present = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
            assert present == listed, folder
    assert not [p for p in out.glob(".partial-*")] if out.exists() else True


@pytest.fixture
def small_disk(tmp_path):
    """A real full disk: a 600 KB tmpfs (root and mount are needed; skipped where they are not)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=600k", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root): " + done.stderr.decode()[:80])
    yield mount
    subprocess.run(["umount", str(mount)], capture_output=True)


def test_full_disk_fails_cases_cleanly_and_goes_on(tmp_path, small_disk):
    inputs = cases(tmp_path / "in", 4)
    out = small_disk / "out"
    result = run("batch", inputs, "--out", out, "--workers", "2")
    assert result.returncode == 1, result.stderr
    assert "No space left on device" in result.stderr
    assert "Traceback" not in result.stderr
    summary = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert summary and all("[FAULT-" in line or "batch summary" in line for line in summary)
    no_partials(out)


@pytest.fixture
def read_only(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    done = subprocess.run(["chattr", "+i", str(folder)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("chattr +i is not available here")
    yield folder
    subprocess.run(["chattr", "-i", str(folder)], capture_output=True)


def test_read_only_output_folder_is_reported_per_case(tmp_path, read_only):
    inputs = cases(tmp_path / "in", 2)
    result = run("batch", inputs, "--out", read_only, "--workers", "1")
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert any("[FAULT-00]" in line and "Operation not permitted" in line for line in errors), result.stderr
    assert any("[FAULT-01]" in line for line in errors)
    assert "batch summary could not be written" in result.stderr
    assert "Traceback" not in result.stderr
    assert list(read_only.iterdir()) == []


def test_a_template_that_raises_fails_its_documents_cases_only(tmp_path):
    templates = tmp_path / "mine"
    assert run("templates", "export", templates).returncode == 0
    order = templates / "proposed_order_46b_146.html"
    order.write_text(order.read_text(encoding="utf-8").replace("</body>", "{{ 1 // 0 }}</body>"), encoding="utf-8")
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(SAMPLES / "juvenile-adjudication.yaml", inputs)  # uses the juvenile order: fails
    shutil.copy(SAMPLES / "nolle.yaml", inputs)  # does not: produced
    out = tmp_path / "out"
    result = run("batch", inputs, "--out", out, "--templates", templates, "--workers", "1")
    assert result.returncode == 1
    assert "[CLINIC-2026-0011] could not be rendered: ZeroDivisionError" in result.stderr
    assert (out / "CLINIC-2026-0016" / "manifest.json").exists()
    assert not (out / "CLINIC-2026-0011").exists()
    no_partials(out)
    rows = json.loads((out / "batch-summary.json").read_text(encoding="utf-8"))["cases"]
    assert {r["case_id"]: r["status"] for r in rows} == {"CLINIC-2026-0011": "failed", "CLINIC-2026-0016": "produced"}


def test_fail_fast_stops_at_the_raising_template(tmp_path):
    templates = tmp_path / "mine"
    assert run("templates", "export", templates).returncode == 0
    review = templates / "review_sheet.html"  # every case has one
    review.write_text(review.read_text(encoding="utf-8").replace("</body>", "{{ 1 // 0 }}</body>"), encoding="utf-8")
    inputs = cases(tmp_path / "in", 6, "nolle.yaml")
    out = tmp_path / "out"
    result = run("batch", inputs, "--out", out, "--templates", templates, "--workers", "1", "--fail-fast")
    assert result.returncode == 1
    rows = json.loads((out / "batch-summary.json").read_text(encoding="utf-8"))["cases"]
    assert len(rows) < 6 and all(r["status"] == "failed" for r in rows)
    no_partials(out)


def worker_pids(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
                found.append(int(entry.name))
    return found


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def wait_until_busy(pid: int, seconds: float = 20) -> None:
    """Until the process uses the processor (a worker between two cases waits on its queue, using none)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        before = cpu_ticks(pid)
        time.sleep(0.05)
        if cpu_ticks(pid) > before:
            return


def test_a_worker_that_dies_mid_case_is_replaced_and_the_batch_goes_on(tmp_path):
    inputs = cases(tmp_path / "in", 8)
    out = tmp_path / "out"
    process = start_batch(inputs, out, 1, ROOT)
    first = process.stdout.readline()  # blocks until the first case is finished: the worker is on the next
    assert first.startswith("case produced"), first + process.stderr.read()
    workers = [pid for pid in worker_pids(process.pid)
               if b"multiprocessing" in Path(f"/proc/{pid}/cmdline").read_bytes()
               and b"resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_bytes()]
    assert workers, "no worker process to kill"
    wait_until_busy(workers[0])  # on a case, not between two
    os.kill(workers[0], signal.SIGKILL)
    stdout, stderr = process.communicate(timeout=300)  # waits for the run to end
    assert process.returncode == 0, stderr
    assert "a worker process died while rendering it; tried again on a fresh worker" in stdout
    assert (first + stdout).count("case produced") == 8, stdout
    assert len([p for p in out.glob("FAULT-*")]) == 8
    no_partials(out)


# ---------------------------------------------------------------- replacing a case folder (hostile round 2)

@pytest.fixture(scope="module")
def produced(tmp_path_factory):
    """One case produced by a batch; each test works on a copy of its output folder."""
    inputs = cases(tmp_path_factory.mktemp("replace-in"), 1)
    out = tmp_path_factory.mktemp("replace-out") / "out"
    result = run("batch", inputs, "--out", out, "--workers", "1")
    assert result.returncode == 0, result.stderr
    return inputs, out


def copied(produced, tmp_path) -> Path:
    shutil.copytree(produced[1], tmp_path / "out")
    return tmp_path / "out"


def statuses(out: Path) -> dict[str, str]:
    rows = json.loads((out / "batch-summary.json").read_text(encoding="utf-8"))["cases"]
    return {row["case_id"]: row["status"] for row in rows}


def test_a_kill_between_the_two_renames_loses_nothing_and_the_next_run_puts_the_folder_back(produced, tmp_path):
    out = copied(produced, tmp_path)
    before = (out / "FAULT-00" / "manifest.json").read_bytes()
    holder = out / ".partial~old-k3j4h5"  # where the old folder waits between the two renames
    holder.mkdir()
    os.replace(out / "FAULT-00", holder / "FAULT-00")
    (out / ".partial-FAULT-00-x8y9z0" / "filings").mkdir(parents=True)  # the new one, half written
    result = run("batch", produced[0], "--out", out, "--workers", "1", "--resume")
    assert result.returncode == 0, result.stderr
    assert "FAULT-00: its folder, left aside by an interrupted run, was put back" in result.stderr
    assert statuses(out) == {"FAULT-00": "skipped"}  # the old packet, whole again, is the one resumed
    assert (out / "FAULT-00" / "manifest.json").read_bytes() == before
    no_partials(out)
    assert not list(out.glob(".partial~*"))


def test_a_replaced_folder_left_behind_with_an_edit_in_it_is_kept(produced, tmp_path):
    out = copied(produced, tmp_path)
    holder = out / ".partial~old-k3j4h5"
    holder.mkdir()
    shutil.copytree(out / "FAULT-00", holder / "FAULT-00")
    review = holder / "FAULT-00" / "attorney" / "review_sheet.pdf"
    review.write_bytes(review.read_bytes() + b"\n% edited\n")
    result = run("batch", produced[0], "--out", out, "--workers", "1", "--resume")
    assert result.returncode == 0, result.stderr
    kept = list(out.glob("FAULT-00~kept-*"))
    assert len(kept) == 1 and (kept[0] / "attorney" / "review_sheet.pdf").read_bytes().endswith(b"% edited\n")
    assert f"kept as {kept[0].name}" in result.stderr
    assert not list(out.glob(".partial*"))


def planted_outside_path(folder: Path) -> None:
    """A manifest that lists a file outside the case folder (with its right hash): never to be read."""
    secret = folder.parent.parent / "secret.txt"
    secret.write_text("another client's data\n", encoding="utf-8")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"].append({"path": "../../secret.txt", "sha256": hashlib.sha256(secret.read_bytes()).hexdigest()})
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def made_with_only(folder: Path) -> None:
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["only"] = ["review_sheet"]  # as `generate --only review_sheet` records it
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


@pytest.mark.parametrize("change", ["umask", "only", "templates", "planted"])
def test_resume_redoes_a_case_made_with_other_options(produced, tmp_path, change):
    out = copied(produced, tmp_path)
    options: list[str | Path] = []
    if change == "umask":
        options = ["--umask", "027"]
    elif change == "templates":
        assert run("templates", "export", tmp_path / "mine").returncode == 0
        options = ["--templates", tmp_path / "mine"]
    else:
        (planted_outside_path if change == "planted" else made_with_only)(out / "FAULT-00")
    result = run("batch", produced[0], "--out", out, "--workers", "1", "--resume", *options)
    assert result.returncode == 0, result.stderr
    assert statuses(out) == {"FAULT-00": "produced"}
    manifest = json.loads((out / "FAULT-00" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["only"] is None and all(not f["path"].startswith("..") for f in manifest["files"])
    mode = 0o640 if change == "umask" else 0o600
    assert all((p.stat().st_mode & 0o777) == mode for p in (out / "FAULT-00").rglob("*") if p.is_file())


def test_batch_never_deletes_a_folder_named_like_a_case(produced, tmp_path):
    """Hostile finding 3, for batch: an attorney's own folder named like the case id."""
    out = tmp_path / "out"
    (out / "FAULT-00").mkdir(parents=True)
    (out / "FAULT-00" / "scan.pdf").write_bytes(b"%PDF-1.4 a scan")
    for options in ((), ("--force",), ("--resume",)):
        result = run("batch", produced[0], "--out", out, "--workers", "1", *options)
        assert result.returncode == 1
        assert "[FAULT-00] could not be written: FAULT-00 exists and is not a packet folder" in result.stderr
        assert [p.name for p in (out / "FAULT-00").iterdir()] == ["scan.pdf"]


# ---------------------------------------------------------------- issue 18: batch process hygiene

def live_workers(parent: int) -> list[int]:
    return [pid for pid in worker_pids(parent)
            if b"multiprocessing" in Path(f"/proc/{pid}/cmdline").read_bytes()
            and b"resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_bytes()]


def workers_of(process: subprocess.Popen) -> list[int]:
    workers = []
    for _ in range(600):  # a guard against a hang (60 s), not a speed target
        workers = live_workers(process.pid)
        if workers:
            break
        time.sleep(0.1)
    return workers


def gone(pid: int) -> bool:
    """The process has exited (a zombie waiting for init to reap it counts as gone)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except OSError:
        return True


def test_fail_fast_still_lists_every_case_it_produced(tmp_path):
    """Cases already rendering when a case fails finish; each folder on disk is in the summary."""
    templates = tmp_path / "mine"
    assert run("templates", "export", templates).returncode == 0
    order = templates / "proposed_order_46b_146.html"
    order.write_text(order.read_text(encoding="utf-8").replace("</body>", "{{ 1 // 0 }}</body>"), encoding="utf-8")
    inputs = cases(tmp_path / "in", 3, "nolle.yaml")
    shutil.copy(SAMPLES / "juvenile-adjudication.yaml", inputs / "fault-00-juvenile.yaml")  # fails, early
    out = tmp_path / "out"
    result = run("batch", inputs, "--out", out, "--templates", templates, "--workers", "2", "--fail-fast")
    assert result.returncode == 1, result.stderr
    rows = json.loads((out / "batch-summary.json").read_text(encoding="utf-8"))["cases"]
    produced = {r["case_id"] for r in rows if r["status"] == "produced"}
    on_disk = {p.name for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")}
    assert on_disk == produced
    assert any(r["status"] == "failed" for r in rows)
    no_partials(out)


def test_workers_die_with_a_killed_batch_and_write_nothing_after(tmp_path):
    inputs = cases(tmp_path / "in", 6)
    out = tmp_path / "out"
    process = start_batch(inputs, out, 1, ROOT)
    first = process.stdout.readline()  # a case is finished: the worker is rendering the next
    assert first.startswith("case produced"), first + process.stderr.read()
    workers = live_workers(process.pid)
    assert workers
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    for pid in workers:  # the kernel kills each worker with its parent (PR_SET_PDEATHSIG)
        for _ in range(600):  # a guard against a hang (60 s): an orphan renders for seconds, then writes
            if gone(pid):
                break
            time.sleep(0.1)
        assert gone(pid), f"worker {pid} outlived its batch"
    finished = sorted(p.name for p in out.iterdir() if p.is_dir() and not p.name.startswith("."))
    assert finished == ["FAULT-00"]  # the case in hand when the batch died was never written


def test_two_worker_deaths_fail_no_case_that_was_only_queued(tmp_path):
    """Each death is charged to the case the worker held, which is tried again; the cases queued behind it are
    not charged at all (two deaths once failed a case that had never started)."""
    inputs = cases(tmp_path / "in", 6)
    out = tmp_path / "out"
    process = start_batch(inputs, out, 1, ROOT)
    lines = []
    for _ in range(2):
        line = process.stdout.readline()
        assert line.startswith("case produced"), line + process.stderr.read()
        lines.append(line)
        workers = workers_of(process)
        assert workers, "no worker process to kill"
        os.kill(workers[0], signal.SIGKILL)
    stdout, stderr = process.communicate(timeout=600)
    assert process.returncode == 0, stderr
    assert "".join(lines + [stdout]).count("case produced") == 6, stdout
    assert "case failed" not in stdout
    assert stdout.count("a worker process died while rendering it; tried again") == 2, stdout


def test_batch_refuses_an_existing_folder_and_force_keeps_what_was_edited(produced, tmp_path):
    out = copied(produced, tmp_path)
    review = out / "FAULT-00" / "attorney" / "review_sheet.docx"
    review.write_bytes(review.read_bytes() + b"edited")
    result = run("batch", produced[0], "--out", out, "--workers", "1")
    assert result.returncode == 1
    assert ("[FAULT-00] could not be written: FAULT-00 already holds this case's folder; nothing was written. It "
            "holds 1 file edited or added since it was made: attorney/review_sheet.docx.") in result.stderr
    assert review.read_bytes().endswith(b"edited")
    result = run("batch", produced[0], "--out", out, "--workers", "1", "--force")
    assert result.returncode == 0, result.stderr
    kept = list(out.glob("FAULT-00~kept-*"))
    assert len(kept) == 1 and (kept[0] / "attorney" / "review_sheet.docx").read_bytes().endswith(b"edited")
    assert f"warning: FAULT-00: the old case folder held files edited or added since it was made; it is kept as " \
           f"{kept[0].name}" in result.stderr
    assert statuses(out) == {"FAULT-00": "produced"}
    no_partials(out)


def alive(pid: int) -> bool:
    """Running (a zombie, dead but not yet reaped, counts as gone)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_the_custom_template_worker_dies_with_its_parent(tmp_path):
    """`generate` killed with SIGKILL while its template worker is busy in a template that loops forever: the
    worker does not live on as an orphan. (Killed while the worker waits for work, it would end anyway when its
    pipe closes; so the test waits until the worker has spent CPU time well past its start-up.)"""
    folder = tmp_path / "mine"
    folder.mkdir()
    page = (ROOT / "templates" / "proposed_order.html").read_text(encoding="utf-8")
    loop = "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}"
    (folder / "proposed_order.html").write_text(page.replace("</body>", loop + "</body>"), encoding="utf-8")
    process = subprocess.Popen([*CLI, "generate", SAMPLES / "adult-prostitution.yaml", "--out", tmp_path / "out",
                                "--templates", folder, "--only", "proposed_order", "--format", "pdf"], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                               env={**os.environ, "ERASURE_DOCS_TEMPLATE_SECONDS": "600"})
    workers: list[int] = []
    try:
        guard = time.monotonic() + 300  # a hang guard, not a speed check
        while time.monotonic() < guard and not (workers and cpu_seconds(workers[0]) > 8):
            workers = [pid for pid in worker_pids(process.pid)
                       if b"multiprocessing" in Path(f"/proc/{pid}/cmdline").read_bytes()
                       and b"resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_bytes()]
            time.sleep(0.2)
        assert workers and cpu_seconds(workers[0]) > 8, "the template worker never got busy"
        process.kill()
        process.wait()
        guard = time.monotonic() + 60
        while alive(workers[0]) and time.monotonic() < guard:
            time.sleep(0.2)
        assert not alive(workers[0]), "the template worker outlived its parent"
    finally:
        if process.poll() is None:
            process.kill()
        for pid in workers:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
