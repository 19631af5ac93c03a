"""PDF files after typesetting: screen finishing, print finishing, imposition, preflight
and the print shop's bundle."""

# `pamphlet build --print` (workflow/builders/printfiles.py) renders each PDF with
# prepress.render_options() (bleed, the variant, a CMYK output intent for PDF/X), then
# prepress.finish() fixes it up for print, impose.impose() makes its booklet, and
# preflight.check() checks both before they are written, rendering every page with MuPDF;
# bundle.write_bundle() writes manifest.json and README.txt beside a statement's print
# files in build/print/<slug>/. They take bytes and settings, never build objects: nothing
# in pdf/ imports the build or a builder, and each print module imports only those listed
# before it: settings, prepress, impose, preflight, bundle.
