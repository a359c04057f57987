// Parses Mermaid texts with Mermaid's own parser (the `mermaid` package is ESM-only and its sanitizer
// needs a DOM, so it runs here, in a child Node process under jsdom). Reads a JSON list of texts on
// stdin and prints a JSON list of results: {"ok": true, "diagramType": ...} or {"ok": false, "error": ...}.
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');

let input = '';
for await (const chunk of process.stdin) {
  input += chunk;
}
const results = [];
for (const text of JSON.parse(input)) {
  try {
    const parsed = await mermaid.parse(text);
    results.push({ ok: true, diagramType: parsed.diagramType });
  } catch (e) {
    results.push({ ok: false, error: String(e?.message ?? e) });
  }
}
process.stdout.write(JSON.stringify(results));
