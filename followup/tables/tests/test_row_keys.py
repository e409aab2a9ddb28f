"""Every table row has a key (issue 21.3): rows made in the browser had none, so the plan
export wrote "key": null and GET /api/plans/…/tables/<t> answered "rows": {} for a table
full of figures. A row gets a key from its label when it is made, migration 0011 gives
existing rows theirs, and the API and the export show every row."""

import json
from contextlib import contextmanager

from flask_migrate import upgrade
from sqlalchemy import select, text

from followup import create_app
from followup.core.extensions import db
from followup.people import tokens
from followup.planfile import transfer
from followup.tables import tables
from followup.tables.models import FigureTable, row_key
from tests.html_forms import form_fields

NEW = "/plans/SOC-2026/tabeller/ny"


def _rows(key):
    table = db.session.scalar(select(FigureTable).where(FigureTable.key == key))
    return table, tables.ordered_rows(table)


def _new_table(sara):
    fields = form_fields(sara.get(NEW).text, "definition-form")
    for _ in range(3):
        fields = form_fields(sara.post(NEW, {**fields, "action": "row-add"}).text,
                             "definition-form")
    fields.update({"title": "Volymer på året", "unit": "antal", "c-0-label": "Helår",
                   "r-0-label": "Barn och unga", "r-1-label": "Vuxna", "r-2-label": "Vuxna",
                   "r-3-label": "Totalt", "r-3-kind": "sum", "r-3-strong": "1"})
    response = sara.post(NEW, {**fields, "action": "save"})
    assert response.status_code == 302, response.text[:500]


def test_rows_made_in_the_editor_get_keys_from_their_labels(as_user):
    _new_table(as_user("sara"))
    _, rows = _rows("volymer-pa-aret")
    assert [(r.key, r.label) for r in rows] == [
        ("barn_och_unga", "Barn och unga"), ("vuxna", "Vuxna"), ("vuxna_2", "Vuxna"),
        ("totalt", "Totalt")]


def test_the_keys_stay_when_the_table_is_edited_and_a_new_row_gets_its_own(as_user):
    sara = as_user("sara")
    _new_table(sara)
    url = "/plans/SOC-2026/tabeller/volymer-pa-aret/definition"
    fields = form_fields(sara.get(url).text, "definition-form")
    fields = form_fields(sara.post(url, {**fields, "action": "row-add"}).text, "definition-form")
    fields.update({"r-0-label": "Barn och ungdomar", "r-4-label": "Äldre över 80"})
    assert sara.post(url, {**fields, "action": "save"}).status_code == 302
    _, rows = _rows("volymer-pa-aret")
    assert [r.key for r in rows] == ["barn_och_unga", "vuxna", "vuxna_2", "totalt",
                                     "aldre_over_80"]


def test_the_api_and_the_export_show_every_row_of_a_table_made_in_the_browser(as_user, app, demo):
    _new_table(as_user("sara"))
    table, _ = _rows("volymer-pa-aret")
    tables.save_values(demo.sara, table, {(0, 0): "120", (1, 0): "38 790,5", (2, 0): "7"},
                       version=table.version)
    headers = {"Authorization": "Bearer " + tokens.create_token(demo.sara)}
    db.session.commit()  # as the requests that saved and made the token did
    answer = app.test_client().get("/api/plans/SOC-2026/tables/volymer-pa-aret",
                                   headers=headers).get_json()
    assert answer["rows"] == {"barn_och_unga": [120], "vuxna": [38790.5], "vuxna_2": [7]}
    exported = next(t for t in json.loads(transfer.dump(transfer.export_plan("SOC-2026")))["tables"]
                    if t["key"] == "volymer-pa-aret")
    assert [r["key"] for r in exported["rows"]] == ["barn_och_unga", "vuxna", "vuxna_2",
                                                    "totalt"]


def test_a_row_imported_without_a_key_gets_one(ctx):
    from followup import demo as demo_data

    plan = json.loads(demo_data.PLAN_FILE.read_text(encoding="utf-8"))
    plan["tables"][0]["rows"][0].pop("key")
    label = plan["tables"][0]["rows"][0]["label"]
    transfer.import_plan(json.dumps(plan).encode())
    exported = json.loads(transfer.dump(transfer.export_plan("SOC-2026")))
    assert exported["tables"][0]["rows"][0]["key"] == row_key(label, set())


def test_row_key_is_a_name_a_formula_can_use_and_unique():
    assert row_key("Politisk verksamhet", set()) == "politisk_verksamhet"
    assert row_key("Område 2", set()) == "omrade_2"
    assert row_key("2025", set()) == "rad_2025"
    assert row_key("", set()) == "rad"
    assert row_key("−", set()) == "rad"
    assert row_key("Summa", {"summa", "summa_2"}) == "summa_3"
    assert len(row_key("Å" * 200, set())) <= 80


@contextmanager
def database_at(tmp_path, revision):
    """An application on a new SQLite database migrated up to ``revision``, with one
    plan (id 1, T-2026) in it; a migration test adds its rows, then upgrades."""
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/m.sqlite", "SECRET_KEY": "x"},
                     instance_path=str(tmp_path))
    with app.app_context():
        upgrade(revision=revision)
        with db.engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO plan (id, key, year, municipality, board_name, board_code, "
                "administration, created_at, updated_at) VALUES (1, 'T-2026', 2026, 'K', 'N', "
                "'T', 'F', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"))
        try:
            yield
        finally:
            db.session.remove()


def test_migration_gives_rows_without_a_key_one_and_keeps_the_others(tmp_path):
    with database_at(tmp_path, "0010"):
        with db.engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO figure_table (id, plan_id, position, key, title, columns, version) "
                "VALUES (1, 1, 0, 't', 'T', '[\"A\"]', 1), (2, 1, 1, 'u', 'U', '[\"A\"]', 1)"))
            conn.execute(text(
                'INSERT INTO figure_row (id, table_id, position, key, label, "values", strong) '
                "VALUES (1, 1, 0, NULL, 'Summa', '[\"1\"]', 0), (2, 1, 1, 'summa', 'S', NULL, 0),"
                " (3, 1, 2, NULL, 'Summa', '[\"2\"]', 0), (4, 1, 3, NULL, '2025', NULL, 0),"
                " (5, 2, 0, NULL, 'Summa', NULL, 0), (6, 1, 4, 'egen', 'Egen', NULL, 0)"))
        upgrade()
        with db.engine.connect() as conn:
            keys = conn.execute(text("SELECT id, key FROM figure_row ORDER BY id")).all()
        assert [tuple(k) for k in keys] == [(1, "summa_2"), (2, "summa"), (3, "summa_3"),
                                            (4, "rad_2025"), (5, "summa"), (6, "egen")]
