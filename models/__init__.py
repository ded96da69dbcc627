"""dyadscope models: features + ratings -> models, predictions, review flags, validation, reports.

Depends on `extract` (feature schema, config); `extract` never imports this package."""
