#!/usr/bin/python3
"""Runs a notebook cell by cell through a real Jupyter kernel (tslab) and reports what every code cell did.

Usage:
    /usr/bin/python3 test/jupyter/run_notebook.py NOTEBOOK [--output EXECUTED.ipynb] [--timeout 120]
        [--kernel-name tslab] [--kernel-binary /abs/path/node_modules/.bin/tslab] [--cwd DIR] [--quiet]

Prints a JSON list to stdout (or writes it to --report FILE), one entry per code cell:
    {index, cell_id, grade_id, status, execution_count, stdout, stderr, mime_types, text, duration_ms}
status is the kernel's reply status ("ok", "error", "abort"), or "timeout" (interrupted after --timeout
seconds), "dead" (the kernel died during the cell), "not_run" (an earlier cell timed out without the kernel
answering, or the kernel died), "empty" (no source; not sent, as Jupyter frontends do). Progress and timings
go to stderr.

Why a hand-written client loop and not `nbconvert --execute` / nbclient:
- tslab reports an exception or a type error as a reply with status "error" and the message on stderr (it never
  sends an `error` output), then drops every request that arrives within 200 ms. nbclient without
  allow_errors stops at the first error (and writes no notebook); with it, the cell right after an error is
  silently "aborted". This loop waits ERROR_PAUSE seconds after a non-ok reply, so every cell runs.
- Outputs can arrive after the reply (tslab prints a cell's last expression after replying), so a cell is
  finished only when the kernel reports "idle" for it. Output is routed by its parent msg_id; note that
  tslab sends output written later by timers or promises under the request that is running *then*, so
  such output shows up in a later cell's report.

Exit status: 0 when the notebook was run (whatever the cells did); 2 when the runner itself failed (bad
notebook, unknown kernel, kernel did not start); 130/143 when interrupted or terminated (the kernel is shut
down first, as it runs in its own session and would otherwise outlive us).
"""

import argparse
import json
import os
import queue
import signal
import subprocess
import sys
import time

# ipykernel (imported by jupyter_client's kernelspec lookup) pulls in debugpy, whose pydevd prints a
# "frozen modules" warning to stderr on Debian's Python 3.11. Must be set before those imports.
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")

import nbformat  # noqa: E402
import zmq  # noqa: E402
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel  # noqa: E402
from jupyter_client.manager import KernelManager  # noqa: E402

ERROR_PAUSE = 0.3  # tslab drops requests arriving within 200 ms after an error reply
INTERRUPT_GRACE = 15.0  # seconds to wait for the reply after interrupting a timed-out cell
DEFAULT_KERNEL = "tslab"


class RunnerError(Exception):
    """The runner itself cannot go on (exit status 2)."""


