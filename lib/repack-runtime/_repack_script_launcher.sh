#!/bin/sh
# Runs _repack_model.py with the job's hyperparameters (shipped by cdk-sagemaker-pipelines). A shell
# entry point keeps the training toolkit from installing the inference code's requirements.txt,
# which the model needs at inference time, not while it is repacked.
set -e
exec python _repack_model.py \
  --inference_script "${SM_HP_INFERENCE_SCRIPT}" \
  --model_archive "${SM_HP_MODEL_ARCHIVE}" \
  --dependencies "${SM_HP_DEPENDENCIES}" \
  --source_dir "${SM_HP_SOURCE_DIR}"
