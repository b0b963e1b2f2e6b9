GO ?= go

# teststack is built rather than `go run`, because `go run` turns every failing exit code into 1.
CACHE_DIR := $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/dundian
TESTSTACK := $(CACHE_DIR)/teststack

.PHONY: test
## test: every test of the workspace against one embedded stack, then the embedded stack's own
## tests (its module is outside go.work); both always run, and either failing fails the target
test: $(TESTSTACK)
	@status=0; \
	$(TESTSTACK) -- $(GO) test -count=1 work || status=$$?; \
	echo "== tools/embedded (outside go.work)"; \
	(cd tools/embedded && GOWORK=off $(GO) test -count=1 ./...) || status=$$?; \
	exit $$status

# Always relinked: go build is quick when nothing changed, and make cannot see Go dependencies.
.PHONY: $(TESTSTACK)
$(TESTSTACK):
	@$(GO) build -o $@ ./tools/teststack
