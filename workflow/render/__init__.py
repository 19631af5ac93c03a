"""Editions -> HTML -> laid-out pages: templates, generated stylesheets, font coverage,
and everything WeasyPrint-specific."""
