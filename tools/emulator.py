#!/usr/bin/env python3
"""Lambda Runtime API emulator for testing wisp's bootstrap.

RuntimeApi plays the Lambda service's side of the Runtime API (2018-06-01) on a raw-socket
HTTP/1.1 server, with per-invocation knobs for the failures a runtime has to survive.
Sandbox runs a bootstrap against a RuntimeApi with the environment of a provided.al2023
function. `python3 emulator.py rie -- BOOTSTRAP` puts an invocation endpoint in front of a
Sandbox, the way AWS's Runtime Interface Emulator does.
"""

import argparse
import base64
import collections
import dataclasses
import datetime
import functools
import hashlib
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Mapping
from http import HTTPStatus

API_VERSION = '/2018-06-01'
EXTENSION_API_VERSION = '/2020-01-01'
EXTENSION_NAME_HEADER = 'Lambda-Extension-Name'
EXTENSION_ID_HEADER = 'Lambda-Extension-Identifier'
FUNCTION_NAME = 'wisp-test'
REGION = 'us-east-1'
FUNCTION_ARN = f'arn:aws:lambda:{REGION}:123456789012:function:{FUNCTION_NAME}'
RESPONSE_LIMIT = 6 * 1024 * 1024 + 100  # 6,291,556 bytes
INVOKE_PATH = '/2015-03-31/functions/function/invocations'
ERROR_TYPE_HEADER = 'Lambda-Runtime-Function-Error-Type'
RESETS = ('before_head', 'mid_head', 'mid_body', 'on_post', 'mid_stream')
STREAMING_MODE = 'streaming'  # the Lambda-Runtime-Function-Response-Mode of a streamed response
ERROR_BODY_TRAILER = 'Lambda-Runtime-Function-Error-Body'

MAX_HEAD_BYTES = 64 * 1024
KEEP_BODY_BYTES = 16 * 1024 * 1024  # a longer body is measured and hashed, but only this much kept
STREAM_CUT_BYTES = 64 * 1024  # a 'mid_stream' reset comes once this much of the body arrived
RECV_BYTES = 256 * 1024
PEER_CHECK_SECONDS = 0.25  # how often a blocked /next looks whether its client went away
RESET_PAUSE_SECONDS = 0.05  # lets the client read a partial answer before the reset
POLL_SECONDS = 0.05
SANDBOX_TIMEOUT_SECONDS = 300.0

STATUS_LINES = {s.value: b'HTTP/1.1 %d %s\r\n' % (s.value, s.phrase.encode()) for s in HTTPStatus}
CLOSE_FIELD = b'Connection: close\r\n'
CONTINUE = b'HTTP/1.1 100 Continue\r\n\r\n'
HEX_DIGITS = frozenset(b'0123456789abcdefABCDEF')
LINGER_RESET = struct.pack('ii', 1, 0)


def error_body(error_type, message):
    """The JSON error document the Lambda service answers with, as bytes."""
    return json.dumps({'errorMessage': message, 'errorType': error_type}).encode()


OK_BODY = b'{"status":"OK"}'
POST_ERROR_BODIES = {
    400: error_body('InvalidRequestID', 'unknown or undelivered request id'),
    403: error_body('InvalidStateTransition', 'the invocation was already answered'),
    410: error_body('InvocationGone', 'the invocation is no longer active'),
    413: error_body('RequestEntityTooLarge', f'payload exceeds {RESPONSE_LIMIT} bytes'),
    500: error_body('ServiceException', 'internal service error'),
}
TOO_LARGE_ERROR = error_body(
    'Function.ResponseSizeTooLarge',
    f'Response payload size exceeded maximum allowed payload size ({RESPONSE_LIMIT} bytes).')


def http_response(status, body=b'', content_type='application/json', *, close=False, extra=b''):
    """Encode a whole answer framed by Content-Length; extra holds ready-made header lines."""
    return b''.join((STATUS_LINES[status], b'Content-Type: ', content_type.encode('latin-1'),
                     b'\r\nContent-Length: %d\r\n' % len(body), extra,
                     CLOSE_FIELD if close else b'', b'\r\n', body))


def status_body(status):
    """The body the API answers a post with: OK for 202, else a JSON error."""
    if status == 202:
        return OK_BODY
    return POST_ERROR_BODIES.get(status) or error_body('Error', HTTPStatus(status).phrase)


ACCEPTED = {close: http_response(202, OK_BODY, close=close) for close in (False, True)}


class ProtocolError(Exception):
    """The client sent something that is not acceptable HTTP/1.1 (answered with 400)."""


class PeerClosed(ConnectionError):
    """The client closed its connection in the middle of a request."""


class CutRequest(Exception):
    """The server chose to reset the connection in the middle of a request body."""


class Body:
    """A request body as it arrives: its size, SHA-256 and (when chunked) the chunk-size
    lines as sent, always; its bytes only up to keep, so long streams cost no memory.
    cut_after, when set, raises CutRequest once that many bytes arrived."""

    def __init__(self, keep=KEEP_BODY_BYTES, cut_after=None):
        self.keep = keep
        self.cut_after = cut_after
        self.size = 0
        self.hash = hashlib.sha256()
        self.kept = bytearray()
        self.chunk_lines = None  # a list of bytes for a chunked body

    def feed(self, data):
        """Take the next bytes of the body."""
        self.size += len(data)
        self.hash.update(data)
        room = self.keep - len(self.kept)
        if room > 0:
            self.kept += data[:room]
        if self.cut_after is not None and self.size >= self.cut_after:
            raise CutRequest(f'cut after {self.size} bytes of the body')

    @property
    def complete(self):
        """True when kept holds the whole body."""
        return len(self.kept) == self.size


