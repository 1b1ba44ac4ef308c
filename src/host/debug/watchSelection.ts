/**
 * Prefills for `Loss Lens: Watch Loss While Debugging` from the editor selection. Pure.
 * `logits` gives the input; `logits, labels` both; `F.cross_entropy(logits, labels)` both and the op.
 */

/** What a selection suggests. */
export interface SelectionPrefill {
  readonly input?: string;
  readonly target?: string;
  /** The callee's last name (`cross_entropy`), when it is one of `knownOps`. */
  readonly op?: string;
}

/** Splits `text` at commas outside brackets and quotes. */
export function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(text.slice(start).trim());
  return parts.filter((p) => p.length > 0);
}

/** The prefill for a selection (empty for an empty or multi-line selection of statements). */
export function prefillFromSelection(selection: string, knownOps: readonly string[]): SelectionPrefill {
  const text = selection.trim();
  if (!text || text.includes('\n')) return {};
  const call = /^([\w.]+)\s*\(([\s\S]*)\)$/.exec(text);
  if (call) {
    const name = call[1].split('.').pop() ?? '';
    if (knownOps.includes(name)) {
      const args = splitTopLevel(call[2]).filter((a) => !/^\w+\s*=(?!=)/.test(a) || /^(input|target|logits|labels)\s*=/.test(a));
      const value = (a: string | undefined): string | undefined => a?.replace(/^\w+\s*=\s*/, '');
      return { input: value(args[0]), target: value(args[1]), op: name };
    }
  }
  const parts = splitTopLevel(text);
  if (parts.length === 2) return { input: parts[0], target: parts[1] };
  return { input: text };
}
