#!/usr/bin/env bash
# Makes the notebooks runnable in a real Jupyter: installs Debian's Jupyter (classic Notebook, nbconvert,
# nbclient) and bubblewrap (the grader's sandbox) when they are missing, then registers this checkout's own tslab as the "tslab" kernel
# (display name "TypeScript"), and checks that the kernel starts and runs a cell.
#
# Idempotent: packages already installed and a kernelspec already pointing at this checkout are left alone.
# Run it with `npm run setup:jupyter` after `npm ci`.
#
# Why Debian's Jupyter: PyPI is not reachable on the machines this kit is built for, and the `python3` on PATH
# may be a pyenv Python without Jupyter, so everything here uses /usr/bin/python3 explicitly.
#
# Environment: SETUP_JUPYTER_SKIP_CHECK=1 skips the final kernel start check.
#   SETUP_JUPYTER_ONLY=kernelspec-check runs only the check that the kernel is listed by
#   `jupyter kernelspec list` (exit 0 when it is, 1 when not), and changes nothing (the tests use it).
#
# Under `set -o pipefail` no pipeline here reads a command's output with `grep -q` or `head`: they exit at
# the first match and the writer dies of SIGPIPE (Python: BrokenPipeError), which fails the pipeline although
# the match was found. Output is captured into a variable first, then matched.
set -euo pipefail

# ipykernel imports debugpy, whose pydevd prints a "frozen modules" warning on Debian's Python 3.11.
export PYDEVD_DISABLE_FILE_VALIDATION=1

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON=/usr/bin/python3
TSLAB="$ROOT/node_modules/.bin/tslab"
KERNEL_NAME=tslab
# bubblewrap: the grader's sandbox (grader/sandbox/isolation.ts: without it `npm run grade` refuses to run);
# in the student bundle it serves nothing yet, and costs a few hundred kilobytes.
PACKAGES=(jupyter-notebook jupyter-nbconvert python3-nbclient jupyter-client python3-ipykernel jupyter-nbformat bubblewrap)

say() { printf '[setup:jupyter] %s\n' "$*"; }
die() { printf '[setup:jupyter] ERROR: %s\n' "$*" >&2; exit 1; }

# Step 3's first check: the kernel is in `jupyter kernelspec list`. Prints the list (indented); returns 1 when
# the kernel is not in it or the listing fails.
kernelspec_listed() {
  local listing
  listing="$("$PYTHON" -m jupyter kernelspec list)" || return 1
  printf '%s\n' "$listing" | sed 's/^/    /'
  [[ "$listing" =~ (^|$'\n')[[:space:]]+"$KERNEL_NAME"[[:space:]] ]]
}

case "${SETUP_JUPYTER_ONLY:-}" in
  "") ;;
  kernelspec-check)
    say "jupyter kernelspec list:"
    kernelspec_listed || die "kernel '$KERNEL_NAME' is not in 'jupyter kernelspec list'"
    exit 0
    ;;
  *) die "SETUP_JUPYTER_ONLY=${SETUP_JUPYTER_ONLY}: the only step that runs alone is 'kernelspec-check'" ;;
esac

# ---------------------------------------------------------------------------------------------------------
# 1. Debian's Jupyter
# ---------------------------------------------------------------------------------------------------------
missing_packages() {
  local pkg
  for pkg in "${PACKAGES[@]}"; do
    if [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)" != "install ok installed" ]]; then
      printf '%s\n' "$pkg"
    fi
  done
}

python_has_jupyter() {
  [[ -x "$PYTHON" ]] && "$PYTHON" -c 'import jupyter_client, nbclient, nbformat, ipykernel' 2>/dev/null
}

if ! command -v dpkg-query >/dev/null 2>&1; then
  # Not Debian: accept any Jupyter that /usr/bin/python3 can import, otherwise explain what is needed.
  python_has_jupyter || die "this is not a Debian system and $PYTHON cannot import jupyter_client/nbclient/nbformat/ipykernel.
  Install Jupyter (notebook, nbconvert, nbclient, ipykernel) for $PYTHON yourself, then run this script again."
  say "not Debian; $PYTHON already has Jupyter, using it"
