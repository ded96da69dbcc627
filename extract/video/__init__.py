"""Video signals: both people's faces and bodies, stable identities, adult/infant roles, per-frame behaviour.

Stages (each a function over arrays, one job per module):
  backend.py      the only module that calls MediaPipe (detection, face mesh, pose)
  geometry.py     boxes, square crops and their inverse maps
  appearance.py   colour histograms for re-identification
  tracking.py     online association of detections to tracks (position, size, appearance)
  identities.py   offline: tracklets -> two identities, swap repair
  roles.py        identities -> adult / infant with a confidence
  face_signals.py mesh landmarks -> head pose, gaze proxy, mouth, smile, eyes, brows
  body_signals.py pose landmarks -> torso orientation, lean, wrists
  motion.py       motion energy (frame differencing in each person's region)
  dyad.py         distance, touch proxy, facing
  columns.py      the documented column list of frames.parquet
  qc.py           QC figures and warnings
  detection.py    stage: both face-detection passes over each layout region
  measurement.py  stage: per tracked face, crop + mesh, motion and pose in the person's region
  resolution.py   stage: whole clip, identities, roles, the table, dyad measures, QC
  extractor.py    VideoExtractor: the per-frame loop over the three stages
  overlay.py      overlay video with boxes, roles and landmarks
  run.py          video_signals(path, cfg): decode, extract, overlay for one clip file
"""

from extract.video.columns import FRAME_COLUMNS, columns_markdown
from extract.video.extractor import VideoExtractor, VideoResult

__all__ = ["FRAME_COLUMNS", "VideoExtractor", "VideoResult", "columns_markdown"]
