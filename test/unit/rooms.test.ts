/**
 * The rooms of STYLE.md: src/engine and src/parsers import nothing from `vscode`, Node built-ins
 * or the DOM; only src/extension.ts and src/host/** import `vscode`; webview/ never imports
 * `vscode` or src/host. Scans the sources' import and require specifiers.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { builtinModules } from 'module';

const ROOT = path.resolve(__dirname, '../../..');

function sourcesUnder(dir: string): string[] {
  const abs = path.join(ROOT, dir);
  if (!fs.existsSync(abs)) return [];
  return fs.readdirSync(abs, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(dir, f));
}

/** Every module specifier a file imports, re-exports or requires. */
export function specifiersOf(source: string): string[] {
  const out: string[] = [];
  const re = /(?:\bimport\s+(?:type\s+)?(?:[\w*{}\s,]+\s+from\s+)?|\bexport\s+(?:type\s+)?[\w*{}\s,]+\s+from\s+|\brequire\s*\(\s*|\bimport\s*\(\s*)['"]([^'"]+)['"]/g;
  for (const m of source.matchAll(re)) out.push(m[1]);
  return out;
}

const NODE_BUILTINS = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
const DOM_GLOBALS = /\b(document|window|navigator|HTMLElement|requestAnimationFrame|localStorage)\s*[.(]/;

function violations(files: string[], isBad: (spec: string) => boolean): string[] {
  const bad: string[] = [];
  for (const f of files) {
    const text = fs.readFileSync(path.join(ROOT, f), 'utf8');
    for (const s of specifiersOf(text)) if (isBad(s)) bad.push(`${f} imports '${s}'`);
  }
  return bad;
}

describe('rooms (import boundaries)', () => {
  const pure = [...sourcesUnder('src/engine'), ...sourcesUnder('src/parsers'), ...sourcesUnder('src/interpreter'), ...sourcesUnder('src/analysis')];

  it('finds the engine sources it checks', () => {
    assert.ok(pure.some((f) => f.endsWith('registry.ts')), 'src/engine/registry.ts not found: the scan looks in the wrong place');
  });

  it('src/engine, src/parsers, src/interpreter and src/analysis import no vscode and no Node built-ins', () => {
    assert.deepStrictEqual(violations(pure, (s) => s === 'vscode' || NODE_BUILTINS.has(s)), []);
  });

  it('src/engine, src/parsers, src/interpreter and src/analysis use no DOM globals', () => {
    const bad = pure.filter((f) => DOM_GLOBALS.test(fs.readFileSync(path.join(ROOT, f), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')));
    assert.deepStrictEqual(bad, []);
  });

  it('the lower rooms never import the higher ones (engine < parsers < interpreter < analysis)', () => {
    const order = ['engine', 'parsers', 'interpreter', 'analysis'];
    const bad: string[] = [];
    order.forEach((room, i) => {
      const higher = order.slice(i + 1);
      for (const f of sourcesUnder(`src/${room}`)) {
        const text = fs.readFileSync(path.join(ROOT, f), 'utf8');
        for (const s of specifiersOf(text)) {
          const target = path.normalize(path.join(path.dirname(f), s));
          if (s.startsWith('.') && higher.some((h) => target.startsWith(path.join('src', h)))) bad.push(`${f} imports '${s}'`);
        }
      }
    });
    assert.deepStrictEqual(bad, []);
  });

  it('only src/extension.ts and src/host/** import vscode', () => {
    const others = sourcesUnder('src').filter((f) => f !== path.join('src', 'extension.ts') && !f.startsWith(path.join('src', 'host') + path.sep));
    assert.deepStrictEqual(violations(others, (s) => s === 'vscode'), []);
  });

  it('webview/ imports neither vscode nor src/host', () => {
    assert.deepStrictEqual(violations(sourcesUnder('webview'), (s) => s === 'vscode' || /(^|\/)host(\/|$)/.test(s)), []);
  });

  it('the scanner sees every import form', () => {
    const src = `import * as a from 'fs';\nimport type { B } from "vscode";\nexport * from './x';\nconst c = require('path');\nimport 'side';\nconst d = await import('os');`;
    assert.deepStrictEqual(specifiersOf(src), ['fs', 'vscode', './x', 'path', 'side', 'os']);
  });
});
