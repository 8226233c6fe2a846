# iscsi-bench — top-level build (GNU make).
#
#   make            build everything into build/ (binaries in build/bin/)
#   make test       install missing deps, build, run every test
#   make SAN=1 test the same with ASan+UBSan (objects in build/san/)
#   make bench      run the benchmarks in bench/
#   make fuzz       build the libFuzzer harnesses (clang) into build/fuzz/
#   make deps       install the Debian packages the project needs (idempotent)
#   make demo       install missing deps, build and run the main job

CC      ?= cc
ifeq ($(origin CC),default)
CC      := cc
endif
SAN     ?= 0
V       ?= 0

ifeq ($(SAN),1)
BUILD   := build/san
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
OPT     := -O1
else
BUILD   := build
SANFLAGS :=
OPT     := -O2
endif

BIN     := $(BUILD)/bin
OBJ     := $(BUILD)/obj

CPPFLAGS += -D_GNU_SOURCE -Iproto -Iinitiator -Itarget-sim -Iharness
# -Wno-format-truncation: messages are cut to their buffers on purpose
CFLAGS  += -std=c11 $(OPT) -g -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wno-missing-field-initializers -Wno-format-truncation $(SANFLAGS)
LDFLAGS += $(SANFLAGS)
LDLIBS  += -lyaml -lpcap -lssl -lcrypto -lm

