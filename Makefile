# Thin wrapper over Meson + Ninja.  Everything real lives in meson.build
# files and in tools/.  `make demo` and `make test` work on a fresh Debian
# machine as root: they install missing build dependencies first.

BUILD ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz

.PHONY: all deps build asan fuzz demo test unit clean format check

all: build

deps:
	@tools/install-deps

$(BUILD)/build.ninja:
	meson setup $(BUILD) --buildtype=debugoptimized -Dwerror=true

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

$(ASAN_BUILD)/build.ninja:
	CC=clang meson setup $(ASAN_BUILD) --buildtype=debug -Dwerror=true \
	    -Db_sanitize=address,undefined -Db_lundef=false -Dsanitize_strict=true

asan: deps $(ASAN_BUILD)/build.ninja
	ninja -C $(ASAN_BUILD)

$(FUZZ_BUILD)/build.ninja:
	CC=clang meson setup $(FUZZ_BUILD) --buildtype=debug -Dwerror=true \
	    -Db_sanitize=address,undefined -Db_lundef=false -Dsanitize_strict=true \
	    -Dfuzz=true

fuzz: deps $(FUZZ_BUILD)/build.ninja
	ninja -C $(FUZZ_BUILD)

demo: build
	tools/demo

test: build asan
	tools/run-tests

unit: build
	tools/run-tests --unit-only

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

check:
	tools/checkpatch

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
