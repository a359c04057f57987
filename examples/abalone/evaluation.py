"""Model evaluation for the abalone pipeline (runs in the SageMaker XGBoost image).

Loads the trained model from `model.tar.gz`, scores the test split (label in the first column) and
writes `evaluation.json`: the pipeline's condition step reads `regression_metrics.mse.value` from it
with JsonGet, and the registered model version carries it as its model-quality statistics.
"""
import json
import os
import pickle
import tarfile

import numpy as np
import pandas as pd
import xgboost

BASE_DIR = "/opt/ml/processing"

if __name__ == "__main__":
    with tarfile.open(f"{BASE_DIR}/model/model.tar.gz") as tar:
        tar.extractall(path=".")
    try:  # the built-in algorithm pickles the booster; newer versions may save it in XGBoost's own format
        with open("xgboost-model", "rb") as f:
            model = pickle.load(f)
    except pickle.UnpicklingError:
        model = xgboost.Booster()
        model.load_model("xgboost-model")

    df = pd.read_csv(f"{BASE_DIR}/test/test.csv", header=None)
    y_test = df.iloc[:, 0].to_numpy()
    predictions = model.predict(xgboost.DMatrix(df.iloc[:, 1:].values))

    errors = (y_test - predictions) ** 2
    report = {"regression_metrics": {"mse": {"value": float(np.mean(errors)), "standard_deviation": float(np.std(errors))}}}

    os.makedirs(f"{BASE_DIR}/evaluation", exist_ok=True)
    with open(f"{BASE_DIR}/evaluation/evaluation.json", "w") as f:
        json.dump(report, f)
