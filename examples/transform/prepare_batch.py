"""Drop the label column of the raw CSV so the rows can be scored (runs inside the SageMaker processing job)."""
import os

import pandas as pd

INPUT = "/opt/ml/processing/input/raw.csv"
OUTPUT = "/opt/ml/processing/batch"

if __name__ == "__main__":
    df = pd.read_csv(INPUT, header=None)
    os.makedirs(OUTPUT, exist_ok=True)
    df.iloc[:, 1:].to_csv(f"{OUTPUT}/batch.csv", header=False, index=False)
