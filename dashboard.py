"""Tension Monitor: which country pairs are in the news together, how, and since when.

    streamlit run serve.py        (or `make run`; TENSION_DB names the database)

serve.py runs this page and adds the streamed CSV downloads; `streamlit run dashboard.py`
alone works too, with the CSVs built in memory instead.

The page reads top to bottom: the database and its freshness, the filters (mirrored in the
URL), then the view switcher and the chosen view (a fragment: a switch reruns only it).
Queries live in queries/*.sql, the views in board/views/.
"""

import streamlit as st

from board import auth, controls, page
from board.watch import watch_this

st.set_page_config(page_title="Tension Monitor", page_icon="🌐", layout="wide")
st.title("Tension Monitor")
# before anything of the data is read: with [auth] configured, only allowed users go on
user = auth.gate()

database = page.database_or_stop()
articles = page.freshness(database)
if articles == 0:
    page.wait_for_articles(database)

options = page.options(database, user)
filters, notices = controls.filters(options)
watch_this(filters)

page.view(database, filters, options, notices)
