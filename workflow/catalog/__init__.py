"""Gettext catalogs: the PO model (states, merge, templates) apart from its file I/O
(reading with located errors, writing as GNU gettext does); the only users of polib."""
