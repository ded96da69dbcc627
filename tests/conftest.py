import sys
from pathlib import Path

# Media test helpers (tests/media_fixtures.py) are imported by tests/unit and tests/integration.
if str(Path(__file__).parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).parent))
