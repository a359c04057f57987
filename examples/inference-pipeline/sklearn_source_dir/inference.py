"""Inference handlers of the scikit-learn container: turns raw abalone CSV rows into the features
the XGBoost container expects (the first container of the inference pipeline)."""
import io
import os

import joblib
import pandas as pd

COLUMNS = ["sex", "length", "diameter", "height", "whole_weight", "shucked_weight", "viscera_weight", "shell_weight"]


def model_fn(model_dir):
    return joblib.load(os.path.join(model_dir, "model.joblib"))


def input_fn(body, content_type):
    if content_type != "text/csv":
        raise ValueError(f"unsupported content type {content_type}; send text/csv")
    return pd.read_csv(io.StringIO(body if isinstance(body, str) else body.decode("utf-8")), header=None, names=COLUMNS)


def predict_fn(data, transformer):
    return transformer.transform(data)


def output_fn(features, accept):
    out = io.StringIO()
    pd.DataFrame(features).to_csv(out, header=False, index=False)
    return out.getvalue(), "text/csv"
