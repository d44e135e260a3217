"""Validation of a residual input folder before anything is computed (SPEC §6.1, issue 5).

Problems found, each with a count and the first 20 offending rows (ordered by key):

================== =========================================================================
code               what
================== =========================================================================
missing-table      no ``<table>.csv`` or ``<table>.parquet`` in the folder, or both
missing-columns    a table lacks an expected column (nothing can be computed)
extra-columns      a table has a column that is not expected
wrong-types        a value is missing or does not convert to its column's kind
negative-values    negative hours, subscribers or residual base; runtime not above 0
duplicate-rows     rows sharing their key (see :mod:`..schemas`) with another row
unknown-productions titles or cast rows for a production not in ``productions``
unknown-titles     viewership rows for a title not in ``titles``
missing-subscribers a domestic territory without a count on or before a year's first day
================== =========================================================================

With ``skip_bad_rows`` the computation uses the good rows: rows with a problem are left out;
of duplicated rows whose values agree one copy is kept, and a key whose copies disagree is left
out entirely; a production-year without domestic subscribers is left out of the results.
Missing tables or columns cannot be skipped.

The viewership checks run inside the engine in a few scans: whole-table figures (values held,
least hours, date range: read from a Parquet file's footer, no scan), one aggregate per (platform,
title) (row counts), per-title problem counts only when the figures show a problem or a title is
unknown, and the search for duplicated keys. How the engine narrows that search is its own
business (:meth:`.engines.Engine.viewership_overview`):
DuckDB builds one bitmap of territory x day per title in the same aggregate (a title with more
rows than set bits holds a duplicate), narrows the suspects down to territories the same way,
and groups only their rows by key, so no hash table of every key is built (memory stays well
under a gigabyte for 100,000,000 rows). Spark groups every key.

Modules, each one concern:

* :mod:`._report`: :class:`Problem`, :class:`ValidationReport` and how samples are shown;
* :mod:`._columns`: one file per table, and its columns (missing or extra);
* :mod:`._keys`: the small tables: types, duplicated keys, ranges, unknown productions;
* :mod:`._viewership`: the same checks of viewership, on the engine, plus unknown titles;
* :mod:`._subscribers`: domestic subscribers for each production-year;
* :mod:`._inputs`: :func:`validate`, which runs them in that order, and the :class:`Inputs`.
"""

from likeness.compensation.residuals.validation._columns import find_table_files
from likeness.compensation.residuals.validation._inputs import Inputs, validate
from likeness.compensation.residuals.validation._report import Problem, ValidationReport

__all__ = ["Inputs", "Problem", "ValidationReport", "find_table_files", "validate"]
