# Two commands do everything on a fresh machine:
#   make run   — create .venv if needed, install requirements.txt, start the app on http://localhost:8501
#                (serve.py: app.py behind security headers, see rnnlab/ui/security_headers.py)
#   make test  — same set-up, then the whole test suite (ruff + import contracts + mypy + pytest, then the Ray tests)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-ray test-all lint bench clean

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/streamlit run serve.py --server.port 8501 --server.maxUploadSize $$($(BIN)/python -c "from rnnlab.core import settings; print(settings.max_upload_mb())")

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy rnnlab pages
	$(BIN)/python -m pytest
	$(MAKE) --no-print-directory test-ray

# The Ray tests start a real local cluster; Ray binds to the machine's external address, so they run in a
# network namespace with only loopback (root: unshare -n; others: a user namespace, unshare -rn).
RAY_TESTS := ip link set lo up && $(BIN)/python -m pytest -m ray tests/test_ray.py
test-ray: $(STAMP)
	@if unshare -n true 2>/dev/null; then unshare -n sh -c '$(RAY_TESTS)'; \
	elif unshare -rn true 2>/dev/null; then unshare -rn sh -c '$(RAY_TESTS)'; \
	else echo "ray tests skipped: unshare -n is not permitted here (needs root or user namespaces)"; fi

# The slow set too (longer trainings, 2,000-file fuzzing).
test-all: $(STAMP)
	$(BIN)/python -m pytest -m "not ray"
	$(MAKE) --no-print-directory test-ray

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
