"""Split every CSV under the input prefix into train and test sets (runs inside the SageMaker processing job)."""
import os

import pandas as pd

INPUT = "/opt/ml/processing/input"
OUTPUT = "/opt/ml/processing"

if __name__ == "__main__":
    df = pd.concat(pd.read_csv(os.path.join(INPUT, f), header=None) for f in sorted(os.listdir(INPUT)) if f.endswith(".csv"))
    df = df.sample(frac=1.0, random_state=42)
    split = int(len(df) * 0.8)
    os.makedirs(f"{OUTPUT}/train", exist_ok=True)
    os.makedirs(f"{OUTPUT}/test", exist_ok=True)
    df.iloc[:split].to_csv(f"{OUTPUT}/train/train.csv", header=False, index=False)
    df.iloc[split:].to_csv(f"{OUTPUT}/test/test.csv", header=False, index=False)
