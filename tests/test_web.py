"""The web skeleton: the start page lists the plans; the health check sees the database."""

from followup.demo import PLAN_FILE as DEMO_PLAN


def test_start_page_lists_plans_in_swedish(client, cli, ctx):
    page = client.get("/")
    assert page.status_code == 200
    assert 'lang="sv"' in page.text and "Det finns inga planer" in page.text

    cli.invoke(args=["plan", "import", str(DEMO_PLAN)])
    page = client.get("/")
    assert "SOC-2026" in page.text and "Ekbacka kommun" in page.text
    assert "Delårsbokslut per augusti" in page.text


def test_health_check(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}


def test_stylesheet_is_served_locally(client):
    page = client.get("/")
    assert "/static/app.css" in page.text and "http" not in page.text.split("<body")[0]
    assert client.get("/static/app.css").status_code == 200
