"""One SQLite write transaction in a process of its own, fed Arrow tables: the bulk path of an
import into a SQLite file.

Why ADBC: Python's ``sqlite3`` binds each value of each row under the GIL; for a million rows of
41 columns that took longer than reading, checking and linking them. ADBC
(``adbc-driver-sqlite``) binds whole Arrow columns in C.

Why a process: that driver carries its own copy of SQLite, and two copies of SQLite in one
process break each other's file locks (https://sqlite.org/howtocorrupt.html, section 2.2.1;
it corrupted the database in a test). The child has its own locks, and it stores one part
on the other core while this process reads the next.

Protocol: the child first says whether it holds the write lock (``BEGIN IMMEDIATE``); the
parent does not wait for that before sending. The parent writes one JSON request per line on
the child's stdin; an ``ingest`` names an Arrow IPC file in a temporary folder (in memory where
the system has one), which the child maps, stores and deletes (written and mapped in C: cheaper
than pushing it through the pipe). The child answers each request but ``ingest`` with one JSON
line on stdout (``run`` is ``exec`` without an answer). The first error rolls the transaction
back; it is reported at the next answer.
End of input without ``commit`` rolls back.

Checkpoint: the database is in WAL mode, so a commit appends the new pages to the WAL file and
copying them into the database file (the checkpoint) can come later; SQLite's own guide
(https://sqlite.org/wal.html, "Automatic Checkpoint") suggests running it apart from the
commit. After answering ``commit`` the child copies the WAL into the database and ends on its
own; the caller does not wait for that. Readers see the new snapshot from the commit on.
"""

from __future__ import annotations

import gc
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO, TextIO

PROJECT_DIR = Path(__file__).resolve().parent.parent
BUSY_TIMEOUT_MS = 30_000  # how long to wait for another writer before giving up
PRAGMAS = ("foreign_keys=ON", "synchronous=NORMAL",
           "cache_size=-32000",  # 32 MiB: pages spill to the WAL while rows arrive, so the
           # commit has less left to write (256 MiB made the commit take twice as long)
           "wal_autocheckpoint=0")  # the checkpoint runs after the commit is answered
QUEUED_PARTS = 2  # parts waiting to be sent before the reader waits (memory)
UNANSWERED = ("ingest", "run")  # requests the child does not answer (errors: at the next)


_FINISHING: set[threading.Thread] = set()  # writers' ``ended`` threads not yet joined


def wait_for_checkpoints(timeout: float | None = None) -> None:
    """Wait until every writer process started here has ended (its checkpoint done)."""
    for ended in list(_FINISHING):
        ended.join(timeout)


class WriterFailed(RuntimeError):
    """The writing process reported an error (the transaction was rolled back)."""


class WriterBusy(WriterFailed):
    """Another connection held SQLite's write lock for longer than the busy timeout."""


# ---------------------------------------------------------------- parent side

