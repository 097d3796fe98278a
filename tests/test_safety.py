"""Hostile input stays harmless: safe model loading, no user text as HTML, no user name as a path,
and server settings that match the reader's limits."""

from __future__ import annotations

import ast
import io
import re
import tomllib
import zipfile
from pathlib import Path

import pytest

from rnnlab.core import settings
from rnnlab.data import reader
from rnnlab.runs import export
from rnnlab.runs.store import RunStore

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted([*(ROOT / "rnnlab").rglob("*.py"), *(ROOT / "pages").glob("*.py"), ROOT / "app.py"])
HOSTILE_NAME = "../../<script>alert(1)</script>.csv"


def _calls(text: str, name: str) -> list[tuple[int, str]]:
    """Every ``name(…)`` in ``text`` (also inside strings, e.g. a generated script): (line, arguments)."""
    found = []
    for match in re.finditer(re.escape(name) + r"\s*\(", text):
        depth, i = 1, match.end()
        while depth and i < len(text):
            depth += {"(": 1, ")": -1}.get(text[i], 0)
            i += 1
        found.append((text.count("\n", 0, match.start()) + 1, text[match.end() : i - 1]))
    return found


def test_the_call_scanner_finds_multi_line_calls():
    text = "m = keras.saving.load_model(\n    path,\n    compile=f(x),\n)\nload_model(p, safe_mode=True)\n"
    assert _calls(text, "load_model") == [(1, "\n    path,\n    compile=f(x),\n"), (5, "p, safe_mode=True")]


def test_every_load_model_call_passes_safe_mode_true():
    calls = [(path, line, args) for path in SOURCES for line, args in _calls(path.read_text(), "load_model")]
    assert calls, "expected the Inside page and the import check to load models"
    unsafe = [f"{p.relative_to(ROOT)}:{line}" for p, line, args in calls if "safe_mode=True" not in args]
    assert not unsafe, f"load_model without safe_mode=True: {unsafe}"
    for path in SOURCES:
        text = path.read_text()
        assert "safe_mode=False" not in text and "enable_unsafe_deserialization" not in text, path


def _html_calls(path: Path) -> list[ast.Call]:
    out = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call):
            continue
        unsafe = any(k.arg == "unsafe_allow_html" for k in node.keywords)
        func = ast.unparse(node.func)
        if unsafe or func.endswith(("st.html", "components.html", "components.v1.html")):
            out.append(node)
    return out


def _static(node: ast.AST) -> bool:
    """A string built from literals only: constants, ``"a" "b"`` and ``+`` of constants (no f-strings)."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    return isinstance(node, ast.BinOp) and _static(node.left) and _static(node.right)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_html_is_only_ever_static_text(path):
    for call in _html_calls(path):
        where = f"{path.relative_to(ROOT)}:{call.lineno}"
        assert path == ROOT / "app.py", f"{where}: HTML rendering outside app.py's presentation CSS"
        assert call.args and all(_static(a) for a in call.args), f"{where}: HTML built from variables"
        assert not any(k.arg == "unsafe_allow_html" for k in call.keywords), where


def test_the_static_check_rejects_user_text():
    tree = ast.parse('st.html(f"<b>{name}</b>")\nst.markdown("<b>" + name, unsafe_allow_html=True)\n')
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    assert not _static(calls[0].args[0]) and not _static(calls[1].args[0])
    assert _static(ast.parse('"<style>" "h1{}" + "</style>"').body[0].value)


def test_streamlit_server_settings_match_the_readers_limit():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    server = config["server"]
    assert server["maxUploadSize"] * 1024 * 1024 == settings.max_upload_bytes()
    assert server["enableXsrfProtection"] is True
    assert server["fileWatcherType"] == "none" and server.get("runOnSave", False) is False
    assert config["browser"]["gatherUsageStats"] is False
    assert config["client"]["showErrorDetails"] in ("none", False)  # no tracebacks in the browser
    assert config["runner"]["postScriptGC"] is False  # no full GC after every rerun (see bench_load)


def test_an_uploaded_name_is_only_a_label_never_a_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ds = reader.read_csv(b"id,t,x,y\na,0,1.0,5\na,1,2.0,5\nb,0,3.0,7\nb,1,4.0,7\n", name=HOSTILE_NAME)
    assert ds.n_sequences == 2
    assert list(tmp_path.rglob("*")) == []  # reading wrote nothing, anywhere under the working directory
    assert not (ROOT.parent / "<script>alert(1)</script>.csv").exists()


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize("member", ["../evil.keras", "/etc/evil", "sub/config.json", "..\\evil"])
def test_import_refuses_zip_member_names_that_could_become_paths(member):
    store = RunStore(settings.data_dir())
    with pytest.raises(ValueError, match="flat file names"):
        export.import_run(store, _zip({member: b"x"}), "ws-safety-1")
    assert not any(settings.data_dir().parent.glob("evil*"))


def test_model_files_are_named_by_generated_run_ids_only():
    store = RunStore(settings.data_dir())
    assert store.model_path("run-0123456789abcdef").name == "run-0123456789abcdef.keras"
    for hostile in ("../../etc/passwd", "a/b", HOSTILE_NAME, ""):
        with pytest.raises(ValueError, match="Received"):
            store.model_path(hostile)


def test_pages_never_open_files_or_build_paths():
    """Pages only hand bytes to rnnlab (uploads stay in session memory, ``session.UPLOAD_BYTES``)."""
    for path in (ROOT / "pages").glob("*.py"):
        text = path.read_text()
        for needle in ("open(", "Path(", "write_bytes", "write_text", "os.path", "tempfile"):
            assert needle not in text, f"{path.name} uses {needle}"
