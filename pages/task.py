import streamlit as st

st.title("task")
st.info("This step is being built.")
