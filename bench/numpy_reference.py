#!/usr/bin/env python3
"""The course's training loop in plain numpy, timed: the yardstick for bench/training.bench.ts.

Trains the 3-layer net [2, 20, 3, 1] (LINEAR->RELU->[DROPOUT]->LINEAR->RELU->[DROPOUT]->LINEAR->SIGMOID)
by full-batch gradient descent, as the course's notebook does: weights randn / sqrt(n_prev) after
np.random.seed(seed), learning rate 0.3, cost (the course's formula, with nansum) every 1000 iterations.
With --keep-prob < 1, every iteration draws FRESH masks (np.random.rand(...) < keep_prob, then / keep_prob)
on the two hidden layers. (The original notebook reseeds inside its forward function and so reuses one mask
for the whole run; that is not what the TypeScript kit does, so not what is timed here.)

The data set comes from a JSON file {"X": [[...], [...]], "Y": [[...]]} (features x examples, 1 x examples),
so numpy trains on exactly the points the TypeScript side trains on. Because TypeScript's RandomState
reproduces numpy's legacy stream, the initial weights (and, with dropout, the masks) are the same draws.

Prints one JSON object on stdout: seconds for the training loop alone (imports, data loading and the
start-up of Python are not counted), per-iteration milliseconds, the recorded costs, the final training
accuracy. With --breakdown, the loop also times its phases (mask drawing, forward, backward, update)
with perf_counter; that adds a little overhead, so use it for the breakdown, not for the headline figure.
"""
import argparse
import json
import sys
import time

try:
    import numpy as np
except ImportError:  # the benchmark reports this and skips the numpy rows
    print(json.dumps({"error": "numpy is not installed for " + sys.executable}))
    sys.exit(3)


def initialize_parameters(layer_dims, seed):
    np.random.seed(seed)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) / np.sqrt(layer_dims[l - 1])
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


def relu(z):
    return np.maximum(0, z)


def sigmoid(z):
    with np.errstate(over="ignore"):  # exp(-z) overflows to inf for z < -709: the sigmoid is then 0, as it should be
        return 1 / (1 + np.exp(-z))


def compute_cost(a3, Y):
    m = Y.shape[1]
    with np.errstate(divide="ignore", invalid="ignore"):
        logprobs = np.multiply(-np.log(a3), Y) + np.multiply(-np.log(1 - a3), 1 - Y)
    return 1.0 / m * np.nansum(logprobs)


def forward(X, p, keep_prob, clock):
    W1, b1, W2, b2, W3, b3 = p["W1"], p["b1"], p["W2"], p["b2"], p["W3"], p["b3"]
    Z1 = np.dot(W1, X) + b1
    A1 = relu(Z1)
    D1 = D2 = None
    if keep_prob < 1:
        t = clock()
        D1 = np.random.rand(A1.shape[0], A1.shape[1])
        clock.mask += clock() - t
        D1 = D1 < keep_prob
        A1 = A1 * D1
        A1 = A1 / keep_prob
    Z2 = np.dot(W2, A1) + b2
    A2 = relu(Z2)
    if keep_prob < 1:
        t = clock()
        D2 = np.random.rand(A2.shape[0], A2.shape[1])
        clock.mask += clock() - t
        D2 = D2 < keep_prob
        A2 = A2 * D2
        A2 = A2 / keep_prob
    Z3 = np.dot(W3, A2) + b3
    A3 = sigmoid(Z3)
    return A3, (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3)


