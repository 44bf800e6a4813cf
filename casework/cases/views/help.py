"""The workflow help page: the workflow drawn from the same table the services enforce."""

from __future__ import annotations

from flask import Response, render_template
from markupsafe import Markup

from casework.access import allow
from casework.cases import diagram, workflow
from casework.cases.views import bp

# The page's main column is about this wide; a wider drawing shrinks to fit and links to full size.
PAGE_WIDTH = 960


@bp.route("/help/workflow")
@allow()
def workflow_help():
    drawing = diagram.draw(id_prefix="workflow", fit_width=PAGE_WIDTH)
    return render_template(
        "cases/help_workflow.html",
        svg=Markup(drawing.svg),  # noqa: S704 - built by diagram.draw, which escapes every text it writes
        transitions=diagram.transition_rows(),
        states=diagram.state_rows(),
        outcomes=workflow.OUTCOMES,
        without_clearance=[
            workflow.outcome_label(code)
            for code, _ in workflow.OUTCOMES
            if code in workflow.OUTCOMES_WITHOUT_CLEARANCE
        ],
    )


@bp.route("/help/workflow.svg")
@allow()
def workflow_diagram():
    """The same drawing on its own, at full size (to zoom and scroll on a small screen)."""
    drawing = diagram.draw(id_prefix="workflow")
    return Response(drawing.svg, mimetype="image/svg+xml")
