#!/usr/bin/python3
"""A large differential run of label_smoothing_cross_entropy against timm's forward, computed with
Debian's torch (timm itself is not packaged: its 6-line forward is reproduced below from
timm/loss/cross_entropy.py, LabelSmoothingCrossEntropy). Not vendored; run before changing the op:

    /usr/bin/python3 scripts/oracle/differential_label_smoothing.py N OUT_DIR
    npm run conformance -- OUT_DIR

Inputs are float32 with extremes (±1e4, ±inf, nan, exact 0); the expected value is the forward in
float64 on those float32 values, and the gradient (autograd) where the value is finite.
"""
import json, math, os, sys, random
import torch
import torch.nn.functional as F


def timm_forward(x, target, smoothing):
    confidence = 1.0 - smoothing
    logprobs = F.log_softmax(x, dim=-1)
    nll_loss = -logprobs.gather(dim=-1, index=target.unsqueeze(1)).squeeze(1)
    smooth_loss = -logprobs.mean(dim=-1)
    return (confidence * nll_loss + smoothing * smooth_loss).mean()


def enc(v):
    return 'nan' if math.isnan(v) else ('inf' if v > 0 else '-inf') if math.isinf(v) else v


def wire(t, dtype):
    return {'dtype': dtype, 'shape': list(t.shape), 'data': [enc(float(v)) for v in t.reshape(-1).tolist()]}


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    rng = random.Random(1234)
    extremes = [0.0, 1e4, -1e4, math.inf, -math.inf, math.nan, 1e-40]
    cases = []
    for i in range(n):
        rows, classes = rng.randint(1, 6), rng.randint(1, 8)
        vals = [rng.choice(extremes) if rng.random() < 0.08 else rng.uniform(-6, 6) for _ in range(rows * classes)]
        x32 = torch.tensor(vals, dtype=torch.float32).reshape(rows, classes)
        target = torch.tensor([rng.randrange(classes) for _ in range(rows)])
        s = rng.choice([0.0, 0.0, 0.1, 0.3, 0.9, -0.1])
        x = x32.double().requires_grad_(True)
        y = timm_forward(x, target, s)
        expect = {'output': wire(y.detach(), 'float64')}
        if math.isfinite(y.item()):
            y.backward()
            expect['grad'] = {'input': wire(x.grad, 'float64')}
        cases.append({'id': f'label_smoothing_cross_entropy/diff/{i:06d}', 'op': 'label_smoothing_cross_entropy', 'dtype': 'float32',
                      'args': {'input': wire(x32, 'float32'), 'target': wire(target, 'int64'), 'smoothing': s}, 'expect': expect})
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, 'label_smoothing_cross_entropy.json'), 'w') as f:
        json.dump(cases, f)
    print(len(cases), 'cases')


main()
