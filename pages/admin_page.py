"""Teacher: every queued and running training of every workspace, with a cancel button for each.

Registered only while ``RNNLAB_ADMIN_TOKEN`` is set; shows nothing until the token is typed in.
"""

import streamlit as st

from rnnlab.jobs import admin
from rnnlab.jobs.ledger import JobLedger
from rnnlab.ui import resources


def _cancel(ledger: JobLedger, job_id: str) -> None:
    st.toast(admin.cancel(ledger, job_id))


st.title("Teacher: the training queue")
if problem := admin.token_problem():
    st.error(problem)
    st.stop()
token = st.text_input("Admin token (RNNLAB_ADMIN_TOKEN)", type="password", key="admin-token")
if not admin.token_matches(token):
    if token:
        st.error("That is not the admin token.")
    st.stop()

manager = resources.started_job_manager()
if not isinstance(manager, JobLedger):  # none started (the manager keeps its queue in a JobLedger)
    st.info("No training workers have started since the server started: nothing is queued.")
    st.stop()
rows = admin.queue_rows(manager)
st.caption(admin.summary(rows))
st.button("Refresh", key="admin-refresh")
if not rows:
    st.markdown("_Nothing is queued or running._")
widths = [2, 2, 4, 1.4, 2, 3, 1.6]
for header, column in zip(
    ("workspace", "computer", "what", "epochs", "sample passes", "state"), st.columns(widths)
):
    column.markdown(f"**{header}**")
for row in rows:  # workspace, address and a file name are user text: shown as plain text
    cells = st.columns(widths)
    cells[0].text(row.workspace)
    cells[1].text(row.client)
    cells[2].text(row.what)
    cells[3].text(f"{row.epochs:,}" if row.epochs else "—")
    cells[4].text(f"{row.work:,}" if row.work else "—")
    cells[5].text(f"{row.state}: {row.where}")
    label = "Cancel" if row.state == "queued" else "Stop"
    cells[6].button(  # the callback runs before the rerun, so the list below it is already current
        label,
        key=f"admin-cancel-{row.job_id}",
        on_click=_cancel,
        args=(manager, row.job_id),
    )
