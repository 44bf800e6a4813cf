"""Uploads held between two submissions of a form (errors to correct, a repeat report to decide).

Files wait under instance/pending/<token>/ with generated names. The browser only ever holds the
random token; it is checked against a strict pattern and against the user who stashed the files, so a
posted value can never name a path.
"""

from __future__ import annotations

import io
import json
import re
import secrets
import shutil
import time
from pathlib import Path

from flask import current_app

from casework.cases.evidence_files import CheckedFile, EvidenceError, check_upload

TOKEN_RE = re.compile(r"^[0-9a-f]{32}$")
MAX_AGE_SECONDS = 24 * 60 * 60
MANIFEST = "manifest.json"


def pending_root() -> Path:
    """Where held uploads live (instance/pending), created on first use."""
    folder = Path(current_app.instance_path) / "pending"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def is_token(value: str | None) -> bool:
    """True for a value shaped like a token this module generates."""
    return bool(value) and TOKEN_RE.fullmatch(value or "") is not None


def stash(user_id: int, files: list[CheckedFile]) -> str | None:
    """Hold checked files for this user; returns the token to put in the form (None for no files)."""
    _sweep()
    if not files:
        return None
    token = secrets.token_hex(16)
    folder = pending_root() / token
    folder.mkdir()
    names = []
    for number, checked in enumerate(files):
        (folder / f"{number}.bin").write_bytes(checked.data)
        names.append(checked.original_name)
    (folder / MANIFEST).write_text(json.dumps({"user_id": user_id, "names": names}))
    return token


def load(user_id: int, token: str | None) -> list[CheckedFile]:
    """The files held under `token` for this user (none for an unknown, foreign or malformed token)."""
    folder = _folder_of(user_id, token)
    if folder is None:
        return []
    names = json.loads((folder / MANIFEST).read_text()).get("names", [])
    files = []
    for number, name in enumerate(names):
        try:
            files.append(check_upload(io.BytesIO((folder / f"{number}.bin").read_bytes()), str(name)))
        except (OSError, EvidenceError):
            continue  # a held file that is gone or no longer acceptable is simply not offered
    return files


def discard(token: str | None, user_id: int) -> None:
    """Remove this user's held files once used (or replaced by a newer stash)."""
    folder = _folder_of(user_id, token)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def _folder_of(user_id: int, token: str | None) -> Path | None:
    """The folder of a well-formed token whose files this user stashed, else None."""
    if not is_token(token):
        return None
    folder = pending_root() / str(token)
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("user_id") != user_id:
        return None
    return folder


def _sweep() -> None:
    """Remove stashes abandoned for a day, so a form left half-done does not keep files for ever."""
    cutoff = time.time() - MAX_AGE_SECONDS
    for folder in pending_root().iterdir():
        try:
            if folder.is_dir() and is_token(folder.name) and folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue
