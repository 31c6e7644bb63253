"""FlowPulse on the FlowPulse demo file: timings and results, to compare with leadup's.

Run through bench/flowpulse.sh, which makes the virtual environment with the pinned FlowPulse.

Three forecasts, from DemoConfig.json adapted (history 90 days, today 2025-02-21, 10,000 trials
as FlowPulse always runs): "when will 121 items be done" with the chance of making it within
120 days, and "how many items in 14 / 120 days".

Two measurements, each repeated (FlowPulse draws from an unseeded generator, so every run
gives other percentiles: the repetitions show its sampling spread):

- per forecast, a fresh Python process that runs FlowPulse's own code path for that one
  forecast (CsvService reads the file, WorkItemFilterService and
  MonteCarloService.create_closed_items_history build the history, MonteCarloService.when /
  how_many forecast), importing only the modules that path needs. Timed from spawn to the
  moment its result line arrives; inside, the load (file to history) and the forecast call
  alone are timed too.
- the real command line, `flowpulse config.json`, on the adapted config with the charts left
  out (all three forecasts in one run, as DemoConfig has them: "when 121" with target 120 days
  also runs "how many in 120 days"). Timed from spawn to the last result line; the process is
  then ended (FlowPulse's update check over the network that follows is not timed).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

WHEN_ITEMS = 121
TARGET_DAYS = 120
FORECASTS = ["when-121", "how-many-14", "how-many-120"]

# The exact values (shared data README; leadup's exact engine reproduces them).
REFERENCE = {
    "when-121": {"percentiles": [135, 144, 154, 166], "p_within_target": 0.2021},
    "how-many-14": {"percentiles": [12, 10, 7, 5]},
    "how-many-120": {"percentiles": [108, 100, 92, 84]},
}


def adapted_config(demo_config_path, csv_path, charts_dir, forecasts):
    """DemoConfig.json with the demo file's path, no charts, no raw-data export, and `forecasts`."""
    with open(demo_config_path, encoding="utf-8") as f:
        config = json.load(f)
    config["general"]["chartsFolder"] = charts_dir
    config["general"]["showPlots"] = False
    config["general"].pop("rawDataCSV", None)
    for source in config["dataSources"]:
        source["fileName"] = os.path.abspath(csv_path)
    config["charts"] = []
    config["forecasts"] = forecasts
    return config


def cli_forecasts():
    # DemoConfig's two forecasts, "Next Release" adapted from 25 to 121 items.
    return [
        {"name": "When 121", "remainingItems": WHEN_ITEMS, "targetDate": TARGET_DAYS, "storeMCSResultsDiagram": False},
        {"name": "Sprint Forecast", "targetDate": 14, "storeMCSResultsDiagram": False},
    ]


# ---------------------------------------------------------------------------------------------
# Worker: one forecast in this process, through FlowPulse's own classes.


def worker(forecast, config_path):
    import contextlib
    import io

    start = time.perf_counter()
    from flowpulse.services.ConfigService import ConfigService
    from flowpulse.services.CsvService import CsvService
    from flowpulse.services.MonteCarloService import MonteCarloService
    from flowpulse.services.WorkItemFilterService import WorkItemFilterService

    imported = time.perf_counter()
    chatter = io.StringIO()
    with contextlib.redirect_stdout(chatter):
        # As flowpulse.main does it for a CSV data source.
        config_service = ConfigService()
        config = config_service.read_config(config_path)
        today = config_service.get_today(config)
        history = config_service.get_history(config, today)
        source = config["dataSources"][0]
        csv_service = CsvService(
            source["fileName"],
            source["delimiter"],
            source["startedDateColumn"],
            source["closedDateColumn"],
            source["startDateFormat"],
            source["closedDateFormat"],
            source["estimationColumn"],
            source["itemTitleColumn"],
            history,
            today,
        )
        work_items = csv_service.get_items()
        closed = WorkItemFilterService(today, history).get_closed_items(work_items)
        service = MonteCarloService(history, config_service.get_charts_folder(config), today.date())
        throughput = service.create_closed_items_history(closed)
        loaded = time.perf_counter()
        if forecast == "when-121":
            target = config_service.get_target_date({"targetDate": TARGET_DAYS}, today)
            p50, p70, p85, p95, chance = service.when(WHEN_ITEMS, throughput, target, None)
            result = {
                "percentiles": [(d - today.date()).days for d in (p50, p70, p85, p95)],
                "p_within_target": chance / 100.0,
            }
        else:
            days = int(forecast.rsplit("-", 1)[1])
            target = config_service.get_target_date({"targetDate": days}, today)
            result = {"percentiles": list(service.how_many(target, throughput, None))}
        done = time.perf_counter()
    result["history_items"] = sum(n for day, n in throughput.items() if (today.date() - day).days < history)
    result["import_s"] = imported - start
    result["load_s"] = loaded - imported
    result["forecast_s"] = done - loaded
    print("BENCH-RESULT " + json.dumps(result), flush=True)