else
  mapfile -t MISSING < <(missing_packages)
  if ((${#MISSING[@]} == 0)); then
    say "Debian Jupyter packages already installed: ${PACKAGES[*]}"
  else
    say "installing Debian packages: ${MISSING[*]}"
    if [[ "$(id -u)" == 0 ]]; then
      AS_ROOT=()
    elif command -v sudo >/dev/null 2>&1; then
      # With a terminal sudo may ask for a password; without one it must not hang.
      if [[ -t 0 ]]; then AS_ROOT=(sudo); else AS_ROOT=(sudo -n); fi
    else
      die "installing ${MISSING[*]} needs root, and this is neither root nor has sudo.
  Ask an administrator to run:
    apt-get update && apt-get install -y --no-install-recommends ${PACKAGES[*]}
  then run 'npm run setup:jupyter' again."
    fi
    apt_install() {
      "${AS_ROOT[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y --no-install-recommends "${PACKAGES[@]}"
    }
    # A fresh container has no package lists: fetch them first. Lists that are there may be stale (404s on
    # download): then update once and retry.
    if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then
      say "no apt package lists yet; running apt-get update"
      "${AS_ROOT[@]}" apt-get update || die "apt-get update failed (no network? no root?). See the messages above."
    fi
    if ! apt_install; then
      say "apt-get install failed; running apt-get update and trying again"
      "${AS_ROOT[@]}" apt-get update || die "apt-get update failed (no network? no root?). See the messages above."
      apt_install || die "apt-get install failed. See the messages above.
  The packages needed are: ${PACKAGES[*]}"
    fi
    mapfile -t STILL < <(missing_packages)
    ((${#STILL[@]} == 0)) || die "still missing after apt-get install: ${STILL[*]}"
    say "installed: ${MISSING[*]}"
  fi
fi
python_has_jupyter || die "$PYTHON cannot import jupyter_client/nbclient/nbformat/ipykernel after installation"

# ---------------------------------------------------------------------------------------------------------
# 2. Register this checkout's tslab as the "tslab" kernel
# ---------------------------------------------------------------------------------------------------------
[[ -x "$TSLAB" ]] || die "$TSLAB not found: run 'npm ci' (or 'npm install') in $ROOT first"
command -v node >/dev/null 2>&1 || die "node is not on PATH; the tslab kernel is a Node program"

# Prints the registered kernel's argv[0] (its binary), or nothing when there is no such kernelspec.
registered_binary() {
  "$PYTHON" - "$KERNEL_NAME" <<'PY' 2>/dev/null || true
import sys
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
try:
    spec = KernelSpecManager().get_kernel_spec(sys.argv[1])
except NoSuchKernel:
    sys.exit(0)
print(spec.argv[0] if spec.argv else "")
PY
}

CURRENT="$(registered_binary)"
if [[ "$CURRENT" == "$TSLAB" ]]; then
  say "kernel '$KERNEL_NAME' already registered with this checkout's tslab ($TSLAB)"
else
  if [[ -n "$CURRENT" ]]; then
    say "kernel '$KERNEL_NAME' currently points at $CURRENT; re-registering it with $TSLAB"
  else
    say "registering kernel '$KERNEL_NAME' (TypeScript) with $TSLAB"
  fi
  # tslab's installer registers two kernels, "tslab" (TypeScript) and "jslab" (JavaScript); as root they go to
  # the system-wide kernels folder, otherwise to the user's (~/.local/share/jupyter/kernels).
  "$TSLAB" install --python="$PYTHON" --binary="$TSLAB"
  [[ "$(registered_binary)" == "$TSLAB" ]] || die "tslab install ran but kernel '$KERNEL_NAME' does not point at $TSLAB"
fi

# ---------------------------------------------------------------------------------------------------------
# 3. Check: the kernelspec is listed and the kernel starts and runs a cell
# ---------------------------------------------------------------------------------------------------------
say "jupyter kernelspec list:"
kernelspec_listed || die "kernel '$KERNEL_NAME' is not in 'jupyter kernelspec list'"

if [[ "${SETUP_JUPYTER_SKIP_CHECK:-}" == 1 ]]; then
  say "skipping the kernel start check (SETUP_JUPYTER_SKIP_CHECK=1)"
  exit 0
fi

say "starting the '$KERNEL_NAME' kernel to check it runs a cell ..."
(cd "$ROOT" && "$PYTHON" - "$KERNEL_NAME" <<'PY') || die "the '$KERNEL_NAME' kernel did not start or could not run a cell (see above)"
import sys, time
from jupyter_client.manager import KernelManager

t0 = time.monotonic()
km = KernelManager(kernel_name=sys.argv[1])
km.start_kernel()
kc = km.client()
kc.start_channels()
try:
    kc.wait_for_ready(timeout=60)
    t_ready = time.monotonic()
    msg_id = kc.execute("const answer: number = 6 * 7;\nanswer", allow_stdin=False)
    reply = kc.get_shell_msg(timeout=60)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=60)
    # tslab prints a cell's last expression to stdout (no execute_result); outputs may follow the reply,
    # so read iopub until the kernel reports idle for this request.
    stdout = ""
    while True:
        msg = kc.get_iopub_msg(timeout=10)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "stream" and msg["content"]["name"] == "stdout":
            stdout += msg["content"]["text"]
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
    t_done = time.monotonic()
    status = reply["content"]["status"]
    print(f"    kernel ready in {t_ready - t0:.1f} s; test cell: status {status}, stdout {stdout!r}, {t_done - t_ready:.1f} s")
    ok = status == "ok" and stdout.strip() == "42"
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=True)
    kc = km = None  # before interpreter shutdown, or KernelClient.__del__ logs into a torn-down logging module
sys.exit(0 if ok else 1)
PY
# The exact command for this user: as root the classic Notebook refuses to start without --allow-root.
if command -v jupyter >/dev/null 2>&1; then OPEN=(jupyter notebook); else OPEN=("$PYTHON" -m notebook); fi
if [[ "$(id -u)" == 0 ]]; then
  OPEN+=(--allow-root)
  WHY=" (--allow-root because this is root: Jupyter refuses to run as root without it)"
else
  WHY=""
fi
say "done: open the notebooks with"
printf '    cd %q && %s notebooks/\n' "$ROOT" "${OPEN[*]}"
say "and pick the TypeScript kernel${WHY}"
