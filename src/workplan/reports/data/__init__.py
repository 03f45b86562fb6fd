"""Report data, computed once by plain functions returning rows, totals and sentences; the
renderers (``reports.render``) only lay them out."""
