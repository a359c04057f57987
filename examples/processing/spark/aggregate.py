"""Aggregate the training set per sex with PySpark (runs in the SageMaker Spark processing image)."""
import argparse

from pyspark.sql import SparkSession

from spark_utils import summarize

parser = argparse.ArgumentParser()
parser.add_argument("--input", required=True)
parser.add_argument("--output", required=True)
args = parser.parse_args()

spark = SparkSession.builder.appName("aggregate").getOrCreate()
frame = spark.read.csv(args.input, inferSchema=True)
summarize(frame).write.mode("overwrite").parquet(args.output)
