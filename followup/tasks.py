"""Every package's jobs, imported so that the queue knows them by name."""

from followup.core import pdf_queue  # noqa: F401
