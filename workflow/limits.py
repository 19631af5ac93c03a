"""Size limits that several stages enforce, each declared once."""

# The longest segment accepted, in a statement or a catalog: 20 times the longest sentence
# of the embedded corpus (444 characters). Every stage after segmentation, from catalogs to
# typesetting, slows with a segment's length; a megabyte "sentence" is an attack or a
# mistake (a file pasted without punctuation) and is refused with its line.
MAX_SEGMENT_CHARS = 10_000
