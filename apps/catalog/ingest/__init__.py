"""Dataset ingestion: detect, stream, validate against the field list, write Parquet.

The modules below know nothing of Django except `services.py`, so the benchmark can
run the pipeline in a bare subprocess and measure it.
"""
