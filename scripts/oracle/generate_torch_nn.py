#!/usr/bin/python3
"""Oracle cases for the torch.nn losses added after the shared corpus: multilabel_margin_loss,
triplet_margin_loss and triplet_margin_with_distance_loss, in test/fixtures/oracle/FORMAT.md's
format, computed with PyTorch 1.13 (Debian's /usr/bin/python3).

    /usr/bin/python3 scripts/oracle/generate_torch_nn.py [--out test/fixtures/oracle] [op ...]

Deterministic (fixed seeds): rerunning writes the same files. The cases are vendored, so the
tests never need Python or torch.

How a case is made: the float32 inputs are drawn, then the op runs twice, once in float64 on the
exact float32 values (`output`, `grad`) and once in float32 (`output_f32`, `grad_f32`). `tol`
starts at rtol 1e-5, atol 1e-6 and widens atol only where PyTorch's own float32 result needs it.
A call PyTorch rejects becomes an `error` case, its category read from the exception.

triplet_margin_with_distance_loss takes a callable; a case writes it as `distance_function`:
"pairwise" (or null) is PyTorch's default `F.pairwise_distance`, and "cosine" is
`lambda a, b: 1 - F.cosine_similarity(a, b)`.
"""
import argparse
import json
import math
import os
import sys
import warnings

import numpy as np
import torch
import torch.nn.functional as F

RTOL, ATOL = 1e-5, 1e-6
SMALL = 64
# A number argument of +inf (triplet_margin_loss's p): JSON has no literal for it, so it is
# written as 1e309, which JSON.parse and json.loads both read as infinity.
INF = "__inf__"  # grad_f32 only for inputs up to this many elements

DISTANCES = {
    "pairwise": None,
    None: None,
    "cosine": lambda a, b: 1 - F.cosine_similarity(a, b),
}


def num(v, dtype):
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if dtype == "int64":
        return int(v)
    return v


def wire(t):
    dtype = {torch.float32: "float32", torch.float64: "float64", torch.int64: "int64"}[t.dtype]
    return {"dtype": dtype, "shape": list(t.shape), "data": [num(v, dtype) for v in t.detach().reshape(-1).tolist()]}


def f32(rng, shape, scale=1.0):
    return torch.from_numpy((rng.standard_normal(shape) * scale).astype(np.float32))


def category(e):
    m = str(e)
    if "reduction" in m and isinstance(e, ValueError):
        return "invalid_reduction"
    if "out of range" in m and "target" in m:
        return "invalid_target"
    if "scalar type Long" in m:
        return "invalid_target"
    if "Dimension out of range" in m:
        return "invalid_argument"
    if "size" in m or "dimension" in m or "Expected" in m or "inconsistent" in m:
        return "shape_mismatch"
    raise RuntimeError(f"uncategorised PyTorch error: {type(e).__name__}: {m}")


def close(x, e, atol):
    if math.isnan(e):
        return math.isnan(x)
    if math.isinf(e):
        return x == e
    return abs(x - e) <= atol + RTOL * abs(e)


def needed_atol(actual, expected):
    """The smallest atol (>= ATOL, a power of ten) under which float32 `actual` passes `expected`."""
    atol = ATOL
    a = actual.detach().double().reshape(-1).tolist()
    e = expected.detach().reshape(-1).tolist()
    while not all(close(x, y, atol) for x, y in zip(a, e)):
        atol *= 10
        if atol > 1e2:
            return None
    return atol


