"""Signed files are cross-checked (issue 23.9): the ordinary case PDF replaced together
with its sha256 column was served as signed (200), only the archival case was checked
against the sign-off row, and an altered snapshot raised no error.

A sign-off keeps a manifest (names and SHA-256 of every stored file and of the
snapshot) and the manifest's own SHA-256; every download is checked against it, and
``flask report verify`` checks a whole installation.
"""

import hashlib
import logging

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select, text

from followup import create_app
from followup.core.extensions import db
from followup.memos import signoff
from followup.memos.models import MemoSignoff, SignedFile
from followup.memos.tests.test_signoff import MEMO, memo, sign

API_PDF = "/api/plans/SOC-2026/phases/augusti/memo/pdf"


def _signed(as_user):
    assert sign(as_user("lena")).status_code == 302
    return db.session.scalar(select(MemoSignoff))


def _file(document, variant):
    return db.session.scalar(select(SignedFile).where(SignedFile.document == document,
                                                      SignedFile.variant == variant))


def _replace(stored, content):
    """What an intruder with the database would do: the file and its checksum column."""
    stored.content = content
    stored.sha256 = hashlib.sha256(content).hexdigest()
    db.session.commit()


def test_the_manifest_names_every_stored_file_and_the_snapshot(as_user):
    entry = _signed(as_user)
    entries = signoff.read_manifest(entry)
    assert set(entries) == {f"{f.document}/{f.variant}" for f in entry.files} | {"snapshot"}
    assert entries["snapshot"] == entry.snapshot_sha256
    assert entries["case/archival"] == entry.sha256
    assert hashlib.sha256(entry.manifest.encode()).hexdigest() == entry.manifest_sha256
    assert signoff.faults(entry) == []


def test_an_ordinary_case_pdf_replaced_with_its_checksum_is_not_served(as_user, caplog):
    _signed(as_user)
    reader = as_user("per")
    assert reader.get(MEMO + "/pdf").status_code == 200
    _replace(_file("case", "pdf"), b"%PDF-1.7 utbytt")
    with caplog.at_level(logging.ERROR, logger="followup.signoff"):
        response = reader.get(MEMO + "/pdf")
    assert response.status_code == 409
    assert "hela ärendet (PDF) har ändrats sedan fastställelsen" in response.text
    assert "Kontakta IT" in response.text and b"utbytt" not in response.data
    assert any("signoff.damaged" in r.getMessage() for r in caplog.records)
    # The other files are as signed and still served.
    assert reader.get(MEMO + "/pdf/arkiv").status_code == 200


def test_a_replaced_archival_case_with_every_checksum_changed_is_not_served(as_user):
    entry = _signed(as_user)
    content = b"%PDF-1.7 utbytt arkiv"
    _replace(_file("case", "archival"), content)
    entry.sha256 = hashlib.sha256(content).hexdigest()
    db.session.commit()
    for url in (MEMO + "/pdf/arkiv", MEMO + "/pdf/version/1"):
        response = as_user("per").get(url)
        assert response.status_code == 409 and "arkiv-PDF" in response.text, url


def test_an_altered_snapshot_stops_every_download_of_the_version(as_user, app, demo):
    entry = _signed(as_user)
    entry.snapshot = entry.snapshot.replace("Delårsbokslut", "Ändrat bokslut", 1)
    entry.snapshot_sha256 = hashlib.sha256(entry.snapshot.encode()).hexdigest()
    db.session.commit()
    reader = as_user("per")
    for url in (MEMO + "/pdf", MEMO + "/pdf/bilaga/1", MEMO + "/forhandsgranska/memo"):
        response = reader.get(url)
        assert response.status_code == 409 and "underlaget har ändrats" in response.text, url
    from followup.people import tokens

    token = tokens.create_token(demo.per)
    db.session.commit()  # the key, as the page that makes one commits it
    response = app.test_client().get(API_PDF, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 409
    assert "underlaget har ändrats" in response.get_json()["error"]


def test_an_altered_manifest_is_found(as_user):
    entry = _signed(as_user)
    entry.manifest = entry.manifest.replace("snapshot", "snapshot ", 1)
    db.session.commit()
    response = as_user("per").get(MEMO + "/pdf")
    assert response.status_code == 409 and "förteckningen" in response.text


def test_report_verify_checks_every_sign_off_and_says_what_is_wrong(as_user, cli):
    result = cli.invoke(args=["report", "verify"])
    assert result.exit_code == 0 and "inga fastställda versioner" in result.output
    entry = _signed(as_user)
    result = cli.invoke(args=["report", "verify"])
    assert result.exit_code == 0, result.output
    assert "Den fastställda versionen stämmer med det som fastställdes." in result.output

    _replace(_file("bilaga-1", "html"), b"<p>utbytt</p>")
    db.session.delete(_file("memo", "pdf"))
    db.session.add(SignedFile(signoff_id=entry.id, document="bilaga-9", variant="pdf",
                              content=b"x", sha256=hashlib.sha256(b"x").hexdigest()))
    db.session.commit()
    db.session.execute(text("UPDATE memo_signoff SET snapshot = snapshot || ' '"))
    db.session.commit()
    result = cli.invoke(args=["report", "verify"])
    assert result.exit_code == 1
    said = result.stderr
    assert "FEL SOC-2026, " in said and "version 1:" in said
    assert "bilaga 1 (förhandsgranskning) har ändrats sedan fastställelsen" in said
    assert "tjänsteskrivelsen (PDF) saknas" in said
    assert "bilaga 9 (PDF) finns inte i förteckningen" in said
    assert "underlaget har ändrats sedan fastställelsen" in said
    assert "Läs tillbaka från säkerhetskopian" in said


def test_migration_gives_existing_sign_offs_their_manifest_and_its_downgrade_keeps_rows(tmp_path):
    from followup import demo as demo_data
    from followup.people import users
    from followup.people.models import Role
    from followup.planfile import transfer

    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/m.sqlite", "SECRET_KEY": "x",
                      "PASSWORD_HASH_METHOD": "scrypt:1024:8:1", "PDF_WORKERS": 0},
                     instance_path=str(tmp_path))
    with app.app_context():
        upgrade()
        transfer.import_plan(demo_data.PLAN_FILE.read_bytes())
        lena = users.create_user("lena@ekbacka.example", "Lena", Role.approver,
                                 "ett-långt-testlösenord", [])
        signed = signoff.sign(lena, memo(), confirm=True, reason="Prov.")
        manifest, digest = signed.manifest, signed.manifest_sha256
        files = len(signed.files)
        db.session.remove()

        downgrade(revision="0009")
        with db.engine.connect() as conn:
            assert "manifest" not in {c["name"] for c in inspect(conn).get_columns("memo_signoff")}
            assert conn.execute(text("SELECT count(*) FROM signed_file")).scalar() == files
            assert conn.execute(text("SELECT count(*) FROM memo_signoff")).scalar() == 1
        upgrade()
        with db.engine.connect() as conn:
            row = conn.execute(text("SELECT manifest, manifest_sha256 FROM memo_signoff")).one()
        assert tuple(row) == (manifest, digest)
        assert signoff.faults(db.session.scalar(select(MemoSignoff))) == []
        db.session.remove()
