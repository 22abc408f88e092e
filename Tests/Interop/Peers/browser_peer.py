"""What the dashboard's browser tests share: headless Chromium driven through Selenium (Debian's
chromium and chromium-driver), waiting for a condition in the page, the console's errors, and the
official OpenTelemetry Python SDK's providers exporting to telemetryd over OTLP/HTTP."""
import logging
import time

from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler
from opentelemetry.sdk._logs.export import SimpleLogRecordProcessor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from selenium import webdriver
from selenium.webdriver.chrome.service import Service


def start_chromium(window_size="1400,1000"):
    """Headless Chromium whose console is kept at every level, in a window of `window_size`."""
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", f"--window-size={window_size}"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def wait_for(description, check, fail, timeout, interval):
    """`check()`'s first truthy value within `timeout` seconds (an exception counts as not yet:
    the element may not exist yet); else `fail` with what was last seen."""
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        try:
            last = check()
            if last:
                return last
        except Exception as error:
            last = error
        time.sleep(interval)
    fail(f"timed out waiting for {description} (last: {last!r})")


def record_console_errors(driver, page, report, fail):
    """Adds the console's errors since the last read to `report["consoleErrors"]`, and fails on any."""
    entries = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    report["consoleErrors"] += [{"page": page, "message": entry["message"]} for entry in entries]
    if entries:
        fail(f"console errors on {page}: {entries}")


def sdk_providers(base, service, scope):
    """Tracer and logger providers of the official SDK for `service`, each span and record exported
    at once to `base`; returns them with a tracer and a Python logger writing through them."""
    resource = Resource.create({"service.name": service})
    tracer_provider = TracerProvider(resource=resource)
    tracer_provider.add_span_processor(SimpleSpanProcessor(OTLPSpanExporter(endpoint=base + "/v1/traces")))
    logger_provider = LoggerProvider(resource=resource)
    logger_provider.add_log_record_processor(SimpleLogRecordProcessor(OTLPLogExporter(endpoint=base + "/v1/logs")))
    logger = logging.getLogger(service)
    logger.addHandler(LoggingHandler(logger_provider=logger_provider))
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return tracer_provider, logger_provider, tracer_provider.get_tracer(scope), logger
