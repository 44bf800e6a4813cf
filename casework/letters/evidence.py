"""Saving a generated document (a produced letter's PDF) as evidence on its case.

Uploads go through `cases.services.add_evidence`, which commits at once; a produced letter must be
saved in the same transaction as its own record, so this uses `cases.services.stage_evidence` and
leaves the commit to the caller.
"""

from __future__ import annotations

from datetime import datetime

from casework.auth.models import User
from casework.cases import services as case_services
from casework.cases.evidence_files import CheckedFile, clean_label, discard
from casework.cases.models import Case
from casework.cases.record_models import Evidence


def add_generated_pdf(
    actor: User, case: Case, data: bytes, name: str, description: str, now: datetime
) -> Evidence:
    """Store PDF bytes as an internal evidence file of the case (not committed; see `discard_file`)."""
    if not data.startswith(b"%PDF-"):
        raise ValueError("a generated document must be a PDF")
    checked = CheckedFile(
        data=data, content_type="application/pdf", extension=".pdf", original_name=clean_label(name)
    )
    evidence = case_services.stage_evidence(actor, case, checked, description=description, internal=True)
    evidence.uploaded_at = now
    return evidence


def discard_file(stored_name: str) -> None:
    """Remove the stored file of evidence whose transaction was rolled back."""
    discard(stored_name)
