#!/usr/bin/env python3
"""The course's training loop in numpy, in float64 or float32, with its cost curve: the numpy side of
bench/drift.bench.ts (`npm run bench:drift`), which asks why the kit's final cost differs from numpy's.

The float64 run calls numpy_reference.py's own forward, backward and update functions, so it is exactly
the benchmark's baseline. The float32 run uses the same forward and update on float32 arrays; only the
ReLU derivative is cast to the arrays' dtype (numpy_reference's `np.int64(A > 0)` would promote the
backward pass to float64). Masks (with --keep-prob < 1) are the same draws in both: np.random.rand is
float64 and compared with keep_prob before any cast.

The cost is recorded at every iteration below 100, then every --cost-every iterations, and after the last
one (the state after all updates), always in float64 and from the
logits, mean(softplus(z) - y z): for the float64 run this equals the course's formula (with nansum) to
1e-15, and for the float32 run it measures the parameters, not float32 rounding in the cost itself.

Options for the investigation:
  --init-float32     start from the initial weights rounded to float32 (what the TypeScript kit starts from)
  --perturb EPS      multiply each initial weight by (1 + EPS * N(0,1)), noise from --perturb-seed
  --dot einsum       compute every matrix product with np.einsum instead of np.dot (BLAS): the same float64
                     arithmetic summed in another order, as another CPU or BLAS build would
  --params-at LIST   comma-separated iterations at which to report the parameters (the state before that
                     iteration's update) and the gradients there: float64's, and float32 numpy's computed
                     from the float32-rounded parameters (no dropout only)
  --relu-events N    instead of training once: run float64 and float32 side by side for N iterations (no
                     dropout) and list the iterations where a hidden unit is on (ReLU > 0) in one run and off in
                     the other, with float64's pre-activation there and the largest parameter gap before and
                     after: how a rounding-level difference becomes a large one
Prints one JSON object on stdout.
"""
import argparse
import json
import os
import sys

try:
    import numpy as np
except ImportError:
    print(json.dumps({"error": "numpy is not installed for " + sys.executable}))
    sys.exit(3)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy_reference as ref  # noqa: E402


def backward_float32(X, Y, cache, keep_prob):
    """numpy_reference.backward with the ReLU derivative in the arrays' dtype (no promotion to float64)."""
    return ref.backward(X, Y, cache, keep_prob, relu_dtype=X.dtype)


def logit_cost(Z3, Y):
    z = Z3.astype(np.float64)
    y = Y.astype(np.float64)
    return float(np.mean(np.logaddexp(0.0, z) - y * z))


def as_lists(d):
    return {k: v.ravel().tolist() for k, v in d.items()}


