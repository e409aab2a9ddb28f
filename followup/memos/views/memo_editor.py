"""The compiler composes a phase's memo, one part a page: its fields, proposals and
signatures, sections, and appendices — each appendix (and each chapter of a report)
with its own page, where also how it prints is set.

One blueprint (``memo_editor``), its pages in a module for each part of the memo:
``editor_memo`` (the memo's fields and head, its proposals, the plan's words),
``editor_sections``, ``editor_appendices`` and ``editor_layout``; what they share is in
``editor``. Importing this module registers them all."""

from followup.memos.views import editor_appendices, editor_layout, editor_memo, editor_sections
from followup.memos.views.editor import bp, format_number, generated_texts

__all__ = ["bp", "format_number", "generated_texts", "editor_appendices", "editor_layout",
           "editor_memo", "editor_sections"]
