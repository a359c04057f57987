"""Fits the feature transformer of the abalone data and writes it as a model archive.

Outputs:
- /opt/ml/processing/model/model.tar.gz: the fitted transformer (model.joblib), which the
  scikit-learn container of the inference pipeline loads with inference.py;
- /opt/ml/processing/train/train.csv: the transformed training data (label first), for XGBoost.
"""
import os
import tarfile

import joblib
import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

BASE = "/opt/ml/processing"
COLUMNS = ["sex", "length", "diameter", "height", "whole_weight", "shucked_weight", "viscera_weight", "shell_weight", "rings"]
NUMERIC = COLUMNS[1:-1]

if __name__ == "__main__":
    df = pd.read_csv(f"{BASE}/input/abalone-dataset.csv", header=None, names=COLUMNS)
    y = df.pop("rings")
    transformer = ColumnTransformer([
        ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), NUMERIC),
        ("cat", make_pipeline(SimpleImputer(strategy="constant", fill_value="missing"), OneHotEncoder(handle_unknown="ignore")), ["sex"]),
    ])
    features = transformer.fit_transform(df)

    os.makedirs(f"{BASE}/train", exist_ok=True)
    pd.DataFrame(np.column_stack([y.to_numpy(), features])).to_csv(f"{BASE}/train/train.csv", header=False, index=False)

    os.makedirs(f"{BASE}/model", exist_ok=True)
    joblib.dump(transformer, "model.joblib")
    with tarfile.open(f"{BASE}/model/model.tar.gz", "w:gz") as archive:
        archive.add("model.joblib")