def relu_events(data, args):
    X = np.array(data["X"], dtype=np.float64)
    Y = np.array(data["Y"], dtype=np.float64)
    X32, Y32 = X.astype(np.float32), Y.astype(np.float32)
    p = ref.initialize_parameters([X.shape[0], 20, 3, 1], args.seed)
    q = {k: v.astype(np.float32) for k, v in p.items()}
    events, gap = [], 0.0
    for i in range(args.relu_events):
        _, c = ref.forward(X, p, 1.0, ref.NoClock())
        _, c32 = ref.forward(X32, q, 1.0, ref.NoClock())
        for layer, (z, a, a32) in enumerate([(c[0], c[2], c32[2]), (c[5], c[7], c32[7])], start=1):
            for unit, example in np.argwhere((a > 0) != (a32 > 0)):
                events.append({"iteration": i, "layer": layer, "unit": int(unit), "example": int(example), "z64": float(z[unit, example]), "gapBefore": gap})
        p = ref.update_parameters(p, ref.backward(X, Y, c, 1.0), args.learning_rate)
        q = {k: v.astype(np.float32) for k, v in ref.update_parameters(q, backward_float32(X32, Y32, c32, 1.0), np.float32(args.learning_rate)).items()}
        gap = max(float(np.max(np.abs(p[k] - q[k]))) for k in p)
        for e in events:
            if e["iteration"] == i:
                e["gapAfter"] = gap
    return {"reluEvents": events, "iterations": args.relu_events}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--iterations", type=int, default=30000)
    parser.add_argument("--keep-prob", type=float, default=1.0)
    parser.add_argument("--learning-rate", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--dtype", choices=["float64", "float32"], default="float64")
    parser.add_argument("--cost-every", type=int, default=10)
    parser.add_argument("--init-float32", action="store_true")
    parser.add_argument("--perturb", type=float, default=0.0)
    parser.add_argument("--perturb-seed", type=int, default=0)
    parser.add_argument("--dot", choices=["blas", "einsum"], default="blas")
    parser.add_argument("--params-at", default="")
    parser.add_argument("--relu-events", type=int, default=0)
    args = parser.parse_args()
    dtype = np.dtype(args.dtype)
    with open(args.data) as f:
        data = json.load(f)
    if args.relu_events:
        print(json.dumps(relu_events(data, args)))
        return
    X = np.array(data["X"], dtype=dtype)
    Y = np.array(data["Y"], dtype=dtype)
    if args.dot == "einsum":
        ref.np.dot = lambda a, b: np.einsum("ij,jk->ik", a, b)  # numpy_reference calls np.dot on 2-D arrays only
    params_at = {int(s) for s in args.params_at.split(",") if s}

    # Exactly the benchmark's initialisation (np.random.seed(seed), then randn / sqrt); the masks that
    # follow come from the same global stream, as in numpy_reference.train.
    p = ref.initialize_parameters([X.shape[0], 20, 3, 1], args.seed)
    if args.perturb:
        noise = np.random.RandomState(args.perturb_seed)
        p = {k: v * (1 + args.perturb * noise.randn(*v.shape)) if k.startswith("W") else v for k, v in p.items()}
    if args.init_float32:
        p = {k: v.astype(np.float32).astype(np.float64) for k, v in p.items()}
    p = {k: v.astype(dtype) for k, v in p.items()}
    backward = ref.backward if dtype == np.float64 else backward_float32

    # With dropout: how many mask entries would a float32 comparison decide differently (a draw d with
    # d < keep_prob but float32(d) >= float32(keep_prob), or the reverse)? The kit rounds draws to float32.
    mask_disagreements = 0
    draw = np.random.rand
    if args.keep_prob < 1:
        kp32 = np.float32(args.keep_prob)

        def draw(*shape):
            nonlocal mask_disagreements
            d = np.random.random_sample(shape)
            mask_disagreements += int(np.sum((d < args.keep_prob) != (d.astype(np.float32) < kp32)))
            return d
        ref.np.random.rand = draw  # numpy_reference.forward calls np.random.rand

    costs, snapshots = [], []
    lr = args.learning_rate
    for i in range(args.iterations + 1):
        last = i == args.iterations
        a3, cache = ref.forward(X, p, args.keep_prob if not last else 1.0, ref.NoClock())
        if i < 100 or i % args.cost_every == 0 or last:
            # With dropout the recorded cost is that of the dropped-out forward pass, as in the course.
            costs.append({"iteration": i, "cost": logit_cost(cache[10], Y)})
        if i in params_at and args.keep_prob == 1:
            g64 = ref.backward(X.astype(np.float64), Y.astype(np.float64), ref.forward(X.astype(np.float64), {k: v.astype(np.float64) for k, v in p.items()}, 1.0, ref.NoClock())[1], 1.0)
            p32 = {k: v.astype(np.float32) for k, v in p.items()}
            g32 = backward_float32(X.astype(np.float32), Y.astype(np.float32), ref.forward(X.astype(np.float32), p32, 1.0, ref.NoClock())[1], 1.0)
            snapshots.append({"iteration": i, "params": as_lists(p), "grads64": as_lists(g64), "gradsFloat32Numpy": as_lists(g32)})
        if last:
            break
        grads = backward(X, Y, cache, args.keep_prob)
        p = ref.update_parameters(p, grads, lr)
        p = {k: v.astype(dtype) for k, v in p.items()}
    a3, _ = ref.forward(X, p, 1.0, ref.NoClock())
    print(json.dumps({
        "dtype": args.dtype, "keepProb": args.keep_prob, "iterations": args.iterations, "initFloat32": args.init_float32, "dot": args.dot,
        "perturb": args.perturb, "costs": costs, "trainAccuracy": float(np.mean((a3 > 0.5) == (Y > 0.5))),
        "maskDisagreementsWithFloat32": mask_disagreements, "snapshots": snapshots, "finalParams": as_lists(p),
    }))


if __name__ == "__main__":
    main()
