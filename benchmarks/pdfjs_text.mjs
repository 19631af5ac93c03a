// The text pdf.js (Firefox's PDF viewer) extracts from a PDF, page by page, as its viewer
// lays out the text layer: items in content order, a line break where pdf.js sees one.
// Usage: NODE_PATH=.../node_modules node benchmarks/pdfjs_text.mjs file.pdf
import { createRequire } from "module";
import { readFileSync } from "fs";

const require = createRequire(process.env.NODE_PATH.split(":")[0] + "/");
const pdfjs = await import(require.resolve("pdfjs-dist/legacy/build/pdf.mjs"));
const data = new Uint8Array(readFileSync(process.argv[2]));
const doc = await pdfjs.getDocument({ data, verbosity: 0 }).promise;
for (let number = 1; number <= doc.numPages; number++) {
  const page = await doc.getPage(number);
  const content = await page.getTextContent();
  process.stdout.write(content.items.map((item) => item.str + (item.hasEOL ? "\n" : "")).join("") + "\f");
}
