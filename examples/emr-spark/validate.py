"""Check the features that the Spark step wrote (runs inside the SageMaker processing job)."""
import argparse
import glob
import sys

import pandas as pd

FEATURES = "/opt/ml/processing/features"

if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--emr-step-id", required=True)
    parser.add_argument("--emr-step-state", required=True)
    args = parser.parse_args()
    print(f"EMR step {args.emr_step_id} ended in state {args.emr_step_state}")

    files = glob.glob(f"{FEATURES}/*.csv")
    if not files:
        sys.exit(f"no feature files under {FEATURES}")
    df = pd.concat(pd.read_csv(f) for f in files)
    if df["customer_id"].isna().any():
        sys.exit("features contain rows without a customer_id")
    print(f"{len(df)} customers, {int(df['events'].sum())} events")
