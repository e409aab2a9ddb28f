"""The PDF workers (issue 23, items 2 and 10): every layout has a time limit, a failed
or stopped one names its document, and the workers die with the process that started
them, even one killed with SIGKILL."""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from followup.core import pdf

ROOT = Path(__file__).resolve().parents[1]
SLOW = ("<html lang=\"sv\"><body>"
        + "<p>Text som ska sättas på sidan, ord för ord, rad för rad.</p>" * 20_000
        + "</body></html>")


def doc(text, title=None):
    return SimpleNamespace(html=f'<html lang="sv"><body><p>{text}</p></body></html>',
                           title=title)


def _stat(pid):
    """(state, parent, start time) of a process, or None once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return fields[0], int(fields[1]), fields[19]


def _descendants(pid):
    """{pid: start time} of every process below ``pid``."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat:
                parents[int(entry.name)] = stat
    found, todo = {}, [pid]
    while todo:
        parent = todo.pop()
        for child, (_, ppid, started) in parents.items():
            if ppid == parent and child not in found:
                found[child] = started
                todo.append(child)
    return found


def _alive(pid, started):
    stat = _stat(pid)
    # A zombie has ended; a pid with another start time is another process.
    return stat is not None and stat[0] != "Z" and stat[2] == started


@pytest.fixture
def fresh_workers(monkeypatch):
    """Two workers of the test's own, and the next test starts its own again."""
    pdf.stop_workers()
    monkeypatch.setenv("FOLLOWUP_PDF_WORKERS", "2")
    pdf.forget_rendered()
    yield
    pdf.stop_workers()
    pdf.forget_rendered()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux's /proc")
def test_the_workers_die_with_a_process_killed_with_sigkill():
    """A gunicorn worker killed after rendering left its forkserver, the resource tracker
    and a render worker under PID 1, running 510 s later."""
    code = (
        "import os, time\n"
        "os.environ['FOLLOWUP_PDF_WORKERS'] = '2'\n"
        "from types import SimpleNamespace\n"
        "from followup.core import pdf\n"
        "docs = [SimpleNamespace(html=f'<html lang=sv><p>Dokument {i}</p>', title=str(i))\n"
        "        for i in range(3)]\n"
        "pdf.render_documents(docs)\n"
        "print('renderat', flush=True)\n"
        "time.sleep(600)\n")
    server = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True, start_new_session=True)
    started = {}
    try:
        assert server.stdout.readline().strip() == "renderat"
        started = _descendants(server.pid)
        commands = [Path(f"/proc/{p}/cmdline").read_bytes() for p in started]
        assert sum(b"forkserver" in c for c in commands) >= 2  # the server and its workers
        os.kill(server.pid, signal.SIGKILL)
        server.wait(10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_alive(p, s) for p, s in started.items()):
            time.sleep(0.1)
        survivors = {p: Path(f"/proc/{p}/cmdline").read_bytes()[:120]
                     for p, s in started.items() if _alive(p, s)}
        assert survivors == {}
    finally:
        server.kill()
        for pid, start in started.items():  # ours: what a failed run left
            if _alive(pid, start):
                os.kill(pid, signal.SIGKILL)


def test_a_layout_over_its_time_limit_is_stopped_and_the_others_go_on(
        fresh_workers, monkeypatch):
    monkeypatch.setenv("FOLLOWUP_PDF_RENDER_TIMEOUT", "1")
    pool = pdf._pool()
    pdf.render_documents([doc("Igång"), doc("Båda")])
    before = set(pool._processes)
    assert len(before) == 2
    failures = []

    def slow():
        try:
            pdf.render_documents([SimpleNamespace(html=SLOW, title="Bilaga 9 – Lång")])
        except pdf.RenderFailed as e:
            failures.append((time.monotonic(), e.message))

    started = time.monotonic()
    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.2)
    # The other worker lays out another document meanwhile.
    assert pdf.render_documents([doc("Under tiden")])
    assert not failures
    thread.join(30)
    assert len(failures) == 1
    ended, message = failures[0]
    assert ended - started < 10
    assert message.startswith("Dokumentet ”Bilaga 9 – Lång” kunde inte göras till PDF: det "
                              "tog längre än 1 sekund")
    # The worker that had it is gone; the next documents get a new one where they need it.
    gone = before - set(pool._processes)
    assert len(gone) == 1 and _stat(gone.pop()) is None
    assert len(pdf.render_documents([doc(f"Igen {i}") for i in range(4)])) == 4


DEEP_ROW = ("<html lang=\"sv\"><body><table><tr><td>Uppdrag 1.1.1 Familjebehandling</td>"
            "<td>" + "<ul><li>" * 300 + "djupast</td></tr></table></body></html>")


@pytest.mark.parametrize("workers", ["2", "0"])
def test_a_layout_that_fails_names_its_document_and_the_place(fresh_workers, monkeypatch,
                                                              workers):
    monkeypatch.setenv("FOLLOWUP_PDF_WORKERS", workers)
    docs = [doc("Tjänsteskrivelsen", "Delårsbokslut"),
            SimpleNamespace(html=DEEP_ROW, title="Bilaga 1 – Uppföljning")]
    with pytest.raises(pdf.RenderFailed) as failed:
        pdf.render_case(docs, "Ärendet", "Förvaltningen")
    message = failed.value.message
    assert message.startswith(
        "Dokumentet ”Bilaga 1 – Uppföljning” kunde inte göras till PDF")
    assert "i texten vid ”Uppdrag 1.1.1 Familjebehandling”" in message
    assert "nivåer inuti varandra" in message
    assert "RecursionError" not in message
    # The case is made once the text is fixed.
    docs[1].html = DEEP_ROW.replace("<ul><li>" * 300, "<ul><li>" * 3)
    assert pdf.render_case(docs, "Ärendet", "Förvaltningen").startswith(b"%PDF")
