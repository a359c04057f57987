"""Feature engineering for the abalone data (runs in the SageMaker Scikit-learn processing image).

Reads the raw CSV (no header; the ring count is the label), imputes and scales the numeric columns,
one-hot encodes `sex`, and writes shuffled 70/15/15 train, validation and test splits with the label
in the first column, as the built-in XGBoost algorithm expects.
"""
import os

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

BASE_DIR = "/opt/ml/processing"
FEATURES = ["sex", "length", "diameter", "height", "whole_weight", "shucked_weight", "viscera_weight", "shell_weight"]
LABEL = "rings"
NUMERIC = FEATURES[1:]

if __name__ == "__main__":
    input_dir = f"{BASE_DIR}/input"
    files = [os.path.join(input_dir, f) for f in sorted(os.listdir(input_dir)) if f.endswith(".csv")]
    df = pd.concat(pd.read_csv(f, header=None, names=FEATURES + [LABEL]) for f in files)

    y = df.pop(LABEL).to_numpy(dtype=float)
    preprocess = ColumnTransformer([
        ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), NUMERIC),
        ("cat", make_pipeline(SimpleImputer(strategy="constant", fill_value="missing"), OneHotEncoder(handle_unknown="ignore")), ["sex"]),
    ])
    x = preprocess.fit_transform(df)
    data = np.concatenate((y.reshape(-1, 1), x), axis=1)
    np.random.default_rng(42).shuffle(data)

    n = len(data)
    train, validation, test = np.split(data, [int(0.7 * n), int(0.85 * n)])
    for name, split in (("train", train), ("validation", validation), ("test", test)):
        os.makedirs(f"{BASE_DIR}/{name}", exist_ok=True)
        pd.DataFrame(split).to_csv(f"{BASE_DIR}/{name}/{name}.csv", header=False, index=False)
