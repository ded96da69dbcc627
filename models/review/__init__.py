"""Review pages: OUT/review/index.html (the queue) and one page per clip with the video, the
synchronized signal tracks, the prediction, the reasons and the reviewer's decisions.

Pages work from the file system alone (no server, no network): styles and scripts are inline,
the data is embedded as JSON, media are relative links. Decisions are kept in the browser and
exported as review_decisions.csv, read back by `dyadscope review-import`."""

from models.review.pages import write_review
from models.review.preview import write_previews

__all__ = ["write_previews", "write_review"]
