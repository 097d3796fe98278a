import streamlit as st

st.title("train")
st.info("This step is being built.")
