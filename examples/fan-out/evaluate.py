"""Scores one model of the fan-out on the test split (runs in the SageMaker XGBoost image).

Every branch of the pipeline runs this script on its own model. It writes `evaluation.json` with the
model's root mean squared error, which the pipeline's join condition reads with JsonGet:
{"regression_metrics": {"rmse": {"value": <rmse>}}}
"""
import json
import math
import os
import pickle
import tarfile

import pandas as pd
import xgboost

BASE = "/opt/ml/processing"

if __name__ == "__main__":
    with tarfile.open(f"{BASE}/model/model.tar.gz") as archive:
        archive.extractall(path=".")
    with open("xgboost-model", "rb") as f:
        booster = pickle.load(f)
    test = pd.read_csv(f"{BASE}/test/test.csv", header=None)
    predictions = booster.predict(xgboost.DMatrix(test.iloc[:, 1:].values))
    rmse = math.sqrt(float(((test.iloc[:, 0].to_numpy() - predictions) ** 2).mean()))

    os.makedirs(f"{BASE}/evaluation", exist_ok=True)
    with open(f"{BASE}/evaluation/evaluation.json", "w") as f:
        json.dump({"regression_metrics": {"rmse": {"value": rmse}}}, f)