class Case:
    """Builds one case: `fn(**args)` is the op; `tensors` are the args that are tensors; `diff`
    the ones that get gradients."""

    def __init__(self, op, cid, fn, args, diff, note=None, rng=None):
        self.op, self.id, self.fn, self.args, self.diff, self.note, self.rng = op, cid, fn, args, diff, note, rng

    def run(self, dtype):
        args = {}
        for k, v in self.args.items():
            if isinstance(v, torch.Tensor) and v.is_floating_point():
                v = v.to(dtype).detach().clone().requires_grad_(k in self.diff)
            args[k] = v
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            out = self.fn(**args)
        return args, out, len(w) > 0

    def build(self):
        case = {"id": self.id, "op": self.op, "dtype": "float32", "args": {}}
        for k, v in self.args.items():
            case["args"][k] = wire(v) if isinstance(v, torch.Tensor) else (INF if isinstance(v, float) and math.isinf(v) and v > 0 else v)
        try:
            args64, out64, warned = self.run(torch.float64)
        except (RuntimeError, ValueError, IndexError) as e:
            case["expect"] = {"error": category(e)}
            if self.note:
                case["note"] = self.note
            return case
        args32, out32, _ = self.run(torch.float32)
        expect = {"output": wire(out64), "output_f32": wire(out32)}
        grad_out = None
        if out64.dim() > 0:
            grad_out = f32(self.rng, tuple(out64.shape))
            case["grad_output"] = wire(grad_out)
        grads64, grads32 = {}, {}
        diff = [k for k in self.diff if isinstance(args64.get(k), torch.Tensor)]
        if diff and out64.requires_grad:
            for args, out, store, dt in ((args64, out64, grads64, torch.float64), (args32, out32, grads32, torch.float32)):
                g = None if grad_out is None else grad_out.to(dt)
                gs = torch.autograd.grad(out, [args[k] for k in diff], grad_outputs=g, allow_unused=True)
                for k, t in zip(diff, gs):
                    store[k] = torch.zeros_like(args[k]) if t is None else t
            expect["grad"] = {k: wire(t) for k, t in grads64.items()}
            if all(args64[k].numel() <= SMALL for k in diff):
                expect["grad_f32"] = {k: wire(t) for k, t in grads32.items()}
        case["expect"] = expect
        atols = [needed_atol(out32, out64)] + [needed_atol(grads32[k], grads64[k]) for k in grads64]
        atol = ATOL if any(a is None for a in atols) else max(atols)
        case["tol"] = {"rtol": RTOL, "atol": atol}
        note = self.note
        if any(a is None for a in atols):
            note = ((note + "; ") if note else "") + "float32 differs from the float64 reference beyond any tolerance"
        if note:
            case["note"] = note
        if warned:
            case["warns"] = True
        return case


# --- multilabel_margin_loss ----------------------------------------------------------------

def mlm_target(rng, n, c, pad=True):
    """Per row: a random number of distinct class indices, then -1 (and random junk after it)."""
    rows = []
    for _ in range(n):
        k = int(rng.integers(0, c + 1))
        idx = list(rng.permutation(c)[:k])
        if k < c:
            idx.append(-1)
            idx += list(rng.integers(-1, c, c - k - 1)) if pad else [-1] * (c - k - 1)
        rows.append(idx)
    return torch.tensor(rows, dtype=torch.int64).reshape(n, c)


