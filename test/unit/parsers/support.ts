/**
 * Helpers for the parser tests: fixture paths, bit-exact comparison, and `expectParseError`.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ParseError } from '../../../src/parsers';

/** test/fixtures/reprs, from out/test/unit/parsers. */
export const REPR_FIXTURES = path.resolve(__dirname, '../../../../test/fixtures/reprs');
/** test/fixtures/oracle. */
export const ORACLE_FIXTURES = path.resolve(__dirname, '../../../../test/fixtures/oracle');

/** A fixture file's text. */
export function fixture(name: string): string {
  return fs.readFileSync(path.join(REPR_FIXTURES, name), 'utf8');
}

/** True when a and b are the same double, NaN and -0 included. */
export function sameBits(a: number, b: number): boolean {
  return Object.is(a, b);
}

/** Asserts that `actual` holds exactly `expected`, bit for bit, naming the first difference. */
export function assertSameData(actual: ArrayLike<number>, expected: ArrayLike<number>, what = 'data'): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    if (!sameBits(actual[i], expected[i])) assert.fail(`${what}[${i}] is ${String(actual[i])} but should be ${String(expected[i])}`);
  }
}

/** Runs `f` and returns the ParseError it throws, failing if it returns or throws anything else. */
export function expectParseError(f: () => unknown, messagePart?: string | RegExp): ParseError {
  let thrown: unknown;
  try {
    f();
  } catch (e) {
    thrown = e;
  }
  if (!(thrown instanceof ParseError)) assert.fail(`expected a ParseError but ${thrown === undefined ? 'nothing was thrown' : `got ${String(thrown)}`}`);
  if (typeof messagePart === 'string') assert.ok(thrown.message.includes(messagePart), `message "${thrown.message}" should contain "${messagePart}"`);
  else if (messagePart) assert.match(thrown.message, messagePart);
  return thrown;
}

/** Writes a double so that parsing gives it back: `-0`, `NaN`, `Infinity` (Python json tokens). */
export function jsonNumber(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (Object.is(v, -0)) return '-0';
  return String(v);
}
