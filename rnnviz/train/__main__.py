"""python -m rnnviz.train <model-name | all> [--smoke] [--out DIR] [--threads N] [--quiet-test]"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import torch

from rnnviz.train import TRAINERS, common


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m rnnviz.train", description=__doc__)
    p.add_argument("names", nargs="+", help=f"model names or 'all': {', '.join(TRAINERS)}")
    p.add_argument("--smoke", action="store_true",
                   help="tiny model, tiny data, few steps, written to a temporary dir (or --out)")
    p.add_argument("--out", type=Path, default=None,
                   help="output root (default assets/models, or a temp dir with --smoke)")
    p.add_argument("--threads", type=int, default=1, help="torch threads (default 1: shared machine)")
    p.add_argument("--quiet-test", action="store_true",
                   help="log no held-out test number (choose a recipe on validation and dev data only)")
    args = p.parse_args(argv)
    names = list(TRAINERS) if args.names == ["all"] else args.names
    unknown = [n for n in names if n not in TRAINERS]
    if unknown:
        p.error(f"unknown model(s) {unknown}; choose from: {', '.join(TRAINERS)} or all")
    out = args.out or (Path(tempfile.mkdtemp(prefix="rnnviz-smoke-")) if args.smoke else common.ASSETS)
    if args.smoke and out.resolve() == common.ASSETS.resolve():
        p.error("--smoke never writes into assets/models")
    torch.set_num_threads(args.threads)
    log = common.without_test_lines(common.log) if args.quiet_test else common.log
    for name in names:
        config = TRAINERS[name]()(out / name, smoke=args.smoke, log=log)
        metrics = common.without_test_metrics(config["metrics"]) if args.quiet_test else config["metrics"]
        log(f"{name}: {metrics} in {config['training']['seconds']}s -> {out / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