class Headers(Mapping):
    """Header fields in arrival order, looked up case-insensitively (the first value wins)."""

    def __init__(self, fields=()):
        self.fields = list(fields)
        self._index = {}
        for name, value in self.fields:
            self._index.setdefault(name.lower(), value)

    def __getitem__(self, name):
        return self._index[name.lower()]

    def __iter__(self):
        return iter(self._index)

    def __len__(self):
        return len(self._index)

    def get_all(self, name):
        """Every value of the field called name, in arrival order."""
        wanted = name.lower()
        return [value for field, value in self.fields if field.lower() == wanted]

    def __repr__(self):
        return f'Headers({self.fields!r})'


@dataclasses.dataclass(eq=False)
class Request:
    """One request as received. path is the raw request target; line the raw request line;
    connection numbers accepted connections from 1; status is what the server answered
    (None while pending, or when it answered with raw bytes or a reset). body holds at
    most KEEP_BODY_BYTES; body_size and body_sha256 (hex) cover the whole body, and
    chunk_lines, for a chunked body, holds each chunk-size line as sent (extensions
    included, the terminal '0' last). cut_after, set by the server when the head arrives,
    makes it reset the connection once that many bytes of the body arrived."""
    method: str
    path: str
    version: str
    headers: Headers
    body: bytes
    trailers: Headers
    connection: int
    line: bytes
    status: int = None
    body_size: int = 0
    body_sha256: str = None
    chunk_lines: list = None
    cut_after: int = None

    @property
    def streaming(self):
        """True for a response posted in streaming mode."""
        return self.headers.get('lambda-runtime-function-response-mode', '').lower() == STREAMING_MODE

    @functools.cached_property
    def wants_close(self):
        """True when the client asked for the connection to end after this exchange."""
        tokens = {token.strip() for token in self.headers.get('connection', '').lower().split(',')}
        if self.version == 'HTTP/1.0':
            return 'keep-alive' not in tokens
        return 'close' in tokens


def parse_field(line):
    """Split one 'Name: value' header or trailer line into a (name, value) pair of str."""
    name, colon, value = line.partition(b':')
    if not colon or not name or name != name.strip():
        raise ProtocolError(f'malformed header line {line[:80]!r}')
    return name.decode('latin-1'), value.strip(b' \t').decode('latin-1')


def parse_request_line(line):
    """Split a request line into method, target and version (str)."""
    parts = line.split(b' ')
    if len(parts) != 3 or not parts[2].startswith(b'HTTP/1.'):
        raise ProtocolError(f'malformed request line {line[:80]!r}')
    return tuple(part.decode('latin-1') for part in parts)


def parse_content_length(values):
    """The body length announced by one or more identical Content-Length fields."""
    if len(set(values)) != 1 or not (values[0].isascii() and values[0].isdigit()):
        raise ProtocolError(f'bad Content-Length {values!r}')
    return int(values[0])


def parse_chunk_size(line):
    """The size of a chunk from its size line, ignoring chunk extensions."""
    field = line.split(b';', 1)[0].strip(b' \t')
    if not field or not all(byte in HEX_DIGITS for byte in field):
        raise ProtocolError(f'bad chunk size line {line[:80]!r}')
    return int(field, 16)


def encode_chunks(body, chunk_size):
    """Encode body with chunked transfer coding, in chunks of at most chunk_size bytes."""
    pieces = (body[at:at + chunk_size] for at in range(0, len(body), chunk_size))
    return b''.join(b'%x\r\n%s\r\n' % (len(piece), piece) for piece in pieces) + b'0\r\n\r\n'


class HttpConnection:
    """One accepted socket: reads HTTP/1.1 requests from it and writes raw bytes to it."""

    def __init__(self, sock, number):
        self.sock = sock
        self.number = number
        self._buffer = bytearray()

    def read_request(self, on_head=None):
        """Read the next whole request; None when the client closed the connection first.
        on_head, when given, sees the request once its head arrived, before its body."""
        head = self._read_head()
        if head is None:
            return None
        line, *field_lines = head.split(b'\r\n')
        method, path, version = parse_request_line(line)
        headers = Headers(parse_field(field) for field in field_lines)
        request = Request(method, path, version, headers, b'', Headers(), self.number, line)
        if on_head:
            on_head(request)
        if headers.get('expect', '').lower() == '100-continue':
            self.send(CONTINUE)
        body = Body(cut_after=request.cut_after)
        request.trailers = self._read_body(headers, body)
        request.body = bytes(body.kept)
        request.body_size = body.size
        request.body_sha256 = body.hash.hexdigest()
        request.chunk_lines = body.chunk_lines
        return request

    def send(self, data):
        """Write all of data with a single sendall."""
        self.sock.sendall(data)

    def peer_closed(self):
        """True when the client has closed (or reset) the connection; never blocks."""
        try:
            return self.sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b''
        except BlockingIOError:
            return False
        except OSError:
            return True

    def reset(self):
        """Close abruptly: SO_LINGER 0 makes the kernel send RST instead of FIN."""
        try:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER_RESET)
        except OSError:
            pass
        self.sock.close()

    def shutdown(self):
        """End the connection from another thread (its serving thread then closes it)."""
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def close(self):
        """Close the socket."""
        self.sock.close()

    def _fill(self):
        data = self.sock.recv(RECV_BYTES)
        self._buffer += data
        return bool(data)

    def _read_until(self, delimiter, too_long):
        """The bytes before the next delimiter (consumed too), or None if the peer
        closed first; ProtocolError(too_long) past MAX_HEAD_BYTES."""
        start = 0
        while True:
            end = self._buffer.find(delimiter, start)
            if end >= 0:
                data = bytes(self._buffer[:end])
                del self._buffer[:end + len(delimiter)]
                return data
            if len(self._buffer) > MAX_HEAD_BYTES:
                raise ProtocolError(too_long)
            start = max(0, len(self._buffer) - len(delimiter) + 1)
            if not self._fill():
                return None

    def _read_head(self):
        return self._read_until(b'\r\n\r\n', 'request head too large')

    def _read_line(self):
        line = self._read_until(b'\r\n', 'line too long')
        if line is None:
            raise PeerClosed('connection closed inside a request')
        return line

    def _read_exact(self, size):
        while len(self._buffer) < size:
            if not self._fill():
                raise PeerClosed('connection closed inside a request body')
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data

    def _read_body(self, headers, body):
        """Feed the body to body (a Body); return the trailers."""
        encoding = headers.get('transfer-encoding')
        lengths = headers.get_all('content-length')
        if encoding is not None:
            if lengths:
                raise ProtocolError('both Content-Length and Transfer-Encoding')
            if encoding.strip().lower() != 'chunked':
                raise ProtocolError(f'unsupported Transfer-Encoding {encoding!r}')
            return self._read_chunked(body)
        if lengths:
            self._read_into(body, parse_content_length(lengths))
        return Headers()

    def _read_into(self, body, size):
        """Feed the next size bytes to body as they arrive."""
        while size:
            if not self._buffer and not self._fill():
                raise PeerClosed('connection closed inside a request body')
            piece = bytes(self._buffer[:size])
            del self._buffer[:len(piece)]
            size -= len(piece)
            body.feed(piece)

    def _read_chunked(self, body):
        """Decode a chunked body incrementally; return its trailers."""
        body.chunk_lines = []
        while True:
            line = self._read_line()
            size = parse_chunk_size(line)
            body.chunk_lines.append(line)
            if not size:
                break
            self._read_into(body, size)
            if self._read_exact(2) != b'\r\n':
                raise ProtocolError('chunk data not followed by CRLF')
        trailers = []
        while line := self._read_line():
            trailers.append(parse_field(line))
        return Headers(trailers)


