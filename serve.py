"""Serve the dashboard with its streamed CSV downloads: `streamlit run serve.py` (`make run`).

`streamlit run dashboard.py` still works; its CSVs are then built in memory when clicked
instead of streamed (see board/panel.py).
"""

import os

import streamlit as st
from starlette.routing import Route

from board import auth, settings
from board.stream import csv_response

# read by board/panel.py in the script runs of this process: link to the route below
os.environ[settings.STREAMED_CSV_ENV] = "1"

# outside Streamlit's script runs, so outside dashboard.py's sign-in gate: the route checks the
# sign-in cookie itself (refs #19)
app = st.App(
    "dashboard.py",
    routes=[Route("/export/{table}.csv", auth.signed_in_only(csv_response))],
)
