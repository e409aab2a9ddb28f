"""Jinja filters and globals: Swedish formatting and the labels of states and tones."""

from flask_wtf.csrf import generate_csrf

from followup.core import formatting
from followup.followups.lifecycle import STATE_LABELS
from followup.people import users
from followup.people.models import ROLE_LABELS

PRODUCT_NAME = "Planuppföljning"


def register(app):
    app.jinja_env.filters.update(
        number=formatting.number,
        iso_date=formatting.iso_date,
        long_date=formatting.long_date,
        local_time=formatting.local_time,
        days_left=formatting.days_left,
        count=formatting.count,
        in_sentence=formatting.in_sentence,
        state_label=lambda state: STATE_LABELS[state],
        role_label=lambda role: ROLE_LABELS[role],
        role_names=users.role_names,
        role_summary=users.role_summary,
    )
    app.jinja_env.globals.update(csrf_token=generate_csrf, product_name=PRODUCT_NAME)
