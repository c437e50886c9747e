"""spark-submit entry point of the OpenAlex snapshot job (docs/scale.md).

    spark-submit --master yarn --py-files vinculo-0.1.0-py3-none-any.whl \
        scripts/spark_openalex_snapshot.py /mnt/openalex /shared/builds/openalex-2024-06

Runs ``vinculo.evidence.snapshot.build_snapshot`` with the Spark engine on the session that
spark-submit configured (master, executors, memory) and writes the Parquet tables and
``provenance.json`` to OUTPUT; load them on the machine with the store:
``vinculo data import openalex-snapshot OUTPUT``.
"""

from __future__ import annotations

import argparse
import json
import sys

from vinculo.evidence.snapshot import build_snapshot, spark_session
from vinculo.evidence.store import EvidenceError


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("snapshot", help="folder holding data/works and data/merged_ids")
    parser.add_argument("output", help="new folder for the Parquet tables")
    args = parser.parse_args()
    spark = spark_session()
    try:
        result = build_snapshot(
            args.snapshot, args.output, engine="spark", spark=spark, progress=print
        )
    except EvidenceError as error:
        sys.exit(f"error: {error}")
    finally:
        spark.stop()
    print(json.dumps(result.provenance, indent=2))


if __name__ == "__main__":
    main()
