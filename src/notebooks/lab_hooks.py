"""Hooks for the notebook server that `snas lab` starts (src/notebooks/lab.ts).

strip_committed_outputs: the committed notebooks (notebooks/NN-name.ipynb) are kept without
outputs and execution counts (a test checks), so the lab saves them so: what a reader edits
(a parameter, a cell's source) is saved; what the cells printed and drew stays on the page until
it is reloaded. Executed copies with their outputs are what `snas notebooks` writes under
results/notebooks/. Any other notebook is saved as it is.
"""
import re

COMMITTED = re.compile(r"^notebooks/\d\d-[^/]+\.ipynb$")


def strip_committed_outputs(model, path, contents_manager, **kwargs):
    if model.get("type") != "notebook" or not COMMITTED.match(path.lstrip("/")):
        return
    for cell in model["content"].get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
