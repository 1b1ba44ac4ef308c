/** src/analysis is pure: no vscode, no Node built-ins, no DOM, no eval or Function. */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { builtinModules } from 'module';

/** Module specifiers of imports, re-exports and requires. */
function specifiersOf(source: string): string[] {
  return [...source.matchAll(/(?:\bimport\s+(?:type\s+)?(?:[\w*{}\s,]+\s+from\s+)?|\bexport\s+(?:type\s+)?[\w*{}\s,]+\s+from\s+|\brequire\s*\(\s*|\bimport\s*\(\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]);
}

const DIR = path.resolve(__dirname, '../../../../src/analysis');

describe('analysis room', () => {
  const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.ts'));
  it('finds its sources', () => assert.ok(files.includes('evaluator.ts')));
  it('imports only the engine, the parsers, the interpreter, shared and itself', () => {
    const bad: string[] = [];
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    for (const f of files) {
      for (const s of specifiersOf(fs.readFileSync(path.join(DIR, f), 'utf8'))) {
        if (s === 'vscode' || builtins.has(s) || !/^\.\/|^\.\.\/(engine|parsers|interpreter|shared)\//.test(s)) bad.push(`${f}: ${s}`);
      }
    }
    assert.deepStrictEqual(bad, []);
  });
  it('uses no DOM globals, eval or Function', () => {
    const bad = files.filter((f) => /\b(document|window|navigator)\s*[.(]|(?<![.\w])eval\s*\(|new Function\b/.test(fs.readFileSync(path.join(DIR, f), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$|'[^'\n]*'|`[^`]*`/gm, '')));
    assert.deepStrictEqual(bad, []);
  });
});
