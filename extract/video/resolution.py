"""Whole-clip resolution stage: the per-frame observations of one clip -> stable identities,
adult/infant roles, the role-prefixed frame table, dyad measures and QC."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from extract.config import DyadConfig, FacesConfig, QcConfig, RolesConfig, TrackingConfig
from extract.video.appearance import HIST_SIZE
from extract.video.body_signals import BODY_MEASURES
from extract.video.columns import AFFECT_COLUMNS, FRAME_COLUMNS, ROLES
from extract.video.covered import colour_shift, covered_faces
from extract.video.dyad import dyad_measures
from extract.video.face_signals import FACE_MEASURES
from extract.video.identities import IdentityResult, resolve_identities
from extract.video.qc import video_qc
from extract.video.roles import RoleResult, assign_roles
from extract.video.voice_cue import mouth_response

log = logging.getLogger(__name__)

POSE_COLUMNS = ("pose_found",) + BODY_MEASURES
OBS_COLUMNS = ["frame", "track", "cx", "cy", "w", "h", "score", "half"]


@dataclass
class VideoResult:
    table: pd.DataFrame  # one row per analysis frame: t_s, source_frame, adult.*, infant.*, dyad.*
    qc: dict  # QC figures (see qc.video_qc)
    notes: list[str]  # QC warnings
    landmarks: dict = field(
        default_factory=dict, repr=False
    )  # (frame, role) -> {'face': (k, 2), 'pose': (33, 3)} px


@dataclass
class ClipObservations:
    """What the per-frame loop keeps: (t_s, source_frame) per analysis frame, one row per
    tracked face per frame (PersonMeasurement rows) with its colour histogram, the frame size."""

    frames: list[tuple[float, int]] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    hists: list[np.ndarray] = field(default_factory=list)
    size: tuple[int, int] | None = None  # (width, height) px
    adult_voice: np.ndarray | None = (
        None  # per analysis frame: adult-voice share (voice_cue.py); None = no audio
    )


class ClipResolution:
    """Built from the tracking, roles, dyad and qc sections; `pose_every_n_frames`
    (pose.every_n_frames) says how far pose values carry to the frames between pose runs."""

    def __init__(
        self,
        *,
        tracking: TrackingConfig,
        roles: RolesConfig,
        dyad: DyadConfig,
        qc: QcConfig,
        pose_every_n_frames: int = 5,
        faces: FacesConfig | None = None,
    ):
        self.tracking, self.roles_cfg, self.dyad_cfg, self.qc_cfg = tracking, roles, dyad, qc
        self.pose_every_n_frames = pose_every_n_frames
        self.faces_cfg = faces or FacesConfig()

    @classmethod
    def from_config(
        cls,
        *,
        tracking: TrackingConfig,
        roles: RolesConfig,
        dyad: DyadConfig,
        qc: QcConfig,
        pose_every_n_frames: int,
        faces: FacesConfig | None = None,
    ) -> ClipResolution:
        return cls(
            tracking=tracking,
            roles=roles,
            dyad=dyad,
            qc=qc,
            pose_every_n_frames=pose_every_n_frames,
            faces=faces,
        )

    def resolve(
        self,
        obs: ClipObservations,
        *,
        infant_side: str | None = None,
        landmarks: dict | None = None,
        swap_roles: bool = False,
    ) -> VideoResult:
        """Identities and roles over the whole clip; the table. `infant_side` (a manifest value)
        overrides roles.infant_side when given; swap_roles (a reviewer's fix in roles.csv) flips the
        roles found; landmarks ((frame, track) -> points) are re-keyed by role."""
        n = len(obs.frames)
        table_obs = pd.DataFrame(obs.rows, columns=None if obs.rows else OBS_COLUMNS)
        hists = np.array(obs.hists) if obs.hists else np.zeros((0, HIST_SIZE), np.float32)
        t = self.tracking
        split = self.roles_cfg.layout != "single"
        if split:
            ident = identities_by_half(table_obs, n_frames=n, min_identity_share=t.min_identity_share)
        else:
            ident = resolve_identities(
                table_obs,
                hists,
                n_frames=n,
                max_people=t.max_people,
                size_weight=t.size_weight,
                appearance_weight=t.appearance_weight,
                position_weight=t.position_weight,
                min_identity_share=t.min_identity_share,
                swap_margin=t.swap_margin,
                min_swap_run=t.min_swap_run,
                close_fw=t.gate_fw,
                aspect=(obs.size[1] / obs.size[0]) if obs.size else 1.0,
            )
        table_obs["identity"] = ident.identity
        meshed = (
            table_obs["mesh_found"].to_numpy(float) == 1
            if "mesh_found" in table_obs
            else np.zeros(len(table_obs), bool)
        )
        table_obs["colour_shift"] = colour_shift(hists, ident.identity, meshed) if len(table_obs) else []
        kept = table_obs[table_obs.identity >= 0]
        ids = sorted(kept.identity.unique())
        widths = np.array([kept.w[kept.identity == k].median() for k in ids])
        centres = np.array(
            [[kept.cx[kept.identity == k].median(), kept.cy[kept.identity == k].median()] for k in ids]
        ).reshape(-1, 2)
        kept = kept.assign(head_shoulder=kept["w"] / kept["shoulder_w"] if "shoulder_w" in kept else np.nan)
        eye_ratios, body_widths, head_shoulder = (
            np.array([_median(kept, c, k) for k in ids]) for c in ("eye_ratio", "shoulder_w", "head_shoulder")
        )
        voice = self.voice_responses(kept, ids, obs.adult_voice, n)
        counts = {
            cue: tuple(_count(kept, column, k) for k in ids[:2])
            for cue, column in (
                ("proportion", "eye_ratio"),
                ("body", "shoulder_w"),
                ("head_shoulder", "head_shoulder"),
            )
        }
        side = (infant_side or self.roles_cfg.infant_side).strip().lower()
        notes: list[str] = []
        allowed = {"split_lr": ("left", "right"), "split_tb": ("top", "bottom")}.get(self.roles_cfg.layout)
        if allowed and side not in ("auto", *allowed):
            notes.append(
                f"infant_side {side!r} does not fit layout {self.roles_cfg.layout} ({'|'.join(allowed)}); "
                "roles from cues"
            )
            side = "auto"
        rc = self.roles_cfg
        roles = assign_roles(
            face_widths=widths,
            centres=centres,
            infant_side=side,
            size_scale=rc.size_scale,
            eye_ratios=eye_ratios,
            body_widths=body_widths,
            head_shoulder=head_shoulder,
            voice=voice,
            proportion_scale=rc.proportion_scale,
            body_scale=rc.body_scale,
            head_shoulder_scale=rc.head_shoulder_scale,
            voice_scale=rc.voice_scale,
            position_scale=rc.position_scale,
            use_position=not split,
            cue_cap=rc.cue_cap,
            min_conflict=rc.min_conflict,
            counts=counts if len(ids) == 2 else None,
        )
        if swap_roles and roles.roles:
            flipped = {k: "adult" if r == "infant" else "infant" for k, r in roles.roles.items()}
            roles = RoleResult(flipped, 1.0, "reviewer", roles.evidence)
        role_of = {ids[k]: r for k, r in roles.roles.items()}
        table = self.frame_table(obs.frames, kept, role_of)
        w, h = obs.size or (1, 1)
        self.mark_covered(table, kept, role_of, aspect=h / w)
        dyad_measures(
            table,
            aspect=h / w,
            facing_min_deg=self.dyad_cfg.facing_min_deg,
            touch_fw=self.dyad_cfg.touch_fw,
            split=split,
        )
        table = table[[c.name for c in FRAME_COLUMNS if c.name not in AFFECT_COLUMNS]]
        qc, qc_notes = video_qc(
            table,
            roles=roles,
            swap_repairs=ident.swap_repairs,
            dropped_tracks=ident.dropped_tracks,
            n_people=len(ids),
            thresholds=self.qc_cfg,
        )
        notes += qc_notes
        if split and len(ids) == 2 and roles.cue != "side":
            notes.append(
                f"{self.roles_cfg.layout} layout without infant_side: roles from face {roles.cue} (size is "
                "unreliable "
                "when the halves are zoomed differently); set roles.infant_side or the manifest column "
                "infant_side"
            )
        by_role = {}
        if landmarks is not None:
            track_role = {}
            for r in kept.itertuples():
                track_role[(r.frame, r.track)] = role_of.get(r.identity)
            by_role = {
                (f, track_role[(f, tr)]): v for (f, tr), v in landmarks.items() if track_role.get((f, tr))
            }
        log.debug(
            "video: %d frames, %d people, roles by %s (%.2f; evidence %s), %d swap repairs",
            n,
            len(ids),
            roles.cue,
            roles.confidence,
            roles.evidence,
            ident.swap_repairs,
        )
        return VideoResult(table=table, qc=qc, notes=notes, landmarks=by_role)

    def voice_responses(self, kept: pd.DataFrame, ids: list, adult_voice: np.ndarray | None, n: int):
        """Per identity: mouth response to the adult voice (voice_cue.mouth_response); None without audio."""
        if adult_voice is None or not self.roles_cfg.voice_cue or "mouth_open" not in kept:
            return None
        out = []
        for k in ids:
            mine = kept[kept.identity == k]
            mouth = np.full(n, np.nan)
            mouth[mine.frame.to_numpy(int)] = mine["mouth_open"].to_numpy(float)
            out.append(mouth_response(mouth, adult_voice))
        return np.array(out)

    def mark_covered(self, table: pd.DataFrame, kept: pd.DataFrame, role_of: dict, *, aspect: float) -> None:
        """`<role>.face_covered` (see covered.py); covered frames lose their expression and head measures."""
        shift = {}
        for role in ROLES:
            mine = kept[kept.identity.map(role_of) == role]
            shift[role] = np.full(len(table), np.nan)
            shift[role][mine.frame.to_numpy(int)] = mine["colour_shift"].to_numpy(float)
        covered = covered_faces(
            table,
            shift,
            aspect=aspect,
            hand_fw=self.faces_cfg.covered_hand_fw,
            colour_shift=self.faces_cfg.covered_colour_shift,
        )
        for role in ROLES:
            table[f"{role}.face_covered"] = covered[role]
            hidden = covered[role] == 1
            for m in ("head_source", *FACE_MEASURES, "face_motion"):
                table.loc[hidden, f"{role}.{m}"] = np.nan

    def frame_table(self, frames: list[tuple[float, int]], kept: pd.DataFrame, role_of: dict) -> pd.DataFrame:
        """One row per analysis frame: t_s, source_frame and `<role>.<measure>` from the kept observations."""
        n = len(frames)
        table = pd.DataFrame(frames, columns=["t_s", "source_frame"])
        measures = (
            "face_found",
            "face_x",
            "face_y",
            "face_w",
            "face_h",
            "face_half",
            "face_score",
            "track_id",
            "mesh_found",
            "head_source",
            *FACE_MEASURES,
            "face_motion",
            *POSE_COLUMNS,
            "motion_energy",
        )
        for role in ROLES:
            cols = {m: np.full(n, np.nan) for m in measures}
            cols["face_found"][:] = 0.0
            mine = kept[kept.identity.map(role_of) == role]
            idx = mine.frame.to_numpy(int)
            cols["face_found"][idx] = 1.0
            for src, dst in (
                ("cx", "face_x"),
                ("cy", "face_y"),
                ("w", "face_w"),
                ("h", "face_h"),
                ("score", "face_score"),
                ("track", "track_id"),
                ("half", "face_half"),
            ):
                cols[dst][idx] = mine[src].to_numpy(float)
            for m in (
                "mesh_found",
                "head_source",
                *FACE_MEASURES,
                "face_motion",
                *POSE_COLUMNS,
                "motion_energy",
            ):
                if m in mine:
                    cols[m][idx] = mine[m].to_numpy(float)
            # pose runs every k frames: carry its values to the frames between (same person present)
            k = self.pose_every_n_frames
            if k > 1:
                ran = np.isfinite(cols["pose_found"])
                last = pd.Series(np.where(ran, np.arange(n), np.nan)).ffill(limit=k - 1).to_numpy()
                ok = np.isfinite(last) & (cols["face_found"] == 1)
                src = np.where(ok, last, 0).astype(int)
                for m in POSE_COLUMNS:
                    cols[m] = np.where(ok, cols[m][src], np.nan)
            for m in measures:
                table[f"{role}.{m}"] = cols[m]
        return table


def _median(obs: pd.DataFrame, column: str, identity: int) -> float:
    """Median of an observation column for one identity; nan when the column or values are missing."""
    if column not in obs:
        return float("nan")
    v = obs.loc[obs.identity == identity, column].to_numpy(float)
    v = v[np.isfinite(v)]
    return float(np.median(v)) if len(v) else float("nan")


def _count(obs: pd.DataFrame, column: str, identity: int) -> int:
    """Frames with a finite value of an observation column for one identity."""
    if column not in obs:
        return 0
    return int(np.isfinite(obs.loc[obs.identity == identity, column].to_numpy(float)).sum())


def identities_by_half(obs: pd.DataFrame, *, n_frames: int, min_identity_share: float) -> IdentityResult:
    """Split layouts: the identity is the half (track id = half index), so a face never changes
    halves or swaps; a half whose face was found in fewer than `min_identity_share` of the frames is
    dropped."""
    identity = obs["track"].to_numpy(int).copy() if len(obs) else np.zeros(0, int)
    dropped = 0
    for k in np.unique(identity):
        if (identity == k).sum() < min_identity_share * n_frames:
            identity[identity == k] = -1
            dropped += 1
    return IdentityResult(identity=identity, swap_repairs=0, dropped_tracks=dropped)
