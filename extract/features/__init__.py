"""Clip features: synchrony, interaction episodes, aggregation, and the feature dictionary."""
