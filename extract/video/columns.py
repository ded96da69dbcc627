"""The documented columns of `clips/<clip_id>/frames.parquet` (generated into docs/frame_columns.md)."""

from __future__ import annotations

from dataclasses import dataclass

from extract.vocab import ROLES


@dataclass(frozen=True)
class Column:
    name: str
    unit: str
    definition: str


_BASE = [
    Column("t_s", "s", "Presentation time of the analysis frame on the container's clock."),
    Column("source_frame", "index", "Index of the decoded source frame this analysis frame is."),
]

_ROLE = [
    ("face_found", "0/1", "1 when this person's face was detected in the frame."),
    (
        "face_x",
        "frame width",
        "Face-detection box centre, x / frame width (0 = left edge); between detections the box is "
        "read off the face mesh on the detector's scale (faces.detect_every_n_frames).",
    ),
    ("face_y", "frame height", "Face-detection box centre, y / frame height (0 = top edge)."),
    ("face_w", "frame width", "Face-detection box width / frame width."),
    ("face_h", "frame height", "Face-detection box height / frame height."),
    (
        "face_half",
        "index",
        "Split-screen layouts (roles.layout split_lr|split_tb): the camera half the face was found in, 0 = "
        "left/top, 1 = right/bottom (one person per half; face_x/face_y stay whole-frame coordinates); nan "
        "for a single camera.",
    ),
    (
        "face_score",
        "0..1",
        "Face-detector confidence (on frames where the face box is read off the face mesh between "
        "detections, faces.detect_every_n_frames: the last detection's).",
    ),
    ("track_id", "id", "Online track the face belonged to (changes after long gaps; identity is the role)."),
    (
        "mesh_found",
        "0/1",
        "1 when face-mesh landmarks were found: on the tracked face crop, or on a retried tight or "
        "upright keypoint-centred crop. All expression measures (mouth, smile, eyes, brows, gaze) need it.",
    ),
    (
        "head_source",
        "code",
        "Where yaw_deg and roll_deg come from: 1 = face mesh (pitch too), 2 = the face detector's keypoints "
        "(nose tip against the ears; profiles the mesh misses; no pitch), nan = neither.",
    ),
    (
        "face_covered",
        "0/1",
        "1 when the face was found but is covered (hands, cloth, toy): no mesh landmarks, and a hand "
        "(own or partner's) within faces.covered_hand_fw face widths of the face, or the face box's colours "
        "more than "
        "faces.covered_colour_shift from this person's meshed face; expression and head measures are "
        "then empty. nan when no face was found.",
    ),
    (
        "yaw_deg",
        "deg",
        "Head yaw from the mesh's 3D landmark axes, or from the detector keypoints (head_source 2); > 0 "
        "turned towards image right.",
    ),
    ("pitch_deg", "deg", "Head pitch (mesh only); > 0 face tilted up."),
    ("roll_deg", "deg", "Head roll (eye line); > 0 tilted counter-clockwise as displayed."),
    (
        "gaze_yaw_deg",
        "deg (proxy)",
        "Head yaw + 60 deg x horizontal iris offset from the eye-corner midpoint / eye width; a direction "
        "proxy, not calibrated gaze.",
    ),
    (
        "gaze_pitch_deg",
        "deg (proxy)",
        "Head pitch - 60 deg x vertical iris offset / eye width (> 0 up); a proxy.",
    ),
    (
        "facing_partner_deg",
        "deg",
        "Head yaw towards the partner's side of the frame (> 0 towards, < 0 away); nan in split-screen "
        "layouts.",
    ),
    ("mouth_open", "face widths", "Inner-lip gap (mesh 13-14) / face width (cheeks 234-454)."),
    (
        "smile",
        "face widths",
        "Mouth-corner lift: mouth centre minus mean corner height (61, 291) along the face's vertical axis / "
        "face width; higher = more smile.",
    ),
    ("eye_open", "ratio", "Eyelid gap / eye width, mean of both eyes (eye aspect ratio)."),
    (
        "brow_raise",
        "face widths",
        "Brow (105, 334) height above the upper eyelid (159, 386) / face width, mean of both sides.",
    ),
    (
        "face_motion",
        "face widths/s",
        "Mean landmark speed with head translation and scale removed (expression motion).",
    ),
    (
        "pose_found",
        "0/1",
        "1 when body landmarks were found in this person's region in this frame (pose runs every "
        "pose.every_n_frames frames; values are carried to the frames between).",
    ),
    (
        "pose_visibility",
        "0..1",
        "Mean visibility of the upper-body pose landmarks (nose, shoulders, elbows, wrists).",
    ),
    (
        "torso_yaw_deg",
        "deg",
        "Shoulder line's rotation about the vertical (pose world landmarks); > 0 chest turned towards image "
        "right.",
    ),
    ("torso_roll_deg", "deg", "Shoulder-line tilt in the image; > 0 counter-clockwise."),
    (
        "lean_partner_fw",
        "face widths",
        "Shoulder midpoint minus hip midpoint along the direction of the partner (> 0 leaning towards); nan "
        "when hips are hidden and in split-screen layouts.",
    ),
    ("wrist_l_x", "frame width", "Left wrist x / frame width (nan when not visible)."),
    ("wrist_l_y", "frame height", "Left wrist y / frame height."),
    ("wrist_r_x", "frame width", "Right wrist x / frame width."),
    ("wrist_r_y", "frame height", "Right wrist y / frame height."),
    (
        "hand_l_x",
        "frame width",
        "Left hand (mean of the pose's pinky, index and thumb knuckles 17, 19, 21) x / frame width.",
    ),
    ("hand_l_y", "frame height", "Left hand y / frame height."),
    ("hand_r_x", "frame width", "Right hand (knuckles 18, 20, 22) x / frame width."),
    ("hand_r_y", "frame height", "Right hand y / frame height."),
    (
        "motion_energy",
        "0..1",
        "Motion energy (Ramseyer): share of pixels in this person's region (inside the person's half in "
        "split-screen layouts) whose grey level changed by more than motion.threshold since the previous "
        "analysis frame.",
    ),
]

