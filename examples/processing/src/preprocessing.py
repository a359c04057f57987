"""Split the raw abalone CSV into train and test sets (runs in the SageMaker Scikit-learn image)."""
import argparse
import glob
import os

import pandas as pd
from sklearn.model_selection import train_test_split

from features import add_features

parser = argparse.ArgumentParser()
parser.add_argument("--test-ratio", type=float, default=0.2)
args = parser.parse_args()

raw = pd.concat(pd.read_csv(f) for f in glob.glob("/opt/ml/processing/input/raw/**/*.csv", recursive=True))
train, test = train_test_split(add_features(raw), test_size=args.test_ratio, random_state=42)
for name, frame in (("train", train), ("test", test)):
    os.makedirs(f"/opt/ml/processing/output/{name}", exist_ok=True)
    frame.to_csv(f"/opt/ml/processing/output/{name}/{name}.csv", header=False, index=False)
