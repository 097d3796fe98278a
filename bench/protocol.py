"""A minimal Streamlit session over the app's own websocket protocol, for the load benchmark.

A browser spends most of a small machine's CPU on layout and Plotly; a classroom's students bring their
own machines. To load the *server* the way thirty students do without also running thirty browsers on
its cores, :class:`ProtocolSession` speaks what the browser speaks: it connects to ``/_stcore/stream``,
sends ``BackMsg.rerun_script`` with the page, query string and widget states, reads the ``ForwardMsg``
stream until ``script_finished``, finds buttons by label in the deltas, and answers the server's
``auto_rerun`` requests for fragments (the Train page's live curves) as the browser does.

    async with ProtocolSession(url) as session:
        await session.rerun(page="data", query="ds=ecg200")
        seconds = await session.click("Draw others")
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from urllib.parse import urlparse

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

FINISHED = "script_finished"
FRAGMENT_DONE = ForwardMsg.ScriptFinishedStatus.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
EARLY = ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN


class ProtocolSession:
    """One app session driven over the websocket (no browser).

    Args:
        url: the server's base URL, ``http://127.0.0.1:PORT``.
        follow_fragments: answer ``auto_rerun`` messages (a watching student's live chart) when True.
    """

    def __init__(self, url: str, follow_fragments: bool = True):
        parts = urlparse(url)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.ws_url = f"ws://{parts.netloc}/_stcore/stream"
        self.follow_fragments = follow_fragments
        self.page = ""
        self.query = ""
        self.buttons: dict[str, str] = {}  # label -> widget id, from the latest full run
        self.errors: list[str] = []
        self._ws = None
        self._reader: asyncio.Task | None = None
        self._finished: asyncio.Queue = asyncio.Queue()
        self._fragments: dict[str, asyncio.Task] = {}
        self._late = False  # a run timed out and may still send its script_finished

    async def __aenter__(self) -> ProtocolSession:
        self._ws = await websockets.connect(
            self.ws_url, subprotocols=["streamlit"], origin=self.origin, max_size=None, open_timeout=60
        )
        self._reader = asyncio.create_task(self._read())
        return self

    async def __aexit__(self, *exc) -> None:
        for task in self._fragments.values():
            task.cancel()
        if self._reader is not None:
            self._reader.cancel()
        if self._ws is not None:
            await self._ws.close()

    async def _read(self) -> None:
        async for raw in self._ws:
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            kind = msg.WhichOneof("type")
            if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                if element.WhichOneof("type") == "button":
                    self.buttons[element.button.label] = element.button.id
                elif element.WhichOneof("type") == "exception":
                    self.errors.append(element.exception.message)
            elif kind == "page_info_changed":
                self.query = msg.page_info_changed.query_string
            elif kind == "auto_rerun" and self.follow_fragments:
                self._start_fragment(msg.auto_rerun.fragment_id, msg.auto_rerun.interval)
            elif kind == "stop_auto_rerun":
                task = self._fragments.pop(msg.stop_auto_rerun.fragment_id, None)
                if task is not None:
                    task.cancel()
            elif kind == FINISHED and msg.script_finished != FRAGMENT_DONE:
                await self._finished.put((time.perf_counter(), msg.script_finished))

    def _start_fragment(self, fragment_id: str, interval: float) -> None:
        if fragment_id in self._fragments:
            return

        async def tick():
            while True:
                await asyncio.sleep(interval)
                await self._send(fragment_id=fragment_id, auto=True)

        self._fragments[fragment_id] = asyncio.create_task(tick())

    async def _send(self, *, trigger: str | None = None, fragment_id: str = "", auto: bool = False) -> None:
        back = BackMsg()
        state = back.rerun_script
        state.query_string = self.query
        state.page_name = self.page
        state.fragment_id = fragment_id
        state.is_auto_rerun = auto
        if trigger is not None:
            widget = state.widget_states.widgets.add()
            widget.id = trigger
            widget.trigger_value = True
        await self._ws.send(back.SerializeToString())

    async def rerun(self, page: str | None = None, query: str | None = None, timeout: float = 60.0) -> float:
        """Run the page (a first visit, or a plain rerun); return seconds until the script finished."""
        if page is not None:
            self.page = page
        if query is not None:
            self.query = query
        return await self._timed(None, timeout)

    async def click(self, label: str, timeout: float = 60.0) -> float:
        """Press the button with this label; return seconds until the rerun finished.

        Raises:
            KeyError: the last run drew no button with this label.
        """
        return await self._timed(self.buttons[label], timeout)

    async def _timed(self, trigger: str | None, timeout: float) -> float:
        if self._reader is not None and self._reader.done():  # the connection is gone: say why
            self._reader.result()
            raise ConnectionError("the server closed the websocket")
        if self._late:  # the previous run timed out: let it end before this one starts
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._finished.get(), timeout)
            self._late = False
        while not self._finished.empty():
            self._finished.get_nowait()
        for task in self._fragments.values():  # a full run restarts the fragments it draws
            task.cancel()
        self._fragments.clear()
        self.buttons.clear()
        start = time.perf_counter()
        await self._send(trigger=trigger)
        deadline = start + timeout
        while True:
            try:
                end, status = await asyncio.wait_for(
                    self._finished.get(), max(0.01, deadline - time.perf_counter())
                )
            except TimeoutError:
                self._late = True
                raise
            if status != EARLY:
                return end - start
