import streamlit as st

st.title("results")
st.info("This step is being built.")
