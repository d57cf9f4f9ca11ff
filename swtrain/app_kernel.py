"""The trainee app's kernel: ipykernel without what a page never uses.

    python -m swtrain.app_kernel -f CONNECTION_FILE [ipykernel options]

`swtrain serve` runs every page's kernel through this module (the kernel spec
swtrain/data/app_kernels/python3/kernel.json, which also turns IPython's
command history off: a page has no input to remember, and forty kernels
writing one history database at once only wait for each other). It leaves
out ipykernel's debugger: ipykernel imports debugpy when it is installed,
about 8 MiB in every kernel, and Voilà refuses debug requests anyway (its
kernels take only widget, kernel-info and shutdown messages). JupyterLab's
kernels are not changed.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def is_kernel(command_line: Sequence[str]) -> bool:
    """Whether a process's command line is a Jupyter kernel's: an app page's or any other ipykernel."""
    joined = " ".join(command_line)
    return "ipykernel" in joined or "swtrain.app_kernel" in joined


def main() -> None:
    # None in sys.modules makes `import debugpy` raise ImportError, which ipykernel takes as "no debugger".
    sys.modules["debugpy"] = None  # type: ignore[assignment]
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


if __name__ == "__main__":
    main()
