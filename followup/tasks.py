"""Every package's jobs, imported so that the queue knows them by name."""

from followup.core import pdf_queue  # noqa: F401
from followup.memos import tasks as memo_tasks  # noqa: F401
from followup.notify import tasks as notify_tasks  # noqa: F401
