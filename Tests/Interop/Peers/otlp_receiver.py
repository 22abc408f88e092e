#!/usr/bin/env python3
"""An OTLP/HTTP trace receiver built on the official opentelemetry-proto package.

Usage: otlp_receiver.py EXPECTED_SPANS [TIMEOUT_SECONDS]

Listens on 127.0.0.1 on a free port and prints "port N" on the first line. Decodes every
POST /v1/traces (protobuf or OTLP/JSON, optionally gzip) with the generated classes of
opentelemetry-proto and answers 200 with an empty ExportTraceServiceResponse. Once EXPECTED_SPANS
spans have arrived (or the timeout passes) it prints one JSON document describing what it
decoded and exits.

OTLP/JSON writes trace and span ids as hex where proto3 JSON expects base64, so ids are
rewritten before google.protobuf.json_format parses the body, as the OTLP spec tells receivers.
"""
import base64
import gzip
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

from google.protobuf import json_format
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)

from otlp_values import describe_span

ID_KEYS = {"traceId", "spanId", "parentSpanId"}
expected = int(sys.argv[1])
timeout = float(sys.argv[2]) if len(sys.argv) > 2 else 60
spans = []
requests = []
done = threading.Event()
lock = threading.Lock()


def hex_ids_to_base64(node):
    if isinstance(node, dict):
        return {
            key: base64.b64encode(bytes.fromhex(value)).decode()
            if key in ID_KEYS and isinstance(value, str) and value
            else hex_ids_to_base64(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [hex_ids_to_base64(item) for item in node]
    return node


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        content_type = self.headers.get("Content-Type", "")
        request = ExportTraceServiceRequest()
        if content_type.startswith("application/json"):
            json_format.Parse(json.dumps(hex_ids_to_base64(json.loads(body))), request, ignore_unknown_fields=True)
        else:
            request.ParseFromString(body)
        with lock:
            requests.append({"contentType": content_type, "encoding": self.headers.get("Content-Encoding", "")})
            for resource_spans in request.resource_spans:
                for scope_spans in resource_spans.scope_spans:
                    for span in scope_spans.spans:
                        spans.append(describe_span(span, resource_spans.resource, scope_spans.scope))
            if len(spans) >= expected:
                done.set()
        answer = ExportTraceServiceResponse()
        if content_type.startswith("application/json"):
            payload, answer_type = json_format.MessageToJson(answer).encode(), "application/json"
        else:
            payload, answer_type = answer.SerializeToString(), "application/x-protobuf"
        self.send_response(200)
        self.send_header("Content-Type", answer_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


server = HTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
print(f"port {server.server_address[1]}", flush=True)
done.wait(timeout)
server.shutdown()
print(json.dumps({"requests": requests, "spans": spans}), flush=True)
