# The two set-up commands of the README: `make demo` and `make test`.
# Each installs what is missing (scripts/install-dependencies), then builds.
SWIFT ?= $(shell command -v swift 2>/dev/null || echo /opt/swift/usr/bin/swift)
CORDIAL = .build/release/cordial

.PHONY: demo test bench build dependencies clean

demo: build
	$(CORDIAL) run examples/hello.lua

test: dependencies
	$(SWIFT) test

bench: build
	$(CORDIAL) bench lua

build: dependencies
	$(SWIFT) build -c release --product cordial

dependencies:
	@scripts/install-dependencies

clean:
	rm -rf .build
