"""PDF files after typesetting: screen finishing, print finishing, imposition, preflight
and the print shop's bundle."""
