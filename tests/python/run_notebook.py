"""Execute a notebook headless with nbclient, in the kernel of the Python running this script.

usage: python run_notebook.py NOTEBOOK [EXECUTED_COPY]

The committed notebook is never modified; the executed copy (with outputs) goes to EXECUTED_COPY
when given. The kernel inherits the environment (BANLI_OUT, BANLI_FIGURES, BANLI_CJK_FONT, …) and
runs in the notebook's folder, as Jupyter would."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import NATIVE_KERNEL_NAME, KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def main() -> int:
    if len(sys.argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    path = Path(sys.argv[1]).resolve()
    nb = nbformat.read(path, as_version=4)
    if any(c.get("outputs") or c.get("execution_count") for c in nb.cells if c.cell_type == "code"):
        print(f"{path}: committed with outputs; clear them (Jupyter: Edit → Clear All Outputs)", file=sys.stderr)
        return 1
    # The native kernel ("python3") of this interpreter's ipykernel — not a "python3" kernelspec a
    # user may have installed under ~/.local/share/jupyter for another Python: no kernel dirs searched.
    ksm = KernelSpecManager(kernel_dirs=[], ensure_native_kernel=True)
    spec = ksm.get_kernel_spec(NATIVE_KERNEL_NAME)
    print(f"kernel: {' '.join(spec.argv[:3])}")
    status = 0
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="banli-kernel-") as tmp:
        # IPC (unix sockets in a private temp dir) instead of TCP ports on localhost.
        km = KernelManager(kernel_name=NATIVE_KERNEL_NAME, kernel_spec_manager=ksm, transport="ipc",
                           ip=os.path.join(tmp, "ipc"), connection_file=os.path.join(tmp, "kernel.json"))
        client = NotebookClient(nb, km=km, kernel_name=NATIVE_KERNEL_NAME, timeout=600,
                                resources={"metadata": {"path": str(path.parent)}})
        try:
            client.execute()
        except CellExecutionError as e:
            print(f"{path.name}: a cell failed\n{e}", file=sys.stderr)
            status = 1
        finally:
            if km.has_kernel:  # we own the kernel manager, so nbclient leaves the kernel running
                km.shutdown_kernel(now=False)
            if len(sys.argv) == 3:
                out = Path(sys.argv[2])
                out.parent.mkdir(parents=True, exist_ok=True)
                nbformat.write(nb, out)
    n = sum(1 for c in nb.cells if c.cell_type == "code")
    print(f"notebook {path.name}: {n} code cells, {'FAILED' if status else 'ok'} in {time.monotonic() - t0:.1f}s")
    return status


if __name__ == "__main__":
    sys.exit(main())
