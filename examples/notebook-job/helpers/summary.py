"""Helpers the report notebook imports (uploaded next to it as helpers/summary.py)."""


def summarize(input_uri: str, threshold: float) -> str:
    """Describe the run."""
    return f"report for {input_uri} with threshold {threshold}"
