"""`dyadscope review-import`: decisions downloaded from the review pages back into the run."""

from __future__ import annotations

from pathlib import Path

from models.review.decisions import DECISIONS_FILE, import_decisions


def cmd_review_import(args) -> int:
    result = import_decisions(args.decisions, args.out)
    d = result.decisions
    print(
        f"{result.imported} decisions read; {Path(args.out).resolve() / DECISIONS_FILE} holds {len(d)} clips "
        f"({(d.decision == 'agree').sum()} agree, {(d.decision == 'disagree').sum()} disagree, "
        f"{(d.exclude == '1').sum()} excluded, {(d.roles_wrong == '1').sum()} roles wrong)"
    )
    if result.swapped:
        print(
            f"roles.csv: fix set for {', '.join(result.swapped)}; the next run into this folder redoes them"
        )
    for clip in result.already:
        print(
            f"  {clip}: roles.csv already swaps this clip; set infant_side in roles.csv (see its role sheet)"
        )
    if result.unknown:
        print(f"  not in qc.csv (kept anyway): {', '.join(result.unknown)}")
    return 0


def add_review_parser(sub) -> None:
    p = sub.add_parser(
        "review-import", help="import review_decisions.csv from the review pages (roles wrong -> roles.csv)"
    )
    p.add_argument("decisions", type=Path, help="review_decisions.csv downloaded from OUT/review/*.html")
    p.add_argument("--out", type=Path, required=True, help="the run folder (OUT)")
    p.set_defaults(func=cmd_review_import)
