"""Check the data before training (runs inside the SageMaker processing job).

Fits a least-squares baseline on a shuffled 80/20 split of the raw CSV (label in the first column),
writes the baseline's mean squared error to evaluation.json, which the pipeline reads with JsonGet,
and writes the training split for the training step.
"""
import json
import os

import numpy as np
import pandas as pd

INPUT = "/opt/ml/processing/input/raw.csv"
OUTPUT = "/opt/ml/processing"

if __name__ == "__main__":
    df = pd.read_csv(INPUT, header=None).sample(frac=1.0, random_state=42)
    features = pd.get_dummies(df.iloc[:, 1:], dtype=float).to_numpy()
    labels = df.iloc[:, 0].to_numpy(dtype=float)
    split = int(len(df) * 0.8)
    x_train = np.c_[np.ones(split), features[:split]]
    x_test = np.c_[np.ones(len(df) - split), features[split:]]
    coef, *_ = np.linalg.lstsq(x_train, labels[:split], rcond=None)
    mse = float(np.mean((x_test @ coef - labels[split:]) ** 2))

    os.makedirs(f"{OUTPUT}/evaluation", exist_ok=True)
    with open(f"{OUTPUT}/evaluation/evaluation.json", "w") as f:
        json.dump({"regression_metrics": {"mse": {"value": mse}}}, f)
    os.makedirs(f"{OUTPUT}/train", exist_ok=True)
    df.iloc[:split].to_csv(f"{OUTPUT}/train/train.csv", header=False, index=False)
