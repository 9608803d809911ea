"""An OpenAI-compatible chat server on loopback with scripted replies, for tests that run tgfix in a subprocess."""

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Raw:
    """A scripted answer given as it goes on the wire: any status, any body, after `delay` seconds."""

    body: bytes | str | dict = b""
    status: int = 200
    content_type: str = "application/json"
    delay: float = 0.0


class FakeOpenAI:
    """Serves /v1/chat/completions (any other path is 404, as real servers answer); each request
    takes the next scripted reply (the last one repeats).

    A reply is the text of the answer, or a Raw answer (a status code, a body that may be no
    chat completion at all, a delay), or a callable that makes either from the request. With status
    401 every request is refused as an invalid API key instead; with `delay`, every answer comes
    that many seconds late. `host` "0.0.0.0" serves on every interface (a server on the LAN).
    `most_in_flight` is the most requests it was answering at once.
    """

    def __init__(self, replies, status: int = 200, delay: float = 0.0, host: str = "127.0.0.1"):
        self.replies = list(replies)
        self.status = status
        self.delay = delay
        self.requests = []
        self.keys = []  # the Authorization header of each request
        self.paths = []
        self.in_flight = 0
        self.most_in_flight = 0
        self._lock = threading.Lock()  # the handler runs a thread per request
        self.closing = threading.Event()  # ends the delays of answers still under way
        self.server = ThreadingHTTPServer((host, 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.closing.set()
        self.server.shutdown()
        self.server.server_close()

    def _next_reply(self, request: dict):
        with self._lock:
            self.requests.append(request)
            return self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]

    def _counted(self, change: int) -> None:
        with self._lock:
            self.in_flight += change
            self.most_in_flight = max(self.most_in_flight, self.in_flight)

    def _raw(self, request: dict, reply) -> Raw:
        if callable(reply):
            reply = reply(request)
        if isinstance(reply, Raw):
            return reply
        if self.status == 401:
            return Raw({"error": {"message": "Incorrect API key provided", "type": "invalid_request_error",
                                  "code": "invalid_api_key"}}, 401)
        return Raw({
            "id": "fake", "object": "chat.completion", "created": 0, "model": request.get("model", "fake"),
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": reply}}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
        }, self.status)

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                fake._counted(+1)
                try:
                    self._answer()
                finally:
                    fake._counted(-1)

            def _answer(self):
                request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.keys.append(self.headers.get("Authorization"))
                fake.paths.append(self.path)
                if self.path != "/v1/chat/completions":
                    raw = Raw("404 page not found", 404, "text/plain")
                else:
                    raw = fake._raw(request, fake._next_reply(request))
                if fake.closing.wait(fake.delay + raw.delay):
                    return
                body = raw.body if isinstance(raw.body, bytes) else (
                    raw.body if isinstance(raw.body, str) else json.dumps(raw.body)).encode()
                try:
                    self.send_response(raw.status)
                    self.send_header("Content-Type", raw.content_type)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting
                    pass

            def log_message(self, *args):
                pass

        return Handler