class HttpServer:
    """A threaded HTTP/1.1 server on raw sockets, one thread per connection, keep-alive.
    Subclasses answer in handle(connection, request) and return whether to keep going."""

    def __init__(self, host='127.0.0.1', port=0):
        self.host = host
        self.port = port
        self.stopping = False
        self._listener = None
        self._acceptor = None
        self._connections = set()
        self._connections_lock = threading.Lock()

    @property
    def address(self):
        """'host:port' of the listening socket, IPv6 hosts in brackets."""
        host = f'[{self.host}]' if ':' in self.host else self.host
        return f'{host}:{self.port}'

    def start(self):
        """Bind, listen and start accepting; returns self."""
        family = socket.AF_INET6 if ':' in self.host else socket.AF_INET
        listener = socket.socket(family, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            listener.bind((self.host, self.port))
            listener.listen(128)
        except OSError:
            listener.close()
            raise
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._acceptor = threading.Thread(target=self._accept_loop, daemon=True,
                                          name=f'accept {self.address}')
        self._acceptor.start()
        return self

    def stop(self):
        """Stop accepting and drop every connection; safe to call more than once."""
        if self._listener is None or self.stopping:
            return
        self.stopping = True
        try:
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        except OSError:
            pass
        self._listener.close()
        self.close_all()
        self._acceptor.join(timeout=2)

    def close_all(self):
        """Drop every open connection."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            connection.shutdown()

    def handle(self, connection, request):
        """Answer request on connection; return False to close the connection."""
        raise NotImplementedError

    def on_head(self, request):
        """Called with each request once its head arrived, before its body is read."""

    def __enter__(self):
        return self if self._listener else self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def _accept_loop(self):
        count = 0
        while not self.stopping:
            try:
                sock, _ = self._listener.accept()
            except OSError:
                return
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            count += 1
            connection = HttpConnection(sock, count)
            with self._connections_lock:
                self._connections.add(connection)
            threading.Thread(target=self._serve, args=(connection,), daemon=True,
                             name=f'connection {count}').start()

    def _serve(self, connection):
        try:
            while not self.stopping:
                try:
                    request = connection.read_request(self.on_head)
                except ProtocolError as error:
                    connection.send(http_response(400, error_body('BadRequest', str(error)),
                                                  close=True))
                    return
                except CutRequest:
                    connection.reset()
                    return
                if request is None or not self.handle(connection, request):
                    return
        except OSError:
            pass
        finally:
            with self._connections_lock:
                self._connections.discard(connection)
            connection.close()


@dataclasses.dataclass(eq=False)
class Result:
    """What the runtime posted for one invocation. Live: it fills in when the post arrives.

    kind: 'response', 'error', or 'none' while nothing was recorded;
    status_sent: the status the emulator answered the recorded post with;
    headers, body, trailers: of that post (body is the failure JSON after a 413; at most
    KEEP_BODY_BYTES of it, the rest measured by body_size and body_sha256);
    chunk_lines: the chunk-size lines of a chunked post, as sent (None otherwise);
    mode: its Lambda-Runtime-Function-Response-Mode ('streaming' or None);
    error_type: for kind 'error', its Lambda-Runtime-Function-Error-Type header (or
    'Function.ResponseSizeTooLarge' after a 413);
    posts: how many posts for this request id arrived once it was delivered, recorded or
    not (403s and 'on_post' resets count), including any after wait() returned."""
    kind: str = 'none'
    status_sent: int = None
    headers: Headers = dataclasses.field(default_factory=Headers)
    body: bytes = b''
    trailers: Headers = dataclasses.field(default_factory=Headers)
    error_type: str = None
    posts: int = 0
    body_size: int = 0
    body_sha256: str = None
    chunk_lines: list = None
    mode: str = None

    def json(self):
        """The body decoded as JSON."""
        return json.loads(self.body)

    def stream_error(self):
        """For a streamed response that ended with error trailers: (error type, the error
        document the Error-Body trailer carries in base64, as bytes); else None."""
        if self.mode != STREAMING_MODE or ERROR_TYPE_HEADER not in self.trailers:
            return None
        encoded = self.trailers.get(ERROR_BODY_TRAILER, '')
        return self.trailers[ERROR_TYPE_HEADER], base64.b64decode(encoded, validate=True)

    def record(self, kind, request, status, body=None, error_type=None):
        """Fill in from the post request (body and error_type override what it carried)."""
        self.kind = kind
        self.status_sent = status
        self.headers = request.headers
        self.trailers = request.trailers
        self.body = request.body if body is None else body
        self.body_size = request.body_size if body is None else len(body)
        self.body_sha256 = request.body_sha256 if body is None else hashlib.sha256(body).hexdigest()
        self.chunk_lines = request.chunk_lines
        self.mode = request.headers.get('Lambda-Runtime-Function-Response-Mode')
        if kind == 'error':
            self.error_type = error_type or request.headers.get(ERROR_TYPE_HEADER)


def encode_field(name, value):
    """One 'Name: value' header line as bytes; value may be str (sent as UTF-8) or bytes."""
    if isinstance(value, str):
        value = value.encode()
    return name.encode('latin-1') + b': ' + value + b'\r\n'


def trace_id():
    """A fresh X-Ray trace header value as Lambda sends it."""
    return (f'Root=1-{int(time.time()):08x}-{secrets.token_hex(12)};'
            f'Parent={secrets.token_hex(8)};Sampled=1')


class Invocation:
    """One submitted event: the knobs of its scenario, its delivery state and its Result.

    Keyword arguments (those of RuntimeApi.submit):
      request_id: str, default a fresh uuid4;
      timeout_ms: the deadline sent is delivery time + timeout_ms (default 3000);
      headers: dict of extra or overriding /next header fields (values str or bytes);
      omit: names of /next header fields to leave out, e.g. 'Lambda-Runtime-Deadline-Ms';
      chunked, chunk_size: send the event with Transfer-Encoding: chunked, in chunks of
        chunk_size bytes (default 2048);
      post_status: answer the runtime's post with this status instead of 202 (still recorded);
      next_status: answer /next with this status and a JSON error instead of the event (the
        invocation is consumed: wait() returns at once with kind 'none');
      raw_next: bytes sent verbatim as the whole answer to /next;
      reset: 'before_head' | 'mid_head' | 'mid_body' | 'on_post' | 'mid_stream', once
        (see RuntimeApi);
      connection_close: answer /next and the post with Connection: close, then close.

    state is 'queued', 'delivered' or 'done'; deliveries counts answers to /next."""

    def __init__(self, body, *, request_id=None, timeout_ms=3000, headers=None, omit=(),
                 chunked=False, chunk_size=2048, post_status=None, next_status=None,
                 raw_next=None, reset=None, connection_close=False):
        if reset not in (None, *RESETS):
            raise ValueError(f'reset must be one of {RESETS}')
        self.request_id = request_id or str(uuid.uuid4())
        self.body = body.encode() if isinstance(body, str) else bytes(body)
        self.timeout_ms = timeout_ms
        self.chunked = chunked
        self.chunk_size = chunk_size
        self.post_status = post_status
        self.next_status = next_status
        self.raw_next = raw_next
        self.reset = reset
        self.connection_close = connection_close
        self.state = 'queued'
        self.deliveries = 0
        self.result = Result()
        self._done = threading.Event()
        self._header_lines = self._event_header_lines(headers or {}, omit)

    def wait(self, timeout=10):
        """Wait until the invocation is answered (or consumed); return its Result."""
        self._done.wait(timeout)
        return self.result

    def render_next(self, close):
        """The whole answer to /next as bytes, and the length of its head."""
        deadline = b'Lambda-Runtime-Deadline-Ms: %d\r\n' % (
            time.time_ns() // 1_000_000 + self.timeout_ms)
        if self.chunked:
            framing, payload = b'Transfer-Encoding: chunked\r\n', encode_chunks(
                self.body, self.chunk_size)
        else:
            framing, payload = b'Content-Length: %d\r\n' % len(self.body), self.body
        head = b''.join((STATUS_LINES[200], *(line or deadline for line in self._header_lines),
                         framing, CLOSE_FIELD if close else b'', b'\r\n'))
        return head + payload, len(head)

    def accept_post(self, request, kind):
        """Judge a post for this invocation (caller holds the API lock): the status to
        answer, or None when the connection must be reset without recording it."""
        self.result.posts += 1
        if self.reset == 'on_post':
            self.reset = None
            return None
        if self.state == 'done':
            return 403
        self.state = 'done'
        # Streams may go past the limit on a synchronous response (Lambda caps them at 200 MB).
        if kind == 'response' and not request.streaming and request.body_size > RESPONSE_LIMIT:
            self.result.record('error', request, 413, TOO_LARGE_ERROR,
                               'Function.ResponseSizeTooLarge')
            return 413
        status = self.post_status or 202
        self.result.record(kind, request, status)
        return status

    def finish(self):
        """Mark the invocation done and wake wait()."""
        self.state = 'done'
        self._done.set()

    def _event_header_lines(self, headers, omit):
        fields = {
            'lambda-runtime-aws-request-id': ('Lambda-Runtime-Aws-Request-Id', self.request_id),
            'lambda-runtime-deadline-ms': ('Lambda-Runtime-Deadline-Ms', None),
            'lambda-runtime-invoked-function-arn': ('Lambda-Runtime-Invoked-Function-Arn',
                                                    FUNCTION_ARN),
            'lambda-runtime-trace-id': ('Lambda-Runtime-Trace-Id', trace_id()),
            'content-type': ('Content-Type', 'application/json'),
        }
        for name, value in headers.items():
            fields[name.lower()] = (name, value)
        for name in omit:
            fields.pop(name.lower(), None)
        # None stands for the deadline, which is computed at each delivery.
        return [None if value is None else encode_field(name, value)
                for name, value in fields.values()]


_SHUT_DOWN = object()


class RuntimeApi(HttpServer):
    """The Lambda Runtime API, as the service serves it to a runtime (routes under
    base_path + '/2018-06-01'). Use as a context manager, or start() and stop().

    address is 'host:port'; runtime_api adds base_path (the AWS_LAMBDA_RUNTIME_API value).
    requests logs every parsed request in arrival order; init_errors the /init/error posts;
    on_init_error, when set, is called with each of those.

    SnapStart: GET /runtime/restore/next stands for the snapshot being taken and restored.
    With hold_restore it blocks until release_restore() (wait_for_restore() sees it
    blocked); without, it is answered at once. restore_status is its answer (200 by
    default). restore_errors holds the POST /runtime/restore/error requests (answered 202).

    Extensions API (base_path + '/2020-01-01/extension'): extension_registrations logs the
    register posts, answered 200 with a fresh Lambda-Extension-Identifier (kept in
    extension_ids), or with register_status when set; extension_nexts logs the event/next
    calls, which stay pending (no event is ever sent) until the client goes away or the
    server stops; an unknown identifier gets 403.

    Resets (per invocation, once): 'before_head', 'mid_head' and 'mid_body' reset the
    connection at that point of the /next answer and put the invocation back at the front
    of the queue; 'on_post' resets the connection on the runtime's post without recording
    it, so a re-post on a fresh connection is recorded; 'mid_stream' resets it once
    STREAM_CUT_BYTES of a streamed response's body arrived, recording nothing.

    Streamed responses (chunked, Lambda-Runtime-Function-Response-Mode: streaming) are
    decoded as they arrive and recorded like any post, with their framing and trailers."""

    def __init__(self, host='127.0.0.1', port=0, base_path='', *, hold_restore=False,
                 restore_status=200):
        super().__init__(host, port)
        self.base_path = base_path.rstrip('/')
        self.requests = []  # list.append is atomic: safe to read while threads append
        self.init_errors = []
        self.on_init_error = None
        self.restore_errors = []
        self.restore_status = restore_status
        self._restore_held = hold_restore
        self._restore_waiters = 0
        self._changed = threading.Condition()
        self._queue = collections.deque()
        self._invocations = {}
        self._waiters = 0
        self._next_shut_down = False
        self.extension_registrations = []
        self.extension_nexts = []
        self.register_status = None
        self.extension_ids = []
        extension_prefix = self.base_path + EXTENSION_API_VERSION + '/extension/'
        prefix = self.base_path + API_VERSION
        self._invocation_prefix = prefix + '/runtime/invocation/'
        self._routes = {
            ('GET', prefix + '/runtime/invocation/next'): self._serve_next,
            ('POST', prefix + '/runtime/init/error'): self._serve_init_error,
            ('POST', extension_prefix + 'register'): self._serve_extension_register,
            ('GET', extension_prefix + 'event/next'): self._serve_extension_next,
        }
        self._routes.update({
            ('GET', prefix + '/runtime/restore/next'): self._serve_restore_next,
            ('POST', prefix + '/runtime/restore/error'): self._serve_restore_error,
        })

    @property
    def runtime_api(self):
        """The value for AWS_LAMBDA_RUNTIME_API: address followed by base_path."""
        return self.address + self.base_path

    @property
    def next_waiters(self):
        """How many /next calls are blocked waiting for an invocation right now."""
        return self._waiters

    def wait_for_waiters(self, count=1, timeout=5):
        """Wait until at least count /next calls are blocked; return whether they are."""
        with self._changed:
            return self._changed.wait_for(lambda: self._waiters >= count, timeout)

    def submit(self, body, **options):
        """Queue an event (bytes or str) and return its Invocation; options are the
        Invocation keyword arguments (request_id, timeout_ms, headers, omit, chunked,
        chunk_size, post_status, next_status, raw_next, reset, connection_close)."""
        invocation = Invocation(body, **options)
        with self._changed:
            if invocation.request_id in self._invocations:
                raise ValueError(f'request id {invocation.request_id!r} already submitted')
            self._invocations[invocation.request_id] = invocation
            self._queue.append(invocation)
            self._changed.notify_all()
        return invocation

    def cancel(self, invocation):
        """Give up on an invocation (as the service does on a timeout): it leaves the
        queue, wait() returns, and a later post for it gets 403."""
        with self._changed:
            if invocation.state == 'queued':
                self._queue.remove(invocation)
            invocation.finish()

    def shutdown_next(self):
        """Make pending and future /next calls answer 500."""
        with self._changed:
            self._next_shut_down = True
            self._changed.notify_all()

    def release_restore(self):
        """Answer blocked and future /restore/next calls: the snapshot is restored."""
        with self._changed:
            self._restore_held = False
            self._changed.notify_all()

    def wait_for_restore(self, timeout=5):
        """Wait until a /restore/next call is blocked; return whether one is."""
        with self._changed:
            return self._changed.wait_for(lambda: self._restore_waiters > 0, timeout)

    def stop(self):
        """Stop serving; blocked /next calls end without an answer."""
        super().stop()
        with self._changed:
            self._changed.notify_all()

    def on_head(self, request):
        """Log the request as soon as its head arrives, and arm a 'mid_stream' reset."""
        self.requests.append(request)
        path = request.path.partition('?')[0]
        if (request.method != 'POST' or not request.streaming or not path.endswith('/response')
                or not path.startswith(self._invocation_prefix)):
            return
        request_id = path[len(self._invocation_prefix):-len('/response')]
        with self._changed:
            invocation = self._invocations.get(request_id)
            if invocation is not None and invocation.reset == 'mid_stream':
                invocation.reset = None
                invocation.result.posts += 1
                request.cut_after = STREAM_CUT_BYTES

    def handle(self, connection, request):
        """Route one request of the Runtime API."""
        path = request.path.partition('?')[0]
        route = self._routes.get((request.method, path))
        if route:
            return route(connection, request)
        if request.method == 'POST' and path.startswith(self._invocation_prefix):
            request_id, _, kind = path[len(self._invocation_prefix):].rpartition('/')
            if kind in ('response', 'error') and request_id and '/' not in request_id:
                return self._serve_post(connection, request, request_id, kind)
        body = error_body('NotFound', f'no route for {request.method} {path}')
        return self._answer(connection, request, 404, body)

    def _answer(self, connection, request, status, body, close=False):
        close = close or request.wants_close
        request.status = status
        connection.send(ACCEPTED[close] if status == 202 else http_response(status, body,
                                                                             close=close))
        return not close

    def _take_next(self, connection):
        """Block until an invocation is queued and take it; _SHUT_DOWN after shutdown_next(),
        None when the server stops or the client goes away first."""
        with self._changed:
            self._waiters += 1
            self._changed.notify_all()
            try:
                while True:
                    if self._next_shut_down:
                        return _SHUT_DOWN
                    if self.stopping:
                        return None
                    if self._queue:
                        invocation = self._queue.popleft()
                        invocation.state = 'delivered'
                        invocation.deliveries += 1
                        return invocation
                    if not self._changed.wait(PEER_CHECK_SECONDS) and connection.peer_closed():
                        return None
            finally:
                self._waiters -= 1

    def _requeue(self, invocation):
        with self._changed:
            invocation.state = 'queued'
            self._queue.appendleft(invocation)
            self._changed.notify_all()

    def _serve_next(self, connection, request):
        invocation = self._take_next(connection)
        if invocation is None:
            return False
        if invocation is _SHUT_DOWN:
            return self._answer(connection, request, 500, POST_ERROR_BODIES[500])
        close = request.wants_close or invocation.connection_close
        if invocation.reset in ('before_head', 'mid_head', 'mid_body'):
            return self._deliver_and_reset(connection, invocation)
        if invocation.next_status:
            try:
                return self._answer(connection, request, invocation.next_status,
                                    status_body(invocation.next_status), close)
            finally:
                invocation.finish()
        if invocation.raw_next is not None:
            connection.send(invocation.raw_next)
            return not close
        data, _ = invocation.render_next(close)
        request.status = 200
        connection.send(data)
        return not close

    def _deliver_and_reset(self, connection, invocation):
        data, head_length = invocation.render_next(False)
        cut = {'before_head': 0,
               'mid_head': head_length // 2,
               'mid_body': head_length + (len(data) - head_length) // 2}[invocation.reset]
        invocation.reset = None
        if cut:
            connection.send(data[:cut])
            time.sleep(RESET_PAUSE_SECONDS)
        # Back at the front of the queue before the reset, so the runtime's
        # reconnect gets this invocation again and not the next one.
        self._requeue(invocation)
        connection.reset()
        return False

    def _serve_post(self, connection, request, request_id, kind):
        with self._changed:
            invocation = self._invocations.get(request_id)
            if invocation is None or invocation.state == 'queued':
                invocation, status = None, 400
            else:
                status = invocation.accept_post(request, kind)
        if status is None:
            connection.reset()
            return False
        close = invocation is not None and invocation.connection_close
        try:
            return self._answer(connection, request, status, status_body(status), close)
        finally:
            if invocation is not None:
                invocation.finish()

    def _serve_restore_next(self, connection, request):
        with self._changed:
            self._restore_waiters += 1
            self._changed.notify_all()
            try:
                while self._restore_held:
                    if self.stopping:
                        return False
                    if not self._changed.wait(PEER_CHECK_SECONDS) and connection.peer_closed():
                        return False
            finally:
                self._restore_waiters -= 1
        status = self.restore_status
        return self._answer(connection, request, status, b'' if status == 200 else status_body(status))

    def _serve_restore_error(self, connection, request):
        self.restore_errors.append(request)
        return self._answer(connection, request, 202, OK_BODY)

    def _serve_extension_register(self, connection, request):
        self.extension_registrations.append(request)
        status = self.register_status or (200 if request.headers.get(EXTENSION_NAME_HEADER) else 400)
        if status != 200:
            return self._answer(connection, request, status, status_body(status))
        identifier = str(uuid.uuid4())
        self.extension_ids.append(identifier)
        body = json.dumps({'functionName': FUNCTION_NAME, 'functionVersion': '$LATEST',
                           'handler': 'bootstrap'}).encode()
        request.status = 200
        connection.send(http_response(200, body, extra=encode_field(EXTENSION_ID_HEADER, identifier),
                                      close=request.wants_close))
        return not request.wants_close

    def _serve_extension_next(self, connection, request):
        self.extension_nexts.append(request)
        if request.headers.get(EXTENSION_ID_HEADER) not in self.extension_ids:
            return self._answer(connection, request, 403,
                                error_body('Extension.UnknownExtensionIdentifier',
                                           'unknown Lambda-Extension-Identifier'))
        with self._changed:
            while not self.stopping and not connection.peer_closed():
                self._changed.wait(PEER_CHECK_SECONDS)
        return False

    def _serve_init_error(self, connection, request):
        self.init_errors.append(request)
        keep_open = self._answer(connection, request, 202, OK_BODY)
        if self.on_init_error:
            self.on_init_error(request)
        return keep_open


def lambda_environment(runtime_api, task_root):
    """The variables Lambda sets for a provided.al2023 function (no credentials)."""
    today = datetime.datetime.now(datetime.timezone.utc)
    return {
        'AWS_LAMBDA_RUNTIME_API': runtime_api,
        '_HANDLER': 'bootstrap',
        'LAMBDA_TASK_ROOT': task_root,
        'AWS_REGION': REGION,
        'AWS_DEFAULT_REGION': REGION,
        'AWS_LAMBDA_FUNCTION_NAME': FUNCTION_NAME,
        'AWS_LAMBDA_FUNCTION_VERSION': '$LATEST',
        'AWS_LAMBDA_FUNCTION_MEMORY_SIZE': '128',
        'AWS_LAMBDA_LOG_GROUP_NAME': f'/aws/lambda/{FUNCTION_NAME}',
        'AWS_LAMBDA_LOG_STREAM_NAME': f'{today:%Y/%m/%d}/[$LATEST]{uuid.uuid4().hex}',
        'AWS_LAMBDA_INITIALIZATION_TYPE': 'on-demand',
    }


# ELF e_machine values, and the qemu-user programs that run each on another CPU.
ELF_MACHINES = {62: 'x86_64', 183: 'aarch64'}
HOST_MACHINES = {'x86_64': 'x86_64', 'amd64': 'x86_64', 'aarch64': 'aarch64', 'arm64': 'aarch64'}


def command(path):
    """The argv that runs the executable at path here: itself, or, when it is an ELF for
    another CPU (an arm64 bootstrap on x86_64), itself under qemu-user
    (qemu-<cpu>-static or qemu-<cpu>, as Debian's qemu-user-static installs them)."""
    try:
        with open(path, 'rb') as f:
            header = f.read(20)
    except OSError:
        return [path]
    if header[:4] != b'\x7fELF' or len(header) < 20:
        return [path]
    cpu = ELF_MACHINES.get(struct.unpack_from('<H', header, 18)[0])
    if cpu is None or cpu == HOST_MACHINES.get(platform.machine()):
        return [path]
    for name in (f'qemu-{cpu}-static', f'qemu-{cpu}'):
        emulator = shutil.which(name)
        if emulator:
            return [emulator, path]
    raise RuntimeError(f'{path} is a {cpu} executable: install qemu-user-static to run it here')


def spawn_bootstrap(path, api_address, extra_env=None, args=(), **popen_kwargs):
    """Start path (with args) as a Lambda runtime talking to api_address: the caller's
    environment, then the Lambda variables, then extra_env. popen_kwargs go to Popen
    (LAMBDA_TASK_ROOT is their cwd, default the current directory)."""
    task_root = os.path.abspath(popen_kwargs.get('cwd') or os.getcwd())
    env = dict(os.environ)
    env.update(lambda_environment(api_address, task_root))
    env.update(extra_env or {})
    executable = os.path.abspath(path) if os.path.isfile(path) else path
    return subprocess.Popen([*command(executable), *args], env=env, **popen_kwargs)


def stop_process(process, grace=1.0):
    """SIGTERM the process, SIGKILL it if still alive after grace seconds, and reap it."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def describe_exit(status):
    """A Popen returncode in words: 'exit status 3' or 'signal SIGSEGV'."""
    if status < 0:
        try:
            return f'signal {signal.Signals(-status).name}'
        except ValueError:
            return f'signal {-status}'
    return f'exit status {status}'


@dataclasses.dataclass
class Outcome:
    """How one Sandbox.invoke ended. kind: 'response', 'error', 'init_error', 'exited' or
    'timeout'; body: the payload, or the error JSON a caller of Lambda would see;
    exit_status: the bootstrap's returncode for 'exited'."""
    kind: str
    body: bytes
    content_type: str = 'application/json'
    exit_status: int = None


class Sandbox:
    """One function instance: a bootstrap process served by its own RuntimeApi.
    invoke() runs one event at a time, (re)starting the bootstrap when it is not running.
    report, when given, is called with a line of text about starts, exits and init errors."""

    def __init__(self, command, args=(), *, timeout=SANDBOX_TIMEOUT_SECONDS, extra_env=None,
                 report=None, **popen_kwargs):
        self.command = command
        self.args = args
        self.timeout = timeout
        self.extra_env = extra_env
        self.report = report
        self.popen_kwargs = {'process_group': 0, **popen_kwargs}  # Ctrl-C is ours to relay
        self.api = RuntimeApi()
        self.process = None
        self._lock = threading.Lock()
        self._init_errors_seen = 0

    def start(self):
        """Start the API and the bootstrap; returns self."""
        self.api.start()
        if self.report:
            self.api.on_init_error = self._report_init_error
        self._spawn()
        return self

    def stop(self):
        """Stop the bootstrap (SIGTERM, then SIGKILL after 1 s) and the API."""
        self._retire()
        self.api.stop()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def invoke(self, event):
        """Run one event (bytes) through the bootstrap and return its Outcome."""
        with self._lock:
            if self.process is None or self.process.poll() is not None:
                try:
                    self._spawn()
                except OSError as error:
                    return Outcome('exited', error_body('Runtime.ExitError', str(error)))
            invocation = self.api.submit(event, timeout_ms=round(self.timeout * 1000))
            outcome = self._await(invocation, self.process)
            if outcome.kind not in ('response', 'error'):
                self.api.cancel(invocation)
            if outcome.kind in ('timeout', 'init_error'):
                self._retire()
            return outcome

    def _spawn(self):
        self._init_errors_seen = len(self.api.init_errors)
        process = spawn_bootstrap(self.command, self.api.runtime_api, self.extra_env,
                                  self.args, **self.popen_kwargs)
        self.process = process
        if self.report:
            self.report(f'started bootstrap {self.command} (pid {process.pid})')
            threading.Thread(target=self._watch, args=(process,), daemon=True).start()

    def _retire(self):
        process, self.process = self.process, None
        if process is not None:
            stop_process(process)

    def _watch(self, process):
        status = process.wait()
        if process is self.process:
            self.report(f'bootstrap exited ({describe_exit(status)})')

    def _report_init_error(self, request):
        error_type = request.headers.get(ERROR_TYPE_HEADER, '(no error type)')
        self.report(f'init error {error_type}: {request.body.decode(errors="replace")}')

    def _await(self, invocation, process):
        deadline = time.monotonic() + self.timeout
        while True:
            result = invocation.wait(POLL_SECONDS)
            if result.kind == 'response' and result.stream_error():
                return Outcome('error', result.stream_error()[1])
            if result.kind == 'response':
                return Outcome('response', result.body,
                               result.headers.get('content-type', 'application/json'))
            if result.kind == 'error':
                return Outcome('error', result.body)
            if len(self.api.init_errors) > self._init_errors_seen:
                return Outcome('init_error', self.api.init_errors[-1].body)
            status = process.poll()
            if status is not None and invocation.wait(POLL_SECONDS).kind == 'none':
                message = f'Runtime exited with error: {describe_exit(status)}'
                return Outcome('exited', error_body('Runtime.ExitError', message),
                               exit_status=status)
            if time.monotonic() >= deadline:
                message = f'Task timed out after {self.timeout:.2f} seconds'
                return Outcome('timeout', error_body('Sandbox.Timedout', message))


FUNCTION_ERROR_FIELD = b'X-Amz-Function-Error: Unhandled\r\n'


def invocation_answer(outcome, close):
    """What the Lambda Invoke API answers for an Outcome: 200 with the payload; 200 with
    X-Amz-Function-Error: Unhandled for errors and timeouts; 502 when the runtime exited."""
    if outcome.kind == 'response':
        return http_response(200, outcome.body, outcome.content_type, close=close)
    if outcome.kind == 'exited':
        return http_response(502, outcome.body, close=close)
    return http_response(200, outcome.body, close=close, extra=FUNCTION_ERROR_FIELD)


class InvokeEndpoint(HttpServer):
    """The invocation endpoint of `rie`: each POST INVOKE_PATH runs its body through a
    Sandbox and answers like Lambda's Invoke API."""

    def __init__(self, sandbox, host='127.0.0.1', port=8080):
        super().__init__(host, port)
        self.sandbox = sandbox

    def handle(self, connection, request):
        """Answer one invocation request."""
        close = request.wants_close
        if request.method != 'POST' or request.path.partition('?')[0] != INVOKE_PATH:
            body = error_body('NotFound', f'POST {INVOKE_PATH} to invoke the function')
            connection.send(http_response(404, body, close=close))
        else:
            connection.send(invocation_answer(self.sandbox.invoke(request.body), close))
        return not close


def raise_keyboard_interrupt(signum, frame):
    """Signal handler turning SIGTERM into the same clean stop as Ctrl-C."""
    raise KeyboardInterrupt


def run_rie(options):
    """The `rie` command: serve invocations on options.host:options.port until interrupted."""
    command = options.command[1:] if options.command[:1] == ['--'] else options.command
    if not command:
        print('rie: missing BOOTSTRAP (usage: rie [options] -- BOOTSTRAP [ARGS...])',
              file=sys.stderr)
        return 2

    def report(message):
        print(f'rie: {message}', file=sys.stderr, flush=True)

    sandbox = Sandbox(command[0], command[1:], timeout=options.timeout, report=report)
    endpoint = InvokeEndpoint(sandbox, options.host, options.port)
    signal.signal(signal.SIGTERM, raise_keyboard_interrupt)
    try:
        with sandbox, endpoint:
            report(f'invoke with POST http://{endpoint.address}{INVOKE_PATH} '
                   f'(runtime API at {sandbox.api.runtime_api})')
            while True:
                signal.pause()
    except KeyboardInterrupt:
        report('stopped')
        return 0
    except OSError as error:
        report(f'cannot start: {error}')
        return 1


def main(argv=None):
    """Command line: `rie [--port 8080] [--host 127.0.0.1] [--timeout S] -- BOOTSTRAP ...`."""
    parser = argparse.ArgumentParser(prog='emulator.py', description=__doc__.splitlines()[0])
    modes = parser.add_subparsers(dest='mode', required=True)
    rie = modes.add_parser('rie', help='run a bootstrap behind a local invocation endpoint')
    rie.add_argument('--port', type=int, default=8080, help='invocation port (0: any)')
    rie.add_argument('--host', default='127.0.0.1', help='invocation address')
    rie.add_argument('--timeout', type=float, default=SANDBOX_TIMEOUT_SECONDS,
                     help='function timeout in seconds (default %(default)s)')
    rie.add_argument('command', nargs=argparse.REMAINDER, metavar='-- BOOTSTRAP [ARGS...]')
    return run_rie(parser.parse_args(argv))


if __name__ == '__main__':
    sys.exit(main())
