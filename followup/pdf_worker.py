"""Imported once by the render workers' server process (see ``pdf._context``): loads
WeasyPrint and reads the print stylesheet, so that every worker forked from it
starts with both in memory."""

from .pdf import _weasy

_weasy()
