"""The Indonesian complaint-text classifier: category, jenis and kewenangan with confidences (no Django)."""