def multilabel_margin_cases():
    op = "multilabel_margin_loss"
    rng = np.random.default_rng(13001)
    fn = lambda input, target, reduction: F.multilabel_margin_loss(input, target, reduction=reduction)
    cases = []

    def add(cid, x, y, reduction="mean", note=None):
        cases.append(Case(op, f"{op}/{cid}", fn, {"input": x, "target": y, "reduction": reduction}, ["input"], note, rng))

    x = torch.tensor([[0.1, 0.2, 0.4, 0.8]])
    add("hand/000", x, torch.tensor([[3, 0, -1, 1]]), "mean", "PyTorch's doc example: targets {3, 0}, non-targets {1, 2}: ((1-0.8+0.2)+(1-0.8+0.4)+(1-0.1+0.2)+(1-0.1+0.4))/4 = 0.85")
    add("hand/repeat/000", x, torch.tensor([[3, 3, -1, 1]]), "sum", "a repeated target index counts twice")
    add("hand/all_targets/000", x, torch.tensor([[0, 1, 2, 3]]), "none", "every class is a target: nothing to compare against, 0")
    add("hand/no_targets/000", x, torch.tensor([[-1, 3, 2, 1]]), "none", "the first entry is -1: no targets, 0")
    add("hand/tie/000", torch.tensor([[1.0, 0.0, 2.0]]), torch.tensor([[0, -1, -1]]), "sum", "z = 1 - x[0] + x[1] = 0 exactly: no term and no gradient")
    k = 0
    for reduction in ("none", "mean", "sum"):
        for shape in ((4,), (1, 3), (5, 6), (3, 1), (8, 10)):
            for scale in (1.0, 3.0):
                n, c = (1, shape[0]) if len(shape) == 1 else shape
                y = mlm_target(rng, n, c).reshape(shape)
                add(f"random/{reduction}/{k:03d}", f32(rng, shape, scale), y, reduction)
                k += 1
    add("edge/scalar/000", torch.tensor(0.5), torch.tensor(0), "none", "0-d input: one class, and it is the target")
    add("edge/scalar/001", torch.tensor(-0.5), torch.tensor(-1), "mean")
    add("edge/1d_none/000", f32(rng, (5,)), torch.tensor([4, 1, -1, 0, 0]), "none", "a [C] input gives a 0-d output")
    add("edge/large/000", f32(rng, (3, 5), 1e4), mlm_target(rng, 3, 5), "none")
    add("edge/inf/000", torch.tensor([[float("inf"), 0.0, 1.0], [0.5, float("-inf"), 2.0]]), torch.tensor([[1, -1, 0], [1, 2, -1]]), "none")
    add("edge/nan/000", torch.tensor([[float("nan"), 0.0, 1.0], [0.5, float("nan"), 2.0]]), torch.tensor([[1, -1, 0], [0, 2, -1]]), "none", "a NaN hinge fails the kernel's z > 0 and adds nothing")
    add("error/target_oob/000", f32(rng, (2, 3)), torch.tensor([[0, 3, -1], [1, -1, -1]]))
    add("error/target_oob/001", f32(rng, (2, 3)), torch.tensor([[0, -1, -1], [1, -1, 7]]), "mean", "checked even after the first -1")
    add("error/target_oob/002", f32(rng, (2, 3)), torch.tensor([[0, -2, -1], [1, -1, -1]]))
    add("error/float_target/000", f32(rng, (2, 3)), torch.tensor([[0.0, -1.0, -1.0], [1.0, -1.0, -1.0]]))
    add("error/shape/000", f32(rng, (2, 3)), torch.tensor([[0, -1], [1, -1]]))
    add("error/shape/001", f32(rng, (2, 3)), torch.tensor([0, -1, -1]))
    add("error/shape/002", f32(rng, (2, 3, 4)), torch.zeros(2, 3, 4, dtype=torch.int64))
    add("error/shape/003", torch.zeros(2, 0), torch.zeros(2, 0, dtype=torch.int64))
    add("error/reduction/000", f32(rng, (2, 3)), torch.tensor([[0, -1, -1], [1, -1, -1]]), "avg")
    return cases


def multilabel_margin_extra():
    """An empty batch: PyTorch 1.13 returns an uninitialised value for both 'mean' and 'sum'
    (it varies from run to run), so FORMAT.md decides: a mean over nothing is nan, a sum 0."""
    op = "multilabel_margin_loss"
    out = []
    for reduction, value in (("mean", "nan"), ("sum", 0.0)):
        out.append({
            "id": f"{op}/edge/empty_batch/{reduction}/000", "op": op, "dtype": "float32",
            "args": {"input": wire(torch.zeros(0, 4)), "target": wire(torch.zeros(0, 4, dtype=torch.int64)), "reduction": reduction},
            "expect": {"output": {"dtype": "float64", "shape": [], "data": [value]}, "grad": {"input": {"dtype": "float64", "shape": [0, 4], "data": []}}},
            "tol": {"rtol": RTOL, "atol": ATOL},
            "note": f"PyTorch 1.13 returns an uninitialised value for an empty batch; FORMAT.md: a {reduction} over zero elements is {value}",
        })
    return out


