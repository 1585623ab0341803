#!/usr/bin/python3
"""Execute one notebook headless on the snas-lab tslab kernel, then render it to HTML.

Called by src/notebooks/run.ts (`snas notebooks`, `npm test`, `npm run reproduce`); it runs
with Debian's python3, whose nbclient and nbconvert come from the Debian packages
jupyter-nbconvert and jupyter-client.

- Cells run one by one, numbered 1..n (tslab leaves execution counts blank). What a cell
  prints is echoed, indented, to stdout as it arrives: the progress of a long cell.
- A failing cell stops the notebook: the notebook path, the cell's index and source and the
  real error message (tslab's error reply is empty; the message is in the cell's stderr) go
  to stderr, the partial notebook is saved as NAME.failed.ipynb, and the exit code is 1.
- Outputs are written atomically, so a crash never leaves a half-written result behind and
  a failed run never replaces an earlier good one.
- The HTML opens offline, anywhere: plotly.js is inlined once into a notebook that has
  figures, MathJax 3 (its self-contained SVG build) into one that has maths, and the links
  Debian's nbconvert makes to file:///usr/share/javascript (require.js, MathJax 2) are removed.
"""
import argparse
import json
import os
import re
import sys
import tempfile
import time

import nbformat
from nbconvert import HTMLExporter

from nbclient import NotebookClient

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
PLOTLY_MARKER = "data-snas-plotly"
# The copy of plotly.js a kernel sends a live page with its first figure (src/report/show.ts):
# dropped from the saved notebook, whose HTML rendering inlines one copy into its head.
PLOTLY_LIBRARY_MARKER = "data-snas-plotly-library"


def atomic_write(path, text):
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=os.path.basename(path))
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def error_text(cell, exc):
    """The real error of a failed cell: its stderr, its error outputs, else the exception."""
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream" and out.get("name") == "stderr":
            parts.append(out.get("text", ""))
        elif out.get("output_type") == "error":
            tb = "\n".join(out.get("traceback") or [])
            msg = f"{out.get('ename', '')}: {out.get('evalue', '')}".strip(": ")
            if tb.strip():
                parts.append(tb)
            elif msg:
                parts.append(msg)
    text = ANSI.sub("", "\n".join(p for p in parts if p.strip())).strip()
    if not text:
        text = ANSI.sub("", str(exc)).strip() or type(exc).__name__
    return text


MATHJAX2_BLOCK = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S)
LOCAL_REQUIRE = re.compile(r'<script src="file://[^"]*require[^"]*"></script>')
MATH = re.compile(r"\$[^$\n]+\$|\\\(|\\\[|\\begin\{")
MATHJAX3_CONFIG = (
    "<script>window.MathJax = {tex: {inlineMath: [['$', '$'], ['\\\\(', '\\\\)']], processEscapes: true,"
    " tags: 'ams'}, svg: {fontCache: 'global'}};</script>\n")


class EchoingClient(NotebookClient):
    """Echoes each cell's printed output to this process's stdout as it arrives."""

    def output(self, outs, msg, display_id, cell_index):
        if msg["msg_type"] == "stream":
            for line in ANSI.sub("", msg["content"].get("text", "")).splitlines():
                if line.strip():
                    print(f"    {line}", flush=True)
        return super().output(outs, msg, display_id, cell_index)


def inline_script(path, comment):
    # src/publish/assets.ts finds these comments to link a shared copy instead: keep them as they are.
    with open(path, encoding="utf-8") as f:
        source = f.read().replace("</script", "<\\/script")
    return f"<script type=\"text/javascript\">/* {comment} */\n{source}\n</script>\n"


def inject(nb, source, values, label):
    """Inserts the given parameters as a cell after the one tagged 'parameters'."""
    at = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code" and "parameters" in c.metadata.get("tags", [])), None)
    if at is None:
        raise SystemExit(f"{label}: no cell tagged 'parameters' to inject after")
    cell = nbformat.v4.new_code_cell(source=source, metadata={"tags": ["injected-parameters"]})
    nb.cells.insert(at + 1, cell)
    nb.metadata.setdefault("snas", {})["parameters"] = values


