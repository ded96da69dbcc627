"""`dyadscope moments OUT [--export DIR] [--pad S]`: the positive moments of a run, listed per
clip, and on request written as short MP4 excerpts for video feedback."""

from __future__ import annotations

from pathlib import Path

from extract.moments.export import export_moments, run_moments


def cmd_moments(args) -> int:
    moments = run_moments(args.out)
    if not len(moments):
        print(f"no moments in {Path(args.out).resolve()} (clips/<clip_id>/moments.csv)")
        return 0
    for clip_id, rows in moments.groupby("clip_id", sort=False):
        print(f"{clip_id}:")
        for m in rows.itertuples():
            thumb = f"  [{m.thumbnail}]" if m.thumbnail else ""
            print(f"  {m.rank}. {m.start_s:7.2f}-{m.end_s:7.2f} s  {m.kind:<22} {m.description}{thumb}")
    if args.export is not None:
        written = export_moments(moments, args.export, pad_s=args.pad)
        print(f"{len(written)} excerpts in {Path(args.export).resolve()} (<clip_id>_<rank>_<kind>.mp4)")
    return 0


def add_moments_parser(sub) -> None:
    p = sub.add_parser(
        "moments", help="list the positive moments of a run per clip; --export writes them as MP4 excerpts"
    )
    p.add_argument("out", type=Path, help="the 'dyadscope extract' output folder")
    p.add_argument(
        "--export", type=Path, metavar="DIR", help="write DIR/<clip_id>_<rank>_<kind>.mp4 excerpts"
    )
    p.add_argument(
        "--pad", type=float, default=0.0, metavar="S", help="seconds added before and after each excerpt"
    )
    p.set_defaults(func=cmd_moments)