class SqliteWriterProcess:
    """The client: requests go through a sender thread in order; ``execute`` and ``close`` wait
    for their answer, ``ingest`` does not."""

    def __init__(self, path: str) -> None:
        self._stderr = tempfile.TemporaryFile()
        remove_stale_parts()
        # a private folder (mkdtemp: 0700) named for this process, so that a later run knows
        # it is stale once the process is gone
        self._parts = Path(tempfile.mkdtemp(prefix=f"{PARTS_PREFIX}{os.getpid()}-",
                                            dir=_parts_folder()))
        self._sent = 0
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "geo.sqlite_writer", path, str(BUSY_TIMEOUT_MS),
             str(self._parts)],
            cwd=PROJECT_DIR,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr,
            env={**os.environ, "OPENBLAS_NUM_THREADS": "1"})  # no idle BLAS threads spinning
        self._ready = False  # the child's first line (write lock held, or why not) is unread
        self._queue: queue.Queue = queue.Queue(maxsize=QUEUED_PARTS)
        self._error: BaseException | None = None
        self._sender = threading.Thread(target=self._send_loop, name="sqlite-writer-sender",
                                        daemon=True)
        self._sender.start()
        self.ended = threading.Thread(target=self._reap, name="sqlite-writer-reaper",
                                      daemon=True)  # joined: the child has ended

    def _send_loop(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            header, make_table = item
            if header is None:  # a mark (``drained``): everything before it is handed over
                make_table.set()
                continue
            if self._error is not None:
                continue
            try:
                if make_table is not None:
                    self._sent += 1
                    header["file"] = str(self._parts / f"bagian-{self._sent}.arrow")
                    _write_ipc(make_table(), header["file"])
            except BaseException as err:  # noqa: BLE001 - raised to the caller
                self._error = err
                self._end_input()  # the child rolls back and ends; a waiting caller wakes
                continue
            try:
                self.proc.stdin.write(json.dumps(header).encode() + b"\n")
                self.proc.stdin.flush()
            except (OSError, ValueError):  # the child is gone: the caller hears it from _answer
                self._end_input()

    def _end_input(self) -> None:
        try:
            self.proc.stdin.close()
        except OSError:
            pass

    def _send(self, header: dict, make_table: Callable[[], Any] | None = None) -> None:
        self._raise()
        self._queue.put((header, make_table))

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def _answer(self) -> Any:  # noqa: ANN401
        if not self._ready:
            self._ready = True
            self._answer()  # BEGIN IMMEDIATE succeeded, or its error is raised
        line = self.proc.stdout.readline()
        if not line:
            self.proc.wait()
            self._raise()
            self._stderr.seek(0)
            tail = self._stderr.read().decode(errors="replace").strip().splitlines()[-5:]
            raise WriterFailed("proses penulis SQLite berhenti: " + (
                " | ".join(tail) or f"tanpa keterangan (kode keluar {self.proc.returncode}; "
                "mungkin dihentikan sistem karena memori habis)"))
        answer = json.loads(line)
        if "error" in answer:
            kind = WriterBusy if "database is locked" in answer["error"] else WriterFailed
            raise kind(f"Penyimpanan ke basis data gagal: {answer['error']}")
        return answer.get("row")

    def execute(self, sql: str, params: list, fetch: bool = False) -> Any:  # noqa: ANN401
        self._send({"op": "exec", "sql": sql, "params": params, "fetch": fetch})
        return self._answer()

    def run(self, sql: str, params: list) -> None:
        """Execute without waiting (no result; an error is raised at the next answer)."""
        self._send({"op": "run", "sql": sql, "params": params})

    def ingest(self, table: str, make_table: Callable[[], Any]) -> None:
        """Append the Arrow table ``make_table()`` (built on the sender thread) to ``table``."""
        self._send({"op": "ingest", "table": table}, make_table)

    def drained(self) -> None:
        """Wait until every request sent so far was handed to the child (its parts built)."""
        done = threading.Event()
        self._queue.put((None, done))
        done.wait()

    def close(self, commit: bool) -> None:
        """Commit, or roll back (the child undoes its transaction when its input ends). After a
        rollback the child has ended; after a commit it may still be copying the WAL into the
        database (``ended`` is joined when it is done)."""
        committed = False
        try:
            if commit:
                self._send({"op": "commit"})
                self._answer()
                committed = True
        finally:
            self._queue.put(None)
            self._sender.join()
            self._end_input()
            shutil.rmtree(self._parts, ignore_errors=True)
            _FINISHING.add(self.ended)
            self.ended.start()
            if not committed:
                self.ended.join()

    def _reap(self) -> None:
        self.proc.wait()
        self._stderr.close()
        _FINISHING.discard(self.ended)


PARTS_PREFIX = "peta-import-"
STALE_UNNAMED_SECONDS = 24 * 3600  # parts folders from before the pid was in the name


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_parts() -> list[str]:
    """Remove the parts folders (full NIK, KK, names, addresses) that a killed import left
    behind: folders of this user whose process is gone. Returns what was removed."""
    removed = []
    for base in {_parts_folder() or tempfile.gettempdir(), tempfile.gettempdir()}:
        try:
            entries = list(Path(base).glob(f"{PARTS_PREFIX}*"))
        except OSError:
            continue
        for folder in entries:
            try:
                info = folder.stat()
            except OSError:
                continue
            if not folder.is_dir() or info.st_uid != os.getuid():
                continue
            pid = folder.name.removeprefix(PARTS_PREFIX).split("-", 1)[0]
            stale = (not _alive(int(pid)) if pid.isdigit()
                     else time.time() - info.st_mtime > STALE_UNNAMED_SECONDS)
            if stale:
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(str(folder))
    return removed


SHM_FREE_NEEDED = 1 << 30  # a few parts of ~50 MB; Docker's default /dev/shm (64 MB) is too small


def _parts_folder() -> str | None:
    """Where the parts go: a RAM-backed folder where the system has one with room (a part is
    written once, read once, deleted), else the usual temporary folder."""
    shm = "/dev/shm"
    try:
        room = os.statvfs(shm)
    except OSError:
        return None
    enough = room.f_bavail * room.f_frsize >= SHM_FREE_NEEDED
    return shm if enough and os.access(shm, os.W_OK) else None


def _write_ipc(table: Any, path: str) -> None:  # noqa: ANN401
    import pyarrow as pa

    with pa.OSFile(path, "wb") as sink, pa.ipc.new_stream(sink, table.schema) as out:
        out.write_table(table)


def _read_ipc(path: str) -> Any:  # noqa: ANN401
    import pyarrow as pa

    with pa.memory_map(path) as source:
        return pa.ipc.open_stream(source).read_all()


# ---------------------------------------------------------------- child side

def serve(path: str, busy_timeout_ms: int, inp: BinaryIO, out: TextIO,
          parts: str | None = None) -> int:
    """Serve the parent's requests; whatever happens (the parent killed too), the parts folder
    is removed when this process ends."""
    try:
        return _serve(path, busy_timeout_ms, inp, out)
    finally:
        if parts:
            shutil.rmtree(parts, ignore_errors=True)


def _serve(path: str, busy_timeout_ms: int, inp: BinaryIO, out: TextIO) -> int:
    import adbc_driver_sqlite.dbapi as adbc

    gc.disable()  # a short-lived process that makes no reference cycles worth a scan

    def say(answer: dict) -> None:
        out.write(json.dumps(answer) + "\n")
        out.flush()

    try:
        connection = adbc.connect(path, autocommit=True)
        cursor = connection.cursor()
        for pragma in (*PRAGMAS, f"busy_timeout={int(busy_timeout_ms)}"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.execute("BEGIN IMMEDIATE")
    except Exception as err:  # noqa: BLE001 - said to the parent
        say({"error": str(err)})
        return 1
    say({"ok": True})
    error: str | None = None
    try:
        while True:
            line = inp.readline()
            if not line:  # the parent went away, or rolls back
                return 1
            request = json.loads(line)
            op = request["op"]
            try:
                if op == "commit" and error:
                    say({"error": error})
                    return 0
                if error:
                    if op not in UNANSWERED:
                        say({"error": error})
                    continue
                if op == "ingest":
                    cursor.adbc_ingest(request["table"], _read_ipc(request["file"]), "append")
                    Path(request["file"]).unlink()
                elif op == "run":
                    cursor.execute(request["sql"], request["params"])
                elif op == "exec":
                    cursor.execute(request["sql"], request["params"])
                    row = cursor.fetchone() if request["fetch"] else None
                    say({"ok": True, "row": list(row) if row else None})
                elif op == "commit":
                    cursor.execute("COMMIT")
                    say({"ok": True})
                    _checkpoint(cursor)
                    return 0
            except Exception as err:  # noqa: BLE001 - said at the next answer
                error = f"{type(err).__name__}: {err}"
                if op not in UNANSWERED:
                    say({"error": error})
    finally:
        try:
            cursor.execute("ROLLBACK")  # whatever is still open is undone
        except Exception:  # noqa: BLE001 - nothing open: committed or rolled back
            pass
        cursor.close()
        connection.close()


def _checkpoint(cursor: Any) -> None:  # noqa: ANN401
    """Copy the WAL into the database file and empty it (waits for readers, at most the busy
    timeout; if it cannot finish, the next connection's automatic checkpoint does it)."""
    try:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cursor.fetchall()
    except Exception as err:  # noqa: BLE001 - the commit has landed; only the copy waits
        sys.stderr.write(f"checkpoint: {err}\n")


if __name__ == "__main__":
    sys.exit(serve(sys.argv[1], int(sys.argv[2]), sys.stdin.buffer, sys.stdout,
                   sys.argv[3] if len(sys.argv) > 3 else None))
