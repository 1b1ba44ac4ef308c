import * as assert from 'assert';
import { execFileSync } from 'child_process';
import { existsSync, readFileSync, rmSync } from 'fs';
import {
  buildReadExpression,
  decodeRaw,
  isSerialiserPath,
  MalformedReplyError,
  parseFloatList,
  parseReadReply,
  REPLY_PREFIX,
  serialiserFolder,
  unquotePythonString,
} from '../../../../src/host/debug/tensorReadExpression';

/** What debugpy's `result` looks like for the serialiser's string: Python's repr of it. */
const pyRepr = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const header = (h: Record<string, unknown>): string => JSON.stringify({ format: 1, kind: 'torch', dtype: 'torch.float32', device: 'cpu', requires_grad: false, ...h });

describe('host/debug/tensorReadExpression', () => {
  describe('unquotePythonString', () => {
    it('undoes single and double quotes and the escapes repr writes', () => {
      assert.strictEqual(unquotePythonString(`'a"b'`), 'a"b');
      assert.strictEqual(unquotePythonString(`"it's"`), "it's");
      assert.strictEqual(unquotePythonString(`'it\\'s \\\\ \\n\\t\\x41\\u00e9\\U0001F600'`), "it's \\ \n\tAé😀");
    });
    it('returns undefined for text that is not a quoted string', () => {
      assert.strictEqual(unquotePythonString('tensor([1.])'), undefined);
      assert.strictEqual(unquotePythonString("'"), undefined);
      assert.strictEqual(unquotePythonString(`'abc"`), undefined);
    });
  });

  describe('parseFloatList', () => {
    it('reads Python float reprs, nan and ±inf', () => {
      assert.deepStrictEqual(Array.from(parseFloatList('1.5,-2.0,1e-45,nan,inf,-inf', 6)), [1.5, -2, 1e-45, NaN, Infinity, -Infinity]);
    });
    it('round-trips float32 values exactly through repr of their float64', () => {
      const values = Float32Array.from([0.1, -0.5245797038078308, 3.4028234663852886e38, 1.401298464324817e-45]);
      const text = Array.from(values, (v) => String(v)).join(',');
      assert.deepStrictEqual(Array.from(parseFloatList(text, 4)), Array.from(values));
    });
    it('rejects too few, too many and damaged values, saying it may be truncated', () => {
      assert.throws(() => parseFloatList('1,2', 3), /has 2 values but the shape needs 3 \(it may have been truncated\)/);
      assert.throws(() => parseFloatList('1,2,3', 2), /more than 2 values/);
      assert.throws(() => parseFloatList('1,2...', 2), /value 1 of the reply is "2\.\.\.", not a number/);
      assert.throws(() => parseFloatList('1', 0), /values for an empty tensor/);
      assert.strictEqual(parseFloatList('', 0).length, 0);
    });
  });

  describe('parseReadReply', () => {
    it('parses a text reply with shape, dtype, device and requires_grad', () => {
      const r = parseReadReply(pyRepr(`${REPLY_PREFIX}${header({ shape: [2, 2], numel: 4, requires_grad: true, device: 'cuda:0', status: 'text', raw: 'f4' })}|1.0,2.5,nan,-inf`));
      assert.strictEqual(r.status, 'text');
      if (r.status !== 'text') return;
      assert.deepStrictEqual(r.header, { kind: 'torch', dtype: 'torch.float32', shape: [2, 2], device: 'cuda:0', requiresGrad: true, numel: 4 });
      assert.deepStrictEqual(Array.from(r.data), [1, 2.5, NaN, -Infinity]);
    });
    it('parses file, too-large, unsupported-dtype and not-a-tensor replies', () => {
      const file = parseReadReply(pyRepr(`${REPLY_PREFIX}${header({ shape: [3], numel: 3, status: 'file', raw: 'f8', path: '/tmp/loss-lens-ab12/tensor.f8' })}|`));
      assert.deepStrictEqual(file.status === 'file' && [file.raw, file.path], ['f8', '/tmp/loss-lens-ab12/tensor.f8']);
      assert.strictEqual(parseReadReply(pyRepr(`${REPLY_PREFIX}${header({ shape: [5], numel: 5, status: 'too-large' })}|`)).status, 'too-large');
      assert.strictEqual(parseReadReply(pyRepr(`${REPLY_PREFIX}${header({ shape: [1], numel: 1, status: 'unsupported-dtype' })}|`)).status, 'unsupported-dtype');
      const other = parseReadReply(pyRepr(`${REPLY_PREFIX}${JSON.stringify({ format: 1, kind: 'other', type: 'list', preview: "[1, 'a|b']" })}|`));
      assert.deepStrictEqual(other, { status: 'not-a-tensor', type: 'list', preview: "[1, 'a|b']" });
    });
    it('rejects what is not the serialiser, a damaged header, a numel that disagrees, a foreign path', () => {
      assert.throws(() => parseReadReply('tensor([1., 2.])'), (e: Error) => e instanceof MalformedReplyError && /not the serialiser's string/.test(e.message));
      assert.throws(() => parseReadReply(pyRepr('hello')), /not a Loss Lens reply/);
      assert.throws(() => parseReadReply(pyRepr(`${REPLY_PREFIX}{"shape": [2...`)), /no data separator|not JSON/);
      assert.throws(() => parseReadReply(pyRepr(`${REPLY_PREFIX}${header({ shape: [2, 3], numel: 5, status: 'text' })}|`)), /numel 5 does not match its shape/);
      assert.throws(() => parseReadReply(pyRepr(`${REPLY_PREFIX}${header({ shape: [1], numel: 1, status: 'file', path: '/home/me/.bashrc' })}|`)), /unexpected file/);
    });
  });

  describe('files', () => {
    it('accepts only the serialiser folder and file names, on POSIX and Windows', () => {
      assert.ok(isSerialiserPath('/tmp/loss-lens-x1y2/tensor.f4'));
      assert.ok(isSerialiserPath('C:\\Temp\\loss-lens-x1y2\\tensor.f8'));
      assert.ok(!isSerialiserPath('/tmp/loss-lens-x1y2/other.f4'));
      assert.ok(!isSerialiserPath('/tmp/tensor.f4'));
      assert.strictEqual(serialiserFolder('/tmp/loss-lens-x1y2/tensor.f4'), '/tmp/loss-lens-x1y2');
    });
    it('decodes little-endian float32 and float64 and checks the size', () => {
      const f4 = new Uint8Array(Float32Array.from([1.5, -0.1]).buffer);
      assert.deepStrictEqual(Array.from(decodeRaw(f4, 'f4', 2)), [1.5, Math.fround(-0.1)]);
      const f8 = new Uint8Array(Float64Array.from([0.1, 2 ** 53]).buffer);
      assert.deepStrictEqual(Array.from(decodeRaw(f8, 'f8', 2)), [0.1, 2 ** 53]);
      assert.throws(() => decodeRaw(f4, 'f4', 3), /8 bytes but 3 float32 values need 12/);
    });
  });

  describe('buildReadExpression', () => {
    it('puts the user expression on its own lines, after the fixed serialiser', () => {
      const e = buildReadExpression('logits  # the batch', { maxTextChars: 10, maxTextElements: 20, maxElements: 30 });
      assert.ok(e.startsWith("(lambda g: (exec("));
      assert.ok(e.endsWith('(lambda: (\nlogits  # the batch\n), 10, 20, 30)'));
    });

    const python = '/usr/bin/python3';
    const hasTorch = existsSync(python) && (() => {
      try {
        execFileSync(python, ['-c', 'import torch, numpy'], { stdio: 'ignore' });
        return true;
      } catch {
        return false;
      }
    })();

    /** Evaluates each expression as debugpy does (locals merged into globals) and returns repr() of the result. */
    function evaluate(setup: string, expressions: string[], limits = { maxTextChars: 60_000, maxTextElements: 100_000, maxElements: 1_000_000 }): string[] {
      const script = `import sys, json\n${setup}\ng = dict(globals())\nfor e in json.loads(sys.stdin.read()):\n    print(repr(eval(e, g)))\n`;
      return execFileSync(python, ['-c', script], { input: JSON.stringify(expressions.map((x) => buildReadExpression(x, limits))), encoding: 'utf8', maxBuffer: 1 << 26 })
        .trim()
        .split('\n');
    }

    (hasTorch ? it : it.skip)('round-trips torch and numpy values through the real serialiser (Debian python3 + torch)', function () {
      this.timeout(60_000);
      const setup = 'import torch, numpy as np\ntorch.manual_seed(0)\nw = torch.randn(3, 4, requires_grad=True)\nx = w * 1.0\nn = np.arange(6, dtype=np.int32).reshape(2, 3)\nbig = torch.randn(300, 400)';
      const exprs = ['x', 'x.t()', 'x.half()', 'n', 'n.T', "{'a': 1}", 'torch.ones(2, dtype=torch.complex64)', 'torch.zeros(1).expand(2000000)', 'big'];
      const [plain, transposed, half, ints, intsT, dict, complex, tooLarge, big] = evaluate(setup, exprs).map(parseReadReply);
      // the expected values, printed by PyTorch itself
      const exact = JSON.parse(execFileSync(python, ['-c', `${setup}\nimport json; print(json.dumps([x.detach().double().flatten().tolist(), x.t().detach().double().flatten().tolist(), x.half().double().flatten().tolist()]))`], { encoding: 'utf8' }));
      assert.ok(plain.status === 'text' && transposed.status === 'text' && half.status === 'text');
      assert.deepStrictEqual(Array.from(plain.data), exact[0]);
      assert.strictEqual(plain.header.requiresGrad, true);
      assert.deepStrictEqual(Array.from(transposed.data), exact[1], 'a non-contiguous view reads in its logical order');
      assert.deepStrictEqual(Array.from(half.data), exact[2]);
      assert.strictEqual(half.header.dtype, 'torch.float16');
      assert.ok(ints.status === 'text' && intsT.status === 'text');
      assert.deepStrictEqual([ints.header.dtype, Array.from(ints.data)], ['numpy.int32', [0, 1, 2, 3, 4, 5]]);
      assert.deepStrictEqual(Array.from(intsT.data), [0, 3, 1, 4, 2, 5]);
      assert.deepStrictEqual(dict, { status: 'not-a-tensor', type: 'dict', preview: "{'a': 1}" });
      assert.strictEqual(complex.status, 'unsupported-dtype');
      assert.deepStrictEqual(tooLarge.status === 'too-large' && tooLarge.header.shape, [2000000]);
      assert.strictEqual(big.status, 'file', '120,000 values exceed the text limits');
      if (big.status !== 'file') return;
      try {
        const data = decodeRaw(readFileSync(big.path), big.raw, big.header.numel);
        assert.strictEqual(data.length, 120_000);
        assert.strictEqual(big.raw, 'f4');
      } finally {
        rmSync(serialiserFolder(big.path), { recursive: true, force: true });
      }
    });
  });
});
