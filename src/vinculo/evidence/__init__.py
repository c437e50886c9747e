"""Evidence: public sources and user tables into canonical tables, with provenance.

So far: reading user tables (CSV, Parquet) with their checksum, and atomic Parquet output.
The evidence store and the source connectors come with issue #3.
"""