def spawn_until(args, env, is_last_line, cwd):
    """Starts a process; returns (seconds from spawn to the line that `is_last_line` accepts, all lines)."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=cwd)
    lines = []
    elapsed = None
    try:
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))
            if is_last_line(lines):
                elapsed = time.perf_counter() - start
                break
    finally:
        if elapsed is None:
            proc.wait()
            raise RuntimeError(f"{args}: no result\n" + "\n".join(lines) + proc.stderr.read())
        proc.terminate()  # only our own child; what follows the result (update check) is not timed
        proc.communicate()
    return elapsed, lines


def run_worker(forecast, config_path, workdir, env):
    args = [sys.executable, os.path.abspath(__file__), "--worker", forecast, config_path]
    elapsed, lines = spawn_until(args, env, lambda ls: ls[-1].startswith("BENCH-RESULT "), workdir)
    result = json.loads(lines[-1][len("BENCH-RESULT ") :])
    result["process_s"] = elapsed
    return result


def parse_cli(lines):
    """The three result blocks of the CLI run: how many in 120, when 121 (+ chance), how many in 14."""
    blocks, current = [], []
    for line in lines:
        if "Percentile:" in line:
            current.append(int(line.split(":")[1].split()[0]))
            if len(current) == 4:
                blocks.append({"percentiles": current})
                current = []
        elif line.startswith("Chance of hitting target date:"):
            blocks[-1]["p_within_target"] = float(line.split(":")[1]) / 100.0
    return blocks


def run_cli(flowpulse, config_path, workdir, env):
    def finished(lines):
        return sum(1 for line in lines if line.startswith("95 Percentile:")) == 3

    elapsed, lines = spawn_until([flowpulse, config_path], env, finished, workdir)
    blocks = parse_cli(lines)
    return {
        "process_s": elapsed,
        "how-many-120": blocks[0],
        "when-121": blocks[1],
        "how-many-14": blocks[2],
    }


def timing(values):
    return {"median_s": statistics.median(values), "min_s": min(values), "max_s": max(values), "reps": len(values)}


def error_vs_reference(forecast, result):
    ref = REFERENCE[forecast]["percentiles"]
    return max(abs(a - b) for a, b in zip(result["percentiles"], ref))


def fmt_s(s):
    return f"{s * 1e3:.0f} ms" if s < 1 else f"{s:.2f} s"


def describe(result):
    text = "/".join(str(p) for p in result["percentiles"])
    if "p_within_target" in result:
        text += f"  P(<={TARGET_DAYS}d)={result['p_within_target']:.4f}"
    return text


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", required=True)
    parser.add_argument("--config", required=True, help="FlowPulse's DemoConfig.json")
    parser.add_argument("--runs", type=int, default=5, help="processes per forecast")
    parser.add_argument("--cli-runs", type=int, default=3, help="runs of the flowpulse command")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--worker", nargs=2, metavar=("FORECAST", "CONFIG"), help=argparse.SUPPRESS)
    if "--worker" in sys.argv:
        i = sys.argv.index("--worker")
        worker(sys.argv[i + 1], sys.argv[i + 2])
        return
    args = parser.parse_args()

    from importlib.metadata import version

    flowpulse = os.path.join(os.path.dirname(sys.executable), "flowpulse")
    env = dict(os.environ, PYTHONUNBUFFERED="1", MPLBACKEND="Agg")
    report = {
        "tool": "flowpulse",
        "version": version("flowpulse"),
        "python": sys.version.split()[0],
        "trials": 10_000,
        "forecasts": {},
        "cli": None,
    }
    with tempfile.TemporaryDirectory(prefix="flowpulse-bench-") as workdir:
        charts = os.path.join(workdir, "charts")
        worker_config = os.path.join(workdir, "worker.json")
        with open(worker_config, "w", encoding="utf-8") as f:
            json.dump(adapted_config(args.config, args.csv, charts, []), f)
        cli_config = os.path.join(workdir, "config.json")
        with open(cli_config, "w", encoding="utf-8") as f:
            json.dump(adapted_config(args.config, args.csv, charts, cli_forecasts()), f, indent=2)

        for forecast in FORECASTS:
            runs = [run_worker(forecast, worker_config, workdir, env) for _ in range(args.runs)]
            report["forecasts"][forecast] = {
                "runs": runs,
                "process": timing([r["process_s"] for r in runs]),
                "load_and_forecast": timing([r["load_s"] + r["forecast_s"] for r in runs]),
                "forecast_only": timing([r["forecast_s"] for r in runs]),
                "import": timing([r["import_s"] for r in runs]),
                "max_error_vs_exact": max(error_vs_reference(forecast, r) for r in runs),
                "reference": REFERENCE[forecast],
            }
        cli_runs = [run_cli(flowpulse, cli_config, workdir, env) for _ in range(args.cli_runs)]
        report["cli"] = {
            "command": "flowpulse config.json (DemoConfig adapted: 121 items with target 120 days, sprint 14 days, no charts)",
            "runs": cli_runs,
            "process": timing([r["process_s"] for r in cli_runs]),
        }

    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"FlowPulse {report['version']} (Python {report['python']}), 10,000 trials per forecast")
    print()
    print(f"{'forecast':14} {'run':>3}  {'result':42} {'process':>9} {'load+fc':>9} {'forecast':>9}")
    for forecast, f in report["forecasts"].items():
        for i, r in enumerate(f["runs"], 1):
            print(
                f"{forecast:14} {i:>3}  {describe(r):42} {fmt_s(r['process_s']):>9} "
                f"{fmt_s(r['load_s'] + r['forecast_s']):>9} {fmt_s(r['forecast_s']):>9}"
            )
        print(
            f"{'':14} med  {'exact: ' + describe(f['reference']):42} {fmt_s(f['process']['median_s']):>9} "
            f"{fmt_s(f['load_and_forecast']['median_s']):>9} {fmt_s(f['forecast_only']['median_s']):>9}"
        )
    print()
    for i, r in enumerate(report["cli"]["runs"], 1):
        results = ", ".join(f"{name} {describe(r[name])}" for name in FORECASTS)
        print(f"flowpulse CLI run {i}: {fmt_s(r['process_s'])} to the last result ({results})")


if __name__ == "__main__":
    main()