# The ns-3 link shim (harness/*.cc, C++) is built when the ns-3 headers are
# installed (libns3-dev) into a plugin, build/bin/iscsi-bench-ns3.so, which
# iscsi-bench loads (dlopen) only when a command needs the ns-3 link; without
# it the ns3 mode reports itself missing.  No program links ns-3 itself, so
# none pays its start-up cost.
CXX     ?= g++
ifeq ($(origin CXX),default)
CXX     := g++
endif
CXXFLAGS += -std=c++17 $(OPT) -g -Wall -Wextra -Werror $(SANFLAGS)
NS3_SRC  := $(if $(wildcard /usr/include/ns3/fd-net-device.h),$(sort $(wildcard harness/*.cc)))
NS3_LIBS := $(if $(NS3_SRC),-lns3-fd-net-device -lns3-bridge -lns3-network -lns3-core -lstdc++ -lpthread)

# ---- sources ----------------------------------------------------------------
PROTO_SRC     := $(sort $(wildcard proto/*.c))
INITIATOR_LIB := $(filter-out initiator/main.c,$(sort $(wildcard initiator/*.c)))
TARGET_LIB    := $(filter-out target-sim/main.c,$(sort $(wildcard target-sim/*.c)))
HARNESS_LIB   := $(filter-out harness/main.c,$(sort $(wildcard harness/*.c)))
UNIT_SRC      := $(sort $(wildcard tests/unit/*.c))
BENCH_SRC     := $(sort $(wildcard bench/*.c))
FUZZ_SRC      := $(sort $(wildcard tests/fuzz/fuzz_*.c))

obj = $(patsubst %.c,$(OBJ)/%.o,$(1))
# the plugin: the shim plus the C it calls, position-independent
NS3_PIC_OBJ := $(if $(NS3_SRC),$(patsubst %.cc,$(OBJ)/pic/%.o,$(NS3_SRC)) \
	$(OBJ)/pic/harness/ns3link_cmd.o $(OBJ)/pic/harness/errbuf.o)
NS3_SO := $(if $(NS3_SRC),$(BUILD)/bin/iscsi-bench-ns3.so)

LIBPROTO     := $(BUILD)/lib/libproto.a
LIBINITIATOR := $(BUILD)/lib/libinitiator.a
LIBTARGET    := $(BUILD)/lib/libtargetsim.a
LIBHARNESS   := $(BUILD)/lib/libharness.a

PROGS := $(BIN)/iscsi-bench $(BIN)/iscsi-target-sim $(BIN)/iscsi-initiator $(NS3_SO)
TESTS := $(BIN)/unit-tests
BENCHES := $(patsubst bench/%.c,$(BIN)/%,$(BENCH_SRC))

.PHONY: all test unit clitest suite bench fuzz deps demo clean
all: $(PROGS) $(TESTS) $(BENCHES)

ifeq ($(V),1)
Q :=
else
Q := @
endif

$(OBJ)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

$(OBJ)/%.o: %.cc
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CXX     $<")
	$(Q)$(CXX) $(CPPFLAGS) $(CXXFLAGS) -MMD -MP -c $< -o $@

$(OBJ)/pic/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $< (pic)")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -fPIC -MMD -MP -c $< -o $@

$(OBJ)/pic/%.o: %.cc
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CXX     $< (pic)")
	$(Q)$(CXX) $(CPPFLAGS) $(CXXFLAGS) -fPIC -MMD -MP -c $< -o $@

define archive
	@mkdir -p $(dir $@)
	@rm -f $@
	$(Q)ar rcs $@ $^
endef

$(LIBPROTO): $(call obj,$(PROTO_SRC)) ; $(archive)
$(LIBINITIATOR): $(call obj,$(INITIATOR_LIB)) ; $(archive)
$(LIBTARGET): $(call obj,$(TARGET_LIB)) ; $(archive)
$(LIBHARNESS): $(call obj,$(HARNESS_LIB)) ; $(archive)

$(BIN)/iscsi-initiator: $(call obj,initiator/main.c) $(LIBINITIATOR) $(LIBPROTO)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BIN)/iscsi-target-sim: $(call obj,target-sim/main.c) $(LIBTARGET) $(LIBPROTO)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BIN)/iscsi-bench: $(call obj,harness/main.c) $(LIBHARNESS) $(LIBINITIATOR) $(LIBTARGET) $(LIBPROTO)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -ldl

$(NS3_SO): $(NS3_PIC_OBJ)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CXX) $(LDFLAGS) -shared -o $@ $^ $(NS3_LIBS)

$(BIN)/unit-tests: $(call obj,$(UNIT_SRC)) $(LIBHARNESS) $(LIBINITIATOR) $(LIBTARGET) $(LIBPROTO)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcunit

$(BIN)/bench_%: $(OBJ)/bench/bench_%.o $(LIBINITIATOR) $(LIBTARGET) $(LIBPROTO)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# ---- tests ------------------------------------------------------------------
# TESTFILTER selects unit tests by fnmatch on Family.Suite.Test, e.g.
#   make test TESTFILTER='proto.crc32c.*'
TESTFILTER ?=
unit: deps-quiet $(TESTS)
	@mkdir -p $(BUILD)/test-results
	$(BIN)/unit-tests --xml $(BUILD)/test-results/unit.xml $(TESTFILTER)

clitest: deps-quiet $(PROGS)
	BIN=$(BIN) tests/cli/run-all.sh

# The scenario suite.  NET=auto (default) runs it over the ns-3 link when it
# can (root, ns-3, /dev/net/tun) and on loopback otherwise (the link-fault
# scenarios are then skipped, with the reason); NET=loopback or NET=ns3 force.
NET ?= auto
suite: deps-quiet $(PROGS)
	@mkdir -p $(BUILD)/test-results
	$(BIN)/iscsi-bench run -j 2 --net $(NET) --junit $(BUILD)/test-results/suite.xml \
	    --html $(BUILD)/report scenarios

# the suite runs after the other tests, not beside them: it measures time
test: unit clitest
	@$(MAKE) --no-print-directory suite

# ---- benchmarks, fuzzing, deps, demo ----------------------------------------
bench: deps-quiet $(BENCHES) $(PROGS)
	BIN=$(BIN) bench/run.sh

FUZZ_CC ?= clang
FUZZ_FLAGS := -std=c11 -g -O1 -D_GNU_SOURCE -Iproto -fsanitize=fuzzer,address,undefined
fuzz: $(patsubst tests/fuzz/%.c,build/fuzz/%,$(FUZZ_SRC))
# fuzzers #include the harness / target-sim sources they drive: rebuild on change
FUZZ_DEPS := $(wildcard proto/*.h harness/*.c harness/*.h target-sim/*.c target-sim/*.h)
build/fuzz/%: tests/fuzz/%.c $(PROTO_SRC) $(FUZZ_DEPS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(PROTO_SRC) $(LDLIBS)

deps:
	scripts/install-deps.sh

deps-quiet:
	@scripts/install-deps.sh --quiet

demo: deps-quiet $(PROGS)
	BIN=$(BIN) scripts/demo.sh

clean:
	rm -rf build

.PHONY: deps-quiet
-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
