import streamlit as st

st.title("compare")
st.info("This step is being built.")
