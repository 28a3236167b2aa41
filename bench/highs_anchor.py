#!/usr/bin/env python3
"""HiGHS anchor for chainmesh's assembly programs (docs/model.md, section 1a).

What it measures
----------------
For one topology of a scenario file (by default `network` of a
`chainmesh generate --model layered --nodes N --needs` file) and a few trials,
it replays every step's set of down nodes with `chainmesh trace`, builds the
assembly program of section 1a for that down-set straight from the TOML (an
independent implementation: nothing of chainmesh's pruning, frontier or warm
start is reused), solves it with HiGHS, and

  (a) cross-checks the optimum against chainmesh's `throughput` column
      (relative tolerance --rtol, default 1e-6; every mismatch is printed);
  (b) times the solves, in milliseconds per step (CPU time of this process,
      and wall time):
        cold-linprog  `scipy.optimize.linprog(method="highs")` from scratch
                      every step (presolve on, as linprog does by default);
        cold-highspy  a fresh `highspy.Highs` per step: passModel + run
                      (presolve on), if highspy is installed;
        warm-highspy  one `highspy.Highs` per trial, solved once with every
                      node up (untimed, like chainmesh's canonical solve at
                      compile time); each step changes only the bounds of the
                      nodes whose state changed since the previous step and
                      re-runs from the held basis (dual simplex, no presolve
                      since the basis is valid). Steps with no change cost
                      nothing and still count as steps.

The program (variables x_v = output of node v, f_e = flow on arc e, d_v = what
sink v consumes), maximise sum d_v subject to

    0 <= x_v <= c_v (x_v = 0 if v is down),  0 <= f_e <= c_e,  0 <= d_v <= c_v
    pool that is not a source:     x_v            <= sum_{e into v} f_e
    assembler, every part p:       needs_v[p] x_v <= sum_{e into v from suppliers of p} f_e
    every node:                    sum_{e out of v} f_e + d_v <= x_v

`--form full` (default) builds exactly this program. `--form merged` applies
section 1a's step 2 (an arc alone in its head's input condition gets no
variable: its flow is q * x_head in its tail's output row, and x_head <=
c_e / q), which is the size of program chainmesh's simplex works on; the
optimum is the same. Both forms are cross-checked.

How to run
----------
    pip install scipy highspy          # highspy optional (cold/warm highspy)
    chainmesh generate --model layered --nodes 4000 --needs --seed 0 --out L4000.toml
    OMP_NUM_THREADS=1 python3 bench/highs_anchor.py L4000.toml --trials 3 --steps 100 \\
        --chainmesh /path/to/chainmesh

Options: --topology ID (default: network), --first-trial K, --form full|merged,
--rtol, --no-cold (skip the linprog/highspy cold solves), --quiet.
The last line printed is a one-line summary (nodes, links, steps compared,
mismatches, ms per step of each method).
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import subprocess
import sys
import time
import tomllib

import numpy as np
import scipy
import scipy.sparse as sp
from scipy.optimize import linprog

try:
    import highspy
except ImportError:  # highspy is optional
    highspy = None

UNKNOWN = object()


# --------------------------------------------------------------------------
# The scenario's topology and its program
# --------------------------------------------------------------------------


def infer_products(nodes, preds):
    """Product of every node (docs/model.md 1a, "Product inference"); None = unnamed."""
    prod = {}
    pools = []
    for v, n in nodes.items():
        if "product" in n:
            prod[v] = n["product"]
        elif n["role"] == "source" or "needs" in n:
            prod[v] = None
        else:
            prod[v] = UNKNOWN
            pools.append(v)
    changed = True
    while changed:
        changed = False
        for v in pools:
            if "product" in nodes[v]:
                continue
            known = [prod[u] for u in preds[v] if prod[u] is not UNKNOWN]
            if not preds[v] or any(p is None for p in known):
                new = None
            elif not known:
                new = UNKNOWN
            elif len(set(known)) == 1:
                new = known[0]
            else:
                new = None  # mixes two products
            if new is not prod[v]:
                prod[v] = new
                changed = True
    return {v: (None if p is UNKNOWN else p) for v, p in prod.items()}


class Program:
    """The assembly LP of one topology, as  max c^T z  s.t.  A z <= 0,  lb <= z <= ub."""

    def __init__(self, topo, form="full", default_capacity=100.0):
        self.form = form
        nodes = {n["id"]: {"role": "relay", "capacity": default_capacity, **n}
                 for n in topo["node"]}
        self.names = list(nodes)
        idx = {v: i for i, v in enumerate(self.names)}
        arcs = []  # (tail, head, capacity or inf)
        for link in topo.get("link", []):
            cap = float(link.get("capacity", math.inf))
            arcs.append((link["from"], link["to"], cap))
            if link.get("both_ways", False):
                arcs.append((link["to"], link["from"], cap))
        self.num_links = len(topo.get("link", []))
        preds = {v: [] for v in nodes}
        for a, b, _ in arcs:
            preds[b].append(a)
        prod = infer_products(nodes, preds)

        # Input conditions: (head, quantity, [arc indices]).
        into = {v: [] for v in nodes}
        for k, (_, b, _) in enumerate(arcs):
            into[b].append(k)
        conditions = []
        for v, n in nodes.items():
            if n["role"] == "source":
                continue  # a source has no input condition
            if "needs" in n:
                for part, q in n["needs"].items():
                    ks = [k for k in into[v] if prod[arcs[k][0]] == part]
                    conditions.append((v, float(q), ks))
            else:
                conditions.append((v, 1.0, list(into[v])))

        nn = len(self.names)
        cap = np.array([float(nodes[v]["capacity"]) for v in self.names])
        ub_x = cap.copy()
        merged = {}  # arc index -> (head, q)
        if form == "merged":
            for v, q, ks in conditions:
                if len(ks) == 1:
                    merged[ks[0]] = (v, q)
        elif form != "full":
            raise ValueError(f"unknown form {form!r}")
        for k, (v, q) in merged.items():
            ub_x[idx[v]] = min(ub_x[idx[v]], arcs[k][2] / q)

        # Columns: x (nn), f (unmerged arcs), d (sinks).
        fcol = {}
        for k in range(len(arcs)):
            if k not in merged:
                fcol[k] = nn + len(fcol)
        sinks = [v for v in self.names if nodes[v]["role"] == "sink"]
        dcol = {v: nn + len(fcol) + j for j, v in enumerate(sinks)}
        ncol = nn + len(fcol) + len(sinks)

        rows, cols, vals = [], [], []
        r = 0
        for v, q, ks in conditions:  # q x_v - sum f_e <= 0
            if len(ks) == 1 and ks[0] in merged:
                continue
            rows.append(r), cols.append(idx[v]), vals.append(q)
            for k in ks:
                rows.append(r), cols.append(fcol[k]), vals.append(-1.0)
            r += 1
        out_row = {}
        for v in self.names:  # sum_out f + d - x <= 0
            out_row[v] = r
            rows.append(r), cols.append(idx[v]), vals.append(-1.0)
            r += 1
        for v in sinks:
            rows.append(out_row[v]), cols.append(dcol[v]), vals.append(1.0)
        for k, (a, b, _) in enumerate(arcs):
            if k in merged:
                head, q = merged[k]
                rows.append(out_row[a]), cols.append(idx[head]), vals.append(q)
            else:
                rows.append(out_row[a]), cols.append(fcol[k]), vals.append(1.0)

        self.nrow, self.ncol = r, ncol
        self.A = sp.csc_matrix((vals, (rows, cols)), shape=(r, ncol))
        self.A.sum_duplicates()
        self.c = np.zeros(ncol)
        for v in sinks:
            self.c[dcol[v]] = 1.0
        self.lb = np.zeros(ncol)
        self.ub = np.full(ncol, np.inf)
        self.ub[:nn] = ub_x
        for k, col in fcol.items():
            self.ub[col] = arcs[k][2]
        for v in sinks:
            self.ub[dcol[v]] = cap[idx[v]]
        self.ub_up = self.ub.copy()
        self.idx = idx

    def bounds_for(self, down):
        ub = self.ub_up.copy()
        for v in down:
            ub[self.idx[v]] = 0.0
        return ub

    # -- solvers -----------------------------------------------------------

    def solve_linprog(self, ub):
        res = linprog(-self.c, A_ub=self.A, b_ub=np.zeros(self.nrow),
                      bounds=np.column_stack([self.lb, ub]), method="highs")
        if res.status != 0:
            raise RuntimeError(f"linprog: {res.message}")
        return -res.fun

    def highs_model(self, ub):
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = self.ncol, self.nrow
        lp.sense_ = highspy.ObjSense.kMaximize
        lp.col_cost_ = self.c
        lp.col_lower_ = self.lb
        lp.col_upper_ = np.where(np.isinf(ub), highspy.kHighsInf, ub)
        lp.row_lower_ = np.full(self.nrow, -highspy.kHighsInf)
        lp.row_upper_ = np.zeros(self.nrow)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = self.A.indptr
        lp.a_matrix_.index_ = self.A.indices
        lp.a_matrix_.value_ = self.A.data
        return lp


def new_highs():
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    return h


def highs_run(h):
    h.run()
    status = h.getModelStatus()
    if status != highspy.HighsModelStatus.kOptimal:
        raise RuntimeError(f"HiGHS: {h.modelStatusToString(status)}")
    return h.getInfo().objective_function_value


# --------------------------------------------------------------------------
# chainmesh's trace
# --------------------------------------------------------------------------


def trace(binary, path, topology, trial, steps):
    out = subprocess.run(
        [binary, "trace", path, "--trial", str(trial), "--steps", str(steps),
         "--topology", topology, "--quiet"],
        check=True, capture_output=True, text=True).stdout
    rows = []
    for row in csv.DictReader(io.StringIO(out)):
        if row["topology"] != topology:
            continue
        down = frozenset(x for x in row["down"].split(";") if x)
        rows.append((int(row["step"]), float(row["throughput"]), down))
    if len(rows) != steps:
        raise RuntimeError(f"trace gave {len(rows)} rows for {steps} steps")
    return rows


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------


class Clock:
    def __init__(self):
        self.cpu = 0.0
        self.wall = 0.0

    def __enter__(self):
        self._c, self._w = time.process_time(), time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.cpu += time.process_time() - self._c
        self.wall += time.perf_counter() - self._w


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("file")
    ap.add_argument("--chainmesh", default="chainmesh", help="chainmesh binary")
    ap.add_argument("--topology", default="network")
    ap.add_argument("--trials", type=int, default=3)
    ap.add_argument("--first-trial", type=int, default=0)
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--form", choices=["full", "merged"], default="full")
    ap.add_argument("--rtol", type=float, default=1e-6)
    ap.add_argument("--no-cold", action="store_true", help="skip the cold solves")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args(argv)

    with open(a.file, "rb") as fh:
        scen = tomllib.load(fh)
    topo = next((t for t in scen["topology"] if t["id"] == a.topology), None)
    if topo is None:
        sys.exit(f"no topology {a.topology!r} in {a.file}")
    prog = Program(topo, a.form, scen.get("defaults", {}).get("capacity", 100.0))
    has_needs = any("needs" in n for n in topo["node"])
    print(f"# {a.file} topology {a.topology}: {len(prog.names)} nodes, {prog.num_links} links, "
          f"assemblers: {has_needs}; form {a.form}: {prog.nrow} rows x {prog.ncol} cols, "
          f"{prog.A.nnz} nonzeros; scipy {scipy.__version__}"
          + (f", highspy {highspy.Highs().version()}" if highspy else ", no highspy"))

    clocks = {"cold-linprog": Clock()}
    if highspy:
        clocks["cold-highspy"] = Clock()
        clocks["warm-highspy"] = Clock()
    if a.no_cold:
        clocks = {k: v for k, v in clocks.items() if not k.startswith("cold")}
    compared = 0
    mismatches = []
    max_rel = 0.0
    down_total = changed_total = warm_iters = 0

    def check(method, trial, step, got, want, down):
        nonlocal max_rel
        rel = abs(got - want) / max(abs(want), 1e-300) if want != 0 else abs(got)
        max_rel = max(max_rel, rel)
        if rel > a.rtol:
            mismatches.append((method, trial, step, want, got, rel, len(down)))
            print(f"MISMATCH {method} trial {trial} step {step}: chainmesh {want!r} "
                  f"HiGHS {got!r} (rel {rel:.3g}, {len(down)} down: {';'.join(sorted(down))})")

    for trial in range(a.first_trial, a.first_trial + a.trials):
        rows = trace(a.chainmesh, a.file, a.topology, trial, a.steps)
        warm = None
        if "warm-highspy" in clocks:
            warm = new_highs()
            warm.passModel(prog.highs_model(prog.ub_up))
            highs_run(warm)  # the canonical all-up solve, untimed
            held = frozenset()
        for step, want, down in rows:
            ub = prog.bounds_for(down)
            down_total += len(down)
            if "cold-linprog" in clocks:
                with clocks["cold-linprog"]:
                    got = prog.solve_linprog(ub)
                check("cold-linprog", trial, step, got, want, down)
            if "cold-highspy" in clocks:
                with clocks["cold-highspy"]:
                    h = new_highs()
                    h.passModel(prog.highs_model(ub))
                    got = highs_run(h)
                check("cold-highspy", trial, step, got, want, down)
            if warm is not None:
                flip = sorted(prog.idx[v] for v in held ^ down)
                changed_total += len(flip)
                with clocks["warm-highspy"]:
                    if flip:
                        cols = np.array(flip, dtype=np.int32)
                        warm.changeColsBounds(len(cols), cols, prog.lb[cols], ub[cols])
                        got = highs_run(warm)
                        warm_iters += warm.getInfo().simplex_iteration_count
                    else:
                        got = warm.getInfo().objective_function_value
                held = down
                check("warm-highspy", trial, step, got, want, down)
            compared += 1
        if not a.quiet:
            print(f"after trial {trial}, CPU ms per step so far: " + ", ".join(
                f"{k} {1e3 * c.cpu / compared:.2f}" for k, c in clocks.items()),
                file=sys.stderr)

    n_methods = len(clocks)
    print(f"steps compared: {compared} (x {n_methods} methods), mismatches > {a.rtol:g}: "
          f"{len(mismatches)}, max relative difference {max_rel:.3g}")
    print(f"mean down nodes per step {down_total / compared:.1f}"
          + (f", nodes changed per step {changed_total / compared:.1f}, warm simplex "
             f"iterations per step {warm_iters / compared:.1f}" if changed_total else ""))
    print(f"{'method':<14} {'CPU ms/step':>12} {'wall ms/step':>13}")
    for k, c in clocks.items():
        print(f"{k:<14} {1e3 * c.cpu / compared:>12.2f} {1e3 * c.wall / compared:>13.2f}")
    summary = " ".join(f"{k}={1e3 * c.cpu / compared:.2f}" for k, c in clocks.items())
    print(f"SUMMARY nodes={len(prog.names)} links={prog.num_links} form={a.form} "
          f"steps={compared} mismatches={len(mismatches)} max_rel={max_rel:.3g} {summary}")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
