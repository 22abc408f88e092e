#!/usr/bin/env python3
"""A local Alertmanager stand-in for the notification benchmark: accepts POST /api/v2/alerts
and counts the alerts in each JSON array. GET /count answers the total.

Usage: receiver.py PORT
"""
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

total = 0
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        global total
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with lock:
            total += len(json.loads(body))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):
        with lock:
            data = str(total).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
