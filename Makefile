# make run   — install what is missing, build, start telemetryd with working defaults
# make test  — install what the tests need, build, run every test, check line coverage >= 80%
# make coverage — the tests, then an HTML coverage report in .build/coverage/
# make bench — install the peers, run the benchmark package, span overhead beside the
#              OpenTelemetry Go SDK, the HTTP load comparison, the OTLP ingest benchmark
#              and the metric-history comparison with Prometheus
# make fuzz  — build the libFuzzer harnesses and run each for FUZZ_SECONDS (default 60)

SWIFT ?= swift
ARGS ?=

.PHONY: run test coverage bench fuzz build embed deps-run deps-test deps-bench clean

# The dashboard's files are built into telemetryd: refresh that copy before every build.
embed:
	python3 scripts/embed-dashboards.py

run: deps-run embed
	$(SWIFT) build -c release --product telemetryd
	.build/release/telemetryd serve $(ARGS)

build: embed
	$(SWIFT) build

# Tests build with code coverage in their own scratch directory, so a developer's .build keeps
# its incremental state. The gate: line coverage of Sources/ (generated code excluded) >= 80%.
COVERAGE := --scratch-path .build-coverage --enable-code-coverage

test: deps-test embed
	scripts/vendor-uplot.sh --check
	$(SWIFT) build --build-tests $(COVERAGE)
	# Browser tests run on their own: Chromium takes both cores for seconds, which would
	# starve the timing-sensitive tests running beside it.
	$(SWIFT) test --skip-build $(COVERAGE) --skip Browser
	python3 scripts/coverage.py .build-coverage --minimum 80
	$(SWIFT) test --skip-build $(COVERAGE) --filter Browser

# The same tests, then llvm-cov's HTML report in .build/coverage/index.html.
coverage: deps-test embed
	$(SWIFT) build --build-tests $(COVERAGE)
	$(SWIFT) test --skip-build $(COVERAGE) --skip Browser
	python3 scripts/coverage.py .build-coverage --minimum 0 --html .build/coverage

bench: deps-bench
	# The span workloads compared with OpenTelemetry Go run once, in span-peers.sh.
	cd Benchmarks && $(SWIFT) package --disable-sandbox benchmark --no-progress --skip "$$(cat span-peers.workloads)"
	Benchmarks/span-peers.sh
	scripts/bench-http.sh
	Benchmarks/ingest-bench.sh
	Benchmarks/history-bench.sh
	Benchmarks/rules-bench.sh
	Benchmarks/notify-bench.sh
	Benchmarks/sse-bench.sh
	Benchmarks/trace-bench.sh

fuzz: deps-run
	scripts/fuzz.sh

deps-run:
	scripts/install-deps.sh run

deps-test:
	scripts/install-deps.sh test

deps-bench:
	scripts/install-deps.sh bench

clean:
	rm -rf .build .build-coverage Benchmarks/.build Tests/Fuzz/.build-fuzz
