import streamlit as st

st.title("inside")
st.info("This step is being built.")
