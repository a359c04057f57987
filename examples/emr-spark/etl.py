"""Build per-customer features from raw events (runs on the EMR cluster through spark-submit)."""
import argparse

from pyspark.sql import SparkSession, functions as F

if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--input", required=True)
    parser.add_argument("--output", required=True)
    args = parser.parse_args()

    spark = SparkSession.builder.appName("customer-features").getOrCreate()
    events = spark.read.option("header", "true").csv(args.input)
    features = events.groupBy("customer_id").agg(
        F.count("*").alias("events"),
        F.countDistinct("session_id").alias("sessions"),
        F.max("timestamp").alias("last_seen"),
    )
    features.coalesce(1).write.mode("overwrite").option("header", "true").csv(args.output)
    spark.stop()
