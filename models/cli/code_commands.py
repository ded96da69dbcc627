"""`dyadscope agree` (per-frame signals against ELAN / BORIS codes) and the codes flags of `train`."""

from __future__ import annotations

from pathlib import Path

from models import code_services
from models.agreement_run import POOLED
from models.codes import CodesError


def cmd_agree(args) -> int:
    table = code_services.agree(
        args.codes, args.mapping, args.out, run_dir=args.frames, resamples=args.bootstrap, seed=args.seed
    )
    pooled = table[table.clip_id == POOLED]
    n_clips = table[table.clip_id != POOLED].clip_id.nunique()
    print(f"{n_clips} coded clips matched; pooled agreement per behaviour:")
    for r in pooled.itertuples():
        rule = r.rule if r.rule == "default" else f"best threshold {r.threshold:.3g}"
        print(
            f"  {r.behaviour} ({rule}): frame kappa {r.kappa:.2f} "
            f"[{r.kappa_ci_low:.2f}, {r.kappa_ci_high:.2f}], "
            f"F1 {r.f1:.2f}, event F1 {r.event_f1:.2f}"
            + (f", ROC AUC {r.auc:.2f}" if r.auc == r.auc else "")
            + (" (below 0.5: the signal runs against the codes)" if r.auc < 0.5 else "")
        )
    print(f"results in {Path(args.out).resolve()} (agreement.csv, agreement_frames.csv, agreement.html)")
    return 0


def ratings_path_for_train(args, cfg) -> Path:
    """The ratings file `train` reads: the RATINGS argument, or one computed from --codes."""
    if args.codes:
        if not args.mapping or args.ratings is not None:
            raise CodesError("train: --codes needs --mapping (which codes make which ratings) and no RATINGS")
        out = Path(args.out).with_name(Path(args.out).stem + ".ratings_from_codes.csv")
        return code_services.ratings_from_codes(
            args.codes, args.mapping, args.features, out, meta_paths=(args.manifest, args.qc), cfg=cfg
        )
    if args.ratings is None:
        raise CodesError("train: give RATINGS, or --codes with --mapping")
    return args.ratings


def add_codes_flags(p) -> None:
    p.add_argument(
        "--codes", type=Path, nargs="+", help="ELAN .eaf / BORIS exports (files or folders), one per clip"
    )
    p.add_argument(
        "--mapping", type=Path, help="codes mapping YAML (its 'ratings' section makes the ratings)"
    )


def add_agree_parser(sub) -> None:
    p = sub.add_parser("agree", help="agreement of per-frame signals with human ELAN / BORIS codes")
    p.add_argument(
        "codes", type=Path, nargs="+", help="ELAN .eaf / BORIS exports (files or folders), one per clip"
    )
    p.add_argument("--mapping", type=Path, required=True, help="YAML: behaviours -> codes and signals")
    p.add_argument("--out", type=Path, required=True, help="output folder (agreement.csv, agreement.html)")
    p.add_argument(
        "--frames", type=Path, help="the run folder with clips/<clip_id>/frames.parquet (default --out)"
    )
    p.add_argument("--bootstrap", type=int, default=1000, help="bootstrap resamples of clips for the CIs")
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=cmd_agree)
