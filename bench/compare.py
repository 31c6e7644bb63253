"""Side-by-side of bench/run's results: leadup-forecast (bench_forecast --json) and FlowPulse
(bench/flowpulse.sh --json), against the exact reference of the shared data README.

    python3 bench/compare.py leadup.json flowpulse.json [meta.json]
"""

import json
import sys

QUESTIONS = [
    ("when-121", "exact-when-121", "when 121 items (days)"),
    ("how-many-14", "exact-how-many-14", "how many in 14 days"),
    ("how-many-120", "exact-how-many-120", "how many in 120 days"),
]
REQUIRED_RATIO = 200


def fmt_s(s):
    if s < 1e-3:
        return f"{s * 1e6:.0f} µs"
    if s < 1:
        return f"{s * 1e3:.2f} ms" if s < 0.1 else f"{s * 1e3:.0f} ms"
    return f"{s:.2f} s"


def fmt_rate(r):
    if r >= 1e9:
        return f"{r / 1e9:.2f} G/s"
    if r >= 1e6:
        return f"{r / 1e6:.2f} M/s"
    return f"{r / 1e3:.1f} k/s"


def pct(p):
    return "/".join(str(v) for v in p)


def error(p, ref):
    return max(abs(a - b) for a, b in zip(p, ref))


