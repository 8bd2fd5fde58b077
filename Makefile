# The two set-up commands of the README: `make demo` and `make test`.
# Each installs what is missing (scripts/install-dependencies), then builds.
SWIFT ?= $(shell command -v swift 2>/dev/null || echo /opt/swift/usr/bin/swift)
CORDIAL = .build/release/cordial
CORDIAL_BENCH = .build/release/cordial-bench

.PHONY: demo test bench fuzz build dependencies clean

DEMO_DB = .build/demo.sqlite

# The demo organisation: 1,000 customers in Vietnamese, Chinese and English with their
# purchase histories, imported into a fresh store, listed; the shipped plugins checked and
# tested; the value models fitted; the segments run as of a date after the demo's
# purchases (care-priority reads the fit); a birthday campaign planned (with its letters as
# they will be sent), approved, applied and reported; the letters linted and the outbox
# listed; the quarterly visit programme for the most valuable customers planned across the
# demo's account managers, applied and exported as a calendar; a complaint handled step by step (the ground-services plugin's hooks route it and,
# once it is resolved, send the apology and plan the callback), demo feedback imported and
# analysed, late clocks escalated; then example scripts.
demo: build
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(CORDIAL) demo generate --customers 1000 --seed 42 --output .build/demo-customers.csv --purchases .build/demo-purchases.csv --feedback .build/demo-feedback.csv --staff .build/demo-staff.csv
	$(CORDIAL) init --db $(DEMO_DB)
	$(CORDIAL) import customers .build/demo-customers.csv --source demo --db $(DEMO_DB)
	$(CORDIAL) import transactions .build/demo-purchases.csv --source demo --currency VND --db $(DEMO_DB)
	$(CORDIAL) customers list --limit 8 --db $(DEMO_DB)
	$(CORDIAL) plugins check
	$(CORDIAL) plugins test
	$(CORDIAL) value fit --until 2024-12-31 --unit week --db $(DEMO_DB)
	$(CORDIAL) value report --top 5 --db $(DEMO_DB)
	$(CORDIAL) segments run --as-of 2025-01-15 --workers 2 --db $(DEMO_DB)
	$(CORDIAL) segments show lifecycle --at 2025-01-15 --db $(DEMO_DB)
	$(CORDIAL) catalog import examples/gift-catalog.csv --db $(DEMO_DB)
	$(CORDIAL) staff add "Lê Thu Hà" --role marketing-lead --db $(DEMO_DB)
	$(CORDIAL) campaigns plan birthday-gifts --from 2025-02-01 --to 2025-04-30 --db $(DEMO_DB)
	$(CORDIAL) campaigns approve 1 --by "Lê Thu Hà" --db $(DEMO_DB)
	$(CORDIAL) campaigns apply 1 --db $(DEMO_DB)
	$(CORDIAL) campaigns report 1 --db $(DEMO_DB)
	$(CORDIAL) letters lint --db $(DEMO_DB)
	$(CORDIAL) outbox list --limit 5 --db $(DEMO_DB)
	$(CORDIAL) staff add "Phạm Thu Trang" --role agent --db $(DEMO_DB)
	$(CORDIAL) staff import .build/demo-staff.csv --db $(DEMO_DB)
	$(CORDIAL) staff list --role account-manager --db $(DEMO_DB)
	$(CORDIAL) campaigns plan quarterly-visits --from 2025-04-01 --to 2025-04-01 --db $(DEMO_DB)
	$(CORDIAL) campaigns apply 2 --db $(DEMO_DB)
	$(CORDIAL) visits list --staff S0001 --from 2025-04-01 --to 2025-04-30 --db $(DEMO_DB)
	$(CORDIAL) visits outcome 2 done --notes "demo: the customer asked about an upgrade" --by S0001 --db $(DEMO_DB)
	$(CORDIAL) staff calendar S0001 --from 2025-04-01 --to 2025-06-30 --time-zone Asia/Ho_Chi_Minh -o .build/demo-S0001.ics --db $(DEMO_DB)
	$(CORDIAL) feedback add --customer demo:D0000001 --channel phone --kind complaint --category baggage/delayed --text "Hành lý của tôi đến trễ hai ngày mà không ai báo trước." --language vi --by "Phạm Thu Trang" --db $(DEMO_DB)
	for step in acknowledged investigating solution-proposed agreed resolved; do \
	  $(CORDIAL) feedback update FB-1 --status $$step --note "demo: $$step" --by "Phạm Thu Trang" --db $(DEMO_DB) || exit 1; \
	done
	$(CORDIAL) feedback show FB-1 --db $(DEMO_DB)
	$(CORDIAL) import feedback .build/demo-feedback.csv --source demo-desk --customer-source demo --db $(DEMO_DB)
	$(CORDIAL) feedback list --limit 5 --db $(DEMO_DB)
	$(CORDIAL) feedback report --kind complaint --segment lifecycle --pareto .build/demo-pareto.svg --db $(DEMO_DB)
	$(CORDIAL) feedback breaches --at 2024-12-31T03:00:00Z --limit 5 --db $(DEMO_DB)
	$(CORDIAL) feedback hooks --at 2024-12-31T03:00:00Z --db $(DEMO_DB)
	$(CORDIAL) run examples/hello.lua
	$(CORDIAL) run --db $(DEMO_DB) examples/top-customers.lua rfm champions

