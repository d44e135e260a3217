"""Streaming residuals of hb-svod productions (SPEC §6.1, issue 5).

Modules, in the order a run uses them:

* :mod:`.settings`: the rule set's ``residuals.yaml`` (territories, tables, thresholds);
* :mod:`.schemas`: the five input tables and their column kinds;
* :mod:`.engines`: DuckDB (default, in process) and Spark (local mode or a cluster);
* :mod:`.pipeline`: the one Ibis definition of every engine-side step, compiled per engine;
* :mod:`.validation`: the report of problems found before anything is computed;
* :mod:`.compute` and :mod:`.bonus`: exhibition years and the money, in exact decimals;
* :mod:`.run`: one run from folder to result; :mod:`.outputs`: JSON, CSV and Parquet;
* :mod:`.generate`: realistic, deterministic datasets for tests and benchmarks.
"""