# --- triplet losses ------------------------------------------------------------------------

def triplet_inputs(rng, shapes, scale=1.0):
    return [f32(rng, s, scale) for s in shapes]


def triplet_margin_cases():
    op = "triplet_margin_loss"
    rng = np.random.default_rng(13002)
    fn = lambda anchor, positive, negative, margin, p, eps, swap, reduction: F.triplet_margin_loss(anchor, positive, negative, margin=margin, p=p, eps=eps, swap=swap, reduction=reduction)
    cases = []

    def add(cid, a, pos, neg, margin=1.0, p=2.0, eps=1e-6, swap=False, reduction="mean", note=None):
        args = {"anchor": a, "positive": pos, "negative": neg, "margin": margin, "p": p, "eps": eps, "swap": swap, "reduction": reduction}
        cases.append(Case(op, f"{op}/{cid}", fn, args, ["anchor", "positive", "negative"], note, rng))

    add("hand/000", torch.tensor([[0.0, 0.0]]), torch.tensor([[3.0, 4.0]]), torch.tensor([[6.0, 8.0]]), reduction="none",
        note="d(a, p) = |(-3, -4) + 1e-6| ~ 5, d(a, n) ~ 10: max(0, 1 + 5 - 10) = 0")
    add("hand/001", torch.tensor([[0.0, 0.0]]), torch.tensor([[6.0, 8.0]]), torch.tensor([[3.0, 4.0]]), reduction="none", note="the negative is nearer: 1 + 10 - 5 ~ 6")
    add("hand/identical/000", torch.tensor([[1.0, 2.0]]), torch.tensor([[1.0, 2.0]]), torch.tensor([[1.0, 2.0]]), reduction="none",
        note="all equal: both distances are |eps| = 1e-6*sqrt(2), the loss is the margin")
    add("hand/swap_tie/000", torch.tensor([[1.0, 2.0]]), torch.tensor([[1.0, 2.0]]), torch.tensor([[1.5, 2.0]]), swap=True, reduction="none",
        note="anchor = positive, so d(a, n) = d(p, n): torch.min splits the gradient in half")
    k = 0
    for reduction in ("none", "mean", "sum"):
        for p in (2.0, 1.0, 3.0, 0.5, float("inf")):
            for swap in (False, True):
                for shape in ((4, 5), (1, 3), (6,)):
                    margin = float(rng.choice([1.0, 0.5, 2.0, 0.0]))
                    a, pos, neg = triplet_inputs(rng, [shape] * 3)
                    add(f"random/p{p:g}/{'swap' if swap else 'plain'}/{reduction}/{k:03d}", a, pos, neg, margin, p, 1e-6, swap, reduction)
                    k += 1
    a, pos, neg = triplet_inputs(rng, [(4, 3)] * 3)
    add("options/eps/000", a, pos, neg, eps=0.0, reduction="none")
    add("options/eps/001", a, pos, neg, eps=0.5, reduction="none")
    add("options/margin_negative/000", a, pos, neg, margin=-1.0, reduction="none")
    add("edge/broadcast/000", f32(rng, (4, 3)), f32(rng, (1, 3)), f32(rng, (4, 3)), reduction="none", note="positive [1, D] broadcasts against the batch")
    add("edge/broadcast/001", f32(rng, (4, 1)), f32(rng, (4, 3)), f32(rng, (4, 3)), swap=True, reduction="sum")
    add("edge/3d/000", f32(rng, (2, 3, 4)), f32(rng, (2, 3, 4)), f32(rng, (2, 3, 4)), reduction="none", note="the distance runs over the last dim: output [2, 3]")
    add("edge/scalar/000", torch.tensor(1.0), torch.tensor(2.0), torch.tensor(0.0), reduction="none", note="0-d inputs: |x1 - x2 + eps|")
    add("edge/1d/000", f32(rng, (5,)), f32(rng, (5,)), f32(rng, (5,)), swap=True, reduction="none", note="[D] inputs give a 0-d output")
    add("edge/empty_batch/000", torch.zeros(0, 5), torch.zeros(0, 5), torch.zeros(0, 5), reduction="mean", note="a mean over no triplets is nan")
    add("edge/empty_batch/001", torch.zeros(0, 5), torch.zeros(0, 5), torch.zeros(0, 5), reduction="sum")
    add("edge/empty_dim/000", torch.zeros(2, 0), torch.zeros(2, 0), torch.zeros(2, 0), reduction="none", note="D = 0: both distances are 0, the loss is the margin")
    add("edge/large/000", *triplet_inputs(rng, [(3, 4)] * 3, 1e4), reduction="none")
    add("edge/large/001", *triplet_inputs(rng, [(3, 4)] * 3, 1e4), p=1.0, swap=True, reduction="none")
    add("edge/inf/000", torch.tensor([[float("inf"), 0.0]]), torch.tensor([[0.0, 0.0]]), torch.tensor([[1.0, 1.0]]), reduction="none")
    add("error/dims/000", f32(rng, (3, 5)), f32(rng, (5,)), f32(rng, (3, 5)))
    add("error/broadcast/000", f32(rng, (3, 5)), f32(rng, (3, 5)), f32(rng, (3, 4)))
    add("error/broadcast/001", f32(rng, (3, 5)), f32(rng, (2, 5)), f32(rng, (3, 5)))
    add("error/reduction/000", *triplet_inputs(rng, [(2, 3)] * 3), reduction="avg")
    return cases


