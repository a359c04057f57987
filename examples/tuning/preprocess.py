"""Split the raw CSV into train and validation sets (runs inside the SageMaker processing job)."""
import os

import pandas as pd

INPUT = "/opt/ml/processing/input/raw.csv"
OUTPUT = "/opt/ml/processing"

if __name__ == "__main__":
    df = pd.read_csv(INPUT, header=None)
    df = df.sample(frac=1.0, random_state=42)
    split = int(len(df) * 0.8)
    os.makedirs(f"{OUTPUT}/train", exist_ok=True)
    os.makedirs(f"{OUTPUT}/validation", exist_ok=True)
    df.iloc[:split].to_csv(f"{OUTPUT}/train/train.csv", header=False, index=False)
    df.iloc[split:].to_csv(f"{OUTPUT}/validation/validation.csv", header=False, index=False)