def drop_plotly_library(nb):
    """Removes the outputs that carry the kernel's copy of plotly.js; returns how many."""
    dropped = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kept = [o for o in cell.get("outputs", []) if PLOTLY_LIBRARY_MARKER not in str(o.get("data", {}).get("text/html", ""))]
        dropped += len(cell.get("outputs", [])) - len(kept)
        cell["outputs"] = kept
    return dropped


def has_math(nb):
    return any(c.cell_type == "markdown" and MATH.search(c.source) for c in nb.cells)


def offline_html(html, nb, plotly_path, mathjax_path):
    """Makes the rendering self-contained (see the module docstring)."""
    html = LOCAL_REQUIRE.sub("", html)
    mathjax = ""
    if mathjax_path and has_math(nb):
        mathjax = MATHJAX3_CONFIG + inline_script(mathjax_path, "MathJax 3, inlined once")
    html = MATHJAX2_BLOCK.sub(lambda _: mathjax, html)
    if plotly_path and PLOTLY_MARKER in html:
        # First in <head>: before any AMD loader, so that plotly.js defines window.Plotly.
        tag = inline_script(plotly_path, "plotly.js, inlined once")
        at = html.find("<head>")
        at = 0 if at < 0 else at + len("<head>")
        html = html[:at] + "\n" + tag + html[at:]
    return html


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("notebook")
    ap.add_argument("--ipynb", required=True, help="where the executed notebook goes")
    ap.add_argument("--html", required=True, help="where its HTML rendering goes")
    ap.add_argument("--cwd", required=True, help="folder the kernel starts in (the project root)")
    ap.add_argument("--kernel", default="snas-tslab")
    ap.add_argument("--timeout", type=int, default=1800, help="seconds per cell (0: no limit)")
    ap.add_argument("--plotly", help="plotly.min.js to inline into the HTML")
    ap.add_argument("--mathjax", help="MathJax 3 tex-svg-full.js to inline into the HTML")
    ap.add_argument("--label", help="the notebook's name in messages")
    ap.add_argument("--inject-source", help="a cell to insert after the cell tagged 'parameters' (papermill's convention)")
    ap.add_argument("--parameters", help="the injected values as JSON, recorded in the notebook's metadata")
    a = ap.parse_args()
    label = a.label or a.notebook

    nb = nbformat.read(a.notebook, as_version=4)
    if a.inject_source is not None:
        inject(nb, a.inject_source, json.loads(a.parameters or "{}"), label)
    client = EchoingClient(nb, kernel_name=a.kernel, timeout=a.timeout if a.timeout > 0 else None, allow_errors=False,
                            resources={"metadata": {"path": a.cwd}})
    code_cells = sum(1 for c in nb.cells if c.cell_type == "code")
    count = 0
    started = time.time()
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            count += 1
            t0 = time.time()
            try:
                client.execute_cell(cell, index, execution_count=count)
            except Exception as exc:  # a failing cell, a timeout or a dead kernel
                failed = os.path.splitext(a.ipynb)[0] + ".failed.ipynb"
                drop_plotly_library(nb)
                atomic_write(failed, nbformat.writes(nb))
                sys.stderr.write(
                    f"\nnotebook failed: {label}\n"
                    f"  cell index {index} (code cell {count} of {code_cells}), after {time.time() - t0:.1f} s\n"
                    f"--- cell source ---\n{cell.source}\n"
                    f"--- error ---\n{error_text(cell, exc)}\n"
                    f"--- partial notebook: {failed}\n")
                return 1
            for out in cell.get("outputs", []):
                if out.get("output_type") == "execute_result":
                    out["execution_count"] = count
            print(f"  {label}: cell {count}/{code_cells} done in {time.time() - t0:.1f} s", flush=True)

    drop_plotly_library(nb)
    nb.metadata.setdefault("snas", {})["executed_seconds"] = round(time.time() - started, 1)
    name = os.path.splitext(os.path.basename(a.notebook))[0]
    html, _ = HTMLExporter(template_name="lab").from_notebook_node(nb, resources={"metadata": {"name": name}})
    atomic_write(a.ipynb, nbformat.writes(nb))
    atomic_write(a.html, offline_html(html, nb, a.plotly, a.mathjax))
    stale = os.path.splitext(a.ipynb)[0] + ".failed.ipynb"
    if os.path.exists(stale):
        os.unlink(stale)
    return 0


if __name__ == "__main__":
    sys.exit(main())
