"""Legacy Word 97-2003 documents (.doc): converted to .docx by LibreOffice, then read as any .docx.

``soffice --headless --convert-to docx`` runs with a private user profile (``-env:UserInstallation``) in a
temporary folder of its own for every call, so that parallel workers never share LibreOffice's profile lock,
within a time limit (:data:`CONVERT_SECONDS`); the folder is removed afterwards whatever happened. Without
LibreOffice the file is one ``no_converter`` problem row naming the command that installs it
(:data:`INSTALL_SOFFICE`).
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ttdn_analysis.ingest.docx import docx_lines
from ttdn_analysis.schema import problem_row

__all__ = ["INSTALL_SOFFICE", "CONVERT_SECONDS", "soffice_path", "convert_to_docx", "doc_lines"]

#: The one command that installs LibreOffice's word processor (without its GUI) on Debian and Ubuntu.
INSTALL_SOFFICE = "sudo apt-get install libreoffice-writer-nogui"
#: Time limit of one conversion in seconds (a plan converts in a few seconds; the first start takes longest).
CONVERT_SECONDS = 120.0


def soffice_path() -> str | None:
    """LibreOffice's command (``soffice`` or ``libreoffice`` on the PATH, or ``$TTDN_SOFFICE``), or None.

    Examples
    --------
    >>> p = soffice_path()
    >>> p is None or os.path.basename(p) in ("soffice", "libreoffice") or "TTDN_SOFFICE" in os.environ
    True
    """
    env = os.environ.get("TTDN_SOFFICE")
    if env:
        return shutil.which(env) or (env if os.path.isfile(env) else None)
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_docx(data: bytes, timeout: float = CONVERT_SECONDS) -> bytes:
    """The bytes of *data* (a .doc, or an RTF saved as .doc) converted to .docx by LibreOffice.

    Raises
    ------
    FileNotFoundError
        LibreOffice is not installed.
    TimeoutError
        The conversion took longer than *timeout* seconds (LibreOffice is stopped).
    RuntimeError
        LibreOffice ran but wrote no .docx (a damaged file, or not a text document).

    Examples
    --------
    >>> convert_to_docx(b"{\\\\rtf1 Hello}")[:2] == b"PK" if soffice_path() else True
    True
    """
    cmd = soffice_path()
    if cmd is None:
        raise FileNotFoundError(f"LibreOffice is not installed: run `{INSTALL_SOFFICE}`")
    work = Path(tempfile.mkdtemp(prefix="ttdn-doc-"))
    try:
        src = work / "plan.doc"
        src.write_bytes(data)
        profile = (work / "profile").as_uri()
        args = [cmd, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--nologo",
                "--nodefault", "--nolockcheck", "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(work / "out"),
                str(src)]
        env = {**os.environ, "HOME": str(work)}  # nothing of LibreOffice's written into the user's home
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                                start_new_session=True)
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill(proc)
            raise TimeoutError(f"LibreOffice did not finish converting in {timeout:.0f} s") from None
        out = work / "out" / "plan.docx"
        if not out.is_file():
            said = err.decode("utf-8", "replace").strip().splitlines()
            raise RuntimeError("LibreOffice wrote no .docx" + (f" ({said[-1][:200]})" if said else ""))
        return out.read_bytes()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _kill(proc: subprocess.Popen) -> None:
    """Stop LibreOffice and the processes it started (its own process group)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        proc.kill()
    proc.wait()


def doc_lines(data: bytes) -> tuple[list[str], list[dict]]:
    """Lines of a legacy .doc: converted by LibreOffice, then read by the .docx reader (same lines as the .docx).

    Never raises for a bad file: a missing LibreOffice, a conversion that fails or times out is a problem row.

    Examples
    --------
    >>> lines, probs = doc_lines(b"\\xd0\\xcf\\x11\\xe0\\xa1\\xb1\\x1a\\xe1" + bytes(100))
    >>> lines, probs[0]["kind"] in ("unreadable", "no_converter")
    ([], True)
    """
    try:
        docx = convert_to_docx(data)
    except FileNotFoundError:
        return [], [problem_row(None, "error", "no_converter",
                                "a Word 97-2003 .doc is read by converting it with LibreOffice, which is not "
                                f"installed: run `{INSTALL_SOFFICE}` (or `make setup` as root), or save the plan as "
                                ".docx")]
    except TimeoutError as exc:
        return [], [problem_row(None, "error", "unreadable", f"the .doc could not be converted ({exc}): open it in "
                                "Word or LibreOffice and save it as .docx")]
    except (RuntimeError, OSError) as exc:
        return [], [problem_row(None, "error", "unreadable", f"the .doc could not be converted ({exc}): it may be "
                                "damaged or not a Word document; open it and save it as .docx")]
    return docx_lines(docx)
