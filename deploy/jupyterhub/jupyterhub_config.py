"""JupyterHub for one swtrain course on one server: one user per trainee, the course pulled into each home.

    jupyterhub -f deploy/jupyterhub/jupyterhub_config.py

Site settings come from the environment, so this file is used as it is (see README.md):

    SWTRAIN_HUB_ROOT         folder for the hub's database and cookie secret   (/srv/jupyterhub)
    SWTRAIN_HUB_BIND_URL     where the hub listens; put HTTPS in front of it   (http://127.0.0.1:8000)
    SWTRAIN_HUB_VENV         the single-user environment with swtrain         (/opt/swtrain/venv)
    SWTRAIN_HUB_TRAINEES     a file of trainee user names, one a line          (SWTRAIN_HUB_ROOT/trainees.txt)
    SWTRAIN_HUB_INSTRUCTORS  comma-separated admin user names                  (instructor)
    SWTRAIN_HUB_COURSE_DIR   the nbgitpuller targetpath in each home           (course)
    SWTRAIN_HUB_CULL_IDLE    seconds before an idle server is stopped; 0: never (3600)
    SWTRAIN_HUB_CULL_KERNELS seconds before a kernel with no page open is shut down; 0: never (600)
"""

import importlib.util
import os
import sys
from pathlib import Path

c = get_config()  # type: ignore[name-defined]  # noqa: F821  (JupyterHub's config loader provides it)

root = Path(os.environ.get("SWTRAIN_HUB_ROOT", "/srv/jupyterhub"))
venv = Path(os.environ.get("SWTRAIN_HUB_VENV", "/opt/swtrain/venv"))
course_dir = os.environ.get("SWTRAIN_HUB_COURSE_DIR", "course")
trainees_file = Path(os.environ.get("SWTRAIN_HUB_TRAINEES", str(root / "trainees.txt")))
instructors = {n.strip() for n in os.environ.get("SWTRAIN_HUB_INSTRUCTORS", "instructor").split(",") if n.strip()}
cull_idle = int(os.environ.get("SWTRAIN_HUB_CULL_IDLE", "3600"))
cull_kernels = int(os.environ.get("SWTRAIN_HUB_CULL_KERNELS", "600"))

c.JupyterHub.bind_url = os.environ.get("SWTRAIN_HUB_BIND_URL", "http://127.0.0.1:8000")
c.JupyterHub.db_url = f"sqlite:///{root / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(root / "jupyterhub_cookie_secret")

# --- who may log in ----------------------------------------------------------------------------
# One account per trainee, named like the trainee_id the course uses: `swtrain collect` takes the
# user name as the trainee id. PAM (the server's own accounts) suits a small course; a university
# replaces it with its single sign-on (README.md: LTI from the LMS, or OAuth / OpenID Connect).
c.JupyterHub.authenticator_class = "pam"
c.Authenticator.admin_users = instructors
if trainees_file.is_file():
    c.Authenticator.allowed_users = {
        line.split("#", 1)[0].strip()
        for line in trainees_file.read_text(encoding="utf-8").splitlines()
        if line.split("#", 1)[0].strip()
    }
# The instructor (an admin) starts and stops servers but cannot open a trainee's files through the
# hub: answers reach the instructor only through `swtrain collect`.
c.JupyterHub.admin_access = False

# --- each trainee's server ---------------------------------------------------------------------
# Every trainee runs as their own Unix user in their own home (mode 0700), so no trainee can read
# another's answers; the instructor collects them with root or group rights (README.md).
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [str(venv / "bin" / "jupyterhub-singleuser")]
c.Spawner.notebook_dir = "~"
# Trainees land on the course as the web app: Voilà, inside their own server, sends text and widgets only
# (no code cell, no traceback), as `swtrain serve` does. Instructors (admin users) land on JupyterLab, where
# the instructor notebooks are. Until the course is pulled, the nbgitpuller link in README.md does it.
TRAINEE_URL = f"/voila/render/{course_dir}/notebooks/index.ipynb"
INSTRUCTOR_URL = f"/lab/tree/{course_dir}/notebooks/index.ipynb"
c.Spawner.default_url = TRAINEE_URL
# Voilà's settings for the app, the same as `swtrain serve` gives it (swtrain/app.py, VOILA_SETTINGS; a test
# keeps the two alike).
c.Spawner.args = [
    "--VoilaConfiguration.show_tracebacks=False",
    "--VoilaConfiguration.strip_sources=True",
    "--VoilaExecutor.cell_error_instruction=The box above says what to fix. 请按上方提示修改。",
]


def landing_page(spawner):  # type: ignore[no-untyped-def]
    """Instructors open JupyterLab; everyone else the app."""
    spawner.default_url = INSTRUCTOR_URL if spawner.user.admin else TRAINEE_URL


c.Spawner.pre_spawn_hook = landing_page
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 60
c.Spawner.mem_limit = "1G"  # enforced by container spawners (Kubernetes); advisory for local processes

# --- give back what no one uses -------------------------------------------------------------------
# Answers are saved as they are given, so stopping an idle kernel or server loses nothing.
# A kernel with no page open (a closed tab, a crashed browser, a laptop put to sleep) is shut down after
# SWTRAIN_HUB_CULL_KERNELS idle seconds; an open notebook or app page keeps its kernel however long it is
# read. The same settings as `swtrain serve --cull-after` (swtrain/app.py, cull_settings; a test keeps the
# two alike).
if cull_kernels > 0:
    c.Spawner.args += [
        f"--MappingKernelManager.cull_idle_timeout={cull_kernels}",
        f"--MappingKernelManager.cull_interval={max(1, min(60, cull_kernels // 4))}",
        "--MappingKernelManager.cull_connected=False",
        "--MappingKernelManager.cull_busy=False",
    ]
# A server with no activity (no page, no kernel at work) for SWTRAIN_HUB_CULL_IDLE seconds is stopped by
# the hub's maintained idle culler (the jupyterhub-idle-culler package), which looks every
# min(300, timeout / 2) seconds. The trainee's next visit starts it again.
if cull_idle > 0:
    if importlib.util.find_spec("jupyterhub_idle_culler") is None:
        raise SystemExit(
            f"{__file__}: SWTRAIN_HUB_CULL_IDLE={cull_idle} stops idle servers with jupyterhub-idle-culler, "
            f"which is not installed in {sys.prefix}: pip install jupyterhub-idle-culler "
            "(or set SWTRAIN_HUB_CULL_IDLE=0 to keep idle servers running)"
        )
    c.JupyterHub.load_roles = [
        {
            "name": "idle-culler",
            "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
            "services": ["idle-culler"],
        }
    ]
    c.JupyterHub.services = [
        {
            "name": "idle-culler",
            "command": [
                sys.executable,
                "-m",
                "jupyterhub_idle_culler",
                f"--timeout={cull_idle}",
                f"--cull-every={max(1, min(300, cull_idle // 2))}",
            ],
        }
    ]
