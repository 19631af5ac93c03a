"""Size limits that several stages enforce, each declared once."""

# The longest segment accepted, in a statement or a catalog: 20 times the longest sentence
# of the embedded corpus (444 characters). Every stage after segmentation, from catalogs to
# typesetting, slows with a segment's length; a megabyte "sentence" is an attack or a
# mistake (a file pasted without punctuation) and is refused with its line.
MAX_SEGMENT_CHARS = 10_000

# The most text one PDF typesets: about 150 A5 pages. A pamphlet is a few pages (the
# longest statement of the embedded corpus has 6,000 characters); beyond this WeasyPrint
# takes minutes and gigabytes (issue 25: one language of a 5.5 MB statement took 5 minutes
# and 3.16 GB). Refused before any layout, naming the statement.
MAX_PDF_CHARS = 300_000
