"""Rows to figures and the pages that show them: periods, rollups, sessions, figures, charts, the
dashboard and the shared dashboard."""