# The tests, PostgreSQL's among them on a throw-away loopback server (scripts/run-tests).
test: dependencies
	SWIFT=$(SWIFT) scripts/run-tests

BENCH_CSV = .build/bench-customers-1m.csv
BENCH_DB = .build/bench-1m.sqlite
BENCH_PURCHASES = .build/bench-purchases-1m.csv

CDNOW_DB = .build/cdnow-master.sqlite
LIFETIMES_PYTHON = .build/lifetimes-venv/bin/python
CHEVRON_PYTHON = .build/chevron-venv/bin/python

# docs/benchmarks.md: the Lua host, then a million demo customers imported (into SQLite and
# into PostgreSQL on a throw-away server of its own, port 55433), scanned and segmented (on
# SQLite, then copied into PostgreSQL with `cordial store copy` and segmented there); a
# birthday campaign planned over the million and applied against sqlite3's INSERTs;
# customer value on CDNOW and the million against Python's lifetimes package; the quarterly
# visit programme for the million's 10,000 most valuable, planned, against the greedy pass.
bench: build
	$(SWIFT) build -c release --product cordial-bench
	$(CORDIAL_BENCH) lua
	test -f $(BENCH_PURCHASES) || $(CORDIAL) demo generate --customers 1000000 --seed 42 --output $(BENCH_CSV) --purchases $(BENCH_PURCHASES)
	url=$$(CORDIAL_TEST_POSTGRES_PORT=55433 scripts/test-postgres start) && $(CORDIAL_BENCH) import $(BENCH_CSV) --purchases $(BENCH_PURCHASES) --postgres "$$url"; \
	  status=$$?; CORDIAL_TEST_POSTGRES_PORT=55433 scripts/test-postgres stop; exit $$status
	rm -f $(BENCH_DB) $(BENCH_DB)-wal $(BENCH_DB)-shm
	$(CORDIAL) init --db $(BENCH_DB)
	$(CORDIAL) import customers $(BENCH_CSV) --source demo --db $(BENCH_DB)
	$(CORDIAL_BENCH) scan --db $(BENCH_DB)
	$(CORDIAL) import transactions $(BENCH_PURCHASES) --source demo --currency VND --db $(BENCH_DB)
	url=$$(CORDIAL_TEST_POSTGRES_PORT=55433 scripts/test-postgres start) && $(CORDIAL_BENCH) segments --db $(BENCH_DB) --postgres "$$url"; \
	  status=$$?; CORDIAL_TEST_POSTGRES_PORT=55433 scripts/test-postgres stop; exit $$status
	$(CORDIAL_BENCH) campaigns --db $(BENCH_DB)
	test -x $(CHEVRON_PYTHON) || (python3 -m venv .build/chevron-venv && .build/chevron-venv/bin/pip install --quiet chevron==0.14.0)
	$(CORDIAL_BENCH) letters --python $(CHEVRON_PYTHON)
	$(CORDIAL_BENCH) feedback
	$(CORDIAL_BENCH) visits
	test -x $(LIFETIMES_PYTHON) || (python3 -m venv .build/lifetimes-venv && .build/lifetimes-venv/bin/pip install --quiet lifetimes==0.11.3)
	rm -f $(CDNOW_DB) $(CDNOW_DB)-wal $(CDNOW_DB)-shm
	$(CORDIAL) init --db $(CDNOW_DB)
	$(CORDIAL) import transactions ../shared/data/cdnow/CDNOW_master.txt --format cdnow --db $(CDNOW_DB)
	$(CORDIAL_BENCH) value --db $(CDNOW_DB) --until 1997-09-30 --unit week --python $(LIFETIMES_PYTHON)
	$(CORDIAL_BENCH) value --db $(BENCH_DB) --until 2024-12-31 --unit week --python $(LIFETIMES_PYTHON)
	$(CORDIAL) value fit --until 2024-12-31 --unit week --db $(BENCH_DB)
	$(CORDIAL_BENCH) visit-plan --db $(BENCH_DB)
	$(CORDIAL_BENCH) visit-plan --db $(BENCH_DB) --per-week 4

# docs/security.md: each libFuzzer target for FUZZ_SECONDS (default 600), FUZZ_JOBS at a time.
fuzz: dependencies
	SWIFT=$(SWIFT) scripts/fuzz

build: dependencies
	$(SWIFT) build -c release --product cordial

dependencies:
	@scripts/install-dependencies

clean:
	rm -rf .build .build-fuzz
