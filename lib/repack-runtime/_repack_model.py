"""Adds inference code to a model archive (shipped by cdk-sagemaker-pipelines).

A ModelStep or RegisterModelStep adds a training job that runs this script when a container has
inference code (entryPoint, sourceDir) and its model data is only known when the pipeline runs.
SageMaker puts the model archive in the job's "training" channel and the inference code (with this
script) in /opt/ml/code. The script unpacks the archive into /opt/ml/model, puts the code under
code/, and SageMaker packs /opt/ml/model into the job's model.tar.gz, which the model then uses with
SAGEMAKER_SUBMIT_DIRECTORY=/opt/ml/model/code.
"""
import argparse
import os
import shutil
import sys
import tarfile

# The training toolkit runs the script from the code folder and names the others in SM_* variables.
CODE_DIR = os.path.dirname(os.path.abspath(__file__))
DATA_DIR = os.environ.get("SM_CHANNEL_TRAINING", "/opt/ml/input/data/training")
MODEL_DIR = os.environ.get("SM_MODEL_DIR", "/opt/ml/model")
OWN_FILES = {"_repack_model.py", "_repack_script_launcher.sh"}
UNSET = {"", "null", "none"}


def _given(value):
    return value is not None and value.strip().lower() not in UNSET


def _archive_path(model_archive):
    name = model_archive.rstrip("/").split("/")[-1]
    candidate = os.path.join(DATA_DIR, name)
    if name and os.path.isfile(candidate):
        return candidate
    archives = sorted(f for f in os.listdir(DATA_DIR) if f.endswith(".tar.gz"))
    if len(archives) == 1:
        return os.path.join(DATA_DIR, archives[0])
    sys.exit(
        "repack: expected the model archive %r in %s; found %s. Point the container's modelData at "
        "one model.tar.gz object." % (name, DATA_DIR, ", ".join(sorted(os.listdir(DATA_DIR))) or "nothing")
    )


def _inside(root, target):
    root = os.path.realpath(root)
    target = os.path.realpath(target)
    return target == root or target.startswith(root + os.sep)


def _extract(archive_path, target):
    with tarfile.open(archive_path, "r:*") as archive:
        members = archive.getmembers()
        for member in members:
            destination = os.path.join(target, member.name)
            if not _inside(target, destination):
                sys.exit("repack: the model archive has an entry outside its folder: %r" % member.name)
            if member.issym() or member.islnk():
                link = os.path.join(os.path.dirname(destination), member.linkname)
                if not _inside(target, link):
                    sys.exit("repack: the model archive links outside its folder: %r" % member.name)
        archive.extractall(target, members=members)


def _copy_code(inference_script, source_dir, code_dir):
    if os.path.isdir(code_dir):
        shutil.rmtree(code_dir)
    os.makedirs(code_dir)
    if _given(source_dir):
        for name in sorted(os.listdir(CODE_DIR)):
            if name in OWN_FILES:
                continue
            source = os.path.join(CODE_DIR, name)
            if os.path.isdir(source):
                shutil.copytree(source, os.path.join(code_dir, name))
            else:
                shutil.copy2(source, os.path.join(code_dir, name))
    else:
        shutil.copy2(os.path.join(CODE_DIR, inference_script), os.path.join(code_dir, os.path.basename(inference_script)))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--inference_script", default="inference.py")
    parser.add_argument("--model_archive", default="model.tar.gz")
    parser.add_argument("--dependencies", default=None)
    parser.add_argument("--source_dir", default=None)
    args, _ = parser.parse_known_args(argv)
    _extract(_archive_path(args.model_archive), MODEL_DIR)
    _copy_code(args.inference_script, args.source_dir, os.path.join(MODEL_DIR, "code"))
    print("repack: %s now carries its inference code under code/" % args.model_archive)


if __name__ == "__main__":
    main()
