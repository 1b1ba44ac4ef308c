#!/usr/bin/python3
"""Oracle for src/interpreter/random: seeded CPU randomness of Debian's PyTorch and NumPy.

Run with Debian's interpreter (python3-torch 1.13.1, python3-numpy 1.24.2):

    /usr/bin/python3 scripts/oracle/generate_random.py > test/fixtures/random/cases.json

Each case is one stream: seed once, then a sequence of calls whose exact outputs are
recorded.  float32 values are written as repr(float(x)) (the exact float32 value as a
double, so it round-trips); float64 with repr; integers as ints.
"""
import json
import platform
import sys

import numpy as np
import torch

SIZES = [1, 2, 3, 5, 15, 16, 17, 31, 32, 33, 100]
TORCH_SEEDS = [0, 1, 42, 1234, 2**31 - 1, 2**32 + 5, 2**63 + 12345, -1]
NUMPY_SEEDS = [0, 1, 42, 1234, 2**31 - 1, 2**32 - 1]

DTYPES = {'float32': torch.float32, 'float64': torch.float64}


def floats(t):
    return [float(x) for x in t.reshape(-1).tolist()]


def ints(t):
    return [int(x) for x in t.reshape(-1).tolist()]


def torch_call(call):
    fn = call['fn']
    n = call['n']
    if fn == 'rand':
        return floats(torch.rand(n, dtype=DTYPES[call['dtype']]))
    if fn == 'randn':
        return floats(torch.randn(n, dtype=DTYPES[call['dtype']]))
    if fn == 'randint':
        return ints(torch.randint(call['low'], call['high'], (n,)))
    if fn == 'randperm':
        return ints(torch.randperm(n))
    raise ValueError(fn)


def run_case(seed_fn, call_fn, seed, calls):
    """Seeds with seed_fn, then records each call's values in order (one stream)."""
    seed_fn(seed)
    out = []
    for c in calls:
        c = dict(c)
        c['values'] = call_fn(c)
        out.append(c)
    return {'seed': seed, 'seedText': str(seed), 'calls': out}


def torch_case(seed, calls):
    return run_case(torch.manual_seed, torch_call, seed, calls)


def numpy_call(call):
    fn = call['fn']
    n = call['n']
    if fn == 'rand':
        return [float(x) for x in np.random.rand(n)]
    if fn == 'randn':
        return [float(x) for x in np.random.randn(n)]
    if fn == 'randint':
        return [int(x) for x in np.random.randint(call['low'], call['high'], n)]
    if fn == 'normal':
        return [float(x) for x in np.random.normal(call['loc'], call['scale'], n)]
    if fn == 'uniform':
        return [float(x) for x in np.random.uniform(call['low'], call['high'], n)]
    raise ValueError(fn)


def numpy_case(seed, calls):
    return run_case(np.random.seed, numpy_call, seed, calls)


TORCH_SEQUENCES = [
    [dict(fn='randn', n=3, dtype='float32'), dict(fn='randn', n=20, dtype='float32')],
    [dict(fn='randn', n=1, dtype='float32'), dict(fn='randn', n=1, dtype='float32'),
     dict(fn='randn', n=1, dtype='float32'), dict(fn='rand', n=2, dtype='float32'),
     dict(fn='randn', n=1, dtype='float32')],
    [dict(fn='rand', n=5, dtype='float32'), dict(fn='randn', n=17, dtype='float32'),
     dict(fn='randint', n=7, low=0, high=10), dict(fn='randn', n=3, dtype='float32'),
     dict(fn='randperm', n=10), dict(fn='randn', n=16, dtype='float32'),
     dict(fn='randn', n=5, dtype='float64'), dict(fn='randn', n=3, dtype='float32')],
    [dict(fn='randn', n=33, dtype='float64'), dict(fn='randn', n=7, dtype='float64'),
     dict(fn='rand', n=4, dtype='float64'), dict(fn='randn', n=2, dtype='float32'),
     dict(fn='randint', n=5, low=-(2**40), high=2**40), dict(fn='randint', n=5, low=0, high=2**32 + 1),
     dict(fn='randint', n=5, low=-3, high=4)],
]

NUMPY_SEQUENCES = [
    [dict(fn='randn', n=3), dict(fn='randn', n=20), dict(fn='rand', n=3), dict(fn='randn', n=1)],
    [dict(fn='randn', n=1), dict(fn='randint', n=5, low=0, high=10), dict(fn='randn', n=1),
     dict(fn='normal', n=3, loc=2.0, scale=3.0), dict(fn='uniform', n=3, low=-1.0, high=2.0),
     dict(fn='randint', n=4, low=3, high=4), dict(fn='randn', n=2)],
    [dict(fn='randint', n=6, low=0, high=2**40), dict(fn='randint', n=6, low=-(2**33), high=2**33),
     dict(fn='randint', n=6, low=0, high=2**32), dict(fn='randint', n=6, low=0, high=2**32 + 1),
     dict(fn='randint', n=6, low=-7, high=1000), dict(fn='rand', n=2)],
]


def main():
    torch_cases = []
    for seed in TORCH_SEEDS:
        sizes = SIZES + ([1000] if seed in (0, 42) else [])
        for n in sizes:
            for fn in ('rand', 'randn'):
                for dtype in ('float32', 'float64'):
                    if dtype == 'float64' and n not in (1, 3, 15, 16, 17, 33, 100, 1000):
                        continue
                    torch_cases.append(torch_case(seed, [dict(fn=fn, n=n, dtype=dtype)]))
        for low, high in ((0, 10), (-5, 5), (0, 2**32 + 7), (-(2**45), 2**45)):
            torch_cases.append(torch_case(seed, [dict(fn='randint', n=17, low=low, high=high)]))
        for n in (1, 2, 5, 10, 100):
            torch_cases.append(torch_case(seed, [dict(fn='randperm', n=n)]))
        for seq in TORCH_SEQUENCES:
            torch_cases.append(torch_case(seed, seq))

    numpy_cases = []
    for seed in NUMPY_SEEDS:
        sizes = SIZES + ([1000] if seed in (0, 42) else [])
        for n in sizes:
            for fn in ('rand', 'randn'):
                numpy_cases.append(numpy_case(seed, [dict(fn=fn, n=n)]))
        numpy_cases.append(numpy_case(seed, [dict(fn='normal', n=17, loc=-1.5, scale=0.25)]))
        numpy_cases.append(numpy_case(seed, [dict(fn='uniform', n=17, low=-2.0, high=3.0)]))
        for low, high in ((0, 10), (-5, 5), (0, 1), (0, 2**31), (0, 2**40 + 3)):
            numpy_cases.append(numpy_case(seed, [dict(fn='randint', n=17, low=low, high=high)]))
        for seq in NUMPY_SEQUENCES:
            numpy_cases.append(numpy_case(seed, seq))

    doc = {
        'generator': 'scripts/oracle/generate_random.py',
        'torch': torch.__version__,
        'torchCpuCapability': torch.backends.cpu.get_cpu_capability()
        if hasattr(torch.backends, 'cpu') and hasattr(torch.backends.cpu, 'get_cpu_capability') else
        [l.strip() for l in torch.__config__.show().splitlines() if 'CPU capability' in l],
        'numpy': np.__version__,
        'python': platform.python_version(),
        'torchCases': torch_cases,
        'numpyCases': numpy_cases,
    }
    json.dump(doc, sys.stdout, separators=(',', ':'))
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