def triplet_distance_cases():
    op = "triplet_margin_with_distance_loss"
    rng = np.random.default_rng(13003)

    def fn(anchor, positive, negative, distance_function, margin, swap, reduction):
        return F.triplet_margin_with_distance_loss(anchor, positive, negative, distance_function=DISTANCES[distance_function], margin=margin, swap=swap, reduction=reduction)

    cases = []

    def add(cid, a, pos, neg, distance="pairwise", margin=1.0, swap=False, reduction="mean", note=None):
        args = {"anchor": a, "positive": pos, "negative": neg, "distance_function": distance, "margin": margin, "swap": swap, "reduction": reduction}
        cases.append(Case(op, f"{op}/{cid}", fn, args, ["anchor", "positive", "negative"], note, rng))

    add("hand/cosine/000", torch.tensor([[1.0, 0.0]]), torch.tensor([[2.0, 0.0]]), torch.tensor([[0.0, 3.0]]), "cosine", reduction="none",
        note="cosine distance: d(a, p) = 1 - 1 = 0, d(a, n) = 1 - 0 = 1: max(0, 1 + 0 - 1) = 0")
    add("hand/cosine/001", torch.tensor([[1.0, 0.0]]), torch.tensor([[0.0, 3.0]]), torch.tensor([[-2.0, 0.0]]), "cosine", 0.5, reduction="none",
        note="d(a, p) = 1, d(a, n) = 2: max(0, 0.5 + 1 - 2) = 0")
    add("hand/cosine/zero/000", torch.tensor([[0.0, 0.0]]), torch.tensor([[1.0, 2.0]]), torch.tensor([[2.0, 1.0]]), "cosine", reduction="none",
        note="a zero anchor: its norm is clamped to 1e-8, both cosines are 0")
    add("hand/cosine/tiny/000", torch.tensor([[1e-9, 0.0]]), torch.tensor([[1.0, 2.0]]), torch.tensor([[2.0, 1.0]]), "cosine", reduction="none",
        note="an anchor norm below eps = 1e-8: cos uses the clamped norm, and so does its gradient (PyTorch 1.13 clamps in place)")
    add("hand/pairwise/none/000", torch.tensor([[0.0, 0.0]]), torch.tensor([[6.0, 8.0]]), torch.tensor([[3.0, 4.0]]), None, reduction="none",
        note="distance_function=None is F.pairwise_distance")
    add("hand/swap_tie/000", torch.tensor([[1.0, 2.0]]), torch.tensor([[1.0, 2.0]]), torch.tensor([[1.5, 2.5]]), "cosine", swap=True, reduction="none")
    k = 0
    for reduction in ("none", "mean", "sum"):
        for distance in ("pairwise", "cosine"):
            for swap in (False, True):
                for shape in ((4, 5), (1, 3), (3, 2, 4)):
                    if distance == "pairwise" and len(shape) == 3 and k % 2:
                        shape = (6,)
                    margin = float(rng.choice([1.0, 0.5, 2.0, 0.2]))
                    a, pos, neg = triplet_inputs(rng, [shape] * 3)
                    add(f"random/{distance}/{'swap' if swap else 'plain'}/{reduction}/{k:03d}", a, pos, neg, distance, margin, swap, reduction)
                    k += 1
    add("edge/cosine/3d/000", f32(rng, (2, 3, 4)), f32(rng, (2, 3, 4)), f32(rng, (2, 3, 4)), "cosine", reduction="none", note="the cosine runs over dim 1, not the last dim: output [2, 4]")
    add("edge/cosine/broadcast/000", f32(rng, (4, 1)), f32(rng, (4, 3)), f32(rng, (1, 3)), "cosine", reduction="none",
        note="cosine_similarity broadcasts before taking norms: a [4, 1] anchor is expanded to [4, 3]")
    add("edge/pairwise/mixed_dims/000", f32(rng, (3, 5)), f32(rng, (5,)), f32(rng, (3, 5)), "pairwise", reduction="none", note="unlike triplet_margin_loss, the dims may differ: they broadcast")
    add("edge/pairwise/1d/000", f32(rng, (5,)), f32(rng, (5,)), f32(rng, (5,)), "pairwise", swap=True, reduction="none")
    add("edge/empty_batch/000", torch.zeros(0, 5), torch.zeros(0, 5), torch.zeros(0, 5), "cosine", reduction="mean")
    add("edge/large/000", *triplet_inputs(rng, [(3, 4)] * 3, 1e4), "cosine", swap=True, reduction="none")
    add("edge/large/001", *triplet_inputs(rng, [(3, 4)] * 3, 1e4), "pairwise", reduction="sum")
    add("options/margin_zero/000", *triplet_inputs(rng, [(4, 3)] * 3), "cosine", 0.0, reduction="none")
    add("error/cosine_1d/000", f32(rng, (5,)), f32(rng, (5,)), f32(rng, (5,)), "cosine", note="cosine_similarity's dim 1 does not exist for [D] inputs")
    add("error/broadcast/000", f32(rng, (3, 5)), f32(rng, (3, 5)), f32(rng, (3, 4)), "pairwise")
    add("error/broadcast/001", f32(rng, (3, 5)), f32(rng, (2, 5)), f32(rng, (3, 5)), "cosine")
    add("error/reduction/000", *triplet_inputs(rng, [(2, 3)] * 3), "pairwise", reduction="avg")
    return cases


GENERATORS = {
    "multilabel_margin_loss": (multilabel_margin_cases, multilabel_margin_extra),
    "triplet_margin_loss": (triplet_margin_cases, list),
    "triplet_margin_with_distance_loss": (triplet_distance_cases, list),
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "oracle"))
    ap.add_argument("ops", nargs="*", default=list(GENERATORS))
    a = ap.parse_args()
    torch.manual_seed(0)
    for op in a.ops:
        gen, extra = GENERATORS[op]
        cases = [c.build() for c in gen()] + extra()
        ids = [c["id"] for c in cases]
        assert len(ids) == len(set(ids)), f"duplicate ids in {op}"
        path = os.path.join(a.out, f"{op}.json")
        with open(path, "w") as fh:
            fh.write("[\n" + ",\n".join(json.dumps(c, separators=(",", ":"), allow_nan=False).replace(f'"{INF}"', "1e309") for c in cases) + "\n]\n")
        errors = sum(1 for c in cases if "error" in c["expect"])
        print(f"{op}: {len(cases)} cases ({errors} errors) -> {os.path.relpath(path)}", file=sys.stderr)


if __name__ == "__main__":
    main()
