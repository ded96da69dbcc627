"""dyadscope extraction: clip -> signals -> per-clip features. Never imports `models`."""

__version__ = "0.1.0"