class Terminated(BaseException):
    """SIGTERM/SIGHUP arrived, or our parent process went away."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def log(quiet, text):
    if not quiet:
        print(f"[run_notebook] {text}", file=sys.stderr, flush=True)


def binary_override_spec_manager(binary):
    """A KernelSpecManager whose specs start `binary` instead of the registered argv[0].

    Lets a test run this checkout's own tslab even when the system-wide "tslab" kernelspec was registered by
    another checkout (the kernelspec holds an absolute path; the last `npm run setup:jupyter` wins)."""

    class Manager(KernelSpecManager):
        def get_kernel_spec(self, kernel_name):
            spec = super().get_kernel_spec(kernel_name)
            spec.argv = [binary] + list(spec.argv[1:])
            return spec

    return Manager()


class CellRecord:
    def __init__(self, index, cell):
        nbgrader = cell.get("metadata", {}).get("nbgrader", {})
        self.index = index
        self.cell = cell
        self.cell_id = cell.get("id")
        self.grade_id = nbgrader.get("grade_id")
        self.status = "not_run"
        self.execution_count = None
        self.stdout = ""
        self.stderr = ""
        self.mime_types = []
        self.text = []
        self.outputs = []  # nbformat outputs, for the executed notebook
        self.duration_ms = None
        self.reply = None
        self.idle = False

    def add(self, msg):
        kind, content = msg["msg_type"], msg["content"]
        if kind == "status":
            if content.get("execution_state") == "idle":
                self.idle = True
            return
        if kind == "stream":
            if content.get("name") == "stderr":
                self.stderr += content.get("text", "")
            else:
                self.stdout += content.get("text", "")
            last = self.outputs[-1] if self.outputs else None
            if last is not None and last.get("output_type") == "stream" and last.get("name") == content.get("name"):
                last["text"] += content.get("text", "")
                return
        elif kind in ("display_data", "execute_result", "update_display_data"):
            data = content.get("data", {})
            for mime in data:
                if mime not in self.mime_types:
                    self.mime_types.append(mime)
            if "text/plain" in data:
                self.text.append(data["text/plain"])
            if kind == "update_display_data":
                return  # the report records it; the saved notebook keeps the first version
        elif kind == "error":
            # tslab never sends one; kept so the runner also works with other kernels.
            self.stderr += "\n".join(content.get("traceback", [])) or f"{content.get('ename')}: {content.get('evalue')}"
        elif kind == "clear_output":
            self.outputs = []
            return
        else:
            return  # execute_input, comm messages, ...
        self.outputs.append(nbformat.v4.output_from_msg(msg))

    def as_report(self):
        return {
            "index": self.index,
            "cell_id": self.cell_id,
            "grade_id": self.grade_id,
            "status": self.status,
            "execution_count": self.execution_count,
            "stdout": self.stdout,
            "stderr": self.stderr,
            "mime_types": self.mime_types,
            "text": self.text,
            "duration_ms": self.duration_ms,
        }


class Runner:
    def __init__(self, args):
        self.args = args
        self.km = None
        self.kc = None
        self.by_msg_id = {}
        self.parent_pid = os.getppid()

    # -- kernel lifecycle -------------------------------------------------------------------------------
    def start(self, kernel_name, cwd):
        spec_manager = binary_override_spec_manager(self.args.kernel_binary) if self.args.kernel_binary else None
        try:
            (spec_manager or KernelSpecManager()).get_kernel_spec(kernel_name)
        except NoSuchKernel:
            raise RunnerError(f"no Jupyter kernel named {kernel_name!r}: run `npm run setup:jupyter`")
        kwargs = {"kernel_name": kernel_name}
        if spec_manager is not None:
            kwargs["kernel_spec_manager"] = spec_manager
        t0 = time.monotonic()
        self.km = KernelManager(**kwargs)
        try:
            # The kernel must not share our stdout: Node makes an inherited pipe non-blocking, which cut
            # the JSON report short; what tslab prints outside a cell is not part of any cell's output.
            self.km.start_kernel(cwd=cwd, stdout=subprocess.DEVNULL)
        except Exception as e:  # a missing binary raises FileNotFoundError here
            raise RunnerError(f"kernel {kernel_name!r} failed to start: {e}") from e
        self.kc = self.km.client()
        self.kc.start_channels()
        try:
            self.kc.wait_for_ready(timeout=self.args.startup_timeout)
        except RuntimeError as e:
            raise RunnerError(f"kernel {kernel_name!r} did not become ready: {e}") from e
        argv0 = self.km.kernel_spec.argv[0] if self.km.kernel_spec else "?"
        log(self.args.quiet, f"kernel {kernel_name!r} ({argv0}) ready in {time.monotonic() - t0:.2f} s, cwd {cwd}")

    def shutdown(self):
        kc, km = self.kc, self.km
        self.kc = self.km = None
        if kc is not None:
            try:
                kc.stop_channels()
            except Exception:
                pass
        if km is not None:
            try:
                if km.has_kernel:
                    km.shutdown_kernel(now=True)
            except Exception as e:
                print(f"[run_notebook] kernel shutdown failed: {e}", file=sys.stderr)

    # -- message pump ---------------------------------------------------------------------------------------
    def pump(self, timeout):
        """Waits up to `timeout` seconds for messages on iopub/shell and routes them to their cells."""
        if os.getppid() != self.parent_pid:
            raise Terminated(143)  # whoever started us is gone: do not leave a kernel behind
        poller = zmq.Poller()
        poller.register(self.kc.iopub_channel.socket, zmq.POLLIN)
        poller.register(self.kc.shell_channel.socket, zmq.POLLIN)
        ready = dict(poller.poll(int(timeout * 1000)))
        # Drain with the client's own (blocking) getters: on jupyter_client 7 the channel objects are asyncio.
        if self.kc.shell_channel.socket in ready:
            for msg in self.drain(self.kc.get_shell_msg):
                record = self.by_msg_id.get(msg["parent_header"].get("msg_id"))
                if record is not None and msg["msg_type"] == "execute_reply":
                    record.reply = msg["content"]
        if self.kc.iopub_channel.socket in ready:
            for msg in self.drain(self.kc.get_iopub_msg):
                record = self.by_msg_id.get(msg["parent_header"].get("msg_id"))
                if record is not None:
                    record.add(msg)

    @staticmethod
    def drain(get):
        while True:
            try:
                yield get(timeout=0)
            except queue.Empty:
                return

    def wait_until_done(self, record, deadline):
        """Pumps until `record` has its reply and its idle status, or `deadline`. Returns True when done."""
        while not (record.reply is not None and record.idle):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            self.pump(min(remaining, 1.0))
            if not (record.reply is not None and record.idle) and not self.km.is_alive():
                return False
        return True

    # -- cells ----------------------------------------------------------------------------------------------
    def run_cell(self, record):
        source = record.cell.get("source", "")
        if not source.strip():
            record.status = "empty"
            return True
        t0 = time.monotonic()
        msg_id = self.kc.execute(source, store_history=True, allow_stdin=False, stop_on_error=False)
        self.by_msg_id[msg_id] = record
        done = self.wait_until_done(record, t0 + self.args.timeout)
        kernel_ok = True
        if done:
            record.status = record.reply.get("status", "unknown")
        elif not self.km.is_alive():
            record.status = "dead"
            kernel_ok = False
        else:
            record.status = "timeout"
            log(self.args.quiet, f"cell {record.index}: no reply after {self.args.timeout} s, interrupting the kernel")
            self.km.interrupt_kernel()
            if not self.wait_until_done(record, time.monotonic() + INTERRUPT_GRACE):
                kernel_ok = self.km.is_alive() and record.reply is not None
                if not kernel_ok:
                    log(self.args.quiet, f"cell {record.index}: the kernel did not answer the interrupt")
            record.stderr += f"\n[run_notebook] cell timed out after {self.args.timeout} s and was interrupted\n"
        if record.reply is not None:
            record.execution_count = record.reply.get("execution_count")
        record.duration_ms = round((time.monotonic() - t0) * 1000)
        label = f" [{record.grade_id or record.cell_id}]" if (record.grade_id or record.cell_id) else ""
        log(self.args.quiet, f"cell {record.index}{label}: {record.status} in {record.duration_ms / 1000:.2f} s")
        if record.status != "ok":
            time.sleep(self.args.error_pause)
        return kernel_ok

    def run(self, nb, cwd):
        kernel_name = self.args.kernel_name or nb.metadata.get("kernelspec", {}).get("name") or DEFAULT_KERNEL
        records = [CellRecord(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
        t0 = time.monotonic()
        self.start(kernel_name, cwd)
        for record in records:
            if not self.run_cell(record):
                log(self.args.quiet, f"kernel unusable after cell {record.index}; later cells are not run")
                break
        # Output that arrives just after the last idle (timers, stray promises) still belongs to the report.
        self.pump(0.1)
        log(self.args.quiet, f"{len(records)} code cells in {time.monotonic() - t0:.2f} s (kernel start included)")
        return records


def write_executed(nb, records, path):
    for record in records:
        record.cell["outputs"] = record.outputs
        record.cell["execution_count"] = record.execution_count
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    nbformat.write(nb, path)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("notebook")
    ap.add_argument("--output", help="write the executed notebook (with outputs) here")
    ap.add_argument("--report", help="write the JSON report to this file (atomically) instead of stdout")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds per cell before interrupting (120)")
    ap.add_argument("--startup-timeout", type=float, default=60.0, help="seconds for the kernel to start (60)")
    ap.add_argument("--kernel-name", help="kernelspec to use (default: the notebook's, else tslab)")
    ap.add_argument("--kernel-binary", help="start this binary instead of the kernelspec's argv[0]")
    ap.add_argument("--cwd", help="start the kernel in this folder (default: the notebook's folder)")
    ap.add_argument("--error-pause", type=float, default=ERROR_PAUSE, help="pause after a non-ok reply (0.3 s)")
    ap.add_argument("--quiet", action="store_true", help="no progress on stderr")
    args = ap.parse_args(argv)

    def on_signal(signum, _frame):
        raise Terminated(128 + signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    runner = Runner(args)
    try:
        path = os.path.abspath(args.notebook)
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception as e:
            raise RunnerError(f"cannot read {path}: {e}") from e
        records = runner.run(nb, os.path.abspath(args.cwd) if args.cwd else os.path.dirname(path))
        report = json.dumps([r.as_report() for r in records], indent=1) + "\n"
        if args.report:
            with open(args.report + ".tmp", "w") as f:
                f.write(report)
            os.replace(args.report + ".tmp", args.report)
        else:
            sys.stdout.write(report)
            sys.stdout.flush()
        if args.output:
            write_executed(nb, records, args.output)
            log(args.quiet, f"executed notebook written to {args.output}")
        return 0
    except RunnerError as e:
        print(f"[run_notebook] ERROR: {e}", file=sys.stderr)
        return 2
    except Terminated as e:
        print("[run_notebook] terminated; shutting the kernel down", file=sys.stderr)
        return e.code
    except KeyboardInterrupt:
        print("[run_notebook] interrupted; shutting the kernel down", file=sys.stderr)
        return 130
    finally:
        runner.shutdown()


if __name__ == "__main__":
    sys.exit(main())
