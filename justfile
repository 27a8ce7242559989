# Developer recipes: `just <recipe>`.

# Format every crate.
fmt:
    cargo fmt --all

# Check formatting and lints as CI does.
lint:
    cargo fmt --all -- --check
    cargo clippy --workspace --all-targets -- -D warnings
    RUSTDOCFLAGS="-D warnings" cargo doc --no-deps -p feel-engine -p camunda-rest-connector

# The library crates' documentation, warnings as errors (as CI builds it).
doc:
    RUSTDOCFLAGS="-D warnings" cargo doc --no-deps -p feel-engine -p camunda-rest-connector

# The whole test suite.
test:
    cargo test --workspace

# Run the snapshot tests and accept every new or changed snapshot.
snap:
    INSTA_UPDATE=always cargo test -p conformance --test feel --test connector

# Run the DMN TCK and print its report (pass rate and failing cases).
tck:
    cargo test -p conformance --test tck -- --nocapture

# The example programs embedding each crate.
examples:
    cargo run -q -p embed-feel
    cargo run -q -p embed-connector

# Everything CI runs.
ci:
    .ci/run

# Run every variant of Camunda's official REST connector element templates and rewrite the table.
template-table:
    bash .ci/fetch-element-templates.sh
    UPDATE_TEMPLATE_TABLE=1 cargo test -p camunda-rest-connector --test element_templates -- --nocapture
