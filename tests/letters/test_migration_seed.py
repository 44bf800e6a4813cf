"""The letters migration seeds each letter's default wording as version 1, which the app then serves."""

from __future__ import annotations

from sqlalchemy import select

from casework.extensions import db
from casework.letters import services
from casework.letters.models import LetterTemplate, LetterTemplateVersion
from casework.letters.wording import DEFAULT_WORDING
from tests.test_migrations import migrated_app


def test_a_new_installation_has_the_default_wording_as_version_one(tmp_path):
    app = migrated_app(f"sqlite:///{tmp_path / 'seeded.db'}", tmp_path / "instance")
    with app.app_context():
        templates = {t.code: t for t in db.session.scalars(select(LetterTemplate))}
        assert set(templates) == {wording.code for wording in DEFAULT_WORDING}
        for wording in DEFAULT_WORDING:
            template = templates[wording.code]
            assert (template.title, template.body, template.version) == (wording.title, wording.body, 1)
            [version] = db.session.scalars(
                select(LetterTemplateVersion).where(LetterTemplateVersion.template_id == template.id)
            )
            assert (version.version, version.body) == (1, wording.body)
        assert [t.code for t in services.ensure_templates()] == [w.code for w in DEFAULT_WORDING]
        assert db.session.scalar(select(db.func.count(LetterTemplate.id))) == len(DEFAULT_WORDING)
        db.session.remove()
        db.engine.dispose()