def backward(X, Y, cache, keep_prob, relu_dtype=np.int64):
    """The course's backward pass. relu_dtype: the ReLU derivative's dtype; the course's int64 promotes float32
    arrays to float64 (bench/drift.py passes the arrays' own dtype to stay in float32)."""
    m = X.shape[1]
    (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3) = cache
    dZ3 = A3 - Y
    dW3 = 1.0 / m * np.dot(dZ3, A2.T)
    db3 = 1.0 / m * np.sum(dZ3, axis=1, keepdims=True)
    dA2 = np.dot(W3.T, dZ3)
    if keep_prob < 1:
        dA2 = dA2 * D2
        dA2 = dA2 / keep_prob
    dZ2 = np.multiply(dA2, (A2 > 0).astype(relu_dtype))
    dW2 = 1.0 / m * np.dot(dZ2, A1.T)
    db2 = 1.0 / m * np.sum(dZ2, axis=1, keepdims=True)
    dA1 = np.dot(W2.T, dZ2)
    if keep_prob < 1:
        dA1 = dA1 * D1
        dA1 = dA1 / keep_prob
    dZ1 = np.multiply(dA1, (A1 > 0).astype(relu_dtype))
    dW1 = 1.0 / m * np.dot(dZ1, X.T)
    db1 = 1.0 / m * np.sum(dZ1, axis=1, keepdims=True)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2, "dW3": dW3, "db3": db3}


def update_parameters(p, grads, learning_rate):
    for l in range(1, 4):
        p["W" + str(l)] = p["W" + str(l)] - learning_rate * grads["dW" + str(l)]
        p["b" + str(l)] = p["b" + str(l)] - learning_rate * grads["db" + str(l)]
    return p


class NoClock:
    """Stands in for the phase clock in headline runs: no timer calls inside the loop."""
    mask = 0.0

    def __call__(self):
        return 0.0


class PhaseClock(NoClock):
    def __call__(self):
        return time.perf_counter()


def train(X, Y, iterations, keep_prob, learning_rate, seed, cost_every, breakdown):
    parameters = initialize_parameters([X.shape[0], 20, 3, 1], seed)
    costs = []
    clock = PhaseClock() if breakdown else NoClock()
    phases = {"forward": 0.0, "backward": 0.0, "update": 0.0, "cost": 0.0}
    start = time.perf_counter()
    for i in range(iterations):
        t0 = clock()
        a3, cache = forward(X, parameters, keep_prob, clock)
        t1 = clock()
        if i % cost_every == 0:
            costs.append({"iteration": i, "cost": float(compute_cost(a3, Y))})
        t2 = clock()
        grads = backward(X, Y, cache, keep_prob)
        t3 = clock()
        parameters = update_parameters(parameters, grads, learning_rate)
        t4 = clock()
        phases["forward"] += t1 - t0
        phases["cost"] += t2 - t1
        phases["backward"] += t3 - t2
        phases["update"] += t4 - t3
    seconds = time.perf_counter() - start
    a3, _ = forward(X, parameters, 1.0, NoClock())
    accuracy = float(np.mean((a3 > 0.5) == (Y > 0.5)))
    result = {
        "keepProb": keep_prob, "iterations": iterations, "seconds": seconds,
        "msPerIteration": 1000 * seconds / max(iterations, 1), "costs": costs, "trainAccuracy": accuracy,
    }
    if breakdown:
        per_it = lambda s: 1e6 * s / max(iterations, 1)  # noqa: E731
        result["breakdownUsPerIteration"] = {
            "forward (incl. mask draws)": per_it(phases["forward"]), "of which mask draws (np.random.rand)": per_it(clock.mask),
            "backward": per_it(phases["backward"]), "update": per_it(phases["update"]), "cost (every 1000)": per_it(phases["cost"]),
        }
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="JSON file with X (features x examples) and Y (1 x examples)")
    parser.add_argument("--iterations", type=int, default=30000)
    parser.add_argument("--keep-prob", type=float, default=1.0)
    parser.add_argument("--learning-rate", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--cost-every", type=int, default=1000)
    parser.add_argument("--breakdown", action="store_true")
    args = parser.parse_args()
    if not 0 < args.keep_prob <= 1:
        parser.error("--keep-prob must lie in (0, 1]")
    with open(args.data) as f:
        data = json.load(f)
    X = np.array(data["X"], dtype=np.float64)
    Y = np.array(data["Y"], dtype=np.float64)
    result = train(X, Y, args.iterations, args.keep_prob, args.learning_rate, args.seed, args.cost_every, args.breakdown)
    result["numpy"] = np.__version__
    result["python"] = sys.version.split()[0]
    print(json.dumps(result))


if __name__ == "__main__":
    main()