def main():
    leadup = json.load(open(sys.argv[1], encoding="utf-8"))
    flowpulse = json.load(open(sys.argv[2], encoding="utf-8"))
    meta = json.load(open(sys.argv[3], encoding="utf-8")) if len(sys.argv) > 3 else None
    lf = {f["id"]: f for f in leadup["forecasts"]}
    mc1, mc2 = lf["mc-when-121-1t"], lf["mc-when-121-2t"]

    if meta:
        print(f"machine: {meta['model']}, nproc {meta['nproc']}; {meta['date']}")
        print(f"load average (1 min) before / after leadup / after FlowPulse: {' / '.join(meta['loadavg'])}")
    print(
        f"input: FlowPulse demo file, 90-day history ending {leadup['today']} ({leadup['history_items']} items); "
        f"FlowPulse {flowpulse['version']} on Python {flowpulse['python']}"
    )
    print()
    print("RESULTS vs the exact reference (P50/P70/P85/P95; max |error| in brackets)")
    head = f"{'question':24} {'exact reference':17} {'leadup exact':21} {'leadup MC 10k':21} FlowPulse 10k, one per run"
    print(head)
    for fp_id, lu_id, label in QUESTIONS:
        fp = flowpulse["forecasts"][fp_id]
        ref = fp["reference"]["percentiles"]
        ex = lf[lu_id]["answer"]["percentiles"]
        mc = mc1["answer"]["percentiles"] if fp_id == "when-121" else None
        runs = [r["percentiles"] for r in fp["runs"]]
        mc_text = f"{pct(mc)} [{error(mc, ref)}]" if mc else "-"
        print(
            f"{label:24} {pct(ref):17} {pct(ex) + f' [{error(ex, ref)}]':21} {mc_text:21} "
            + ", ".join(pct(r) for r in runs)
            + f" [{max(error(r, ref) for r in runs)}]"
        )
        if fp_id == "when-121":
            pref = fp["reference"]["p_within_target"]
            pex = lf[lu_id]["answer"]["p_within_target"]
            pmc = mc1["answer"]["p_within_target"]
            pfp = [r["p_within_target"] for r in fp["runs"]]
            print(
                f"{'  P(done within 120 d)':24} {pref:<17.4f} {pex:<21.4f} {pmc:<21.4f} "
                + ", ".join(f"{p:.4f}" for p in pfp)
                + f" [{max(abs(p - pref) for p in pfp):.4f}]"
            )
    print(
        f"(the exact engine's error is zero by construction; FlowPulse and leadup MC sample "
        f"{flowpulse['trials']:,} trials, FlowPulse unseeded, leadup MC seeded)"
    )

    print()
    print("TIME PER FORECAST (median of the runs; ratio = FlowPulse / leadup)")
    print(
        f"{'forecast':24} {'':10} {'leadup':>10} {'FlowPulse':>10} {'ratio':>9}"
    )
    ratios = []
    for fp_id, lu_id, label in QUESTIONS:
        fp = flowpulse["forecasts"][fp_id]
        lu = lf[lu_id]
        rows = [
            ("process", lu["process"]["median_s"], fp["process"]["median_s"]),
            ("in-process", lu["end_to_end"]["median_s"], fp["load_and_forecast"]["median_s"]),
            ("forecast", lu["forecast_only"]["median_s"], fp["forecast_only"]["median_s"]),
        ]
        for i, (kind, a, b) in enumerate(rows):
            print(f"{label if i == 0 else '':24} {kind:10} {fmt_s(a):>10} {fmt_s(b):>10} {b / a:>8.0f}×")
            if kind == "process":
                ratios.append(b / a)
    print(
        "(process: spawn until the result, read file + history + forecast + print; in-process: the same "
        "without starting a process;\n forecast: the forecast call alone, from the daily history)"
    )
    cli = flowpulse["cli"]["process"]["median_s"]
    lu_three = sum(lf[lu_id]["process"]["median_s"] for _, lu_id, _ in QUESTIONS)
    print(
        f"flowpulse command line, DemoConfig adapted (when 121 + 120 days, how many in 14 days), spawn to last "
        f"result: {fmt_s(cli)}; leadup's three processes together: {fmt_s(lu_three)} ({cli / lu_three:.0f}×)"
    )

    print()
    print("MONTE CARLO, when 121 items, 10,000 trials")
    fp_when = flowpulse["forecasts"]["when-121"]["forecast_only"]["median_s"]
    fp_rate = flowpulse["trials"] / fp_when
    raw = {r["threads"]: r["draws_per_s"] for r in leadup["raw_draws"]}
    for mc, threads in ((mc1, 1), (mc2, 2)):
        draws = mc["draws_per_s"]
        print(
            f"  leadup, {threads} thread(s): {fmt_s(mc['forecast_only']['median_s'])}, {fmt_rate(mc['trials_per_s'])} trials, "
            f"× {mc['answer']['draws_per_trial']:.1f} draws/trial = {fmt_rate(draws)} draws "
            f"= {100 * draws / raw[threads]:.0f}% of the raw rng rate ({fmt_rate(raw[threads])})"
        )
    print(
        f"  FlowPulse (1 thread): {fmt_s(fp_when)}, {fmt_rate(fp_rate)} trials "
        f"(leadup 1 thread: {mc1['trials_per_s'] / fp_rate:.0f}× the trials per second)"
    )
    fp_process = flowpulse["forecasts"]["when-121"]["process"]["median_s"]
    mc_ratios = [fp_process / mc["process"]["median_s"] for mc in (mc1, mc2)]
    print(
        f"  process to process: leadup MC {fmt_s(mc1['process']['median_s'])} (1 thread) / "
        f"{fmt_s(mc2['process']['median_s'])} (2 threads) vs FlowPulse {fmt_s(fp_process)}: "
        f"{mc_ratios[0]:.0f}× / {mc_ratios[1]:.0f}×"
    )

    print()
    p = leadup["portfolio"]
    print(
        f"PORTFOLIO (leadup): {p['teams']} teams, {p['initiatives']} initiatives, WIP {p['wip_limit']}, "
        f"{p['trials_per_team']:,} trials per team; identical on 1 and 2 threads: {p['identical_across_threads']}"
    )
    for run in p["runs"]:
        print(
            f"  {run['threads']} thread(s): {fmt_s(run['end_to_end']['median_s'])} end to end, "
            f"{fmt_s(run['forecast_only']['median_s'])} simulations alone "
            f"({fmt_s(run['forecast_only_cpu_s'] or float('nan'))} CPU time), {fmt_rate(run['trials_per_s'])} trials"
        )

    print()
    worst = min(ratios)
    verdict = "met" if worst >= REQUIRED_RATIO else "NOT met"
    exact_ok = all(
        error(lf[lu_id]["answer"]["percentiles"], flowpulse["forecasts"][fp_id]["reference"]["percentiles"]) == 0
        for fp_id, lu_id, _ in QUESTIONS
    )
    fp_error = max(flowpulse["forecasts"][fp_id]["max_error_vs_exact"] for fp_id, _, _ in QUESTIONS)
    print(
        f"VERDICT: leadup's exact forecasts, end to end per forecast (process to process), are {worst:.0f}× to "
        f"{max(ratios):.0f}× faster than FlowPulse (required ≥{REQUIRED_RATIO}×: {verdict}), with error 0 against "
        f"FlowPulse's up to {fp_error} (at least as accurate: {'yes' if exact_ok else 'NO'}).\n"
        f"         leadup's Monte Carlo engine on the same 'when' question, process to process: "
        f"{mc_ratios[0]:.0f}× (1 thread) / {mc_ratios[1]:.0f}× (2 threads), "
        f"{'above' if min(mc_ratios) >= REQUIRED_RATIO else 'not above'} {REQUIRED_RATIO}× on both."
    )

if __name__ == "__main__":
    main()
