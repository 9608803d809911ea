"""An OpenAI-compatible chat server on loopback with scripted replies, for tests that run tgfix in a subprocess."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeOpenAI:
    """Serves /v1/chat/completions; each request takes the next scripted reply (the last one repeats).

    With status 401 every request is refused as an invalid API key instead.
    """

    def __init__(self, replies, status: int = 200):
        self.replies = list(replies)
        self.status = status
        self.requests = []
        self.keys = []  # the Authorization header of each request
        self.paths = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def _next_reply(self, request: dict) -> str:
        self.requests.append(request)
        return self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]

    def _answer(self, request: dict, text: str) -> dict:
        if self.status == 401:
            return {"error": {"message": "Incorrect API key provided", "type": "invalid_request_error",
                              "code": "invalid_api_key"}}
        return {
            "id": "fake", "object": "chat.completion", "created": 0, "model": request.get("model", "fake"),
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": text}}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
        }

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.keys.append(self.headers.get("Authorization"))
                fake.paths.append(self.path)
                text = fake._next_reply(request)
                body = json.dumps(fake._answer(request, text)).encode()
                self.send_response(fake.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        return Handler