_DYAD = [
    Column(
        "dyad.distance_norm",
        "frame width",
        "Distance between the two face centres / frame width (nan in split-screen layouts).",
    ),
    Column(
        "dyad.distance_adult_fw",
        "adult face widths",
        "The same distance / adult face width (nan in split-screen layouts).",
    ),
    Column(
        "dyad.adult_hand_infant_fw",
        "adult face widths",
        "Nearest adult wrist to the infant's face centre / adult face width (touch proxy; nan in "
        "split-screen layouts: two cameras share no space).",
    ),
    Column(
        "dyad.touch", "0/1", "1 when dyad.adult_hand_infant_fw < dyad.touch_fw (nan in split-screen layouts)."
    ),
    Column(
        "dyad.mutual_facing",
        "0/1",
        "1 when both heads turn towards each other by at least dyad.facing_min_deg (nan in split-screen "
        "layouts).",
    ),
]

# Added by the batch pipeline after the audio stage (extract/features/affect_fusion.py).
_AFFECT = [
    (
        "smile_intensity",
        "neutral=0, broad smile~1",
        "Smile index x cos(yaw) minus the person's neutral (affect.neutral_percentile over the clip), / "
        "affect.smile_span_fw. NaN without landmarks, covered, or turned beyond affect.max_yaw_deg.",
    ),
    (
        "laugh_face",
        "0/1",
        "1 when smiling (smile_intensity >= affect.smile_on) with the mouth open affect.laugh_mouth_fw "
        "beyond neutral.",
    ),
    (
        "cry_face",
        "0..1",
        "Crying-face score: mean of mouth wide open, eyes narrowed, brows lowered, each relative to the "
        "person's neutral; 0 while smiling.",
    ),
    (
        "vocal_type",
        "label",
        "Vocal type of this person's segment at the frame (speech, laugh, cry, other); '' silent.",
    ),
    (
        "affect",
        "label",
        "positive / neutral / negative / unknown, fused from vocal_type and the face (voice wins; see "
        "extract/features/affect_fusion.py).",
    ),
]
AFFECT_COLUMNS = tuple(f"{role}.{name}" for role in ROLES for name, _, _ in _AFFECT)

ROLE_MEASURES = tuple(name for name, _, _ in _ROLE)
FRAME_COLUMNS: tuple[Column, ...] = tuple(
    _BASE
    + [Column(f"{role}.{name}", unit, d) for role in ROLES for name, unit, d in _ROLE]
    + _DYAD
    + [Column(f"{role}.{name}", unit, d) for role in ROLES for name, unit, d in _AFFECT]
)


def columns_markdown() -> str:
    """The column list as a Markdown document (docs/frame_columns.md)."""
    lines = [
        "# frames.parquet columns",
        "",
        "Generated from `extract/video/columns.py` (`python -m extract.video.columns > "
        "docs/frame_columns.md`);",
        "a test keeps this file up to date. One row per analysis frame. Coordinates are normalised like",
        "MediaPipe's: x / frame width, y / frame height, (0, 0) the top-left corner. Missing = NaN.",
        "",
        "| column | unit | definition |",
        "|---|---|---|",
    ]
    lines += [f"| `{c.name}` | {c.unit} | {c.definition} |" for c in FRAME_COLUMNS]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover
    import sys

    sys.stdout.write(columns_markdown())
